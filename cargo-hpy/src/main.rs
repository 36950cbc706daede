//! `cargo hpy`: scaffold, build and package hpy-rs extension modules as one universal
//! wheel that pip installs on CPython 3.11+ and on PyPy (7.3 and 8).
//!
//! Installed with `cargo install --path cargo-hpy`, cargo runs it as `cargo hpy ...`
//! (argv `cargo-hpy hpy ...`); `cargo-hpy ...` works too. A failure is one `error: ...`
//! line (plus `hint: ...` lines) and exit code 1, never a panic or a backtrace; an
//! interrupt (SIGINT, SIGTERM, SIGHUP) stops cargo/pip and removes partial outputs.

mod builder;
mod develop;
mod elf;
mod interrupt;
mod metadata;
mod new;
mod output;
mod project;
mod sdist;
mod status;
mod stub;
mod tags;
mod tomlfile;
mod wheel;

use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use clap::{Args, Parser, Subcommand};

/// cargo's view: `cargo hpy <command>`.
#[derive(Parser)]
#[command(name = "cargo", bin_name = "cargo")]
enum CargoCli {
    /// Build and package hpy-rs extension modules (universal HPy wheels).
    Hpy(HpyCli),
}

#[derive(Args)]
#[command(
    version,
    about = "Build and package hpy-rs extension modules: one universal wheel for CPython and PyPy"
)]
struct HpyCli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create a new hpy-rs extension project in folder NAME.
    New(NewArgs),
    /// Create an hpy-rs extension project in an existing folder (default: the current one).
    Init(InitArgs),
    /// Compile the crate and write a wheel.
    Build(BuildArgs),
    /// Build and pip-install the wheel into the active venv or a given interpreter.
    Develop(DevelopArgs),
    /// Write a source distribution (.tar.gz) that pip can build with the PEP 517 backend.
    Sdist(SdistArgs),
}

#[derive(Args)]
struct HpyRsDep {
    /// Depend on the hpy-rs crate at this path (default: the checkout cargo-hpy was built from).
    #[arg(long, value_name = "PATH", conflicts_with = "hpy_rs_version")]
    hpy_rs_path: Option<PathBuf>,
    /// Depend on this version of hpy-rs from crates.io instead of a path.
    #[arg(long, value_name = "VERSION")]
    hpy_rs_version: Option<String>,
}

#[derive(Args)]
struct NewArgs {
    /// Folder to create; its name is the project and module name (`-` becomes `_` in the module).
    path: PathBuf,
    /// Project name (default: the folder name).
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    dep: HpyRsDep,
}

#[derive(Args)]
struct InitArgs {
    /// Folder to initialise (default: the current directory).
    path: Option<PathBuf>,
    /// Project name (default: the folder name).
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    dep: HpyRsDep,
}

#[derive(Args)]
struct BuildArgs {
    /// Build with optimisations (cargo's release profile).
    #[arg(long, short = 'r')]
    release: bool,
    /// Path to Cargo.toml (default: found from the current directory).
    #[arg(long = "manifest-path", short = 'm', value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// Folder for the wheel (default: <target dir>/wheels).
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct DevelopArgs {
    /// Build with optimisations (cargo's release profile).
    #[arg(long, short = 'r')]
    release: bool,
    /// Path to Cargo.toml (default: found from the current directory).
    #[arg(long = "manifest-path", short = 'm', value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// Python interpreter to install into (default: the active venv, $VIRTUAL_ENV).
    #[arg(long, value_name = "PATH")]
    python: Option<PathBuf>,
}

#[derive(Args)]
struct SdistArgs {
    /// Path to Cargo.toml (default: found from the current directory).
    #[arg(long = "manifest-path", short = 'm', value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// Folder for the archive (default: <target dir>/wheels).
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,
}

fn run(cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::New(a) => new::new(&a.path, a.name, a.dep.hpy_rs_path, a.dep.hpy_rs_version),
        Cmd::Init(a) => new::init(
            a.path.unwrap_or_else(|| PathBuf::from(".")),
            a.name,
            a.dep.hpy_rs_path,
            a.dep.hpy_rs_version,
        ),
        Cmd::Build(a) => {
            let wheel = builder::build(&builder::BuildOptions {
                release: a.release,
                manifest: a.manifest_path,
                out: a.out,
            })?;
            print_path(&wheel)
        }
        Cmd::Develop(a) => develop::develop(
            &builder::BuildOptions {
                release: a.release,
                manifest: a.manifest_path,
                out: None,
            },
            a.python,
        ),
        Cmd::Sdist(a) => {
            let path = sdist::sdist(a.manifest_path.as_deref(), a.out)?;
            print_path(&path)
        }
    }
}

/// Prints a produced file's path on stdout (an error, not a panic, if stdout is closed).
fn print_path(path: &Path) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", path.display())
        .and_then(|()| out.flush())
        .with_context(|| format!("wrote `{}` but cannot print its path", path.display()))
}

fn main() -> ExitCode {
    // `cargo hpy build` runs `cargo-hpy hpy build`; accept `cargo-hpy build` too.
    let mut argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if argv.get(1).and_then(|a| a.to_str()) != Some("hpy") {
        argv.insert(1, "hpy".into());
    }
    let CargoCli::Hpy(cli) = CargoCli::parse_from(argv);
    // A bug must still end as one error line: no panic message or backtrace, and the
    // unwinding removes partial outputs.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_owned());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        status::eprint_line(&format!(
            "error: internal error in cargo-hpy: {}{at}\nhint: please report this bug",
            what.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
    }));
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        interrupt::install()?;
        run(cli.command)
    }));
    match result {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            status::eprint_line(&status::render_error(&e));
            ExitCode::FAILURE
        }
        Err(_) => ExitCode::FAILURE,
    }
}
