//! Helpers shared by the expansions: docstrings, error accumulation, option parsing.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Ident, Lit, LitStr, Meta, Token};

/// Collects several `syn::Error`s so one build reports every mistake.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }
    pub fn err(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.push(syn::Error::new(span, msg));
    }
    pub fn finish(self) -> syn::Result<()> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// The docstring from `///` comments (`#[doc = "..."]`), one leading space stripped per line.
pub fn docstring(attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for a in attrs {
        if let Meta::NameValue(nv) = &a.meta {
            if nv.path.is_ident("doc") {
                if let Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) = &nv.value
                {
                    let v = s.value();
                    lines.push(v.strip_prefix(' ').unwrap_or(&v).to_owned());
                }
            }
        }
    }
    if lines.is_empty() {
        None
    } else {
        Some(lines.join("\n").trim_end().to_owned())
    }
}

/// A NUL-terminated C string literal expression `"text\0".as_ptr().cast()`.
pub fn c_str(s: &str) -> TokenStream {
    let lit = LitStr::new(&format!("{s}\0"), Span::call_site());
    quote!(#lit.as_ptr().cast::<::core::ffi::c_char>())
}

/// `Option<&str>` to a C string or a null pointer.
pub fn c_str_or_null(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => c_str(s),
        None => quote!(::core::ptr::null()),
    }
}

/// One `key = value` or bare `key` option of an attribute.
pub struct Opt {
    pub key: Ident,
    pub value: Option<OptValue>,
}

pub enum OptValue {
    Str(LitStr),
    Expr(Expr),
    Tokens(TokenStream),
}

impl Parse for Opt {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key: Ident = input.call(syn::ext::IdentExt::parse_any)?;
        if !input.peek(Token![=]) {
            return Ok(Opt { key, value: None });
        }
        input.parse::<Token![=]>()?;
        let value = if key == "signature" {
            let content;
            syn::parenthesized!(content in input);
            OptValue::Tokens(content.parse()?)
        } else if input.peek(LitStr) {
            OptValue::Str(input.parse()?)
        } else {
            OptValue::Expr(input.parse()?)
        };
        Ok(Opt {
            key,
            value: Some(value),
        })
    }
}

/// Parses `a = "x", b, signature = (...)` into options.
pub fn parse_opts(tokens: TokenStream) -> syn::Result<Vec<Opt>> {
    let p = syn::parse::Parser::parse2(Punctuated::<Opt, Token![,]>::parse_terminated, tokens)?;
    Ok(p.into_iter().collect())
}

impl Opt {
    pub fn string(&self, errors: &mut Errors) -> Option<String> {
        match &self.value {
            Some(OptValue::Str(s)) => Some(s.value()),
            _ => {
                errors.err(
                    self.key.span(),
                    format!("`{}` expects a string: `{} = \"...\"`", self.key, self.key),
                );
                None
            }
        }
    }
    pub fn expr(&self, errors: &mut Errors) -> Option<Expr> {
        match &self.value {
            Some(OptValue::Expr(e)) => Some(e.clone()),
            _ => {
                errors.err(
                    self.key.span(),
                    format!("`{}` expects a value: `{} = ...`", self.key, self.key),
                );
                None
            }
        }
    }
}

/// An "unknown option" error that lists the accepted ones.
pub fn unknown_option(errors: &mut Errors, key: &Ident, what: &str, accepted: &[&str]) {
    let list: Vec<String> = accepted.iter().map(|a| format!("`{a}`")).collect();
    errors.err(
        key.span(),
        format!(
            "unknown {what} option `{key}`; expected one of: {}",
            list.join(", ")
        ),
    );
}

/// Removes and returns the attributes named `name` from `attrs`.
pub fn take_attrs(attrs: &mut Vec<Attribute>, name: &str) -> Vec<Attribute> {
    let (taken, kept): (Vec<_>, Vec<_>) = attrs.drain(..).partition(|a| a.path().is_ident(name));
    *attrs = kept;
    taken
}

/// The tokens inside `#[name(...)]`, or empty for `#[name]`.
pub fn attr_args(a: &Attribute) -> syn::Result<TokenStream> {
    match &a.meta {
        Meta::Path(_) => Ok(TokenStream::new()),
        Meta::List(l) => Ok(l.tokens.clone()),
        Meta::NameValue(nv) => Err(syn::Error::new_spanned(
            nv,
            "expected `#[name]` or `#[name(...)]`",
        )),
    }
}

/// Whether a type's last path segment is `name` (e.g. `Option`, `Ctx`).
pub fn type_is(ty: &syn::Type, name: &str) -> bool {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == name),
        syn::Type::Group(g) => type_is(&g.elem, name),
        syn::Type::Paren(p) => type_is(&p.elem, name),
        _ => false,
    }
}

/// The candidate nearest to `name`, if it is near enough to be what a typo meant: at most
/// two single-character edits, and at most one per three characters of `name`.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = 2.min(name.chars().count() / 3);
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The Levenshtein distance between two strings, in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diag + usize::from(ca != *cb));
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
