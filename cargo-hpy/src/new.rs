//! `cargo hpy new` / `cargo hpy init`: scaffold a project that builds, installs and
//! imports on the first try (`pip install .` on CPython and PyPy).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::metadata::check_dist_name;
use crate::project::{cargo_exe, check_module_name};
use crate::status;

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
        .replace("{{hpy_rs_dep}}", dep)
}

/// Writes the project files into `dir`; existing files are kept (`init`).
fn scaffold(dir: &Path, name: &str, module: &str, dep: &str) -> Result<()> {
    let has_crate = dir.join("Cargo.toml").exists();
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
            format!("tests/test_{module}.py"),
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
        if path.exists() || (has_crate && rel == "src/lib.rs") {
            status::warn(&format!("`{}` exists, left unchanged", path.display()));
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        std::fs::write(&path, text)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    Ok(())
}

/// Makes the new crate its own workspace when it sits inside another workspace that does
/// not list it (cargo would refuse to build it otherwise).
fn detach_from_enclosing_workspace(dir: &Path) -> Result<()> {
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
        let mut text = std::fs::read_to_string(&manifest)?;
        text.push_str(
            "\n# Its own workspace: the project sits inside another cargo workspace that does not list it.\n[workspace]\n",
        );
        std::fs::write(&manifest, text)?;
        status::step(
            "Detached",
            "the project from the enclosing cargo workspace ([workspace] added)",
        );
        return Ok(());
    }
    bail!(
        "the new project's Cargo.toml does not load:\n{}",
        stderr.trim_end()
    )
}

fn finish(dir: &Path, module: &str) {
    let shown = dir.display();
    eprintln!(
        "\nNext steps:\n  cd {shown}\n  pip install .                      # CPython (pulls hpy) or PyPy\n  \
         python -c \"import {module}; print({module}.greet())\"\n  \
         python -m pytest tests             # needs pytest\n  \
         cargo hpy build --release          # just the wheel, in target/wheels/"
    );
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
    std::fs::create_dir_all(path).with_context(|| format!("cannot create `{}`", path.display()))?;
    scaffold(path, &name, &module, &dep)?;
    detach_from_enclosing_workspace(path)?;
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

/// `cargo hpy init [PATH]`.
pub fn init(
    path: PathBuf,
    name: Option<String>,
    hpy_rs_path: Option<PathBuf>,
    hpy_rs_version: Option<String>,
) -> Result<()> {
    std::fs::create_dir_all(&path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    let (name, module) = names(&path, name)?;
    let dep = hpy_rs_dependency(hpy_rs_path, hpy_rs_version)?;
    let had_crate = path.join("Cargo.toml").exists();
    scaffold(&path, &name, &module, &dep)?;
    if !had_crate {
        detach_from_enclosing_workspace(&path)?;
    }
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
