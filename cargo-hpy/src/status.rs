//! Progress and warning messages, on stderr in cargo's style (stdout carries only the
//! paths of produced files, so scripts and the PEP 517 backend can read them).

/// Prints `    Verb message` (the verb right-aligned like cargo's).
pub fn step(verb: &str, msg: &str) {
    eprintln!("{verb:>12} {msg}");
}

/// Prints `warning: message`.
pub fn warn(msg: &str) {
    eprintln!("warning: {msg}");
}
