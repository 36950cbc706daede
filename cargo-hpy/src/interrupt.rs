//! Interrupts: on SIGINT, SIGTERM or SIGHUP, cargo-hpy stops the child processes it waits
//! for (cargo, pip), removes every partial output it registered, prints one `error:` line
//! and ends by the same signal (so a shell or pip sees an interrupted process).
//!
//! Partial outputs are [`Partial`] paths: removed on an interrupt, and when dropped unless
//! they were [`Partial::persist`]ed (renamed into place) or [`Partial::keep`]t. The rename
//! and the removal take the same lock, so an output is either complete under its final
//! name or gone. SIGKILL cannot be caught: what it leaves is a `.<name>.<pid>.tmp` file,
//! which the next run removes (see `output.rs`).

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::status;

/// How a partial output is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A file.
    File,
    /// A folder cargo-hpy created, removed only if it is empty (its files go first).
    EmptyDir,
    /// A folder and everything in it (a project being created).
    Tree,
}

struct Registry {
    next_id: u64,
    partial: Vec<(u64, PathBuf, Kind)>,
    children: Vec<(u64, Child)>,
}

impl Registry {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    next_id: 0,
    partial: Vec::new(),
    children: Vec::new(),
});

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

fn remove(path: &Path, kind: Kind) -> bool {
    match kind {
        Kind::File => std::fs::remove_file(path).is_ok(),
        Kind::EmptyDir => std::fs::remove_dir(path).is_ok(),
        Kind::Tree => std::fs::remove_dir_all(path).is_ok(),
    }
}

fn signal_name(signal: i32) -> String {
    match signal {
        SIGINT => "SIGINT".to_owned(),
        SIGTERM => "SIGTERM".to_owned(),
        SIGHUP => "SIGHUP".to_owned(),
        other => format!("signal {other}"),
    }
}

/// Set by the signal handler itself, as soon as a signal arrives (the thread that cleans
/// up may run a little later).
static INTERRUPTED: OnceLock<Arc<AtomicBool>> = OnceLock::new();

fn interrupted() -> bool {
    INTERRUPTED
        .get()
        .is_some_and(|flag| flag.load(Ordering::SeqCst))
}

/// Starts the thread that handles SIGINT, SIGTERM and SIGHUP for the rest of the run.
pub fn install() -> Result<()> {
    const SIGNALS: [i32; 3] = [SIGINT, SIGTERM, SIGHUP];
    let flag = INTERRUPTED.get_or_init(|| Arc::new(AtomicBool::new(false)));
    for signal in SIGNALS {
        signal_hook::flag::register(signal, flag.clone())
            .context("cannot install the signal handlers")?;
    }
    let mut signals = Signals::new(SIGNALS).context("cannot install the signal handlers")?;
    std::thread::Builder::new()
        .name("cargo-hpy-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                on_signal(signal);
            }
        })
        .context("cannot start the signal thread")?;
    Ok(())
}

fn on_signal(signal: i32) -> ! {
    // Held until the process ends: no output is renamed and no child started after this.
    let mut reg = registry();
    for (_, child) in &mut reg.children {
        let _ = child.kill();
        let _ = child.wait();
    }
    let removed = reg
        .partial
        .iter()
        .rev()
        .filter(|(_, path, kind)| remove(path, *kind))
        .count();
    status::eprint_line(&format!(
        "error: interrupted by {}{}",
        signal_name(signal),
        if removed > 0 {
            "; the partial output was removed"
        } else {
            ""
        }
    ));
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal)
}

/// A path that is removed on an interrupt or when dropped, unless persisted or kept.
#[derive(Debug)]
pub struct Partial {
    id: u64,
    path: PathBuf,
    kind: Kind,
    armed: bool,
}

impl Partial {
    /// Registers `path` (which may not exist yet).
    pub fn new(path: PathBuf, kind: Kind) -> Partial {
        let id = {
            let mut reg = registry();
            let id = reg.id();
            reg.partial.push((id, path.clone(), kind));
            id
        };
        Partial {
            id,
            path,
            kind,
            armed: true,
        }
    }

    /// The registered path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the path to `dest`, which is then complete: no longer removed.
    pub fn persist(mut self, dest: &Path) -> io::Result<()> {
        let mut reg = registry();
        if let Err(e) = std::fs::rename(&self.path, dest) {
            drop(reg);
            return Err(e); // `self` is dropped: the temporary path is removed.
        }
        reg.partial.retain(|(id, _, _)| *id != self.id);
        self.armed = false;
        Ok(())
    }

    /// Renames the path to `dest`, which stays registered (removed on an interrupt or drop)
    /// until [`Partial::keep`]: a step of a larger output, such as `cargo hpy init`'s files.
    pub fn persist_partial(mut self, dest: &Path) -> io::Result<Partial> {
        let mut reg = registry();
        if let Err(e) = std::fs::rename(&self.path, dest) {
            drop(reg);
            return Err(e);
        }
        for entry in reg.partial.iter_mut().filter(|(id, _, _)| *id == self.id) {
            entry.1 = dest.to_owned();
        }
        drop(reg);
        self.path = dest.to_owned();
        Ok(self)
    }

    /// The path is complete where it is: no longer removed.
    pub fn keep(mut self) {
        registry().partial.retain(|(id, _, _)| *id != self.id);
        self.armed = false;
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if self.armed {
            let mut reg = registry();
            remove(&self.path, self.kind);
            reg.partial.retain(|(id, _, _)| *id != self.id);
        }
    }
}

/// Partial paths that are removed together, newest first (a file before the folder that
/// holds it), when dropped or on an interrupt, unless [`Rollback::keep`] is called.
#[derive(Debug, Default)]
pub struct Rollback(Vec<Partial>);

impl Rollback {
    /// Adds a path, created after the ones already there.
    pub fn push(&mut self, partial: Partial) {
        self.0.push(partial);
    }

    /// Every path is complete: none is removed.
    pub fn keep(mut self) {
        for p in self.0.drain(..) {
            p.keep();
        }
    }
}

impl Drop for Rollback {
    fn drop(&mut self) {
        while let Some(p) = self.0.pop() {
            drop(p);
        }
    }
}

/// A child process that an interrupt stops; it is killed when dropped before it ended.
#[derive(Debug)]
pub struct Supervised {
    id: u64,
    done: bool,
}

/// Starts `cmd`; returns the child's piped stdout, if `cmd` asked for one.
pub fn spawn(cmd: &mut Command) -> io::Result<(Supervised, Option<ChildStdout>)> {
    // Locked before the spawn, so that an interrupt cannot miss the child.
    let mut reg = registry();
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take();
    let id = reg.id();
    reg.children.push((id, child));
    Ok((Supervised { id, done: false }, stdout))
}

impl Supervised {
    /// Waits for the child to end.
    pub fn wait(&mut self) -> io::Result<ExitStatus> {
        loop {
            {
                let mut reg = registry();
                let index = reg
                    .children
                    .iter()
                    .position(|(id, _)| *id == self.id)
                    .ok_or_else(|| io::Error::other("the child process was already waited for"))?;
                if let Some(status) = reg.children[index].1.try_wait()? {
                    reg.children.remove(index);
                    self.done = true;
                    drop(reg);
                    // A terminal's Ctrl-C reaches the child too: leave the report to the
                    // signal thread, which ends the process, rather than a second error.
                    while interrupted() {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    return Ok(status);
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        if !self.done {
            let mut reg = registry();
            if let Some(index) = reg.children.iter().position(|(id, _)| *id == self.id) {
                let (_, mut child) = reg.children.remove(index);
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cargo-hpy-interrupt-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn registered(path: &Path) -> bool {
        registry().partial.iter().any(|(_, p, _)| p == path)
    }

    #[test]
    fn dropped_partials_are_removed_persisted_ones_stay() {
        let dir = scratch("partial");
        let tmp = dir.join(".out.tmp");
        let p = Partial::new(tmp.clone(), Kind::File);
        std::fs::write(&tmp, b"half").unwrap();
        assert!(registered(&tmp));
        drop(p);
        assert!(!tmp.exists() && !registered(&tmp));

        let p = Partial::new(tmp.clone(), Kind::File);
        std::fs::write(&tmp, b"all").unwrap();
        p.persist(&dir.join("out")).unwrap();
        assert_eq!(std::fs::read(dir.join("out")).unwrap(), b"all");
        assert!(!registered(&tmp) && !registered(&dir.join("out")));

        // A failed rename leaves the temporary file registered, and dropping removes it.
        let p = Partial::new(tmp.clone(), Kind::File);
        std::fs::write(&tmp, b"x").unwrap();
        assert!(p.persist(&dir.join("missing").join("out")).is_err());
        assert!(!tmp.exists() && !registered(&tmp));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn partial_steps_roll_back_until_kept() {
        let dir = scratch("steps");
        let sub = Partial::new(dir.join("sub"), Kind::EmptyDir);
        std::fs::create_dir(sub.path()).unwrap();
        let tmp = Partial::new(dir.join("sub/.f.tmp"), Kind::File);
        std::fs::write(tmp.path(), b"f").unwrap();
        let f = tmp.persist_partial(&dir.join("sub/f")).unwrap();
        assert!(registered(&dir.join("sub/f")));
        drop(f);
        drop(sub);
        assert!(!dir.join("sub").exists());

        let f = Partial::new(dir.join("g"), Kind::File);
        std::fs::write(f.path(), b"g").unwrap();
        f.keep();
        assert!(dir.join("g").exists() && !registered(&dir.join("g")));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn supervised_children_are_waited_for_or_killed() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "exit 3"]);
        let (mut child, out) = spawn(&mut cmd).unwrap();
        assert!(out.is_none());
        assert_eq!(child.wait().unwrap().code(), Some(3));

        let (child, _) = spawn(Command::new("sleep").arg("60")).unwrap();
        let id = child.id;
        let start = std::time::Instant::now();
        drop(child);
        assert!(start.elapsed() < Duration::from_secs(30));
        assert!(!registry().children.iter().any(|(i, _)| *i == id));
    }
}
