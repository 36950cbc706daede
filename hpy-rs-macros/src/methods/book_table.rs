//! The book's list of protocol methods, rendered from the protocol table.
//!
//! `book/src/classes.md` holds the rendering between the two marker comments below. The test
//! `book_protocol_table_is_current` fails when the two differ; to regenerate the book's copy,
//! run `HPYRS_BOOK=overwrite cargo test -p hpy-rs-macros book_protocol_table`.

use super::table::{Arg, ErrorMode, Form, Keys, Proto, Receiver, Ret, PROTOCOLS};

/// The line before the table in the book.
pub const START: &str = "<!-- protocol-table: generated from hpy-rs-macros/src/methods/table.rs; \
    regenerate with `HPYRS_BOOK=overwrite cargo test -p hpy-rs-macros book_protocol_table` -->";
/// The line after it.
pub const END: &str = "<!-- protocol-table end -->";

/// The markdown table: one row per entry, a reflected twin in its forward entry's row.
pub fn render() -> String {
    let mut s = String::from(
        "| method | Python | takes | `&mut self` | returns | slot | notes |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for p in PROTOCOLS {
        if p.form == Form::Reflected {
            continue;
        }
        let twin = p.reflected();
        let both = |f: fn(&Proto) -> String| match twin {
            Some(t) => format!("{} / {}", f(p), f(t)),
            None => f(p),
        };
        let cells = [
            both(|p| format!("`{}`", p.name)),
            both(|p| p.book.to_string()),
            takes(p),
            receiver(p.receiver).to_string(),
            returns(p.ret).to_string(),
            becomes(p, twin),
            p.note.to_string(),
        ];
        // A `|` in a cell, even in code, must be escaped.
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    s
}

fn takes(p: &Proto) -> String {
    let Some(args) = p.args else {
        return "anything".into();
    };
    if args.is_empty() {
        return "nothing".into();
    }
    let mut s = String::new();
    for a in args {
        let name = match a {
            Arg::Op => "op: CompareOp",
            a => a.name(),
        };
        match (a, s.is_empty()) {
            (Arg::Modulo, _) => s.push_str(&format!("[, {name}]")),
            (_, true) => s.push_str(name),
            (_, false) => s.push_str(&format!(", {name}")),
        }
    }
    match p.errors {
        ErrorMode::NotImplemented => format!("`{s}` (else `NotImplemented`)"),
        ErrorMode::Raise => format!("`{s}`"),
    }
}

fn receiver(r: Receiver) -> &'static str {
    match r {
        Receiver::Shared => "no",
        Receiver::Mut => "yes",
        Receiver::Slf => "yes; or `slf` alone",
    }
}

fn returns(r: Ret) -> &'static str {
    match r {
        Ret::Object => "any",
        Ret::Len => "`usize`",
        Ret::Bool => "`bool`",
        Ret::Hash => "`isize` (`-1` becomes `-2`)",
        Ret::Status => "`()`",
        Ret::SelfOrObject => "`()` (gives `self`) or any",
        Ret::Next => "`Option<T>` (`None` raises `StopIteration`)",
    }
}

fn becomes(p: &Proto, twin: Option<&Proto>) -> String {
    if let Some(capi) = p.capi {
        return format!("none: a method, which CPython installs as `{}`", capi.name);
    }
    if p.form == Form::Method {
        return "none: a method, looked up by name".to_string();
    }
    let slots: Vec<String> = p
        .fills
        .iter()
        .map(|f| match f.keys {
            Keys::Any => format!("`{}`", f.slot.name),
            Keys::Mapping => format!("`{}` (any key but `SeqIndex`)", f.slot.name),
            Keys::Index => format!("`{}` (integer and `SeqIndex` keys)", f.slot.name),
        })
        .collect();
    let mut s = slots.join(", ");
    if let Some(t) = twin {
        s.push_str(&format!(", and a method `{}`", t.name));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_protocol_table_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../book/src/classes.md");
        let book = std::fs::read_to_string(path).expect("book/src/classes.md");
        let start = book.find(START).expect("the start marker in classes.md") + START.len() + 1;
        let end = book[start..]
            .find(END)
            .expect("the end marker in classes.md")
            + start;
        let current = &book[start..end];
        let table = render();
        if current != table && std::env::var("HPYRS_BOOK").as_deref() == Ok("overwrite") {
            let new = format!("{}{table}{}", &book[..start], &book[end..]);
            std::fs::write(path, new).expect("write classes.md");
            return;
        }
        assert!(
            current == table,
            "book/src/classes.md's protocol table is not the table's rendering; run \
             `HPYRS_BOOK=overwrite cargo test -p hpy-rs-macros book_protocol_table`\n\
             expected:\n{table}\nfound:\n{current}"
        );
    }

    #[test]
    fn every_entry_has_a_row() {
        let table = render();
        for p in PROTOCOLS {
            assert!(table.contains(&format!("`{}`", p.name)), "{}", p.name);
            assert!(!p.book.is_empty(), "{} has no book description", p.name);
        }
        let rows = table.lines().count() - 2;
        let reflected = PROTOCOLS
            .iter()
            .filter(|p| p.form == Form::Reflected)
            .count();
        assert_eq!(rows, PROTOCOLS.len() - reflected);
    }
}
