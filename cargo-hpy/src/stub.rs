//! The import stub installed next to `<name>.hpy0.so`.
//!
//! It picks the backend (ARCHITECTURE.md, "Backends"): the C API through the interpreter's own
//! `ExtensionFileLoader` (CPython; PyPy without an HPy runtime), or HPy through
//! `hpy.universal._load_bootstrap` (PyPy 7.3; anywhere `HPY=debug`/`trace`/`<module>:debug`
//! is set). `HPYRS_BACKEND=capi|hpy` forces one. Where HPy is asked for but cannot run
//! (CPython 3.13+, PyPy 8, a CPython without the `hpy` package), it raises an `ImportError`
//! that says why. HPy's own stub (`hpy.devel`) needs `pkg_resources`, which PyPy 7.3.19 and
//! new setuptools lack; this one uses only the standard library.

/// The stub's source for module `short_name` whose binary is `so_file`, in the distribution
/// `dist_name` (named in the hint to install its `debug` extra).
pub fn stub_source(short_name: &str, so_file: &str, dist_name: &str) -> String {
    include_str!("../python/stub_template.py")
        .replace("{SHORT_NAME}", short_name)
        .replace("{SO_FILE}", so_file)
        .replace("{DIST_NAME}", dist_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stub_names_the_binary() {
        let s = stub_source("hello", "hello.hpy0.so", "hello-dist");
        assert!(s.contains("\"hello.hpy0.so\""));
        assert!(s.contains("short = \"hello\""));
        assert!(s.contains("ExtensionFileLoader(__name__, so_path)"));
        assert!(s.contains("_load_bootstrap(short,"));
        assert!(s.contains("dist = \"hello-dist\""));
        assert!(!s.contains("pkg_resources"));
        assert!(!s.contains('{'));
    }
}
