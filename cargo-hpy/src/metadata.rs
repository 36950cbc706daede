//! Python core metadata (the wheel's `METADATA`, the sdist's `PKG-INFO`), names and
//! versions.

use anyhow::{bail, Result};

/// The requirement every hpy-rs wheel carries: CPython needs the `hpy` package for
/// `hpy.universal`; PyPy has it built in (and pip refuses to install it there).
pub const HPY_REQUIREMENT: &str = "hpy>=0.9.0; platform_python_implementation == \"CPython\"";

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
    /// Requirements (`Requires-Dist`), without the hpy requirement.
    pub requires_dist: Vec<String>,
    /// Extras and their requirements.
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
        field("Requires-Dist", HPY_REQUIREMENT);
        for r in &self.requires_dist {
            field("Requires-Dist", r);
        }
        for (extra, reqs) in &self.extras {
            field("Provides-Extra", extra);
            for r in reqs {
                let r = match r.split_once(';') {
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
            Requires-Dist: hpy>=0.9.0; platform_python_implementation == \"CPython\"\n\
            Requires-Dist: numpy>=1\nProvides-Extra: test\n\
            Requires-Dist: pytest; (python_version >= \"3.8\") and extra == \"test\"\n\
            Description-Content-Type: text/markdown\n\n# Demo\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn readme_types() {
        assert_eq!(readme_content_type("README.md"), "text/markdown");
        assert_eq!(readme_content_type("README.rst"), "text/x-rst");
        assert_eq!(readme_content_type("README"), "text/plain");
    }
}
