//! Python signatures: parsing `signature = (a, b = 1, /, *args, c, d = 2, **kwargs)`, deriving
//! the default from the Rust parameters, and rendering `__text_signature__`.

use crate::utils::{type_is, Errors};
use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::{Expr, FnArg, Ident, Pat, Token, Type};

/// How a Python parameter is passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    PositionalOnly,
    PositionalOrKeyword,
    KeywordOnly,
    VarArgs,
    VarKw,
}

/// One Python parameter, bound to a Rust parameter.
#[derive(Clone)]
pub struct Param {
    /// Python name.
    pub name: String,
    /// Index of the Rust parameter it feeds.
    pub rust_index: usize,
    pub kind: Kind,
    pub default: Option<Expr>,
    pub ty: Type,
}

/// One Rust parameter of the function.
#[derive(Clone)]
#[allow(clippy::large_enum_variant)]
pub enum RustArg {
    /// `ctx: Ctx<'py>`: the call's context.
    Ctx,
    /// Fed by a Python parameter.
    Python { ident: Ident, ty: Type },
}

/// A function's complete Python signature.
#[derive(Clone, Default)]
pub struct Signature {
    pub params: Vec<Param>,
}

impl Signature {
    pub fn positional(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| matches!(p.kind, Kind::PositionalOnly | Kind::PositionalOrKeyword))
    }
    pub fn keyword_only(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.kind == Kind::KeywordOnly)
    }
    pub fn varargs(&self) -> Option<&Param> {
        self.params.iter().find(|p| p.kind == Kind::VarArgs)
    }
    /// Whether `*args` is typed `VarArgs` (borrowed from the call, no tuple built).
    pub fn lazy_varargs(&self) -> bool {
        self.varargs()
            .is_some_and(|p| crate::utils::type_is(&p.ty, "VarArgs"))
    }
    pub fn varkw(&self) -> Option<&Param> {
        self.params.iter().find(|p| p.kind == Kind::VarKw)
    }
    pub fn positional_only_count(&self) -> usize {
        self.params
            .iter()
            .filter(|p| p.kind == Kind::PositionalOnly)
            .count()
    }
    pub fn required_positional(&self) -> usize {
        self.positional()
            .take_while(|p| p.default.is_none())
            .count()
    }

    /// `__text_signature__`, e.g. `(a, b=1, *, c)`; `self_name` adds `$self` first.
    pub fn text_signature(&self, self_name: Option<&str>) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(s) = self_name {
            parts.push(s.to_owned());
        }
        let npo = self.positional_only_count();
        let mut star_done = false;
        for (i, p) in self.params.iter().enumerate() {
            match p.kind {
                Kind::VarArgs => {
                    parts.push(format!("*{}", p.name));
                    star_done = true;
                }
                Kind::VarKw => parts.push(format!("**{}", p.name)),
                Kind::KeywordOnly => {
                    if !star_done {
                        parts.push("*".into());
                        star_done = true;
                    }
                    parts.push(render_param(p));
                }
                _ => parts.push(render_param(p)),
            }
            if npo > 0 && i + 1 == npo {
                parts.push("/".into());
            }
        }
        format!("({})", parts.join(", "))
    }
}

fn render_param(p: &Param) -> String {
    match &p.default {
        None => p.name.clone(),
        Some(e) => format!("{}={}", p.name, render_default(e)),
    }
}

/// A Python rendering of a default expression: literals as Python spells them, else `...`.
pub fn render_default(e: &Expr) -> String {
    match e {
        Expr::Lit(l) => match &l.lit {
            syn::Lit::Str(s) => format!("{:?}", s.value())
                .replacen('"', "'", 1)
                .chars()
                .rev()
                .collect::<String>()
                .replacen('"', "'", 1)
                .chars()
                .rev()
                .collect(),
            syn::Lit::Int(i) => i.base10_digits().to_owned(),
            syn::Lit::Float(f) => f.base10_digits().to_owned(),
            syn::Lit::Bool(b) => {
                if b.value {
                    "True".into()
                } else {
                    "False".into()
                }
            }
            _ => "...".into(),
        },
        Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "None") => "None".into(),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => {
            format!("-{}", render_default(&u.expr))
        }
        _ => "...".into(),
    }
}

/// Collects the Rust parameters (the receiver, if any, is handled by the caller).
pub fn rust_args(
    inputs: &syn::punctuated::Punctuated<FnArg, Token![,]>,
    errors: &mut Errors,
) -> Vec<RustArg> {
    let mut out = Vec::new();
    for arg in inputs {
        match arg {
            FnArg::Receiver(_) => {}
            FnArg::Typed(pt) => {
                if type_is(&pt.ty, "Ctx") {
                    out.push(RustArg::Ctx);
                    continue;
                }
                match &*pt.pat {
                    Pat::Ident(pi) => out.push(RustArg::Python {
                        ident: pi.ident.clone(),
                        ty: (*pt.ty).clone(),
                    }),
                    other => {
                        errors.err(
                            syn::spanned::Spanned::span(other),
                            "hpy-rs functions need plain parameter names (no patterns)",
                        );
                        out.push(RustArg::Python {
                            ident: Ident::new("_invalid", Span::call_site()),
                            ty: (*pt.ty).clone(),
                        });
                    }
                }
            }
        }
    }
    out
}

/// The signature used without a `signature` option: every parameter positional-or-keyword,
/// required, except trailing `Option<T>` parameters, which default to `None`.
pub fn default_signature(args: &[RustArg]) -> Signature {
    let py: Vec<(usize, &Ident, &Type)> = args
        .iter()
        .enumerate()
        .filter_map(|(i, a)| match a {
            RustArg::Python { ident, ty } => Some((i, ident, ty)),
            RustArg::Ctx => None,
        })
        .collect();
    let trailing_opts = py
        .iter()
        .rev()
        .take_while(|(_, _, ty)| type_is(ty, "Option"))
        .count();
    let first_opt = py.len() - trailing_opts;
    let params = py
        .iter()
        .enumerate()
        .map(|(k, (i, ident, ty))| Param {
            name: unraw(ident),
            rust_index: *i,
            kind: Kind::PositionalOrKeyword,
            default: (k >= first_opt).then(|| syn::parse_quote!(::core::option::Option::None)),
            ty: (*ty).clone(),
        })
        .collect();
    Signature { params }
}

/// `r#type` → `type`.
pub fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

enum Item {
    Slash(Span),
    Star(Span),
    VarArgs(Ident),
    VarKw(Ident),
    Named(Ident, Option<Expr>),
}

fn parse_items(input: ParseStream) -> syn::Result<Vec<Item>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        if input.peek(Token![/]) {
            let t: Token![/] = input.parse()?;
            items.push(Item::Slash(t.span));
        } else if input.peek(Token![*]) && input.peek2(Token![*]) {
            input.parse::<Token![*]>()?;
            input.parse::<Token![*]>()?;
            items.push(Item::VarKw(input.parse()?));
        } else if input.peek(Token![*]) {
            let t: Token![*] = input.parse()?;
            if input.peek(Ident) {
                items.push(Item::VarArgs(input.parse()?));
            } else {
                items.push(Item::Star(t.span));
            }
        } else {
            let name: Ident = input.parse()?;
            let default = if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                Some(input.parse::<Expr>()?)
            } else {
                None
            };
            items.push(Item::Named(name, default));
        }
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(items)
}

/// Parses an explicit `signature = (...)` against the Rust parameters.
pub fn parse_signature(tokens: TokenStream, args: &[RustArg], errors: &mut Errors) -> Signature {
    let items = match parse_items.parse2(tokens) {
        Ok(i) => i,
        Err(e) => {
            errors.push(e);
            return default_signature(args);
        }
    };
    let lookup = |ident: &Ident, errors: &mut Errors| -> Option<(usize, Type)> {
        let found = args.iter().enumerate().find_map(|(i, a)| match a {
            RustArg::Python { ident: id, ty } if id == ident => Some((i, ty.clone())),
            _ => None,
        });
        if found.is_none() {
            errors.err(
                ident.span(),
                format!("signature names `{ident}`, which is not a parameter of the function"),
            );
        }
        found
    };
    let mut params: Vec<Param> = Vec::new();
    let mut kind = Kind::PositionalOrKeyword;
    let mut seen_default = false;
    for item in &items {
        match item {
            Item::Slash(span) => {
                if kind != Kind::PositionalOrKeyword
                    || params.iter().any(|p| p.kind != Kind::PositionalOrKeyword)
                {
                    errors.err(
                        *span,
                        "`/` must come before `*`, `*args` and `**kwargs`, and only once",
                    );
                }
                for p in &mut params {
                    p.kind = Kind::PositionalOnly;
                }
            }
            Item::Star(span) => {
                if kind == Kind::KeywordOnly {
                    errors.err(*span, "`*` may appear only once");
                }
                kind = Kind::KeywordOnly;
            }
            Item::VarArgs(id) => {
                if kind == Kind::KeywordOnly {
                    errors.err(
                        id.span(),
                        "`*args` must come before keyword-only parameters and only once",
                    );
                }
                kind = Kind::KeywordOnly;
                if let Some((i, ty)) = lookup(id, errors) {
                    params.push(Param {
                        name: unraw(id),
                        rust_index: i,
                        kind: Kind::VarArgs,
                        default: None,
                        ty,
                    });
                }
            }
            Item::VarKw(id) => {
                if let Some((i, ty)) = lookup(id, errors) {
                    params.push(Param {
                        name: unraw(id),
                        rust_index: i,
                        kind: Kind::VarKw,
                        default: None,
                        ty,
                    });
                }
            }
            Item::Named(id, default) => {
                if params.iter().any(|p| p.kind == Kind::VarKw) {
                    errors.err(id.span(), "no parameter may follow `**kwargs`");
                }
                if kind == Kind::PositionalOrKeyword {
                    if default.is_some() {
                        seen_default = true;
                    } else if seen_default {
                        errors.err(id.span(), format!("parameter `{id}` without a default follows a parameter with a default"));
                    }
                }
                if let Some((i, ty)) = lookup(id, errors) {
                    params.push(Param {
                        name: unraw(id),
                        rust_index: i,
                        kind,
                        default: default.clone(),
                        ty,
                    });
                }
            }
        }
    }
    for a in args {
        if let RustArg::Python { ident, .. } = a {
            let n = unraw(ident);
            let count = params.iter().filter(|p| p.name == n).count();
            if count == 0 {
                errors.err(
                    ident.span(),
                    format!("parameter `{ident}` is missing from the `signature`"),
                );
            } else if count > 1 {
                errors.err(
                    ident.span(),
                    format!("parameter `{ident}` appears more than once in the `signature`"),
                );
            }
        }
    }
    Signature { params }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn args(f: syn::ItemFn) -> Vec<RustArg> {
        rust_args(&f.sig.inputs, &mut Errors::default())
    }

    #[test]
    fn default_signature_makes_trailing_options_optional() {
        let f: syn::ItemFn = syn::parse_quote!(
            fn f(a: i64, b: Option<i64>, c: Option<&str>) {}
        );
        let sig = default_signature(&args(f));
        assert_eq!(sig.text_signature(None), "(a, b=None, c=None)");
        assert_eq!(sig.required_positional(), 1);
    }

    #[test]
    fn explicit_signature_renders_like_python() {
        let f: syn::ItemFn = syn::parse_quote!(
            fn f(a: i64, b: i64, args: &Handle, c: i64, d: f64, kw: Option<&Handle>) {}
        );
        let mut e = Errors::default();
        let sig = parse_signature(
            quote!(a, /, b = 2, *args, c, d = -1.5, **kw),
            &args(f),
            &mut e,
        );
        assert!(e.finish().is_ok());
        assert_eq!(
            sig.text_signature(None),
            "(a, /, b=2, *args, c, d=-1.5, **kw)"
        );
        assert_eq!(sig.positional_only_count(), 1);
        assert_eq!(sig.keyword_only().count(), 2);
    }

    #[test]
    fn string_defaults_use_python_quotes() {
        let e: Expr = syn::parse_quote!("world");
        assert_eq!(render_default(&e), "'world'");
        let e: Expr = syn::parse_quote!(some_fn());
        assert_eq!(render_default(&e), "...");
    }

    #[test]
    fn signature_errors_are_all_reported() {
        let f: syn::ItemFn = syn::parse_quote!(
            fn f(a: i64, b: i64) {}
        );
        let mut e = Errors::default();
        parse_signature(quote!(a = 1, zz), &args(f), &mut e);
        let msg = e
            .finish()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>();
        assert!(msg.iter().any(|m| m.contains("`zz`")), "{msg:?}");
        assert!(msg.iter().any(|m| m.contains("`b` is missing")), "{msg:?}");
    }
}
