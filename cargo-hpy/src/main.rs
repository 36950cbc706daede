//! `cargo hpy`: scaffold, build and package hpy-rs extension modules as one universal
//! wheel that pip installs on CPython (with `hpy`) and on PyPy.
//!
//! Installed with `cargo install --path cargo-hpy`, cargo runs it as `cargo hpy ...`
//! (argv `cargo-hpy hpy ...`); `cargo-hpy ...` works too. Errors are printed as
//! `error: ...` with a non-zero exit, never as a panic.

mod builder;
mod develop;
mod elf;
mod metadata;
mod new;
mod project;
mod sdist;
mod status;
mod stub;
mod tags;
mod wheel;

use std::path::PathBuf;
use std::process::ExitCode;

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
            println!("{}", wheel.display());
            Ok(())
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
            println!("{}", path.display());
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    // `cargo hpy build` runs `cargo-hpy hpy build`; accept `cargo-hpy build` too.
    let mut argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if argv.get(1).and_then(|a| a.to_str()) != Some("hpy") {
        argv.insert(1, "hpy".into());
    }
    let CargoCli::Hpy(cli) = CargoCli::parse_from(argv);
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
