//! `cargo hpy sdist`: a source distribution pip can build anywhere with the PEP 517
//! backend shim.
//!
//! Layout of `<name>-<version>.tar.gz`:
//! - `<name>-<version>/`: the project's files (no `target/`, hidden or build outputs),
//!   `PKG-INFO`, `Cargo.lock` (the workspace's), `pyproject.toml` (the project's, or a
//!   generated one naming the backend) and `build_backend/hpy_rs_build.py`;
//! - `Cargo.toml` rewritten to stand alone: workspace-inherited fields resolved, an empty
//!   `[workspace]`, the workspace's `[profile]`s, and path dependencies outside the project
//!   (hpy-rs itself while it is not on crates.io) copied under `_vendor/<crate>/` with their
//!   manifests rewritten the same way.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::metadata::escaped_name;
use crate::new::{BACKEND_DIR, BACKEND_SHIM};
use crate::output::{self, StagedFile};
use crate::project::Project;
use crate::{status, tomlfile};

/// Fixed mtime for archive members (1980-01-01), for reproducible sdists.
const MTIME: u64 = 315_532_800;

/// Files below `dir` that belong in a source distribution, relative and sorted.
fn source_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let abs = dir.join(&rel);
        for item in
            std::fs::read_dir(&abs).with_context(|| format!("cannot list `{}`", abs.display()))?
        {
            let item = item?;
            let name = item.file_name().to_string_lossy().into_owned();
            let skip_dir = matches!(name.as_str(), "target" | "__pycache__" | "dist" | "_vendor");
            if name.starts_with('.') {
                continue;
            }
            let ty = item.file_type()?;
            let child = rel.join(&name);
            if ty.is_dir() {
                if !skip_dir {
                    stack.push(child);
                }
            } else if ty.is_file()
                && ![".pyc", ".so", ".whl", ".tar.gz"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
            {
                out.push(child);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The nearest enclosing `Cargo.toml` with a `[workspace]` table (for inherited fields).
fn workspace_of(manifest_dir: &Path) -> Result<Option<(PathBuf, toml::Table)>> {
    for dir in manifest_dir.ancestors() {
        let candidate = dir.join("Cargo.toml");
        if candidate.is_file() {
            let table = read_toml(&candidate)?;
            if table.contains_key("workspace") {
                return Ok(Some((dir.to_owned(), table)));
            }
        }
    }
    Ok(None)
}

fn read_toml(path: &Path) -> Result<toml::Table> {
    Ok(tomlfile::read(path)?.table)
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))
}

/// Lexically normalises `a/b/../c` to `a/c` (paths need not exist).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Relative path from folder `from` to `to` (both relative to the sdist root).
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Rewrites manifests so the sdist builds on its own; collects the crates to vendor.
struct Vendorer {
    /// Canonical crate folder → folder inside the sdist.
    vendored: BTreeMap<PathBuf, PathBuf>,
    /// Rewritten manifests and files to add: sdist path → contents.
    files: BTreeMap<PathBuf, Vec<u8>>,
}

const DEP_TABLES: &[&str] = &["dependencies", "build-dependencies", "dev-dependencies"];

impl Vendorer {
    /// Rewrites the manifest of the crate in `crate_dir`, placed at `sdist_dir`.
    fn rewrite(
        &mut self,
        crate_dir: &Path,
        sdist_dir: &Path,
        is_root: bool,
    ) -> Result<toml::Table> {
        let manifest = crate_dir.join("Cargo.toml");
        let mut table = read_toml(&manifest)?;
        let ws = workspace_of(crate_dir)?;
        let ws_is_self = ws.as_ref().is_some_and(|(d, _)| d == crate_dir);
        let empty = toml::Table::new();
        let (ws_dir, ws_table) = match &ws {
            Some((d, t)) => (d.clone(), t),
            None => (crate_dir.to_owned(), &empty),
        };
        let ws_section = ws_table.get("workspace").and_then(|w| w.as_table());
        let ws_package = ws_section
            .and_then(|w| w.get("package"))
            .and_then(|p| p.as_table());
        let ws_deps = ws_section
            .and_then(|w| w.get("dependencies"))
            .and_then(|p| p.as_table());

        // [package]: resolve `field.workspace = true`.
        if let Some(pkg) = table.get_mut("package").and_then(|p| p.as_table_mut()) {
            pkg.remove("workspace");
            let keys: Vec<String> = pkg.keys().cloned().collect();
            for key in keys {
                let inherited = pkg[&key]
                    .as_table()
                    .and_then(|t| t.get("workspace"))
                    .and_then(|w| w.as_bool())
                    == Some(true);
                if inherited {
                    let value = ws_package.and_then(|p| p.get(&key)).cloned().ok_or_else(|| {
                        anyhow!("`{}`: `{key}.workspace = true` but the workspace does not define it", manifest.display())
                    })?;
                    pkg.insert(key, value);
                }
            }
        }

        // Dependency tables, also under [target.'cfg'].
        let mut tables: Vec<Vec<String>> =
            DEP_TABLES.iter().map(|t| vec![(*t).to_owned()]).collect();
        if let Some(targets) = table.get("target").and_then(|t| t.as_table()) {
            for (cfg, sub) in targets {
                for t in DEP_TABLES {
                    if sub.get(*t).is_some() {
                        tables.push(vec!["target".into(), cfg.clone(), (*t).to_owned()]);
                    }
                }
            }
        }
        for key_path in tables {
            let dev = key_path.last().is_some_and(|k| k == "dev-dependencies");
            let Some(deps) = lookup_mut(&mut table, &key_path) else {
                continue;
            };
            let names: Vec<String> = deps.keys().cloned().collect();
            for name in names {
                let mut spec = deps[&name].clone();
                // `dep.workspace = true` → the workspace's entry, merged with local keys.
                if spec
                    .as_table()
                    .and_then(|t| t.get("workspace"))
                    .and_then(|w| w.as_bool())
                    == Some(true)
                {
                    let mut base = match ws_deps.and_then(|d| d.get(&name)) {
                        Some(toml::Value::String(v)) => {
                            let mut t = toml::Table::new();
                            t.insert("version".into(), toml::Value::String(v.clone()));
                            t
                        }
                        Some(toml::Value::Table(t)) => t.clone(),
                        _ => bail!("`{}`: dependency `{name}` is inherited but the workspace does not define it", manifest.display()),
                    };
                    if let Some(p) = base.get("path").and_then(|p| p.as_str()) {
                        let abs = ws_dir.join(p);
                        base.insert(
                            "path".into(),
                            toml::Value::String(abs.to_string_lossy().into_owned()),
                        );
                    }
                    for (k, v) in spec.as_table().unwrap() {
                        if k == "features" {
                            let mut feats = base
                                .get("features")
                                .and_then(|f| f.as_array())
                                .cloned()
                                .unwrap_or_default();
                            feats.extend(v.as_array().cloned().unwrap_or_default());
                            base.insert("features".into(), toml::Value::Array(feats));
                        } else if k != "workspace" {
                            base.insert(k.clone(), v.clone());
                        }
                    }
                    spec = toml::Value::Table(base);
                }
                let path = spec
                    .as_table()
                    .and_then(|t| t.get("path"))
                    .and_then(|p| p.as_str())
                    .map(PathBuf::from);
                if let Some(path) = path {
                    let abs = normalize(&crate_dir.join(path));
                    let inside = is_root && abs.starts_with(crate_dir);
                    if !inside {
                        if dev {
                            deps.remove(&name);
                            continue;
                        }
                        let target = self.vendor(&abs)?;
                        let rel = relative(sdist_dir, &target);
                        spec.as_table_mut()
                            .unwrap()
                            .insert("path".into(), toml::Value::String(rel));
                    }
                }
                deps.insert(name, spec);
            }
        }
        if !is_root {
            table.remove("dev-dependencies");
            table.remove("workspace");
        } else {
            if !table.contains_key("workspace") {
                table.insert("workspace".into(), toml::Value::Table(toml::Table::new()));
            }
            if !table.contains_key("profile") && !ws_is_self {
                if let Some(profile) = ws_table.get("profile") {
                    table.insert("profile".into(), profile.clone());
                }
            }
        }
        Ok(table)
    }

    /// Copies the crate at `dir` under `_vendor/` (once); returns its sdist folder.
    fn vendor(&mut self, dir: &Path) -> Result<PathBuf> {
        let dir = dir
            .canonicalize()
            .with_context(|| format!("path dependency `{}` does not exist", dir.display()))?;
        if let Some(done) = self.vendored.get(&dir) {
            return Ok(done.clone());
        }
        let manifest = read_toml(&dir.join("Cargo.toml"))?;
        let name = manifest
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .ok_or_else(|| anyhow!("`{}/Cargo.toml` has no package name", dir.display()))?
            .to_owned();
        let target = Path::new("_vendor").join(&name);
        if self.vendored.values().any(|v| v == &target) {
            bail!("two different path dependencies are both named `{name}`");
        }
        self.vendored.insert(dir.clone(), target.clone());
        status::step("Vendoring", &format!("{name} from {}", dir.display()));
        for rel in source_files(&dir)? {
            if rel == Path::new("Cargo.toml") || rel == Path::new("Cargo.lock") {
                continue;
            }
            self.files
                .insert(target.join(&rel), read_file(&dir.join(&rel))?);
        }
        let table = self.rewrite(&dir, &target, false)?;
        self.files.insert(
            target.join("Cargo.toml"),
            toml::to_string(&table)?.into_bytes(),
        );
        Ok(target)
    }
}

fn lookup_mut<'a>(table: &'a mut toml::Table, path: &[String]) -> Option<&'a mut toml::Table> {
    let (first, rest) = path.split_first()?;
    let next = table.get_mut(first)?.as_table_mut()?;
    if rest.is_empty() {
        Some(next)
    } else {
        lookup_mut(next, rest)
    }
}

/// The pyproject.toml for the sdist: the project's when it names a backend, otherwise
/// one that uses the hpy-rs backend shim.
fn sdist_pyproject(project: &Project) -> Result<(Vec<u8>, bool)> {
    let mut table = project.pyproject.clone().unwrap_or_default();
    let has_backend = table
        .get("build-system")
        .and_then(|b| b.get("build-backend"))
        .is_some();
    if has_backend {
        return Ok((read_file(&project.root.join("pyproject.toml"))?, false));
    }
    let mut bs = toml::Table::new();
    bs.insert("requires".into(), toml::Value::Array(vec![]));
    bs.insert("build-backend".into(), "hpy_rs_build".into());
    bs.insert(
        "backend-path".into(),
        toml::Value::Array(vec![BACKEND_DIR.into()]),
    );
    table.insert("build-system".into(), toml::Value::Table(bs));
    if !table.contains_key("project") {
        let mut p = toml::Table::new();
        p.insert("name".into(), project.metadata.name.clone().into());
        p.insert("dynamic".into(), toml::Value::Array(vec!["version".into()]));
        table.insert("project".into(), toml::Value::Table(p));
    }
    Ok((toml::to_string(&table)?.into_bytes(), true))
}

/// Writes the sdist; returns its path.
pub fn sdist(manifest: Option<&Path>, out: Option<PathBuf>) -> Result<PathBuf> {
    let project = Project::load(manifest)?;
    let out = out.unwrap_or_else(|| project.target_dir.join("wheels"));
    output::prepare_dir(&out, "the output folder")?;
    let meta = &project.metadata;
    let base = format!("{}-{}", escaped_name(&meta.name), meta.version);
    status::step(
        "Packaging",
        &format!("{} {} (sdist)", meta.name, meta.version),
    );

    let mut vendorer = Vendorer {
        vendored: BTreeMap::new(),
        files: BTreeMap::new(),
    };
    let root_manifest = vendorer.rewrite(&project.root, Path::new(""), true)?;

    let mut files: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    for rel in source_files(&project.root)? {
        if rel == Path::new("Cargo.lock") {
            continue;
        }
        files.insert(rel.clone(), read_file(&project.root.join(&rel))?);
    }
    files.insert(
        "Cargo.toml".into(),
        toml::to_string(&root_manifest)?.into_bytes(),
    );
    let lock = project.workspace_root.join("Cargo.lock");
    if lock.is_file() {
        files.insert("Cargo.lock".into(), read_file(&lock)?);
    }
    let (pyproject, needs_shim) = sdist_pyproject(&project)?;
    files.insert("pyproject.toml".into(), pyproject);
    let shim = Path::new(BACKEND_DIR).join("hpy_rs_build.py");
    if needs_shim {
        files.insert(shim, BACKEND_SHIM.as_bytes().to_vec());
    }
    files.insert("PKG-INFO".into(), meta.render().into_bytes());
    files.extend(vendorer.files);

    let path = out.join(format!("{base}.tar.gz"));
    let mut staged = StagedFile::create(&path)?;
    let mut tar = tar::Builder::new(GzEncoder::new(staged.file(), Compression::default()));
    for (rel, data) in &files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(MTIME);
        header.set_entry_type(tar::EntryType::Regular);
        let name = Path::new(&base).join(rel);
        tar.append_data(&mut header, &name, data.as_slice())
            .with_context(|| format!("cannot add `{}` to the sdist", name.display()))?;
        output::pause_for_tests();
    }
    tar.into_inner()
        .and_then(|gz| gz.finish())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    let path = staged.commit()?;
    status::step(
        "Finished",
        &format!("{} ({} files)", path.display(), files.len()),
    );
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new(""), Path::new("_vendor/hpy-rs")),
            "_vendor/hpy-rs"
        );
        assert_eq!(
            relative(
                Path::new("_vendor/hpy-rs"),
                Path::new("_vendor/hpy-rs-macros")
            ),
            "../hpy-rs-macros"
        );
        assert_eq!(
            normalize(Path::new("/a/b/../../c/./d")),
            PathBuf::from("/c/d")
        );
    }
}
