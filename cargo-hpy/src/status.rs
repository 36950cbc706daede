//! Progress, warning and error messages, on stderr in cargo's style (stdout carries only
//! the paths of produced files, so scripts and the PEP 517 backend can read them).
//!
//! A failure is reported as exactly one `error: ...` line, optionally followed by
//! `hint: ...` lines: [`render_error`] joins an error's chain of causes into that line.

use std::io::Write;

/// Prints `    Verb message` (the verb right-aligned like cargo's).
pub fn step(verb: &str, msg: &str) {
    eprint_line(&format!("{verb:>12} {msg}"));
}

/// Prints `warning: message`.
pub fn warn(msg: &str) {
    eprint_line(&format!("warning: {msg}"));
}

/// Prints `note: message` (information, not a problem).
pub fn note(msg: &str) {
    eprint_line(&format!("note: {msg}"));
}

/// Writes one line to stderr, ignoring a closed stderr (`eprintln!` would panic).
pub fn eprint_line(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The text printed for a failed command: `error: <message>: <cause>: ...` on one line,
/// then the `hint: ...` lines of every level of the chain.
///
/// A message's first line is its summary; its later lines are hints when they start
/// with `hint:`, and are otherwise folded into the summary (so an error quoted from another
/// tool never spreads over several lines).
pub fn render_error(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut hints: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let mut summary: Vec<&str> = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.strip_prefix("hint:") {
                Some(hint) => hints.push(format!("hint: {}", hint.trim())),
                None => summary.push(line),
            }
        }
        let summary = summary.join(" ");
        // anyhow's `context` on an error that already says the same (io errors do not).
        if !summary.is_empty() && parts.last() != Some(&summary) {
            parts.push(summary);
        }
    }
    let mut out = format!("error: {}", parts.join(": "));
    for h in hints {
        out.push('\n');
        out.push_str(&h);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn one_error_line_then_hints() {
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = Err::<(), _>(io)
            .context("cannot create `/x/out`\nhint: pass --out DIR")
            .context("cannot package demo")
            .unwrap_err();
        assert_eq!(
            render_error(&e),
            "error: cannot package demo: cannot create `/x/out`: permission denied\n\
             hint: pass --out DIR"
        );
    }

    #[test]
    fn quoted_multi_line_text_is_folded() {
        let e = anyhow::anyhow!("cargo says:\n  first\n\n  second\nhint:  try again  ");
        assert_eq!(
            render_error(&e),
            "error: cargo says: first second\nhint: try again"
        );
    }
}
