//! The wheel's platform tag: `manylinux_2_X_<arch>` when the library passes an
//! auditwheel-style policy check, `linux_<arch>` otherwise.
//!
//! The check follows auditwheel's manylinux policies (PEP 600): every `DT_NEEDED`
//! library must be on the allowed list (no `libpython`, no third-party `.so`), and every
//! required symbol version (`GLIBC_`, `GCC_`, `GLIBCXX_`, `CXXABI_`) must be provided by
//! the policy's baseline. The glibc part of the tag is the highest `GLIBC_2.Y` needed,
//! but never below 2.17 (Rust's own minimum on Linux).

use crate::elf::ElfInfo;

/// Libraries a manylinux wheel may link against (auditwheel's `lib_whitelist`).
pub const ALLOWED_LIBS: &[&str] = &[
    "libatomic.so.1",
    "libgcc_s.so.1",
    "libstdc++.so.6",
    "libm.so.6",
    "libmvec.so.1",
    "libanl.so.1",
    "libdl.so.2",
    "librt.so.1",
    "libc.so.6",
    "libnsl.so.1",
    "libutil.so.1",
    "libpthread.so.0",
    "libX11.so.6",
    "libXext.so.6",
    "libXrender.so.1",
    "libICE.so.6",
    "libSM.so.6",
    "libGL.so.1",
    "libgobject-2.0.so.0",
    "libgthread-2.0.so.0",
    "libglib-2.0.so.0",
    "libresolv.so.2",
    "libexpat.so.1",
    "libz.so.1",
    // The dynamic loader itself may appear as a needed library.
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
];

/// One manylinux baseline: the newest versions it provides.
struct Policy {
    glibc_minor: u32,
    gcc: &'static str,
    glibcxx: &'static str,
    cxxabi: &'static str,
}

/// x86_64/aarch64 baselines, oldest first (from auditwheel's manylinux policy file).
const POLICIES: &[Policy] = &[
    Policy {
        glibc_minor: 17,
        gcc: "4.8.0",
        glibcxx: "3.4.19",
        cxxabi: "1.3.7",
    },
    Policy {
        glibc_minor: 24,
        gcc: "4.8.0",
        glibcxx: "3.4.22",
        cxxabi: "1.3.10",
    },
    Policy {
        glibc_minor: 28,
        gcc: "7.0.0",
        glibcxx: "3.4.24",
        cxxabi: "1.3.11",
    },
    Policy {
        glibc_minor: 34,
        gcc: "7.0.0",
        glibcxx: "3.4.29",
        cxxabi: "1.3.13",
    },
    Policy {
        glibc_minor: 35,
        gcc: "12.0.0",
        glibcxx: "3.4.30",
        cxxabi: "1.3.13",
    },
];

/// The outcome of the policy check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformTag {
    /// Platform tags, most specific first (`manylinux_2_17_x86_64`, `manylinux2014_x86_64`).
    pub tags: Vec<String>,
    /// Why the library is not manylinux-compatible (then `tags == ["linux_<arch>"]`).
    pub not_manylinux: Option<String>,
}

impl PlatformTag {
    /// The compressed tag set used in the wheel file name (`a.b`).
    pub fn file_component(&self) -> String {
        self.tags.join(".")
    }
}

fn parse_version(s: &str) -> Option<Vec<u32>> {
    s.split('.').map(|p| p.parse().ok()).collect()
}

fn version_le(a: &str, b: &str) -> bool {
    match (parse_version(a), parse_version(b)) {
        (Some(a), Some(b)) => a <= b,
        _ => false,
    }
}

/// Computes the platform tag for a library.
pub fn platform_tag(info: &ElfInfo) -> PlatformTag {
    let arch = info.arch.as_str();
    let linux = |why: String| PlatformTag {
        tags: vec![format!("linux_{arch}")],
        not_manylinux: Some(why),
    };
    if !matches!(arch, "x86_64" | "aarch64") {
        return linux(format!("no manylinux policy for {arch} in cargo-hpy"));
    }
    if let Some(lib) = info.needed.iter().find(|l| l.starts_with("libpython")) {
        return linux(format!(
            "it links {lib}: an HPy universal module must not depend on libpython"
        ));
    }
    if let Some(lib) = info
        .needed
        .iter()
        .find(|l| !ALLOWED_LIBS.contains(&l.as_str()))
    {
        return linux(format!(
            "it needs {lib}, which is not on the manylinux list of system libraries"
        ));
    }

    let mut glibc_minor = 17;
    let mut others: Vec<(&str, &str)> = Vec::new();
    for (_, v) in &info.versions {
        let Some((prefix, ver)) = v.split_once('_') else {
            continue;
        };
        match prefix {
            "GLIBC" => {
                let Some(nums) = parse_version(ver) else {
                    return linux(format!("it requires the private glibc symbol version {v}"));
                };
                if nums.first() != Some(&2) {
                    return linux(format!("unexpected glibc symbol version {v}"));
                }
                glibc_minor = glibc_minor.max(nums.get(1).copied().unwrap_or(0));
            }
            // Non-numeric versions (TM_1, FLOAT128, ...) exist in every baseline.
            "GCC" | "GLIBCXX" | "CXXABI" if parse_version(ver).is_some() => {
                others.push((prefix, ver));
            }
            _ => {}
        }
    }

    let fits = |p: &Policy| {
        others.iter().all(|(prefix, ver)| match *prefix {
            "GCC" => version_le(ver, p.gcc),
            "GLIBCXX" => version_le(ver, p.glibcxx),
            _ => version_le(ver, p.cxxabi),
        })
    };
    // The first baseline whose toolchain versions fit decides the minimum glibc.
    let Some(policy) = POLICIES.iter().find(|p| fits(p)) else {
        let (prefix, ver) = others
            .iter()
            .find(|(prefix, ver)| {
                let last = POLICIES.last().unwrap();
                !version_le(
                    ver,
                    match *prefix {
                        "GCC" => last.gcc,
                        "GLIBCXX" => last.glibcxx,
                        _ => last.cxxabi,
                    },
                )
            })
            .copied()
            .unwrap_or(("?", "?"));
        return linux(format!(
            "it requires {prefix}_{ver}, newer than any known manylinux baseline"
        ));
    };
    let minor = glibc_minor.max(policy.glibc_minor);
    let mut tags = vec![format!("manylinux_2_{minor}_{arch}")];
    if minor == 17 {
        tags.push(format!("manylinux2014_{arch}"));
    }
    PlatformTag {
        tags,
        not_manylinux: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(needed: &[&str], versions: &[&str]) -> ElfInfo {
        ElfInfo {
            arch: "x86_64".into(),
            needed: needed.iter().map(|s| s.to_string()).collect(),
            versions: versions
                .iter()
                .map(|v| ("libc.so.6".to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn old_glibc_gets_manylinux2014() {
        let t = platform_tag(&info(
            &["libc.so.6", "libgcc_s.so.1"],
            &["GLIBC_2.2.5", "GLIBC_2.3", "GCC_3.0", "GLIBC_2.14"],
        ));
        assert_eq!(t.tags, ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]);
        assert_eq!(
            t.file_component(),
            "manylinux_2_17_x86_64.manylinux2014_x86_64"
        );
        assert!(t.not_manylinux.is_none());
    }

    #[test]
    fn highest_glibc_decides() {
        let t = platform_tag(&info(
            &["libc.so.6"],
            &["GLIBC_2.17", "GLIBC_2.34", "GLIBC_2.28"],
        ));
        assert_eq!(t.tags, ["manylinux_2_34_x86_64"]);
        let t = platform_tag(&info(&["libc.so.6"], &["GLIBC_2.39"]));
        assert_eq!(t.tags, ["manylinux_2_39_x86_64"]);
    }

    #[test]
    fn newer_toolchain_raises_the_baseline() {
        let t = platform_tag(&info(&["libgcc_s.so.1"], &["GLIBC_2.17", "GCC_7.0.0"]));
        assert_eq!(t.tags, ["manylinux_2_28_x86_64"]);
        let t = platform_tag(&info(&["libgcc_s.so.1"], &["GCC_99.0"]));
        assert_eq!(t.tags, ["linux_x86_64"]);
        assert!(t.not_manylinux.unwrap().contains("GCC_99.0"));
    }

    #[test]
    fn libpython_or_foreign_libs_are_plain_linux() {
        let t = platform_tag(&info(
            &["libc.so.6", "libpython3.11.so.1.0"],
            &["GLIBC_2.17"],
        ));
        assert_eq!(t.tags, ["linux_x86_64"]);
        assert!(t.not_manylinux.unwrap().contains("libpython"));
        let t = platform_tag(&info(&["libssl.so.3"], &[]));
        assert_eq!(t.tags, ["linux_x86_64"]);
        assert!(t.not_manylinux.unwrap().contains("libssl.so.3"));
    }

    #[test]
    fn private_glibc_versions_are_not_manylinux() {
        let t = platform_tag(&info(&["libc.so.6"], &["GLIBC_PRIVATE"]));
        assert_eq!(t.tags, ["linux_x86_64"]);
    }

    #[test]
    fn other_arches() {
        let mut i = info(&["libc.so.6"], &["GLIBC_2.17"]);
        i.arch = "aarch64".into();
        assert_eq!(platform_tag(&i).tags[0], "manylinux_2_17_aarch64");
        i.arch = "riscv64".into();
        assert_eq!(platform_tag(&i).tags, ["linux_riscv64"]);
    }
}
