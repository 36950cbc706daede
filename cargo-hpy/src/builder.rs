//! `cargo hpy build`: compile the cdylib, check its HPy entry points, and package it
//! as a universal wheel (`<module>.hpy0.so` + import stub + dist-info).

use std::io::BufReader;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use cargo_metadata::{CrateType, Message};

use crate::elf::{self, ElfInfo};
use crate::metadata::escaped_name;
use crate::project::{cargo_exe, Project};
use crate::stub::stub_source;
use crate::tags::platform_tag;
use crate::wheel::{self, Entry};
use crate::{interrupt, output, status};

/// Options shared by `build` and `develop`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Build with `--release`.
    pub release: bool,
    /// `Cargo.toml` to use (default: found from the current directory).
    pub manifest: Option<PathBuf>,
    /// Output folder (default: `<target>/wheels`).
    pub out: Option<PathBuf>,
}

/// Runs `cargo build` for the project's library and returns the shared library's path.
fn cargo_build(project: &Project, release: bool) -> Result<PathBuf> {
    let profile = if release { "release" } else { "dev" };
    status::step(
        "Compiling",
        &format!(
            "{} with cargo ({profile} profile), this can take a while on the first build",
            project.package_name
        ),
    );
    let mut cmd = Command::new(cargo_exe());
    cmd.arg("build")
        .arg("--lib")
        .arg("--message-format=json-render-diagnostics")
        .arg("--manifest-path")
        .arg(&project.manifest_path);
    if release {
        cmd.arg("--release");
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let (mut child, stdout) = interrupt::spawn(&mut cmd)
        .with_context(|| format!("cannot run `{}`", cargo_exe().display()))?;
    let stdout = stdout.context("cargo's output is not piped")?;
    let mut artifact = None;
    for message in Message::parse_stream(BufReader::new(stdout)) {
        let message = message.context("cannot read cargo's output")?;
        if let Message::CompilerArtifact(a) = message {
            let ours = a.manifest_path.as_std_path() == project.manifest_path
                && a.target.crate_types.contains(&CrateType::CDyLib);
            if ours {
                artifact = a
                    .filenames
                    .iter()
                    .find(|f| f.extension() == Some("so"))
                    .map(|f| f.clone().into_std_path_buf());
            }
        }
    }
    let exit = child.wait().context("cargo did not finish")?;
    if let Some(signal) = exit.signal() {
        bail!("cargo build was killed by signal {signal}");
    }
    if !exit.success() {
        bail!("cargo build failed (see the errors above)");
    }
    artifact.ok_or_else(|| {
        anyhow::anyhow!(
            "cargo built no shared library for `{}` (is the target platform Linux?)",
            project.package_name
        )
    })
}

/// Checks that the library exports the four loader symbols of `project`'s module.
pub fn check_symbols(project: &Project, info: &ElfInfo, lib: &Path) -> Result<()> {
    let short = project.short_name();
    let wanted = elf::loader_symbols(short);
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|s| !info.exported.contains(*s))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let found = elf::hpy_modules(info);
    let config_hint = "set `module-name` in [tool.hpy-rs] (pyproject.toml) or in \
                       [package.metadata.hpy-rs] (Cargo.toml)";
    if found.is_empty() {
        bail!(
            "the built library `{}` exports no HPy module entry points (no HPyInit_* symbol; \
             expected {})\nhint: the crate needs an `#[hpy_rs::hpy_module] mod {short} {{ ... }}`",
            lib.display(),
            wanted.join(", ")
        );
    }
    if !found.iter().any(|f| f == short) {
        bail!(
            "module name mismatch: the wheel's module is `{}` (symbols `*_{short}`), but the \
             built library defines the HPy module{} {}\nhint: rename the `#[hpy_module] mod` to \
             `{short}` (or write `#[hpy_module(name = \"{short}\")]`), or {config_hint}, \
             e.g. module-name = \"{}\"",
            project.module,
            if found.len() > 1 { "s" } else { "" },
            found
                .iter()
                .map(|f| format!("`{f}` (HPyInit_{f})"))
                .collect::<Vec<_>>()
                .join(", "),
            found[0]
        );
    }
    let c_api_only = missing.len() == 1 && *missing[0] == format!("PyInit_{short}");
    bail!(
        "the built library `{}` defines HPyInit_{short} but lacks {}: {}",
        lib.display(),
        missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        if c_api_only {
            "the C-API backend's entry point, which the import stub loads on CPython and PyPy 8\n\
             hint: build with an hpy-rs that has the C-API backend"
        } else {
            "it was not made by #[hpy_module]"
        }
    )
}

/// Files of the Python package of a mixed project, with their paths in the wheel.
fn python_files(project: &Project, skip: &[String]) -> Result<Vec<Entry>> {
    let Some(src) = &project.python_source else {
        return Ok(Vec::new());
    };
    let top = project.module.split('.').next().unwrap_or(&project.module);
    let mut out = Vec::new();
    let mut stack = vec![src.join(top)];
    while let Some(dir) = stack.pop() {
        let mut items: Vec<_> = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot list `{}`", dir.display()))?
            .collect::<std::io::Result<_>>()?;
        items.sort_by_key(|e| e.file_name());
        for item in items {
            let path = item.path();
            let name = item.file_name().to_string_lossy().into_owned();
            if name == "__pycache__" || name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if name.ends_with(".pyc") || name.ends_with(".so") {
                continue;
            }
            let rel = path
                .strip_prefix(src)
                .expect("walk stays below the source folder")
                .to_string_lossy()
                .replace('\\', "/");
            if skip.contains(&rel) {
                status::warn(&format!(
                    "`{}` is replaced by the generated import stub",
                    path.display()
                ));
                continue;
            }
            out.push(Entry {
                data: std::fs::read(&path)
                    .with_context(|| format!("cannot read `{}`", path.display()))?,
                path: rel,
                executable: false,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Builds the wheel; returns its path.
pub fn build(opts: &BuildOptions) -> Result<PathBuf> {
    let project = Project::load(opts.manifest.as_deref())?;
    build_project(&project, opts)
}

/// Builds the wheel of an already loaded project.
pub fn build_project(project: &Project, opts: &BuildOptions) -> Result<PathBuf> {
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| project.target_dir.join("wheels"));
    // Before the build, which can take minutes.
    output::prepare_dir(&out, "the output folder")?;
    let lib = cargo_build(project, opts.release)?;
    status::step(
        "Checking",
        &format!("{} (ELF symbols and libraries)", lib.display()),
    );
    let bytes = std::fs::read(&lib).with_context(|| format!("cannot read `{}`", lib.display()))?;
    let info = elf::inspect(&bytes).with_context(|| format!("in `{}`", lib.display()))?;
    check_symbols(project, &info, &lib)?;
    let platform = platform_tag(&info);
    if let Some(why) = &platform.not_manylinux {
        status::warn(&format!(
            "the wheel is tagged {} instead of manylinux: {why}",
            platform.tags[0]
        ));
    }

    let module_path = project.module_path();
    let so_path = format!("{module_path}.hpy0.so");
    let stub_path = format!("{module_path}.py");
    let so_file = so_path.rsplit('/').next().unwrap_or(&so_path).to_owned();
    let mut entries = python_files(project, &[so_path.clone(), stub_path.clone()])?;
    entries.push(Entry {
        path: so_path,
        data: bytes,
        executable: true,
    });
    entries.push(Entry {
        path: stub_path,
        data: stub_source(project.short_name(), &so_file, &project.metadata.name).into_bytes(),
        executable: false,
    });

    let meta = &project.metadata;
    let name = escaped_name(&meta.name);
    let version = meta.version.replace('-', "_");
    let tags: Vec<String> = platform
        .tags
        .iter()
        .map(|t| format!("py3-none-{t}"))
        .collect();
    let file_name = format!(
        "{name}-{version}-py3-none-{}.whl",
        platform.file_component()
    );
    status::step("Packaging", &format!("{} {}", meta.name, meta.version));
    let path = wheel::write(
        &out,
        &file_name,
        &format!("{name}-{version}.dist-info"),
        entries,
        &meta.render(),
        &tags,
    )?;
    status::step(
        "Finished",
        &format!(
            "{} (`import {}` on CPython and on PyPy)",
            path.display(),
            project.import_name()
        ),
    );
    Ok(path)
}
