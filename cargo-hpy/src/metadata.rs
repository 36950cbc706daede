//! Python core metadata (the wheel's `METADATA`, the sdist's `PKG-INFO`), names and
//! versions.

use anyhow::{bail, Result};

/// The extra of every hpy-rs wheel that adds HPy's runtime on CPython:
/// `pip install 'demo[debug]'`, for `HPY=debug` (and `HPY=trace`). The module itself runs
/// on CPython's C API without it; PyPy 7.3 has HPy built in and PyPy 8 has no HPy, so the
/// extra adds nothing there. Named after what it is for, not after the package it pulls in.
pub const HPY_EXTRA: &str = "debug";

/// The requirement [`HPY_EXTRA`] adds, and the marker that limits it to the CPythons where
/// HPy's runtime can work: pip cannot install `hpy` on PyPy, and hpy 0.9.0 (the last release)
/// crashes on CPython 3.13+, where the import stub refuses HPy; there the extra would only
/// make pip compile hpy from source (it has wheels up to 3.11) for nothing.
pub const HPY_REQUIREMENT: (&str, &str) = (
    "hpy>=0.9.0",
    "platform_python_implementation == \"CPython\" and python_version < \"3.13\"",
);

/// An extra's name normalized as PEP 685 compares them (`Debug`, `de_bug` → `debug`, `de-bug`).
fn normalize_extra(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Fields of core metadata 2.1 that cargo-hpy fills in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoreMetadata {
    /// Distribution name as the user wrote it.
    pub name: String,
    /// PEP 440 version.
    pub version: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// License text or SPDX expression.
    pub license: Option<String>,
    /// `Requires-Python` specifier.
    pub requires_python: Option<String>,
    /// Long description and its content type.
    pub readme: Option<(String, String)>,
    /// `Author-email`-style entries (`Name <mail>` or plain names).
    pub authors: Vec<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Trove classifiers.
    pub classifiers: Vec<String>,
    /// `(label, url)` pairs.
    pub urls: Vec<(String, String)>,
    /// Requirements (`Requires-Dist`).
    pub requires_dist: Vec<String>,
    /// Extras and their requirements, without the [`HPY_EXTRA`] requirement.
    pub extras: Vec<(String, Vec<String>)>,
}

impl CoreMetadata {
    /// Renders the `METADATA` / `PKG-INFO` file.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut field = |k: &str, v: &str| {
            // Continuation lines keep multi-line values (a license text) valid RFC 822.
            let v = v.trim_end().replace('\n', "\n        ");
            out.push_str(&format!("{k}: {v}\n"));
        };
        field("Metadata-Version", "2.1");
        field("Name", &self.name);
        field("Version", &self.version);
        if let Some(s) = &self.summary {
            field("Summary", s.lines().next().unwrap_or(""));
        }
        if !self.keywords.is_empty() {
            field("Keywords", &self.keywords.join(","));
        }
        for a in &self.authors {
            if a.contains('@') {
                field("Author-email", a);
            } else {
                field("Author", a);
            }
        }
        if let Some(l) = &self.license {
            field("License", l);
        }
        for c in &self.classifiers {
            field("Classifier", c);
        }
        for (label, url) in &self.urls {
            field("Project-URL", &format!("{label}, {url}"));
        }
        if let Some(r) = &self.requires_python {
            field("Requires-Python", r);
        }
        for r in &self.requires_dist {
            field("Requires-Dist", r);
        }
        // The hpy extra joins the project's own extra of that name, if it has one.
        let mut extras = self.extras.clone();
        let (hpy, where_) = HPY_REQUIREMENT;
        let hpy = format!("{hpy}; {where_}");
        match extras
            .iter_mut()
            .find(|(e, _)| normalize_extra(e) == HPY_EXTRA)
        {
            Some((_, reqs)) => reqs.push(hpy),
            None => extras.push((HPY_EXTRA.to_owned(), vec![hpy])),
        }
        for (extra, reqs) in &extras {
            field("Provides-Extra", extra);
            for r in reqs {
                let r = match r.split_once(';') {
                    // Ours: a conjunction already, no parentheses needed.
                    Some((req, marker)) if marker.trim() == where_ => {
                        format!("{}; {where_} and extra == \"{extra}\"", req.trim())
                    }
                    Some((req, marker)) => {
                        format!(
                            "{}; ({}) and extra == \"{extra}\"",
                            req.trim(),
                            marker.trim()
                        )
                    }
                    None => format!("{}; extra == \"{extra}\"", r.trim()),
                };
                field("Requires-Dist", &r);
            }
        }
        if let Some((text, content_type)) = &self.readme {
            field("Description-Content-Type", content_type);
            out.push('\n');
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}

/// The distribution name as used in file names: runs of `-_.` become `_`, lowercased.
pub fn escaped_name(name: &str) -> String {
    let mut out = String::new();
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('_');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Checks a distribution name against PEP 508's rule.
pub fn check_dist_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !ok {
        bail!("`{name}` is not a valid Python distribution name (letters, digits, `-`, `_`, `.`)");
    }
    Ok(())
}

/// Maps a Cargo (SemVer) version to PEP 440: `1.0.0-alpha.1` → `1.0.0a1`,
/// `-beta.2` → `b2`, `-rc.1` → `rc1`, `-dev.3` → `.dev3`; build metadata becomes a local
/// version label.
pub fn pep440_version(v: &str) -> Result<String> {
    let (main, local) = match v.split_once('+') {
        Some((m, l)) => (m, Some(l)),
        None => (v, None),
    };
    let (release, pre) = match main.split_once('-') {
        Some((r, p)) => (r, Some(p)),
        None => (main, None),
    };
    let mut out = release.to_owned();
    if let Some(pre) = pre {
        let lower = pre.to_ascii_lowercase();
        let (kind, num) = match lower.split_once('.') {
            Some((k, n)) => (k.to_owned(), n.to_owned()),
            None => {
                let split = lower
                    .find(|c: char| c.is_ascii_digit())
                    .unwrap_or(lower.len());
                (lower[..split].to_owned(), lower[split..].to_owned())
            }
        };
        let num = if num.is_empty() { "0".to_owned() } else { num };
        if !num.chars().all(|c| c.is_ascii_digit()) {
            bail!("cannot map the Cargo version `{v}` to a Python (PEP 440) version; set `version` in pyproject.toml's [project] table");
        }
        let tag = match kind.as_str() {
            "alpha" | "a" => "a",
            "beta" | "b" => "b",
            "rc" | "c" | "pre" | "preview" => "rc",
            "dev" => ".dev",
            "post" => ".post",
            _ => bail!("cannot map the Cargo version `{v}` to a Python (PEP 440) version; set `version` in pyproject.toml's [project] table"),
        };
        out.push_str(tag);
        out.push_str(&num);
    }
    if let Some(local) = local {
        out.push('+');
        out.push_str(&local.replace('-', "."));
    }
    Ok(out)
}

/// The content type of a readme file, from its extension.
pub fn readme_content_type(path: &str) -> &'static str {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        "text/markdown"
    } else if lower.ends_with(".rst") {
        "text/x-rst"
    } else {
        "text/plain"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(pep440_version("0.1.0").unwrap(), "0.1.0");
        assert_eq!(pep440_version("1.0.0-alpha.1").unwrap(), "1.0.0a1");
        assert_eq!(pep440_version("1.0.0-beta.2").unwrap(), "1.0.0b2");
        assert_eq!(pep440_version("1.0.0-rc.1").unwrap(), "1.0.0rc1");
        assert_eq!(pep440_version("1.0.0-rc1").unwrap(), "1.0.0rc1");
        assert_eq!(pep440_version("1.0.0-dev.3").unwrap(), "1.0.0.dev3");
        assert_eq!(pep440_version("1.0.0-alpha").unwrap(), "1.0.0a0");
        assert_eq!(pep440_version("1.0.0+build-5").unwrap(), "1.0.0+build.5");
        assert!(pep440_version("1.0.0-weird.x").is_err());
    }

    #[test]
    fn names() {
        assert_eq!(escaped_name("My-Package"), "my_package");
        assert_eq!(escaped_name("a.-_b"), "a_b");
        assert_eq!(escaped_name("hello"), "hello");
        assert!(check_dist_name("my-demo").is_ok());
        assert!(check_dist_name("-bad").is_err());
        assert!(check_dist_name("sp ace").is_err());
    }

    #[test]
    fn renders_metadata() {
        let m = CoreMetadata {
            name: "demo".into(),
            version: "0.1.0".into(),
            summary: Some("A demo".into()),
            license: Some("MIT".into()),
            requires_python: Some(">=3.8".into()),
            readme: Some(("# Demo\n".into(), "text/markdown".into())),
            requires_dist: vec!["numpy>=1".into()],
            extras: vec![(
                "test".into(),
                vec!["pytest; python_version >= \"3.8\"".into()],
            )],
            ..Default::default()
        };
        let text = m.render();
        let expected = "Metadata-Version: 2.1\nName: demo\nVersion: 0.1.0\nSummary: A demo\n\
            License: MIT\nRequires-Python: >=3.8\n\
            Requires-Dist: numpy>=1\nProvides-Extra: test\n\
            Requires-Dist: pytest; (python_version >= \"3.8\") and extra == \"test\"\n\
            Provides-Extra: debug\n\
            Requires-Dist: hpy>=0.9.0; platform_python_implementation == \"CPython\" and \
            python_version < \"3.13\" and extra == \"debug\"\n\
            Description-Content-Type: text/markdown\n\n# Demo\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn hpy_joins_the_projects_own_debug_extra() {
        let m = CoreMetadata {
            name: "demo".into(),
            version: "1".into(),
            extras: vec![("Debug".into(), vec!["objgraph".into()])],
            ..Default::default()
        };
        let text = m.render();
        assert_eq!(text.matches("Provides-Extra:").count(), 1, "{text}");
        assert!(
            text.ends_with(
                "Provides-Extra: Debug\nRequires-Dist: objgraph; extra == \"Debug\"\n\
                 Requires-Dist: hpy>=0.9.0; platform_python_implementation == \"CPython\" and \
                 python_version < \"3.13\" and extra == \"Debug\"\n"
            ),
            "{text}"
        );
        assert_eq!(normalize_extra("a__B.c"), "a-b-c");
    }

    #[test]
    fn readme_types() {
        assert_eq!(readme_content_type("README.md"), "text/markdown");
        assert_eq!(readme_content_type("README.rst"), "text/x-rst");
        assert_eq!(readme_content_type("README"), "text/plain");
    }
}
