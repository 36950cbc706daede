//! `cargo hpy develop`: build the wheel and pip-install it into the active venv
//! (`$VIRTUAL_ENV`) or a given interpreter, CPython or PyPy.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::builder::{build_project, BuildOptions};
use crate::metadata::{HPY_EXTRA, HPY_REQUIREMENT};
use crate::project::Project;
use crate::{interrupt, status};

/// What the target interpreter reports about itself.
struct Interpreter {
    implementation: String,
    /// `(major, minor)` of the Python language version.
    version: (u32, u32),
    platlib: String,
    has_pip: bool,
    /// The `hpy` package (CPython: HPy's runtime for `HPY=debug`/`trace`).
    has_hpy: bool,
    /// PyPy's built-in HPy runtime (PyPy 7.3; PyPy 8 has none).
    has_hpy_universal: bool,
}

const PROBE: &str = "import sys, sysconfig, importlib.util as u\n\
print(sys.implementation.name)\n\
print('%d.%d' % sys.version_info[:2])\n\
print(sysconfig.get_path('platlib'))\n\
print(u.find_spec('pip') is not None)\n\
print(u.find_spec('hpy') is not None)\n\
print(u.find_spec('_hpy_universal') is not None)\n";

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
    let version = lines
        .get(1)
        .and_then(|v| v.split_once('.'))
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
    let (Some(version), 6) = (version, lines.len()) else {
        bail!("unexpected answer from `{}`: {text}", python.display());
    };
    Ok(Interpreter {
        implementation: lines[0].to_owned(),
        version,
        platlib: lines[2].to_owned(),
        has_pip: lines[3] == "True",
        has_hpy: lines[4] == "True",
        has_hpy_universal: lines[5] == "True",
    })
}

/// What the installed module runs on there: the import stub's choice when neither `HPY` nor
/// `HPYRS_BACKEND` is set (cargo-hpy/python/stub_template.py).
#[derive(Debug, PartialEq, Eq)]
enum Backend {
    CApi,
    HpyUniversal,
}

/// Whether HPy's modes (`HPY=debug`, `HPY=trace`) can load the module there, and if not, why.
#[derive(Debug, PartialEq, Eq)]
enum HpyModes {
    Available,
    /// CPython without the `hpy` package.
    NeedHpy,
    /// The stub refuses HPy there; the reason, for a note.
    Unavailable(&'static str),
}

impl Backend {
    /// The module's `__hpy_backend__` on this backend.
    fn name(&self) -> &'static str {
        match self {
            Backend::CApi => "capi",
            Backend::HpyUniversal => "hpy-universal",
        }
    }
}

impl Interpreter {
    fn backend(&self) -> Backend {
        if self.implementation == "pypy" && self.has_hpy_universal {
            Backend::HpyUniversal
        } else {
            Backend::CApi
        }
    }

    fn hpy_modes(&self) -> HpyModes {
        match self.implementation.as_str() {
            "pypy" if self.has_hpy_universal => HpyModes::Available,
            "pypy" => HpyModes::Unavailable("this PyPy has no HPy runtime (PyPy 8 removed it)"),
            "cpython" if self.version >= (3, 13) => HpyModes::Unavailable(
                "HPy's runtime for CPython (hpy 0.9.0) is known to crash on CPython 3.13 and newer",
            ),
            _ if self.has_hpy => HpyModes::Available,
            _ => HpyModes::NeedHpy,
        }
    }
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
    // HPy's loader takes the ABI tag from the first `.hpy` in a module's path.
    let dot_hpy = interp.platlib.contains(".hpy");
    if dot_hpy && interp.backend() == Backend::HpyUniversal {
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
    match interp.hpy_modes() {
        HpyModes::Available if dot_hpy => status::note(&format!(
            "HPY=debug and HPY=trace cannot load the module from `{}`: HPy's loader takes the \
             ABI tag from the first `.hpy` in a module's path (the C-API backend is unaffected)",
            interp.platlib
        )),
        HpyModes::Available => {}
        HpyModes::NeedHpy => status::note(&format!(
            "HPY=debug and HPY=trace (HPy's debug and trace modes) need the `hpy` package, \
             which `{0}` lacks: `{0} -m pip install '{1}'` (what the wheel's `{HPY_EXTRA}` \
             extra adds)",
            python.display(),
            HPY_REQUIREMENT.0
        )),
        HpyModes::Unavailable(why) => status::note(&format!(
            "HPY=debug and HPY=trace are not available with `{}`: {why} (they work on \
             CPython 3.11 with the `hpy` package and on PyPy 7.3)",
            python.display()
        )),
    }
    status::step(
        "Installed",
        &format!(
            "{} {}: `{} -c 'import {}'` (backend: {})",
            project.metadata.name,
            project.metadata.version,
            python.display(),
            project.import_name(),
            interp.backend().name()
        ),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interp(
        implementation: &str,
        version: (u32, u32),
        hpy: bool,
        universal: bool,
    ) -> Interpreter {
        Interpreter {
            implementation: implementation.to_owned(),
            version,
            platlib: String::new(),
            has_pip: true,
            has_hpy: hpy,
            has_hpy_universal: universal,
        }
    }

    #[test]
    fn backend_and_hpy_modes_follow_the_stub() {
        let cases = [
            (
                interp("cpython", (3, 11), false, false),
                Backend::CApi,
                HpyModes::NeedHpy,
            ),
            (
                interp("cpython", (3, 11), true, false),
                Backend::CApi,
                HpyModes::Available,
            ),
            (
                interp("cpython", (3, 12), true, false),
                Backend::CApi,
                HpyModes::Available,
            ),
            (
                interp("pypy", (3, 11), true, true),
                Backend::HpyUniversal,
                HpyModes::Available,
            ),
        ];
        for (i, backend, modes) in cases {
            assert_eq!((i.backend(), i.hpy_modes()), (backend, modes));
        }
        // Unavailable, whatever is installed: the stub refuses HPy there.
        for i in [
            interp("cpython", (3, 13), true, false),
            interp("cpython", (3, 15), false, false),
            interp("pypy", (3, 11), true, false),
        ] {
            assert_eq!(i.backend(), Backend::CApi);
            assert!(matches!(i.hpy_modes(), HpyModes::Unavailable(_)));
        }
    }
}
