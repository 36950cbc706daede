//! `cargo hpy new` / `cargo hpy init`: scaffold a project that builds, installs and
//! imports on the first try (`pip install .` on CPython and PyPy).
//!
//! Nothing is left half-written: `new` fills a temporary folder next to the destination
//! and renames it when complete; `init` checks the folder's existing `Cargo.toml` and
//! `pyproject.toml` first, writes each file whole, and removes the files and folders it
//! created if it fails or is interrupted.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::interrupt::{Kind, Partial, Rollback};
use crate::metadata::check_dist_name;
use crate::project::{cargo_exe, cargo_load_error, cdylib_hint, check_module_name};
use crate::tomlfile::{self, TomlFile};
use crate::{output, status};

/// The PEP 517 backend shim written into projects and sdists.
pub const BACKEND_SHIM: &str = include_str!("../python/hpy_rs_build.py");
/// Where the shim lives inside a project (`backend-path`).
pub const BACKEND_DIR: &str = "build_backend";

/// The hpy-rs crate of the checkout this cargo-hpy was built from.
const DEFAULT_HPY_RS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../hpy-rs");

const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];
const RUST_KEYWORDS: &[&str] = &[
    "as",
    "async",
    "await",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "priv",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "unsafe",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
    "test",
    "core",
    "std",
    "alloc",
    "proc_macro",
    "hpy_rs",
];

/// The `hpy-rs = ...` dependency value (TOML).
fn hpy_rs_dependency(path: Option<PathBuf>, version: Option<String>) -> Result<String> {
    if let Some(v) = version {
        return Ok(toml::Value::String(v).to_string());
    }
    let (dir, explicit) = match path {
        Some(p) => (p, true),
        None => (PathBuf::from(DEFAULT_HPY_RS), false),
    };
    // Accept the checkout's root as well as its hpy-rs/ crate folder.
    let dir = if dir.join("hpy-rs").join("Cargo.toml").is_file() {
        dir.join("hpy-rs")
    } else {
        dir
    };
    if !dir.join("Cargo.toml").is_file() {
        if explicit {
            bail!("--hpy-rs-path `{}` has no Cargo.toml (give the hpy-rs crate folder or the checkout)", dir.display());
        }
        bail!(
            "cargo-hpy was built from a checkout whose hpy-rs crate (`{}`) no longer exists\n\
             hint: pass --hpy-rs-path PATH (an hpy-rs checkout) or --hpy-rs-version VERSION",
            dir.display()
        );
    }
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot resolve `{}`", dir.display()))?;
    let path = toml::Value::String(dir.to_string_lossy().into_owned());
    Ok(format!("{{ path = {path} }}"))
}

/// Derives and validates the project and module names.
fn names(dir: &Path, name: Option<String>) -> Result<(String, String)> {
    let name = match name {
        Some(n) => n,
        None => {
            let abs = std::path::absolute(dir)
                .with_context(|| format!("cannot resolve `{}`", dir.display()))?;
            abs.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "cannot take a project name from `{}`; pass --name",
                        dir.display()
                    )
                })?
        }
    };
    check_dist_name(&name).with_context(|| "invalid project name (pass --name NAME)")?;
    let module = name.replace(['-', '.'], "_");
    check_module_name(&module)?;
    if PY_KEYWORDS.contains(&module.as_str()) || RUST_KEYWORDS.contains(&module.as_str()) {
        bail!("`{module}` is a Python or Rust keyword or reserved crate name and cannot name the module; pass --name");
    }
    if module.starts_with("hpy") && module[3..].chars().all(|c| c.is_ascii_digit()) {
        bail!("`{module}` would collide with HPy's file tag; choose another name");
    }
    Ok((name, module))
}

fn render(template: &str, name: &str, module: &str, dep: &str) -> String {
    template
        .replace("{{name}}", name)
        .replace("{{module}}", module)
        .replace("{{short}}", module.rsplit('.').next().unwrap_or(module))
        .replace("{{hpy_rs_dep}}", dep)
}

/// Creates `dir` and its missing parents; they are removed again by `rollback`.
fn create_dirs(dir: &Path, rollback: &mut Rollback) -> Result<()> {
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    for d in missing.into_iter().rev() {
        if d.as_os_str().is_empty() {
            continue;
        }
        let partial = Partial::new(d.to_owned(), Kind::EmptyDir);
        std::fs::create_dir(d).with_context(|| format!("cannot create `{}`", d.display()))?;
        rollback.push(partial);
    }
    Ok(())
}

/// Writes the project files into `dir`; existing files are kept (`init`), and so is a
/// missing src/lib.rs with `keep_sources` (a crate whose library is elsewhere). Every file is
/// written whole (temporary file, then rename) and added to `rollback` with the folders
/// created for it.
fn scaffold(
    dir: &Path,
    name: &str,
    module: &str,
    dep: &str,
    keep_sources: bool,
    rollback: &mut Rollback,
) -> Result<()> {
    let files: Vec<(String, String)> = [
        (
            "Cargo.toml".to_owned(),
            include_str!("../templates/Cargo.toml.tmpl"),
        ),
        (
            "src/lib.rs".to_owned(),
            include_str!("../templates/lib.rs.tmpl"),
        ),
        (
            "pyproject.toml".to_owned(),
            include_str!("../templates/pyproject.toml.tmpl"),
        ),
        (format!("{BACKEND_DIR}/hpy_rs_build.py"), BACKEND_SHIM),
        (
            format!("tests/test_{}.py", module.replace('.', "_")),
            include_str!("../templates/test.py.tmpl"),
        ),
        (
            "README.md".to_owned(),
            include_str!("../templates/README.md.tmpl"),
        ),
        (
            ".gitignore".to_owned(),
            include_str!("../templates/gitignore.tmpl"),
        ),
    ]
    .into_iter()
    .map(|(p, t)| (p, render(t, name, module, dep)))
    .collect();
    for (rel, text) in files {
        let path = dir.join(&rel);
        if path.exists() {
            status::warn(&format!("`{}` exists, left unchanged", path.display()));
            continue;
        }
        if keep_sources && rel == "src/lib.rs" {
            status::warn(&format!(
                "`{}` not written: the crate's library has another path",
                path.display()
            ));
            continue;
        }
        if let Some(parent) = path.parent() {
            create_dirs(parent, rollback)?;
        }
        rollback.push(output::write_file_partial(&path, text.as_bytes())?);
    }
    Ok(())
}

/// Makes the new crate its own workspace when it sits inside another workspace that does
/// not list it (cargo would refuse to build it otherwise).
fn detach_from_enclosing_workspace(dir: &Path, rollback: &mut Rollback) -> Result<()> {
    let manifest = dir.join("Cargo.toml");
    let out = Command::new(cargo_exe())
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .with_context(|| format!("cannot run `{}`", cargo_exe().display()))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("believes it's in a workspace") {
        let mut text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("cannot read `{}`", manifest.display()))?;
        text.push_str(
            "\n# Its own workspace: the project sits inside another cargo workspace that does not list it.\n[workspace]\n",
        );
        // Replaces (by a rename) the Cargo.toml this run wrote.
        rollback.push(output::write_file_partial(&manifest, text.as_bytes())?);
        status::step(
            "Detached",
            "the project from the enclosing cargo workspace ([workspace] added)",
        );
        return Ok(());
    }
    Err(cargo_load_error(&manifest, &stderr).context("the new project's Cargo.toml does not load"))
}

fn finish(dir: &Path, module: &str) {
    let shown = dir.display();
    status::eprint_line(&format!(
        "\nNext steps:\n  cd {shown}\n  pip install .                      # CPython or PyPy\n  \
         python -c \"import {module}; print({module}.greet())\"\n  \
         python -m pytest tests             # needs pytest\n  \
         cargo hpy build --release          # just the wheel, in target/wheels/"
    ));
}

/// `cargo hpy new PATH`.
pub fn new(
    path: &Path,
    name: Option<String>,
    hpy_rs_path: Option<PathBuf>,
    hpy_rs_version: Option<String>,
) -> Result<()> {
    if path.exists() {
        bail!(
            "destination `{}` already exists\nhint: use `cargo hpy init {}` to add the hpy-rs files to an existing folder",
            path.display(),
            path.display()
        );
    }
    let (name, module) = names(path, name)?;
    let dep = hpy_rs_dependency(hpy_rs_path, hpy_rs_version)?;
    let dest = std::path::absolute(path)
        .with_context(|| format!("cannot resolve `{}`", path.display()))?;
    let mut rollback = Rollback::default();
    if let Some(parent) = dest.parent() {
        create_dirs(parent, &mut rollback)?;
    }
    // The project is written in a temporary folder next to it, renamed when complete.
    output::remove_stale(&dest);
    let staging = Partial::new(output::temp_path(&dest), Kind::Tree);
    std::fs::create_dir(staging.path())
        .with_context(|| format!("cannot create the project folder `{}`", path.display()))?;
    let mut files = Rollback::default();
    scaffold(staging.path(), &name, &module, &dep, false, &mut files)?;
    files.keep(); // inside `staging`, which covers them
    rollback.push(
        staging
            .persist_partial(&dest)
            .with_context(|| format!("cannot create the project folder `{}`", path.display()))?,
    );
    detach_from_enclosing_workspace(&dest, &mut rollback)?;
    rollback.keep();
    status::step(
        "Created",
        &format!(
            "hpy-rs project `{name}` (module `{module}`) in `{}`",
            path.display()
        ),
    );
    finish(path, &module);
    Ok(())
}

/// The names `init` uses in a folder that has a crate: the project is named after the
/// package (unless `--name`), and the module is the one the crate builds: its
/// `module-name` setting, or its library's name.
fn crate_names(cargo: &TomlFile, name: Option<String>) -> Result<(String, String)> {
    let manifest = cargo.path.display().to_string();
    if cargo.get(&["package"]).is_none() {
        bail!(
            "`{manifest}` is a virtual workspace manifest, not a crate\nhint: run `cargo hpy \
             init` in a member's folder, or `cargo hpy new NAME` for a new member"
        );
    }
    let package = cargo
        .str(&["package", "name"])?
        .ok_or_else(|| cargo.error_at(&["package"], "has no `name`"))?;
    let types = cargo.str_list(&["lib", "crate-type"])?.unwrap_or_default();
    if !types.iter().any(|t| t == "cdylib") {
        bail!(
            "crate `{package}` is not a cdylib, so it cannot be loaded as an extension module\n\
             hint: {}",
            cdylib_hint(&cargo.path)
        );
    }
    let lib = cargo.str(&["lib", "name"])?.unwrap_or(package);
    let module = match cargo.str(&["package", "metadata", "hpy-rs", "module-name"])? {
        Some(m) => m.to_owned(),
        None => lib.replace('-', "_"),
    };
    check_module_name(&module)?;
    let name = name.unwrap_or_else(|| package.to_owned());
    check_dist_name(&name).with_context(|| "invalid project name (pass --name NAME)")?;
    Ok((name, module))
}

/// `cargo hpy init [PATH]`.
pub fn init(
    path: PathBuf,
    name: Option<String>,
    hpy_rs_path: Option<PathBuf>,
    hpy_rs_version: Option<String>,
) -> Result<()> {
    // Everything is checked before the first file is written.
    if path.exists() && !path.is_dir() {
        bail!("`{}` is not a folder", path.display());
    }
    let cargo_path = path.join("Cargo.toml");
    let cargo = if cargo_path.exists() {
        Some(tomlfile::read(&cargo_path)?)
    } else {
        None
    };
    let (name, mut module) = match &cargo {
        Some(cargo) => crate_names(cargo, name)?,
        None => names(&path, name)?,
    };
    // src/lib.rs is written unless it exists or the crate's library is elsewhere.
    let custom_lib = match &cargo {
        Some(cargo) => cargo
            .str(&["lib", "path"])?
            .is_some_and(|p| Path::new(p) != Path::new("src/lib.rs")),
        None => false,
    };
    let writes_lib = !custom_lib && !path.join("src/lib.rs").exists();
    // A kept pyproject.toml's module-name decides, and must agree with a generated lib.rs.
    let pyproject_path = path.join("pyproject.toml");
    if pyproject_path.exists() {
        let pyproject = tomlfile::read(&pyproject_path)?;
        let key = ["tool", "hpy-rs", "module-name"];
        if let Some(configured) = pyproject.str(&key)? {
            check_module_name(configured).map_err(|e| pyproject.error_at(&key, &e.to_string()))?;
            let short = configured.rsplit('.').next().unwrap_or(configured);
            let generated = module.rsplit('.').next().unwrap_or(&module);
            if writes_lib && short != generated {
                return Err(pyproject.error_at(
                    &key,
                    &format!(
                        "is `{configured}`, but the generated src/lib.rs would define the \
                         module `{generated}` (module name mismatch)\nhint: pass --name \
                         {short}, or change module-name",
                    ),
                ));
            }
            module = configured.to_owned();
        }
    }
    let dep = hpy_rs_dependency(hpy_rs_path, hpy_rs_version)?;
    let mut rollback = Rollback::default();
    create_dirs(&path, &mut rollback)?;
    output::prepare_dir(&path, "the project folder")?;
    scaffold(&path, &name, &module, &dep, !writes_lib, &mut rollback)?;
    if cargo.is_none() {
        detach_from_enclosing_workspace(&path, &mut rollback)?;
    }
    rollback.keep();
    status::step(
        "Initialised",
        &format!(
            "hpy-rs project `{name}` (module `{module}`) in `{}`",
            path.display()
        ),
    );
    finish(&path, &module);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_folders() {
        assert_eq!(
            names(Path::new("/tmp/demo"), None).unwrap(),
            ("demo".to_owned(), "demo".to_owned())
        );
        assert_eq!(
            names(Path::new("/tmp/my-demo"), None).unwrap(),
            ("my-demo".to_owned(), "my_demo".to_owned())
        );
        assert!(names(Path::new("/tmp/type"), None).is_err());
        assert!(names(Path::new("/tmp/1abc"), None).is_err());
        assert!(names(Path::new("/tmp/x"), Some("bad name".into())).is_err());
    }

    #[test]
    fn init_takes_the_names_of_an_existing_crate() {
        let manifest =
            |text: &str| tomlfile::parse(Path::new("/p/Cargo.toml"), text.to_owned()).unwrap();
        let cdylib = "[package]\nname = \"my-crate\"\n[lib]\ncrate-type = [\"cdylib\", \"rlib\"]\n";
        assert_eq!(
            crate_names(&manifest(cdylib), None).unwrap(),
            ("my-crate".to_owned(), "my_crate".to_owned())
        );
        // --name names the distribution; the module stays the one the crate builds.
        let named = format!(
            "{cdylib}name = \"core\"\n[package.metadata.hpy-rs]\nmodule-name = \"pkg._core\"\n"
        );
        assert_eq!(
            crate_names(&manifest(&named), Some("dist".into())).unwrap(),
            ("dist".to_owned(), "pkg._core".to_owned())
        );
        let e = crate_names(&manifest("[package]\nname = \"r\"\n"), None).unwrap_err();
        assert!(
            e.to_string().starts_with("crate `r` is not a cdylib")
                && e.to_string().contains(
                    "hint: add `crate-type = [\"cdylib\"]` to the `[lib]` table of `/p/Cargo.toml`"
                ),
            "{e}"
        );
        let e = crate_names(&manifest("[package]\nversion = \"1\"\n"), None).unwrap_err();
        assert!(e.to_string().contains("`package` has no `name`"), "{e}");
        let e = crate_names(&manifest("[workspace]\nmembers = []\n"), None).unwrap_err();
        assert!(
            e.to_string().contains("is a virtual workspace manifest"),
            "{e}"
        );
        let e = crate_names(
            &manifest("[package]\nname = \"r\"\n[lib]\ncrate-type = \"cdylib\"\n"),
            None,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("line 4, column 14: `lib.crate-type` must be an array of strings"),
            "{e}"
        );
    }

    #[test]
    fn dependency_values() {
        assert_eq!(
            hpy_rs_dependency(None, Some("0.1".into())).unwrap(),
            "\"0.1\""
        );
        let default = hpy_rs_dependency(None, None).unwrap();
        assert!(
            default.starts_with("{ path = \"/") && default.ends_with("hpy-rs\" }"),
            "{default}"
        );
        assert!(hpy_rs_dependency(Some("/nonexistent/x".into()), None).is_err());
    }

    #[test]
    fn templates_render_completely() {
        for t in [
            include_str!("../templates/Cargo.toml.tmpl"),
            include_str!("../templates/lib.rs.tmpl"),
            include_str!("../templates/pyproject.toml.tmpl"),
            include_str!("../templates/test.py.tmpl"),
            include_str!("../templates/README.md.tmpl"),
        ] {
            let r = render(t, "demo", "demo", "\"0.1\"");
            assert!(!r.contains("{{"), "{r}");
        }
        let pyproject: toml::Table = toml::from_str(&render(
            include_str!("../templates/pyproject.toml.tmpl"),
            "a-b",
            "a_b",
            "",
        ))
        .unwrap();
        assert_eq!(
            pyproject["build-system"]["build-backend"].as_str(),
            Some("hpy_rs_build")
        );
        assert_eq!(
            pyproject["tool"]["hpy-rs"]["module-name"].as_str(),
            Some("a_b")
        );
    }
}
