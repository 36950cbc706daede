//! Reading the facts cargo-hpy needs from the built shared library: the dynamic
//! symbols it exports (the HPy loader entry points), the libraries it needs
//! (`DT_NEEDED`) and the symbol versions it requires from them (`.gnu.version_r`).

use std::collections::BTreeSet;

use anyhow::{bail, Context, Result};
use goblin::elf::{header, sym, Elf};

/// What cargo-hpy knows about a built extension library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElfInfo {
    /// Machine name as used in wheel platform tags (`x86_64`, `aarch64`, ...).
    pub arch: String,
    /// Defined, default-visibility global function/data symbols of the dynamic symbol table.
    pub exported: BTreeSet<String>,
    /// `DT_NEEDED` entries, in file order.
    pub needed: Vec<String>,
    /// Required symbol versions as `(library, version)`, e.g. `("libc.so.6", "GLIBC_2.17")`.
    pub versions: Vec<(String, String)>,
}

/// Parses an ELF shared object.
pub fn inspect(bytes: &[u8]) -> Result<ElfInfo> {
    let elf = Elf::parse(bytes).context("the built library is not a valid ELF file")?;
    if elf.header.e_type != header::ET_DYN {
        bail!("the built library is not an ELF shared object");
    }
    let arch = match elf.header.e_machine {
        header::EM_X86_64 => "x86_64",
        header::EM_AARCH64 => "aarch64",
        header::EM_386 => "i686",
        header::EM_PPC64 => {
            if elf.little_endian {
                "ppc64le"
            } else {
                "ppc64"
            }
        }
        header::EM_S390 => "s390x",
        header::EM_RISCV => "riscv64",
        other => bail!("unsupported ELF machine type {other}"),
    }
    .to_owned();

    let mut exported = BTreeSet::new();
    for s in elf.dynsyms.iter() {
        let defined = s.st_shndx != 0;
        let global = matches!(s.st_bind(), sym::STB_GLOBAL | sym::STB_WEAK);
        let visible = matches!(s.st_visibility(), sym::STV_DEFAULT | sym::STV_PROTECTED);
        if defined && global && visible {
            if let Some(name) = elf.dynstrtab.get_at(s.st_name) {
                if !name.is_empty() {
                    exported.insert(name.to_owned());
                }
            }
        }
    }

    let needed = elf.libraries.iter().map(|s| (*s).to_owned()).collect();

    let mut versions = Vec::new();
    if let Some(verneed) = &elf.verneed {
        for need in verneed.iter() {
            let lib = elf.dynstrtab.get_at(need.vn_file).unwrap_or("?").to_owned();
            for aux in need.iter() {
                if let Some(v) = elf.dynstrtab.get_at(aux.vna_name) {
                    versions.push((lib.clone(), v.to_owned()));
                }
            }
        }
    }
    Ok(ElfInfo {
        arch,
        exported,
        needed,
        versions,
    })
}

/// The symbols the two loaders look up for module `short_name`: HPy's four (hpy-abi.md §1),
/// then the C API's `PyInit_<name>` (the import stub's default backend on CPython and PyPy 8).
pub fn loader_symbols(short_name: &str) -> [String; 5] {
    [
        format!("HPyInit_{short_name}"),
        format!("HPyInitGlobalContext_{short_name}"),
        format!("get_required_hpy_major_version_{short_name}"),
        format!("get_required_hpy_minor_version_{short_name}"),
        format!("PyInit_{short_name}"),
    ]
}

/// Names of the HPy modules a library defines, from its `HPyInit_<name>` exports.
pub fn hpy_modules(info: &ElfInfo) -> Vec<String> {
    info.exported
        .iter()
        .filter_map(|s| s.strip_prefix("HPyInit_"))
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_elf() {
        let err = inspect(b"definitely not an ELF file, just text").unwrap_err();
        assert!(
            format!("{err:#}").contains("not a valid ELF file"),
            "{err:#}"
        );
    }

    #[test]
    fn reads_own_test_binary() {
        // The test executable is an ELF (PIE executables are ET_DYN too on modern toolchains).
        let exe = std::env::current_exe().unwrap();
        let bytes = std::fs::read(exe).unwrap();
        if let Ok(info) = inspect(&bytes) {
            assert!(info.needed.iter().any(|l| l.starts_with("libc.so")));
            assert!(info.versions.iter().any(|(_, v)| v.starts_with("GLIBC_")));
        }
    }

    #[test]
    fn module_names_from_exports() {
        let mut info = ElfInfo::default();
        for s in loader_symbols("hello") {
            info.exported.insert(s);
        }
        info.exported.insert("HPyInit_".into());
        info.exported.insert("unrelated".into());
        assert_eq!(hpy_modules(&info), vec!["hello".to_owned()]);
    }
}
