//! `cargo hpy develop`: build the wheel and pip-install it into the active venv
//! (`$VIRTUAL_ENV`) or a given interpreter, CPython or PyPy.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::builder::{build_project, BuildOptions};
use crate::metadata::HPY_EXTRA;
use crate::project::Project;
use crate::{interrupt, status};

/// What the target interpreter reports about itself.
struct Interpreter {
    implementation: String,
    platlib: String,
    has_pip: bool,
    has_hpy: bool,
}

const PROBE: &str = "import sys, sysconfig, importlib.util as u\n\
print(sys.implementation.name)\n\
print(sysconfig.get_path('platlib'))\n\
print(u.find_spec('pip') is not None)\n\
print(u.find_spec('hpy') is not None)\n";

fn probe(python: &PathBuf) -> Result<Interpreter> {
    let out = Command::new(python)
        .args(["-c", PROBE])
        .output()
        .with_context(|| format!("cannot run the Python interpreter `{}`", python.display()))?;
    if !out.status.success() {
        bail!(
            "`{}` failed to report its installation paths:\n{}",
            python.display(),
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() < 4 {
        bail!("unexpected answer from `{}`: {text}", python.display());
    }
    Ok(Interpreter {
        implementation: lines[0].to_owned(),
        platlib: lines[1].to_owned(),
        has_pip: lines[2] == "True",
        has_hpy: lines[3] == "True",
    })
}

fn pip(python: &PathBuf, args: &[&std::ffi::OsStr]) -> Result<()> {
    let mut cmd = Command::new(python);
    cmd.args(["-m", "pip", "install", "--disable-pip-version-check"])
        .args(args)
        .stdout(Stdio::from(std::io::stderr()));
    let status = interrupt::spawn(&mut cmd)
        .and_then(|(mut child, _)| child.wait())
        .with_context(|| format!("cannot run pip with `{}`", python.display()))?;
    if !status.success() {
        bail!("pip install failed (see its output above)");
    }
    Ok(())
}

/// Builds and installs the project's wheel.
pub fn develop(opts: &BuildOptions, python: Option<PathBuf>) -> Result<()> {
    let python = match python {
        Some(p) => p,
        None => match std::env::var_os("VIRTUAL_ENV") {
            Some(venv) => PathBuf::from(venv).join("bin").join("python"),
            None => bail!(
                "no active virtual environment ($VIRTUAL_ENV is not set)\n\
                 hint: activate a venv, or pass --python PATH (CPython with pip, or PyPy)"
            ),
        },
    };
    if !python.exists() {
        bail!("Python interpreter `{}` does not exist", python.display());
    }
    let interp = probe(&python)?;
    if interp.platlib.contains(".hpy") {
        bail!(
            "cannot install into `{}`: the path contains `.hpy`, and HPy's loader takes the ABI \
             tag from the first `.hpy` in a module's path, so the module could never load\n\
             hint: use a virtual environment whose path has no `.hpy` in it",
            interp.platlib
        );
    }
    if !interp.has_pip {
        bail!(
            "`{}` has no pip\nhint: run `{} -m ensurepip`, or create the venv with pip",
            python.display(),
            python.display()
        );
    }
    let project = Project::load(opts.manifest.as_deref())?;
    let mut opts = opts.clone();
    opts.out = Some(project.target_dir.join("hpy-develop"));
    let wheel = build_project(&project, &opts)?;
    status::step(
        "Installing",
        &format!(
            "{} into {} ({})",
            wheel.display(),
            interp.platlib,
            interp.implementation
        ),
    );
    pip(
        &python,
        &[
            "--force-reinstall".as_ref(),
            "--no-deps".as_ref(),
            wheel.as_os_str(),
        ],
    )?;
    // The project's own dependencies: pip skips what is installed.
    if !project.metadata.requires_dist.is_empty() {
        status::step("Installing", "dependencies");
        pip(&python, &[wheel.as_os_str()])?;
    }
    if interp.implementation == "cpython" && !interp.has_hpy {
        status::warn(&format!(
            "`hpy` is not installed for `{}`, and HPY=debug / HPY=trace need it: install the \
             `{HPY_EXTRA}` extra (`pip install '{}[{HPY_EXTRA}]'`) or `pip install 'hpy>=0.9.0'`",
            python.display(),
            project.metadata.name
        ));
    }
    status::step(
        "Installed",
        &format!(
            "{} {}: `{} -c 'import {}'`",
            project.metadata.name,
            project.metadata.version,
            python.display(),
            project.import_name()
        ),
    );
    Ok(())
}
