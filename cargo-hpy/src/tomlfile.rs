//! TOML files (`Cargo.toml`, `pyproject.toml`) whose errors name the file, the line and
//! the column: `` `/p/pyproject.toml`, line 3, column 11: invalid TOML: ... `` for a syntax
//! error, `` `...`, line 5, column 15: `project.version` must be a string, not an integer ``
//! for a value of the wrong type.

use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use toml::de::{DeTable, DeValue};

/// A parsed TOML file that remembers its text, to point at values in errors.
#[derive(Debug, Clone)]
pub struct TomlFile {
    /// Where it was read from.
    pub path: PathBuf,
    text: String,
    /// The document.
    pub table: toml::Table,
}

/// `` `path`, line L, column C `` for the byte `offset` of `text` (1-based, in characters).
pub fn location(path: &Path, text: &str, offset: Option<usize>) -> String {
    match offset {
        Some(offset) => {
            let offset = offset.min(text.len());
            let before = text.get(..offset).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[line_start..].chars().count() + 1;
            format!("`{}`, line {line}, column {column}", path.display())
        }
        None => format!("`{}`", path.display()),
    }
}

/// Reads and parses `path`.
pub fn read(path: &Path) -> Result<TomlFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    parse(path, text)
}

/// Parses `text`, read from `path`.
pub fn parse(path: &Path, text: String) -> Result<TomlFile> {
    match toml::from_str::<toml::Table>(&text) {
        Ok(table) => Ok(TomlFile {
            path: path.to_owned(),
            text,
            table,
        }),
        Err(e) => Err(anyhow!(
            "{}: invalid TOML: {}",
            location(path, &text, e.span().map(|s: Range<usize>| s.start)),
            e.message().split_whitespace().collect::<Vec<_>>().join(" ")
        )),
    }
}

/// "a string", "an integer", ...
fn with_article(type_name: &str) -> String {
    let article = if type_name.starts_with(['a', 'i']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {type_name}")
}

impl TomlFile {
    /// The value at `keys` (`["tool", "hpy-rs", "module-name"]`), if present.
    pub fn get(&self, keys: &[&str]) -> Option<&toml::Value> {
        let (first, rest) = keys.split_first()?;
        let mut v = self.table.get(*first)?;
        for k in rest {
            v = v.get(*k)?;
        }
        Some(v)
    }

    /// Byte offset of the value at `keys` (or of its closest present parent).
    fn offset(&self, keys: &[&str]) -> Option<usize> {
        let doc = DeTable::parse(&self.text).ok()?;
        let root = DeValue::Table(doc.into_inner());
        let mut offset = None;
        let mut v = &root;
        for k in keys {
            let Some(next) = v.get(*k) else { break };
            offset = Some(next.span().start);
            v = next.get_ref();
        }
        offset
    }

    /// An error about the value at `keys`: `` `file`, line L, column C: `a.b` <message> ``.
    pub fn error_at(&self, keys: &[&str], message: &str) -> anyhow::Error {
        anyhow!(
            "{}: `{}` {message}",
            location(&self.path, &self.text, self.offset(keys)),
            keys.join(".")
        )
    }

    fn wrong_type(&self, keys: &[&str], expected: &str, found: &toml::Value) -> anyhow::Error {
        self.error_at(
            keys,
            &format!("must be {expected}, not {}", with_article(found.type_str())),
        )
    }

    /// The string at `keys`; an error if it is present with another type.
    pub fn str(&self, keys: &[&str]) -> Result<Option<&str>> {
        match self.get(keys) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong_type(keys, "a string", other)),
        }
    }

    /// The table at `keys`; an error if it is present with another type.
    pub fn table(&self, keys: &[&str]) -> Result<Option<&toml::Table>> {
        match self.get(keys) {
            None => Ok(None),
            Some(toml::Value::Table(t)) => Ok(Some(t)),
            Some(other) => Err(self.wrong_type(keys, "a table", other)),
        }
    }

    /// The array of strings at `keys` (empty when absent).
    pub fn str_list(&self, keys: &[&str]) -> Result<Option<Vec<String>>> {
        match self.get(keys) {
            None => Ok(None),
            Some(toml::Value::Array(a)) => a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| self.wrong_type(keys, "an array of strings", x))
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(other) => Err(self.wrong_type(keys, "an array of strings", other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Result<TomlFile> {
        parse(Path::new("/p/pyproject.toml"), text.to_owned())
    }

    #[test]
    fn syntax_errors_name_the_line_and_column() {
        let e = file("[project]\nname = \"x\"\nversion = \n").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("`/p/pyproject.toml`, line 3, column 11: invalid TOML: "),
            "{msg}"
        );
        assert!(!msg.contains('\n'), "{msg}");
        let e = file("[project\n").unwrap_err().to_string();
        assert!(
            e.starts_with("`/p/pyproject.toml`, line 1, column 9: invalid TOML: "),
            "{e}"
        );
    }

    #[test]
    fn typed_getters_point_at_the_value() {
        let f = file("[project]\nname = \"x\"\n\n[tool.hpy-rs]\nmodule-name = 3\n").unwrap();
        assert_eq!(f.str(&["project", "name"]).unwrap(), Some("x"));
        assert_eq!(f.str(&["project", "version"]).unwrap(), None);
        let e = f.str(&["tool", "hpy-rs", "module-name"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`/p/pyproject.toml`, line 5, column 15: `tool.hpy-rs.module-name` must be a \
             string, not an integer"
        );
        let e = f.table(&["project", "name"]).unwrap_err().to_string();
        assert!(e.contains("line 2, column 8: `project.name` must be a table, not a string"));
        let f = file("[project]\nkeywords = [\"a\", 1]\n").unwrap();
        let e = f
            .str_list(&["project", "keywords"])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2, column 12: `project.keywords` must be an array of strings"),
            "{e}"
        );
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(
            location(Path::new("f"), "x\né = ", Some(6)),
            "`f`, line 2, column 4"
        );
        assert_eq!(location(Path::new("f"), "x", None), "`f`");
    }
}
