//! Finding and describing the project: the crate (via `cargo metadata`), its
//! `pyproject.toml`, the Python module name and layout, and the core metadata.
//!
//! Configuration, highest precedence first: `[tool.hpy-rs]` in `pyproject.toml`, then
//! `[package.metadata.hpy-rs]` in `Cargo.toml`. Keys: `module-name` (dotted Python
//! module name; default: the library's crate name) and `python-source` (folder holding
//! the Python package of a mixed Rust/Python project; default: `python/` or the project
//! folder when it contains `<package>/__init__.py`).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use cargo_metadata::{CrateType, MetadataCommand, Package};

use crate::metadata::{check_dist_name, pep440_version, readme_content_type, CoreMetadata};
use crate::{status, tomlfile};

/// What to add to the manifest of a crate that is not a cdylib.
pub fn cdylib_hint(manifest: &Path) -> String {
    format!(
        "add `crate-type = [\"cdylib\"]` to the `[lib]` table of `{}`",
        manifest.display()
    )
}

/// The cargo executable: `$CARGO` when run by cargo, else `cargo`.
pub fn cargo_exe() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"))
}

/// A project cargo-hpy can package.
#[derive(Debug)]
pub struct Project {
    /// Absolute path of `Cargo.toml`.
    pub manifest_path: PathBuf,
    /// The folder holding `Cargo.toml`.
    pub root: PathBuf,
    /// Cargo's target directory (honours `CARGO_TARGET_DIR`).
    pub target_dir: PathBuf,
    /// The workspace root (the same as `root` for a standalone crate).
    pub workspace_root: PathBuf,
    /// Cargo package name.
    pub package_name: String,
    /// Full, dotted Python import name of the extension module.
    pub module: String,
    /// Folder holding the top-level Python package, for a mixed project.
    pub python_source: Option<PathBuf>,
    /// The parsed `pyproject.toml`, if any.
    pub pyproject: Option<toml::Table>,
    /// Core metadata for the wheel and the sdist.
    pub metadata: CoreMetadata,
}

impl Project {
    /// The module's short name: the part after the last dot, used in the loader symbols.
    pub fn short_name(&self) -> &str {
        self.module.rsplit('.').next().unwrap_or(&self.module)
    }

    /// The module's path inside the wheel, without extension (`hello`, `pkg/_core`).
    pub fn module_path(&self) -> String {
        let parts: Vec<&str> = self.module.split('.').collect();
        if parts.len() == 1 && self.python_source.is_some() {
            // Mixed layout with an undotted name: the binary goes inside the package.
            format!("{0}/{0}", parts[0])
        } else {
            parts.join("/")
        }
    }

    /// The import name users write (`hello`, `pkg.pkg`, `pkg._core`).
    pub fn import_name(&self) -> String {
        self.module_path().replace('/', ".")
    }
}

/// Locates `Cargo.toml`: the given path, or the nearest one from the current directory up.
pub fn find_manifest(manifest: Option<&Path>) -> Result<PathBuf> {
    if let Some(m) = manifest {
        let m = if m.is_dir() {
            m.join("Cargo.toml")
        } else {
            m.to_owned()
        };
        if !m.is_file() {
            bail!("no Cargo.toml found at `{}`", m.display());
        }
        return m
            .canonicalize()
            .with_context(|| format!("cannot resolve `{}`", m.display()));
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    for dir in cwd.ancestors() {
        let candidate = dir.join("Cargo.toml");
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    bail!(
        "could not find Cargo.toml in `{}` or any parent directory\n\
         hint: run cargo hpy inside a Rust crate, pass --manifest-path PATH/Cargo.toml, \
         or create a project with `cargo hpy new NAME`",
        cwd.display()
    )
}

/// Whether `s` is an ASCII Python identifier (HPy module names must be).
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Validates a dotted module name for HPy's loader and Python's import system.
pub fn check_module_name(module: &str) -> Result<()> {
    if module.contains('-') {
        bail!(
            "module name `{module}` contains `-`, which HPy's loader cannot handle: it looks up \
             `HPyInit_<name>` (PyPy uses the name as is, CPython replaces `-` by `_`) and Python \
             cannot import it\nhint: use `{}` as the module name (`#[hpy_module] mod {}` and \
             `module-name` in [tool.hpy-rs])",
            module.replace('-', "_"),
            module
                .rsplit('.')
                .next()
                .unwrap_or(module)
                .replace('-', "_"),
        );
    }
    if !module.split('.').all(is_identifier) {
        bail!(
            "module name `{module}` is not a valid Python module name (ASCII letters, digits \
             and `_`, dot-separated)"
        );
    }
    Ok(())
}

/// One line from cargo's error output (`error: ...`, ` --> file:line:col`, snippet lines,
/// `Caused by:` sections): the messages joined, prefixed with the file (and position) they
/// are about when cargo names one. Relative positions are resolved against `cwd`.
pub fn condense_cargo_error(stderr: &str, cwd: &Path) -> (String, bool) {
    let mut parts: Vec<String> = Vec::new();
    let mut location: Option<String> = None;
    let mut in_error = false;
    for line in stderr.lines().map(str::trim) {
        if line.is_empty() || line == "Caused by:" {
            continue;
        }
        if let Some(rest) = line.strip_prefix("error:") {
            in_error = true;
            parts.push(rest.trim().to_owned());
        } else if line.starts_with("warning:") || line.starts_with("note:") {
            in_error = false;
        } else if !in_error || line.starts_with('|') || line.starts_with("= ") {
            // Before the error, or a source snippet / note of it.
        } else if let Some(pos) = line.strip_prefix("--> ") {
            location.get_or_insert_with(|| pos.to_owned());
        } else if line
            .split_once(" |")
            .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
        {
            // `12 | source line`
        } else {
            parts.push(line.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    let message = parts
        .iter()
        .map(|p| p.trim_end_matches(':'))
        .collect::<Vec<_>>()
        .join(": ");
    let located = location.and_then(|pos| {
        let mut it = pos.rsplitn(3, ':');
        let column: usize = it.next()?.parse().ok()?;
        let line: usize = it.next()?.parse().ok()?;
        let file = crate::sdist::normalize(&cwd.join(it.next()?));
        Some(format!(
            "`{}`, line {line}, column {column}",
            file.display()
        ))
    });
    if let Some(at) = located {
        return (format!("{at}: {message}"), true);
    }
    // `failed to parse manifest at `/p/Cargo.toml`: missing field ...`
    if let Some((file, rest)) = message
        .strip_prefix("failed to parse manifest at `")
        .and_then(|m| m.split_once("`: "))
    {
        return (format!("`{file}`: invalid manifest: {rest}"), true);
    }
    (message, false)
}

/// The error for a failed `cargo metadata` (or another cargo command) on `manifest`.
pub fn cargo_load_error(manifest: &Path, stderr: &str) -> anyhow::Error {
    let cwd = std::env::current_dir().unwrap_or_default();
    match condense_cargo_error(stderr, &cwd) {
        (message, true) => anyhow!("{message}"),
        (message, false) => anyhow!("cargo cannot load `{}`: {message}", manifest.display()),
    }
}

impl Project {
    /// Loads the project around `manifest` (or the current directory).
    pub fn load(manifest: Option<&Path>) -> Result<Project> {
        let manifest_path = find_manifest(manifest)?;
        let root = manifest_path
            .parent()
            .ok_or_else(|| anyhow!("`{}` has no parent folder", manifest_path.display()))?
            .to_owned();
        // Parsed here first, so that a syntax error is reported with its position.
        let cargo_toml = tomlfile::read(&manifest_path)?;
        let meta = MetadataCommand::new()
            .cargo_path(cargo_exe())
            .manifest_path(&manifest_path)
            .no_deps()
            .exec()
            .map_err(|e| match e {
                cargo_metadata::Error::CargoMetadata { stderr } => {
                    cargo_load_error(&manifest_path, &stderr)
                }
                other => anyhow!("`cargo metadata` failed: {other}"),
            })?;
        let package: &Package = meta
            .packages
            .iter()
            .find(|p| p.manifest_path.as_std_path() == manifest_path)
            .ok_or_else(|| {
                let members: Vec<String> = meta
                    .workspace_packages()
                    .iter()
                    .filter(|p| {
                        p.targets
                            .iter()
                            .any(|t| t.crate_types.contains(&CrateType::CDyLib))
                    })
                    .map(|p| p.manifest_path.to_string())
                    .collect();
                anyhow!(
                    "`{}` is a virtual workspace manifest, not a crate\nhint: pass \
                     --manifest-path with one of the cdylib members: {}",
                    manifest_path.display(),
                    if members.is_empty() {
                        "(none)".to_owned()
                    } else {
                        members.join(", ")
                    }
                )
            })?;
        let lib = package
            .targets
            .iter()
            .find(|t| t.crate_types.contains(&CrateType::CDyLib))
            .ok_or_else(|| {
                anyhow!(
                    "crate `{}` is not a cdylib, so it cannot be loaded as an extension module\n\
                     hint: {}",
                    package.name,
                    cdylib_hint(&manifest_path)
                )
            })?;

        let pyproject_path = root.join("pyproject.toml");
        let has_pyproject = pyproject_path.is_file();
        let py = if has_pyproject {
            tomlfile::read(&pyproject_path)?
        } else {
            tomlfile::parse(&pyproject_path, String::new())?
        };
        py.table(&["project"])?;
        let tool_cfg = py.table(&["tool", "hpy-rs"])?.cloned().unwrap_or_default();
        cargo_toml.table(&["package", "metadata", "hpy-rs"])?;
        let config = |key: &str| -> Result<Option<String>> {
            Ok(match py.str(&["tool", "hpy-rs", key])? {
                Some(v) => Some(v.to_owned()),
                None => cargo_toml
                    .str(&["package", "metadata", "hpy-rs", key])?
                    .map(str::to_owned),
            })
        };
        for key in tool_cfg.keys() {
            if !matches!(key.as_str(), "module-name" | "python-source") {
                status::warn(&format!("unknown key `{key}` in [tool.hpy-rs] is ignored"));
            }
        }

        let lib_name = lib.name.replace('-', "_");
        let module = config("module-name")?.unwrap_or_else(|| lib_name.clone());
        check_module_name(&module)?;
        let top = module.split('.').next().unwrap_or(&module).to_owned();

        let python_source = match config("python-source")? {
            Some(ps) => {
                let dir = root.join(&ps);
                if !dir.join(&top).join("__init__.py").is_file() {
                    bail!(
                        "python-source `{ps}` has no package `{top}/__init__.py` (module `{module}`)"
                    );
                }
                Some(dir)
            }
            None => [root.join("python"), root.clone()]
                .into_iter()
                .find(|d| d.join(&top).join("__init__.py").is_file()),
        };

        let key = |k: &'static str| ["project", k];
        let name = match py.str(&key("name"))? {
            Some(n) => {
                check_dist_name(n).map_err(|e| py.error_at(&key("name"), &e.to_string()))?;
                n.to_owned()
            }
            None => {
                let n = package.name.to_string();
                check_dist_name(&n)?;
                n
            }
        };
        let version = match py.str(&key("version"))? {
            Some(v) => v.to_owned(),
            None => pep440_version(&package.version.to_string())?,
        };
        let summary = py
            .str(&key("description"))?
            .map(str::to_owned)
            .or_else(|| package.description.clone())
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
        let license = match py.get(&key("license")) {
            None => package.license.clone(),
            Some(toml::Value::String(s)) => Some(s.clone()),
            Some(toml::Value::Table(_)) => {
                if let Some(text) = py.str(&["project", "license", "text"])? {
                    Some(text.to_owned())
                } else if let Some(file) = py.str(&["project", "license", "file"])? {
                    Some(std::fs::read_to_string(root.join(file)).with_context(|| {
                        format!("cannot read the license file `{file}` named in pyproject.toml")
                    })?)
                } else {
                    return Err(py.error_at(&key("license"), "needs `text` or `file`"));
                }
            }
            Some(_) => {
                return Err(py.error_at(
                    &key("license"),
                    "must be a string or a table with `text` or `file`",
                ))
            }
        };
        let readme = match py.get(&key("readme")) {
            Some(toml::Value::String(file)) => Some((
                read_text(&root.join(file), "readme")?,
                readme_content_type(file).to_owned(),
            )),
            Some(toml::Value::Table(_)) => {
                let file = py.str(&["project", "readme", "file"])?;
                let text = match (file, py.str(&["project", "readme", "text"])?) {
                    (Some(file), _) => read_text(&root.join(file), "readme")?,
                    (None, Some(text)) => text.to_owned(),
                    _ => return Err(py.error_at(&key("readme"), "needs `file` or `text`")),
                };
                let ct = py
                    .str(&["project", "readme", "content-type"])?
                    .map(str::to_owned)
                    .or_else(|| file.map(|f| readme_content_type(f).to_owned()))
                    .unwrap_or_else(|| "text/plain".to_owned());
                Some((text, ct))
            }
            Some(_) => {
                return Err(py.error_at(
                    &key("readme"),
                    "must be a file name or a table with `file` or `text`",
                ))
            }
            None => match &package.readme {
                Some(r) => {
                    let path = root.join(r.as_std_path());
                    Some((
                        read_text(&path, "readme")?,
                        readme_content_type(r.as_str()).to_owned(),
                    ))
                }
                None => None,
            },
        };
        let authors = match py.get(&key("authors")) {
            None => package.authors.clone(),
            Some(toml::Value::Array(list)) => {
                let mut out = Vec::new();
                for a in list {
                    let Some(a) = a.as_table() else {
                        return Err(py.error_at(
                            &key("authors"),
                            "must be an array of tables with `name` and/or `email`",
                        ));
                    };
                    let field = |k: &str| a.get(k).and_then(|v| v.as_str());
                    let entry = match (field("name"), field("email")) {
                        (Some(n), Some(e)) => format!("{n} <{e}>"),
                        (Some(n), None) => n.to_owned(),
                        (None, Some(e)) => e.to_owned(),
                        (None, None) => continue,
                    };
                    out.push(entry);
                }
                out
            }
            Some(_) => {
                return Err(py.error_at(
                    &key("authors"),
                    "must be an array of tables with `name` and/or `email`",
                ))
            }
        };
        let keywords = match py.str_list(&key("keywords"))? {
            Some(k) => k,
            None => package.keywords.clone(),
        };
        let urls = match py.table(&key("urls"))? {
            Some(t) => {
                let mut out = Vec::new();
                for k in t.keys() {
                    let v = py.str(&["project", "urls", k])?.unwrap_or_default();
                    out.push((k.clone(), v.to_owned()));
                }
                out
            }
            None => [
                ("Homepage", &package.homepage),
                ("Repository", &package.repository),
                ("Documentation", &package.documentation),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_owned(), v.clone())))
            .collect(),
        };
        let mut extras = Vec::new();
        if let Some(t) = py.table(&key("optional-dependencies"))? {
            for k in t.keys() {
                let reqs = py.str_list(&["project", "optional-dependencies", k])?;
                extras.push((k.clone(), reqs.unwrap_or_default()));
            }
        }
        let metadata = CoreMetadata {
            name,
            version,
            summary,
            license,
            requires_python: py.str(&key("requires-python"))?.map(str::to_owned),
            readme,
            authors,
            keywords,
            classifiers: py.str_list(&key("classifiers"))?.unwrap_or_default(),
            urls,
            requires_dist: py.str_list(&key("dependencies"))?.unwrap_or_default(),
            extras,
        };

        Ok(Project {
            manifest_path,
            root,
            target_dir: meta.target_directory.into_std_path_buf(),
            workspace_root: meta.workspace_root.into_std_path_buf(),
            package_name: package.name.to_string(),
            module,
            python_source,
            pyproject: has_pyproject.then_some(py.table),
            metadata,
        })
    }
}

fn read_text(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} file `{}`", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names() {
        assert!(check_module_name("hello").is_ok());
        assert!(check_module_name("pkg._core").is_ok());
        let e = check_module_name("my-mod").unwrap_err().to_string();
        assert!(e.contains("contains `-`") && e.contains("my_mod"), "{e}");
        // Components are identifiers, so the installed path never gets a `.hpy` from them.
        assert!(check_module_name("pkg.hpy0").is_ok());
        assert!(check_module_name("1abc").is_err());
        assert!(check_module_name("a..b").is_err());
        assert!(check_module_name("hpyx").is_ok());
    }

    #[test]
    fn cargo_errors_become_one_line() {
        // Measured outputs of `cargo metadata` (cargo 1.95), run in /w.
        let located = "error: invalid type: integer `3`, expected a version string like \
            \"0.9.8\"\n --> m/Cargo.toml:9:7\n  |\n9 | foo = 3\n  |       ^\n";
        assert_eq!(
            condense_cargo_error(located, Path::new("/w")),
            (
                "`/w/m/Cargo.toml`, line 9, column 7: invalid type: integer `3`, expected a \
                 version string like \"0.9.8\""
                    .to_owned(),
                true
            )
        );
        let parent = "error: unclosed array, expected `]`\n --> ../Cargo.toml:2:16\n  |\n\
            2 | members = [\"m\"\n  |               ^\n";
        assert!(condense_cargo_error(parent, Path::new("/w/m"))
            .0
            .starts_with("`/w/Cargo.toml`, line 2, column 16: unclosed array"));
        let caused = "warning: unused manifest key: package.bogus\nerror: failed to parse \
            manifest at `/w/Cargo.toml`\n\nCaused by:\n  missing field `package.name`\n";
        assert_eq!(
            condense_cargo_error(caused, Path::new("/")),
            (
                "`/w/Cargo.toml`: invalid manifest: missing field `package.name`".to_owned(),
                true
            )
        );
        let plain = "error: failed to load manifest for dependency `foo`\n\nCaused by:\n  \
            failed to read `/w/nope/Cargo.toml`\n\nCaused by:\n  No such file or directory \
            (os error 2)\n";
        assert_eq!(
            condense_cargo_error(plain, Path::new("/")),
            (
                "failed to load manifest for dependency `foo`: failed to read \
                 `/w/nope/Cargo.toml`: No such file or directory (os error 2)"
                    .to_owned(),
                false
            )
        );
    }
}
