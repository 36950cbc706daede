//! Tests of the protocol table: it is the only place naming a magic method, its runs have the
//! shapes the emitters expect, its slots and trampolines are the runtime's, and every entry
//! expands to what it declares. (No magic method is named here either: each test walks the
//! table.)

use super::table::{self, slot_groups, Arg, Form, Keys, Proto, Receiver, Ret, INSTEAD, PROTOCOLS};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read the macro crate's sources") {
        let p = e.expect("a directory entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The string literals of `text` that look like a magic method's name: a quoted name that
/// starts and ends with two underscores.
fn dunder_literals(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices("\"__") {
        let rest = &text[i + 1..];
        let Some(end) = rest[2..].find('"') else {
            break;
        };
        let lit = &rest[..end + 2];
        if lit.len() > 4
            && lit.ends_with("__")
            && lit.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
        {
            found.push(lit.to_string());
        }
    }
    found
}

#[test]
fn only_the_table_names_magic_methods() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let table_file = src.join("methods").join("table.rs");
    let mut files = Vec::new();
    sources(&src, &mut files);
    assert!(files.contains(&table_file), "{}", table_file.display());
    let names: Vec<&str> = PROTOCOLS
        .iter()
        .map(|p| p.name)
        .chain(INSTEAD.iter().map(|(n, _)| *n))
        .collect();
    for f in files.iter().filter(|f| **f != table_file) {
        let text = std::fs::read_to_string(f).expect("a source file");
        for n in &names {
            assert!(
                !text.contains(n),
                "{} names `{n}`: only the table may",
                f.display()
            );
        }
        let lits = dunder_literals(&text);
        assert!(lits.is_empty(), "{} has magic names {lits:?}", f.display());
    }
    // The scan itself finds them.
    let table_text = std::fs::read_to_string(&table_file).expect("table.rs");
    assert!(dunder_literals(&table_text).len() >= names.len());
}

#[test]
fn names_are_unique_magic_names() {
    for (i, p) in PROTOCOLS.iter().enumerate() {
        assert!(p.name.len() > 4 && p.name.starts_with("__") && p.name.ends_with("__"));
        assert!(
            PROTOCOLS[i + 1..].iter().all(|q| q.name != p.name),
            "{}",
            p.name
        );
        assert!(INSTEAD.iter().all(|(n, _)| *n != p.name), "{}", p.name);
        assert!(std::ptr::eq(table::lookup(p.name).unwrap(), p));
    }
}

/// The forms of each run of entries sharing a slot are what `slots::gen_protocols` expects.
#[test]
fn runs_have_the_shapes_the_emitters_expect() {
    let mut seen = Vec::new();
    let mut in_runs = 0;
    for run in slot_groups() {
        let forms: Vec<Form> = run.iter().map(|p| p.form).collect();
        let ok = match forms.as_slice() {
            [Form::Unary | Form::GetItem | Form::Contains | Form::InPlace] => true,
            [Form::SetItem, Form::DelItem] | [Form::Binary, Form::Reflected] => true,
            [cmp @ .., Form::RichCompare] => cmp.iter().all(|f| matches!(f, Form::Compare(_))),
            _ => false,
        };
        assert!(
            ok,
            "run {:?}",
            run.iter().map(|p| p.name).collect::<Vec<_>>()
        );
        for p in run {
            assert_eq!(p.fills.len(), run[0].fills.len(), "{}", p.name);
            for (f, g) in p.fills.iter().zip(run[0].fills) {
                assert!(f.slot == g.slot && f.func == g.func && f.keys == g.keys);
            }
        }
        let slot = run[0].fills[0].slot;
        assert!(!seen.contains(&slot), "{} is filled by two runs", slot.name);
        seen.push(slot);
        in_runs += run.len();
    }
    let methods = PROTOCOLS.iter().filter(|p| p.form == Form::Method).count();
    assert_eq!(in_runs + methods, PROTOCOLS.len());
}

#[test]
fn entries_are_consistent() {
    for (i, p) in PROTOCOLS.iter().enumerate() {
        let method = p.form == Form::Method;
        // An ordinary method fills no HPy slot; what CPython makes of it is its `capi`.
        assert_eq!(method, p.fills.is_empty(), "{}", p.name);
        // (`capi` is `None` for a method that is no slot anywhere, such as the pickling ones.)
        assert!(method || p.capi.is_none(), "{}", p.name);
        assert_eq!(method, p.receiver == Receiver::Slf, "{}", p.name);
        let cpython = p.cpython_slots();
        assert!(method || !cpython.is_empty(), "{}", p.name);
        assert!(cpython.iter().all(|s| s.cpython().starts_with("Py_")));
        // Only item methods choose slots by key.
        let items = matches!(p.form, Form::GetItem | Form::SetItem | Form::DelItem);
        assert_eq!(
            items,
            p.fills.iter().any(|f| f.keys != Keys::Any),
            "{}",
            p.name
        );
        if p.form == Form::Unary {
            let ok = matches!(p.ret, Ret::Object | Ret::Len | Ret::Bool | Ret::Hash);
            assert!(ok, "{}", p.name);
        }
        // A ternary slot has the ternary shape, and a modulo comes last.
        if matches!(p.form, Form::Binary | Form::Reflected | Form::InPlace) {
            let func = if p.ternary() {
                table::Func::ternaryfunc
            } else {
                table::Func::binaryfunc
            };
            assert_eq!(p.fills[0].func, func, "{}", p.name);
        }
        if let Some(args) = p.args {
            assert!(!args[..args.len().saturating_sub(1)].contains(&Arg::Modulo));
        }
        // Every binary operator has a reflected twin, which converts its operands and
        // borrows like it.
        if p.form == Form::Reflected {
            let f = &PROTOCOLS[i - 1];
            assert!(std::ptr::eq(f.reflected().expect("a forward entry"), p));
            assert!(f.args == p.args && f.receiver == p.receiver && f.errors == p.errors);
        }
        assert_eq!(
            p.form == Form::Binary,
            p.reflected().is_some(),
            "{}",
            p.name
        );
    }
}

/// Every HPy slot of the table is `::hpy_rs::ffi::slot`'s, with the same number, and every
/// `Func` is a trampoline of `impl_::tramp`.
#[test]
fn slots_and_trampolines_are_the_runtimes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hpy-rs/src");
    let defs = std::fs::read_to_string(root.join("ffi/defs.rs")).expect("ffi/defs.rs");
    let tramp = std::fs::read_to_string(root.join("impl_/tramp.rs")).expect("impl_/tramp.rs");
    let number = |name: &str| {
        let decl = format!("pub const {name}: c_int = ");
        let at = defs.find(&decl)? + decl.len();
        defs[at..].split(';').next()?.parse::<u16>().ok()
    };
    for p in PROTOCOLS {
        for f in p.fills {
            assert_eq!(number(f.slot.name), Some(f.slot.number), "{}", f.slot.name);
            let shape = format!("    {}(", f.func.name());
            assert!(tramp.contains(&shape), "no trampoline {}", f.func.name());
        }
        if let Some(s) = p.capi {
            assert!(number(s.name).is_none_or(|n| n == s.number), "{}", s.name);
        }
    }
}

#[test]
fn unknown_names_get_advice_from_the_table() {
    for p in PROTOCOLS {
        let stem = p.name.trim_matches('_');
        let typo = format!("__{stem}{}__", &stem[stem.len() - 1..]);
        let advice = table::advice(&typo).unwrap_or_else(|| panic!("no advice for {typo}"));
        let near = advice
            .strip_prefix("did you mean `")
            .and_then(|a| a.strip_suffix("`?"))
            .and_then(table::lookup)
            .unwrap_or_else(|| panic!("{advice}"));
        // `p` is one edit away; the advice is as near (a tie may pick another entry).
        let dist = |n: &str| crate::utils::edit_distance(&typo, n);
        assert_eq!(dist(near.name), 1, "{typo}: {}", near.name);
    }
    for (name, instead) in INSTEAD {
        assert_eq!(table::advice(name).as_deref(), Some(*instead));
    }
    // A name near none has no advice.
    assert_eq!(table::advice(&format!("__{}__", "zyxwvuts")), None);
}

/// A method implementing `p` with the most arguments it takes.
fn method_for(p: &Proto) -> TokenStream {
    let ident = format_ident!("{}", p.name);
    let recv = match p.receiver {
        Receiver::Shared => quote!(&self),
        Receiver::Mut | Receiver::Slf => quote!(&mut self),
    };
    let params = p
        .args
        .unwrap_or(&[Arg::Other])
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let n = format_ident!("a{i}");
            match a {
                Arg::Key => quote!(#n: isize),
                Arg::Modulo => quote!(#n: Option<f64>),
                Arg::Op => quote!(#n: CompareOp),
                Arg::Value | Arg::Other | Arg::Protocol | Arg::State | Arg::Memo => {
                    quote!(#n: f64)
                }
            }
        });
    let ret = match p.ret {
        Ret::Len => quote!(usize),
        Ret::Bool => quote!(bool),
        Ret::Hash => quote!(isize),
        Ret::Status | Ret::SelfOrObject => quote!(()),
        Ret::Next => quote!(Option<f64>),
        Ret::Object => quote!(f64),
    };
    quote!(fn #ident(#recv, #(#params),*) -> #ret { todo!() })
}

/// Each entry alone expands without errors to its slots (or to a method), a reflected one
/// also to a method of its name.
#[test]
fn every_entry_expands_to_what_it_declares() {
    for p in PROTOCOLS {
        let method = method_for(p);
        let item: syn::ItemImpl = syn::parse_quote!(impl T { #method });
        let out = super::expand(TokenStream::new(), item).to_string();
        assert!(!out.contains("compile_error"), "{}: {out}", p.name);
        for f in p.fills {
            let slot = format!(":: hpy_rs :: ffi :: slot :: {} ,", f.slot.name);
            assert!(
                out.contains(&slot),
                "{} does not fill {}",
                p.name,
                f.slot.name
            );
        }
        let as_method = matches!(p.form, Form::Reflected | Form::Method);
        let meth_name = format!("\"{}\\0\"", p.name);
        assert_eq!(as_method, out.contains(&meth_name), "{}: {out}", p.name);
        if let Some(capi) = p.capi {
            let slot = format!(":: hpy_rs :: ffi :: slot :: {} ,", capi.name);
            assert!(!out.contains(&slot), "{}: {out}", p.name);
        }
    }
}
