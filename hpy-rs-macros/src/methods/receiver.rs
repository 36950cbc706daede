//! The receiver and argument code of methods: how a method takes `self` (`&self`,
//! `&mut self`, a leading `slf: &Handle`, a class method's `cls`), how it borrows the payload,
//! the checks of a protocol method's receiver and arity against its table entry, and the
//! tokens that convert protocol operands and call the Rust method.

use super::table::{Arg, ErrorMode, Proto, Receiver};
use crate::signature::RustArg;
use crate::utils::{self, Errors};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{ImplItemFn, Type};

/// How a method takes `self`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recv {
    None,
    Ref,
    Mut,
}

impl Recv {
    /// The receiver a slot shared by two methods borrows with: the stronger one.
    pub fn max_of(self, other: Recv) -> Recv {
        self.max(other)
    }

    /// The receiver of `f` (`self` by value is an error, taken as `&self`); a `&mut self` span
    /// goes to `mut_spans` (checked against `frozen`).
    pub fn of(f: &ImplItemFn, errors: &mut Errors, mut_spans: &mut Vec<Span>) -> Recv {
        match f.sig.receiver() {
            None => Recv::None,
            Some(r) if r.reference.is_none() => {
                errors.err(
                    r.self_token.span,
                    "methods take `&self` or `&mut self`, not `self` by value",
                );
                Recv::Ref
            }
            Some(r) if r.mutability.is_some() => {
                mut_spans.push(r.self_token.span);
                Recv::Mut
            }
            Some(_) => Recv::Ref,
        }
    }
}

/// A method of the impl block, with its receiver and Rust parameters.
pub struct Method {
    pub item: ImplItemFn,
    pub recv: Recv,
    pub rust_args: Vec<RustArg>,
    /// The first parameter is `slf`: the instance's handle is passed there.
    pub slf: bool,
}

/// Inputs of a method (a punctuated list of parameters).
pub type Inputs = Punctuated<syn::FnArg, syn::Token![,]>;

/// The method's inputs without a leading `slf` parameter (the first one after the receiver),
/// and whether there was one.
pub fn strip_slf(inputs: &Inputs) -> (Inputs, bool) {
    let is_slf = |a: &syn::FnArg| match a {
        syn::FnArg::Typed(pt) => matches!(&*pt.pat, syn::Pat::Ident(pi) if pi.ident == "slf"),
        syn::FnArg::Receiver(_) => false,
    };
    match inputs
        .iter()
        .position(|a| matches!(a, syn::FnArg::Typed(_)))
    {
        Some(i) if is_slf(&inputs[i]) => {
            let rest = inputs
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, a)| a.clone())
                .collect();
            (rest, true)
        }
        _ => (inputs.clone(), false),
    }
}

/// A hidden leading parameter that is not a Python argument: a class method's `cls` or a
/// method's `slf: &Handle`. Returns the inputs without it and its index among the Rust args.
pub fn take_hidden_param(inputs: &Inputs) -> Option<(Inputs, usize, syn::Ident)> {
    let mut out = Punctuated::new();
    let mut found = None;
    let mut n_args = 0usize;
    for a in inputs {
        if found.is_none() {
            if let syn::FnArg::Typed(pt) = a {
                if !utils::type_is(&pt.ty, "Ctx") {
                    let id = match &*pt.pat {
                        syn::Pat::Ident(pi) => pi.ident.clone(),
                        _ => format_ident!("cls"),
                    };
                    found = Some((n_args, id));
                    continue;
                }
            }
        }
        if matches!(a, syn::FnArg::Typed(_)) {
            n_args += 1;
        }
        out.push(a.clone());
    }
    found.map(|(i, id)| (out, i, id))
}

/// The `slf` argument tokens (the instance handle `__slf_h`), if the method takes it.
pub fn slf_arg(m: &Method) -> TokenStream {
    if m.slf {
        quote!(&*__slf_h,)
    } else {
        quote!()
    }
}

/// The code that borrows the payload of `raw` (`__slf`, with the instance handle in
/// `__slf_h`), and the receiver argument of the call.
pub fn recv_tokens(ty: &Type, recv: Recv, raw: &syn::Ident) -> (TokenStream, TokenStream) {
    match recv {
        Recv::None => (quote!(), quote!()),
        Recv::Ref | Recv::Mut => {
            let borrow = if recv == Recv::Mut {
                quote!(borrow_mut)
            } else {
                quote!(borrow)
            };
            let deref = if recv == Recv::Mut {
                quote!(&mut *__slf,)
            } else {
                quote!(&*__slf,)
            };
            (
                quote! {
                    // SAFETY: the runtime lends `self` for this call, after checking its type
                    // (every caller of `recv_tokens` is a method, getset or non-numeric slot).
                    let __slf_h = unsafe { ::hpy_rs::impl_::arg(__ctx, #raw) };
                    #[allow(unused_mut)]
                    let mut __slf = unsafe { ::hpy_rs::class::ClassCell::<#ty>::receiver(&*__slf_h) }?.#borrow()?;
                },
                deref,
            )
        }
    }
}

/// The borrow of the receiver `__self` (see [`recv_tokens`]).
pub fn borrow_self(ty: &Type, recv: Recv) -> TokenStream {
    recv_tokens(ty, recv, &format_ident!("__self")).0
}

/// Positional call arguments for a protocol method: `Ctx` params get `__ctx`, Python params
/// get the given expressions in order.
pub fn proto_args(m: &Method, values: &[TokenStream]) -> Vec<TokenStream> {
    let mut it = values.iter();
    m.rust_args
        .iter()
        .map(|a| match a {
            RustArg::Ctx => quote!(__ctx),
            RustArg::Python { .. } => it
                .next()
                .cloned()
                .unwrap_or_else(|| quote!(::core::compile_error!("missing argument"))),
        })
        .collect()
}

/// The call of protocol method `m` on the borrowed payload `__slf`, with `values` for its
/// Python parameters.
pub fn call(ty: &Type, m: &Method, values: &[TokenStream]) -> TokenStream {
    let ident = &m.item.sig.ident;
    let (_, ra) = recv_tokens(ty, m.recv, &format_ident!("__self"));
    let sa = slf_arg(m);
    let args = proto_args(m, values);
    quote!(<#ty>::#ident(#ra #sa #(#args),*))
}

/// How many Python parameters `m` has.
pub fn py_arg_count(m: &Method) -> usize {
    m.rust_args
        .iter()
        .filter(|a| matches!(a, RustArg::Python { .. }))
        .count()
}

/// The type of `m`'s first Python parameter.
pub fn first_py_type(m: &Method) -> Option<&Type> {
    m.rust_args.iter().find_map(|a| match a {
        RustArg::Python { ty, .. } => Some(ty),
        RustArg::Ctx => None,
    })
}

/// The conversion of parameter `arg` of protocol method `p` from the handle `h`. On failure it
/// raises, or (in `ErrorMode::NotImplemented`) returns `NotImplemented` for a `TypeError`.
pub fn operand(h: &TokenStream, p: &Proto, arg: Arg) -> TokenStream {
    let (name, arg) = (p.name, arg.name());
    match p.errors {
        ErrorMode::NotImplemented => quote!(match ::hpy_rs::impl_::extract_arg(&*#h, #name, #arg) {
            ::core::result::Result::Ok(v) => v,
            ::core::result::Result::Err(e) => return ::hpy_rs::impl_::operand_mismatch(__ctx, e),
        }),
        ErrorMode::Raise => quote!(::hpy_rs::impl_::extract_arg(&*#h, #name, #arg)?),
    }
}

/// For a method taking a key (entry `p`): the borrow of `self`, the conversion of the key from
/// the handle `h`, and the call of `m` with it (as `__key`).
pub fn key_call(ty: &Type, p: &Proto, m: &Method, h: &TokenStream) -> [TokenStream; 3] {
    let key = operand(h, p, Arg::Key);
    [borrow_self(ty, m.recv), key, call(ty, m, &[quote!(__key)])]
}

/// Whether a return type is `()` (absent, `()`, or `Result<(), _>`/`HPyResult<()>`).
pub fn returns_unit(ret: &syn::ReturnType) -> bool {
    fn unit(t: &Type) -> bool {
        matches!(t, Type::Tuple(tt) if tt.elems.is_empty())
    }
    match ret {
        syn::ReturnType::Default => true,
        syn::ReturnType::Type(_, t) => {
            if unit(t) {
                return true;
            }
            if let Type::Path(p) = &**t {
                if let Some(seg) = p.path.segments.last() {
                    if seg.ident == "Result" || seg.ident == "HPyResult" {
                        if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                            if let Some(syn::GenericArgument::Type(t0)) = a.args.first() {
                                return unit(t0);
                            }
                        }
                    }
                }
            }
            false
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Checks `m` against its protocol entry's arity.
pub fn check_arity(p: &Proto, m: &Method) -> Result<(), String> {
    let Some((lo, hi)) = p.arity() else {
        return Ok(());
    };
    let n = py_arg_count(m);
    if (lo..=hi).contains(&n) {
        return Ok(());
    }
    let expected = if lo == hi {
        format!("{lo} argument{}", plural(lo))
    } else {
        format!("{lo} or {hi} arguments")
    };
    Err(format!(
        "`{}` takes `self` and {expected} (besides an optional `ctx: Ctx`), found {n}",
        p.name
    ))
}

/// A protocol slot method needs a receiver (`&self` for a `Receiver::Shared` entry); the
/// receiver-less `slf` form is for ordinary methods only.
pub fn check_protocol_receiver(p: &Proto, m: &Method, is_slf: bool) -> Result<(), String> {
    if m.recv != Recv::None && !is_slf {
        return Ok(());
    }
    let needs = match p.receiver {
        Receiver::Shared => "`&self`",
        Receiver::Mut | Receiver::Slf => "`&self` or `&mut self`",
    };
    let slf = if is_slf {
        " (a `slf: &Handle<'_>` parameter may follow it)"
    } else {
        ""
    };
    Err(format!("`{}` needs {needs}{slf}", p.name))
}

/// A `Receiver::Shared` entry must not take `&mut self`.
pub fn check_shared(p: &Proto, m: &Method) -> Result<(), String> {
    if p.receiver != Receiver::Shared || m.recv != Recv::Mut {
        return Ok(());
    }
    Err(format!("`{}` must take `&self`: Python calls it implicitly (hashing, printing, truth tests, comparisons, `in`); keep state that changes there in a `Cell`/`RefCell`", p.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(f: syn::ImplItemFn) -> Inputs {
        f.sig.inputs
    }

    #[test]
    fn strip_slf_removes_only_a_leading_slf() {
        let (rest, slf) = strip_slf(&inputs(syn::parse_quote!(
            fn f<'py>(&self, slf: &Handle<'py>, x: f64) {}
        )));
        assert!(slf);
        assert_eq!(rest.len(), 2);
        assert!(matches!(rest[0], syn::FnArg::Receiver(_)));
        let (rest, slf) = strip_slf(&inputs(syn::parse_quote!(
            fn f<'py>(&self, x: f64, slf: &Handle<'py>) {}
        )));
        assert!(!slf);
        assert_eq!(rest.len(), 3);
    }

    #[test]
    fn max_of_takes_the_stronger_receiver() {
        assert!(Recv::Ref.max_of(Recv::Mut) == Recv::Mut);
        assert!(Recv::Mut.max_of(Recv::Ref) == Recv::Mut);
        assert!(Recv::None.max_of(Recv::Ref) == Recv::Ref);
        assert!(Recv::None.max_of(Recv::None) == Recv::None);
    }
}
