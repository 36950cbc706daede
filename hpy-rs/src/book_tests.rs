//! Compiles (and runs) every Rust code block of the book and the README as a doctest:
//! `cargo test -p hpy-rs --doc`. Only built for doctests.

/// The README.
#[doc = include_str!("../../README.md")]
pub struct Readme;

/// Book: Introduction.
#[doc = include_str!("../../book/src/introduction.md")]
pub struct Introduction;

/// Book: Getting started.
#[doc = include_str!("../../book/src/getting-started.md")]
pub struct GettingStarted;

/// Book: Backends.
#[doc = include_str!("../../book/src/backends.md")]
pub struct Backends;

/// Book: Functions.
#[doc = include_str!("../../book/src/functions.md")]
pub struct Functions;

/// Book: Conversions.
#[doc = include_str!("../../book/src/conversions.md")]
pub struct Conversions;

/// Book: Errors and exceptions.
#[doc = include_str!("../../book/src/errors.md")]
pub struct Errors;

/// Book: Calling Python from Rust.
#[doc = include_str!("../../book/src/calling-python.md")]
pub struct CallingPython;

/// Book: Globals and module setup.
#[doc = include_str!("../../book/src/globals.md")]
pub struct Globals;

/// Book: Classes and protocols.
#[doc = include_str!("../../book/src/classes.md")]
pub struct Classes;

/// Book: Debug mode and testing.
#[doc = include_str!("../../book/src/debug-and-testing.md")]
pub struct DebugAndTesting;

/// Book: Packaging and distribution.
#[doc = include_str!("../../book/src/packaging.md")]
pub struct Packaging;

/// Book: Runtime notes.
#[doc = include_str!("../../book/src/runtime-notes.md")]
pub struct RuntimeNotes;

/// Book: Example: kiwisolver.
#[doc = include_str!("../../book/src/kiwisolver.md")]
pub struct Kiwisolver;

/// Book: Owned references and the current call.
#[doc = include_str!("../../book/src/references.md")]
pub struct References;

/// Book: Porting a PyO3 library: rpds.
#[doc = include_str!("../../book/src/porting-pyo3.md")]
pub struct PortingPyo3;
