//! Writing outputs so that nothing half-written ever sits in an output folder.
//!
//! An output `<dir>/<name>` is written to `<dir>/.<name>.<pid>.tmp` and renamed to `<name>`
//! only when complete (after an fsync). An error or an interrupt (SIGINT, SIGTERM, SIGHUP;
//! see `interrupt.rs`) removes the temporary file. SIGKILL leaves it behind: the next run
//! that writes `<name>` removes the temporary files of processes that no longer exist.
//!
//! [`prepare_dir`] checks that a folder can be written before the long steps (cargo), so an
//! unwritable output folder fails in a second rather than after the build.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};

use crate::interrupt::{Kind, Partial};

/// The temporary name of `dest` for this process: `.<name>.<pid>.tmp`, in the same folder
/// (so the final rename stays on one file system).
pub fn temp_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Whether process `pid` exists (on a system without `/proc`, every process does).
fn pid_alive(pid: u32) -> bool {
    !Path::new("/proc/self").exists() || Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes the temporary files (or folders) of `dest` left by killed runs.
pub fn remove_stale(dest: &Path) {
    let (Some(dir), Some(name)) = (dest.parent(), dest.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(items) = std::fs::read_dir(dir) else {
        return;
    };
    for item in items.flatten() {
        let file_name = item.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !pid_alive(pid) {
            let path = item.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}

/// Creates `dir` if needed and checks that files can be created in it.
pub fn prepare_dir(dir: &Path, what: &str) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {what} `{}`", dir.display()))?;
    if !dir.is_dir() {
        return Err(anyhow!("{what} `{}` is not a folder", dir.display()));
    }
    let probe = temp_path(&dir.join(".cargo-hpy-probe"));
    File::create(&probe).with_context(|| format!("cannot write to {what} `{}`", dir.display()))?;
    std::fs::remove_file(&probe)
        .with_context(|| format!("cannot write to {what} `{}`", dir.display()))?;
    Ok(())
}

/// A file being written to its temporary name; [`StagedFile::commit`] renames it into place.
#[derive(Debug)]
pub struct StagedFile {
    dest: PathBuf,
    file: File,
    partial: Partial,
}

impl StagedFile {
    /// Starts writing `dest`.
    pub fn create(dest: &Path) -> Result<StagedFile> {
        remove_stale(dest);
        let partial = Partial::new(temp_path(dest), Kind::File);
        let file = File::options()
            .write(true)
            .read(true)
            .create_new(true)
            .open(partial.path())
            .with_context(|| format!("cannot write `{}`", dest.display()))?;
        Ok(StagedFile {
            dest: dest.to_owned(),
            file,
            partial,
        })
    }

    /// The temporary file.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Syncs the file and renames it to its final name; returns that name.
    pub fn commit(self) -> Result<PathBuf> {
        let (dest, partial) = self.finish()?;
        partial
            .persist(&dest)
            .with_context(|| format!("cannot rename the finished file to `{}`", dest.display()))?;
        Ok(dest)
    }

    /// Like [`StagedFile::commit`], but the file stays registered as partial (removed on
    /// an interrupt or when the result is dropped) until [`Partial::keep`].
    pub fn commit_partial(self) -> Result<Partial> {
        let (dest, partial) = self.finish()?;
        partial
            .persist_partial(&dest)
            .with_context(|| format!("cannot rename the finished file to `{}`", dest.display()))
    }

    fn finish(self) -> Result<(PathBuf, Partial)> {
        let StagedFile {
            dest,
            file,
            partial,
        } = self;
        file.sync_all()
            .with_context(|| format!("cannot write `{}`", dest.display()))?;
        drop(file);
        Ok((dest, partial))
    }
}

/// Writes `dest` with `data` through a temporary file; `dest` stays partial (see
/// [`StagedFile::commit_partial`]).
pub fn write_file_partial(dest: &Path, data: &[u8]) -> Result<Partial> {
    let mut staged = StagedFile::create(dest)?;
    staged
        .file()
        .write_all(data)
        .with_context(|| format!("cannot write `{}`", dest.display()))?;
    pause_for_tests();
    staged.commit_partial()
}

/// Test hook: `__CARGO_HPY_TEST_WRITE_DELAY_MS=N` sleeps N ms after each archive entry or
/// project file, so that the packaging tests can interrupt cargo-hpy in the middle of a
/// write. Unset (always, outside those tests), it does nothing.
pub fn pause_for_tests() {
    static DELAY: OnceLock<Option<Duration>> = OnceLock::new();
    let delay = DELAY.get_or_init(|| {
        std::env::var("__CARGO_HPY_TEST_WRITE_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis)
    });
    if let Some(d) = delay {
        std::thread::sleep(*d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cargo-hpy-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A pid that no process has: one of a child that has ended and been reaped.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn staged_files_appear_only_when_committed() {
        let dir = scratch("staged");
        let dest = dir.join("a.whl");
        let mut staged = StagedFile::create(&dest).unwrap();
        staged.file().write_all(b"data").unwrap();
        assert!(!dest.exists());
        assert!(temp_path(&dest).exists());
        assert_eq!(staged.commit().unwrap(), dest);
        assert_eq!(std::fs::read(&dest).unwrap(), b"data");
        assert!(!temp_path(&dest).exists());

        // Dropped before the commit (an error while writing): no trace left.
        let other = dir.join("b.whl");
        let mut staged = StagedFile::create(&other).unwrap();
        staged.file().write_all(b"half").unwrap();
        drop(staged);
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.whl"]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn stale_temporary_files_of_dead_processes_are_removed() {
        let dir = scratch("stale");
        let pid = dead_pid();
        let dest = dir.join("demo-1.tar.gz");
        let dead = dir.join(format!(".demo-1.tar.gz.{pid}.tmp"));
        let alive = dir.join(".demo-1.tar.gz.1.tmp"); // pid 1 always exists
        let unrelated = dir.join(format!(".other.tar.gz.{pid}.tmp"));
        for f in [&dead, &alive, &unrelated] {
            std::fs::write(f, b"x").unwrap();
        }
        remove_stale(&dest);
        assert!(!dead.exists());
        assert!(alive.exists() && unrelated.exists());

        // The staging folder of a killed `cargo hpy new demo`.
        let staging = dir.join(format!(".demo.{pid}.tmp"));
        std::fs::create_dir_all(staging.join("src")).unwrap();
        std::fs::write(staging.join("src/lib.rs"), b"").unwrap();
        remove_stale(&dir.join("demo"));
        assert!(!staging.exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn output_folders_are_checked_before_use() {
        let dir = scratch("prepare");
        prepare_dir(&dir.join("new/sub"), "the output folder").unwrap();
        assert!(dir.join("new/sub").is_dir());
        assert_eq!(std::fs::read_dir(dir.join("new/sub")).unwrap().count(), 0);
        std::fs::write(dir.join("file"), b"").unwrap();
        let e = prepare_dir(&dir.join("file/sub"), "the output folder").unwrap_err();
        assert!(
            format!("{e:#}").starts_with(&format!(
                "cannot create the output folder `{}`: ",
                dir.join("file/sub").display()
            )),
            "{e:#}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
