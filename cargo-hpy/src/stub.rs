//! The import stub installed next to `<name>.hpy0.so`.
//!
//! HPy's own stub (`hpy.devel`) needs `pkg_resources`, which PyPy 7.3.19 and new
//! setuptools lack. This one uses only `os`/`sys` and `hpy.universal._load_bootstrap`, so
//! `HPY=debug`, `HPY=trace` and `HPY=<module>:debug` select the mode on both interpreters.

/// The stub's source for module `short_name` whose binary is `so_file`.
pub fn stub_source(short_name: &str, so_file: &str) -> String {
    include_str!("../python/stub_template.py")
        .replace("{SHORT_NAME}", short_name)
        .replace("{SO_FILE}", so_file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stub_names_the_binary() {
        let s = stub_source("hello", "hello.hpy0.so");
        assert!(s.contains("\"hello.hpy0.so\""));
        assert!(s.contains("_load_bootstrap(\n        \"hello\","));
        assert!(!s.contains("pkg_resources"));
        assert!(!s.contains('{'));
    }
}
