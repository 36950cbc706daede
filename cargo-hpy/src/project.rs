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
use crate::status;

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

fn str_key<'a>(t: &'a toml::Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(|v| v.as_str())
}

fn str_list(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl Project {
    /// Loads the project around `manifest` (or the current directory).
    pub fn load(manifest: Option<&Path>) -> Result<Project> {
        let manifest_path = find_manifest(manifest)?;
        let root = manifest_path
            .parent()
            .ok_or_else(|| anyhow!("`{}` has no parent folder", manifest_path.display()))?
            .to_owned();
        let meta = MetadataCommand::new()
            .cargo_path(cargo_exe())
            .manifest_path(&manifest_path)
            .no_deps()
            .exec()
            .map_err(|e| match e {
                cargo_metadata::Error::CargoMetadata { stderr } => anyhow!(
                    "`cargo metadata` failed for `{}`:\n{}",
                    manifest_path.display(),
                    stderr.trim_end()
                ),
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
                     hint: add this to {}:\n\n[lib]\ncrate-type = [\"cdylib\"]",
                    package.name,
                    manifest_path.display()
                )
            })?;

        let pyproject_path = root.join("pyproject.toml");
        let pyproject: Option<toml::Table> = if pyproject_path.is_file() {
            let text = std::fs::read_to_string(&pyproject_path)
                .with_context(|| format!("cannot read `{}`", pyproject_path.display()))?;
            Some(
                toml::from_str(&text)
                    .with_context(|| format!("`{}` is not valid TOML", pyproject_path.display()))?,
            )
        } else {
            None
        };
        let project_table = pyproject
            .as_ref()
            .and_then(|p| p.get("project"))
            .and_then(|p| p.as_table())
            .cloned()
            .unwrap_or_default();
        let tool_cfg = pyproject
            .as_ref()
            .and_then(|p| p.get("tool"))
            .and_then(|t| t.get("hpy-rs"))
            .and_then(|t| t.as_table())
            .cloned()
            .unwrap_or_default();
        let cargo_cfg = package.metadata.get("hpy-rs");
        let config = |key: &str| -> Option<String> {
            str_key(&tool_cfg, key).map(str::to_owned).or_else(|| {
                cargo_cfg
                    .and_then(|c| c.get(key))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            })
        };
        for key in tool_cfg.keys() {
            if !matches!(key.as_str(), "module-name" | "python-source") {
                status::warn(&format!("unknown key `{key}` in [tool.hpy-rs] is ignored"));
            }
        }

        let lib_name = lib.name.replace('-', "_");
        let module = config("module-name").unwrap_or_else(|| lib_name.clone());
        check_module_name(&module)?;
        let top = module.split('.').next().unwrap_or(&module).to_owned();

        let python_source = match config("python-source") {
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

        let name = str_key(&project_table, "name")
            .map(str::to_owned)
            .unwrap_or_else(|| package.name.to_string());
        check_dist_name(&name)?;
        let version = match str_key(&project_table, "version") {
            Some(v) => v.to_owned(),
            None => pep440_version(&package.version.to_string())?,
        };
        let summary = str_key(&project_table, "description")
            .map(str::to_owned)
            .or_else(|| package.description.clone())
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
        let license = match project_table.get("license") {
            Some(toml::Value::String(s)) => Some(s.clone()),
            Some(toml::Value::Table(t)) => {
                if let Some(text) = str_key(t, "text") {
                    Some(text.to_owned())
                } else if let Some(file) = str_key(t, "file") {
                    Some(std::fs::read_to_string(root.join(file)).with_context(|| {
                        format!("cannot read the license file `{file}` named in pyproject.toml")
                    })?)
                } else {
                    None
                }
            }
            _ => package.license.clone(),
        };
        let readme = match project_table.get("readme") {
            Some(toml::Value::String(file)) => Some((
                read_text(&root.join(file), "readme")?,
                readme_content_type(file).to_owned(),
            )),
            Some(toml::Value::Table(t)) => {
                let text = match (str_key(t, "file"), str_key(t, "text")) {
                    (Some(file), _) => read_text(&root.join(file), "readme")?,
                    (None, Some(text)) => text.to_owned(),
                    _ => bail!("pyproject.toml: `readme` needs `file` or `text`"),
                };
                let ct = str_key(t, "content-type")
                    .map(str::to_owned)
                    .or_else(|| str_key(t, "file").map(|f| readme_content_type(f).to_owned()))
                    .unwrap_or_else(|| "text/plain".to_owned());
                Some((text, ct))
            }
            _ => match &package.readme {
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
        let authors = match project_table.get("authors").and_then(|a| a.as_array()) {
            Some(list) => list
                .iter()
                .filter_map(|a| a.as_table())
                .map(|a| match (str_key(a, "name"), str_key(a, "email")) {
                    (Some(n), Some(e)) => format!("{n} <{e}>"),
                    (Some(n), None) => n.to_owned(),
                    (None, Some(e)) => e.to_owned(),
                    (None, None) => String::new(),
                })
                .filter(|s| !s.is_empty())
                .collect(),
            None => package.authors.clone(),
        };
        let keywords = if project_table.contains_key("keywords") {
            str_list(project_table.get("keywords"))
        } else {
            package.keywords.clone()
        };
        let urls = match project_table.get("urls").and_then(|u| u.as_table()) {
            Some(t) => t
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect(),
            None => [
                ("Homepage", &package.homepage),
                ("Repository", &package.repository),
                ("Documentation", &package.documentation),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_owned(), v.clone())))
            .collect(),
        };
        let extras = project_table
            .get("optional-dependencies")
            .and_then(|t| t.as_table())
            .map(|t| {
                t.iter()
                    .map(|(k, v)| (k.clone(), str_list(Some(v))))
                    .collect()
            })
            .unwrap_or_default();
        let metadata = CoreMetadata {
            name,
            version,
            summary,
            license,
            requires_python: str_key(&project_table, "requires-python").map(str::to_owned),
            readme,
            authors,
            keywords,
            classifiers: str_list(project_table.get("classifiers")),
            urls,
            requires_dist: str_list(project_table.get("dependencies")),
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
            pyproject,
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
}
