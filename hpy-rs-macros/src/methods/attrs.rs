//! The attributes that make a method of `#[hpy_methods]` something else than an ordinary
//! method (`#[new]`, `#[getter]`, `#[setter]`, `#[staticmethod]`, `#[classmethod]`,
//! `#[classattr]`), and its `#[hpy(...)]` options.

use crate::function;
use crate::utils::{self, Errors};
use syn::ImplItemFn;

/// The attributes `#[hpy_methods]` reads (and removes) on a method.
const METHOD_ATTRS: &[&str] = &[
    "new",
    "getter",
    "setter",
    "hpy",
    "staticmethod",
    "classmethod",
    "classattr",
];

/// What a method becomes.
pub enum Kind {
    Plain,
    New,
    Getter,
    Setter,
    Static,
    Class,
    ClassAttr,
}

/// A method's kind attribute, its `#[hpy(...)]` options and a `#[getter(name)]` name, taken
/// off its attributes.
pub fn take_method_attrs(
    f: &mut ImplItemFn,
    errors: &mut Errors,
) -> (Kind, function::FnOptions, Option<String>) {
    let mut kind = Kind::Plain;
    let mut n_kinds = 0;
    let mut opts = function::FnOptions::default();
    let mut getter_name = None;
    for a in f.attrs.iter() {
        let Some(id) = a.path().get_ident() else {
            continue;
        };
        let id = id.to_string();
        if !METHOD_ATTRS.contains(&id.as_str()) {
            continue;
        }
        if id == "hpy" {
            match utils::attr_args(a) {
                Ok(t) => opts = function::parse_fn_options(t, errors),
                Err(e) => errors.push(e),
            }
            continue;
        }
        n_kinds += 1;
        if n_kinds > 1 {
            errors.err(
                syn::spanned::Spanned::span(a),
                "a method can have only one of #[new], #[getter], #[setter], #[staticmethod], #[classmethod], #[classattr]",
            );
        }
        kind = match id.as_str() {
            "new" => Kind::New,
            "getter" => Kind::Getter,
            "setter" => Kind::Setter,
            "staticmethod" => Kind::Static,
            "classmethod" => Kind::Class,
            _ => Kind::ClassAttr,
        };
        let Ok(t) = utils::attr_args(a) else { continue };
        if t.is_empty() {
            continue;
        }
        if id == "getter" || id == "setter" {
            match syn::parse2::<syn::Ident>(t.clone()) {
                Ok(n) => getter_name = Some(n.to_string()),
                Err(_) => match syn::parse2::<syn::LitStr>(t) {
                    Ok(s) => getter_name = Some(s.value()),
                    Err(e) => errors.push(e),
                },
            }
        } else {
            errors.err(
                syn::spanned::Spanned::span(&t),
                format!("#[{id}] takes no arguments"),
            );
        }
    }
    f.attrs.retain(|a| {
        !a.path()
            .get_ident()
            .is_some_and(|i| METHOD_ATTRS.contains(&i.to_string().as_str()))
    });
    (kind, opts, getter_name)
}
