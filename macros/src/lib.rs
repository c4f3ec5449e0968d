//! `#[groundup::main]` and `#[groundup::test]`: tokio's attribute macros,
//! for groundup's runtime. Use them through `groundup`, which re-exports
//! both.
//!
//! ## What they expand to
//!
//! ```text
//! #[groundup::main(start_paused = true)]         fn main() -> R {
//! async fn main() -> R { body }            ⟶        let body = async { body };
//!                                                   return ::groundup::runtime::Builder::new_current_thread()
//!                                                       .enable_all().start_paused(true).build()
//!                                                       .expect("Failed building the Runtime")
//!                                                       .block_on(body);
//!                                               }
//! ```
//!
//! `#[groundup::test]` is the same with `#[test]` in front, and the body
//! pinned as a `Pin<&mut dyn Future<Output = R>>` (one `block_on` per
//! output type instead of one per test, as tokio does). The return type is
//! kept, so an `async fn` test may return a `Result`.
//!
//! ## How, without syn
//!
//! The compiler hands a procedural macro a token stream whose groups
//! (brackets, parentheses, braces) are already single trees, so a function
//! item is a short flat run at its top level: attributes, qualifiers, `fn`,
//! the name, generics, parameters, `-> Output`, `where`, the body
//! (`item.rs`). The arguments are comma-separated `name = value` items
//! (`args.rs`). The expansion is built from token trees, the user's own
//! tokens passed through with their spans, so errors inside the body point
//! at the user's code. A misuse becomes a `compile_error!` spanning the
//! offending tokens (`error.rs`), emitted next to the default expansion, so
//! that the one error shown is ours (as tokio-macros does).
//!
//! ## Arguments
//!
//! tokio's, where they mean something for groundup: `flavor =
//! "current_thread"` (the only flavor), `start_paused = true`, `crate =
//! "path"` (groundup under another name), `unhandled_panic = "ignore"`.
//! `flavor = "multi_thread"` and `worker_threads` are errors that say why:
//! groundup's executor is single-threaded by design.

mod args;
mod error;
mod item;

use proc_macro::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

use args::{Config, Kind};
use error::Error;
use item::Function;

/// Runs an `async fn main` on a groundup runtime.
///
/// `#[groundup::main]` turns `async fn main() -> R { … }` into a plain `fn
/// main() -> R` that builds a runtime (`Builder::new_current_thread()`),
/// `block_on`s the body and drops the runtime. It ports from `#[tokio::main]`
/// by renaming; tokio's default flavor there is `multi_thread`, which
/// groundup has not (its tasks need not be `Send`), so ported code simply
/// runs on groundup's one executor thread.
///
/// Arguments: `start_paused = true` (time starts paused, as
/// `Builder::start_paused`), `flavor = "current_thread"`, `crate = "path"`
/// (groundup renamed in `Cargo.toml`), `unhandled_panic = "ignore"`. A
/// missing `async`, an unknown argument, `flavor = "multi_thread"` or
/// `worker_threads` is a compile error that points at it.
///
/// ```
/// use groundup::time::{self, Duration, Instant};
///
/// #[groundup::main]
/// async fn main() -> std::io::Result<()> {
///     let start = Instant::now();
///     time::sleep(Duration::from_millis(5)).await;
///     assert!(start.elapsed() >= Duration::from_millis(5));
///     Ok(())
/// }
/// ```
///
/// With time paused, an hour passes at once:
///
/// ```
/// use groundup::time::{self, Duration, Instant};
///
/// #[groundup::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let start = Instant::now();
///     time::sleep(Duration::from_secs(3_600)).await;
///     assert_eq!(start.elapsed(), Duration::from_secs(3_600));
/// }
/// ```
///
/// ```compile_fail
/// #[groundup::main(flavor = "multi_thread")] // groundup's executor is single-threaded
/// async fn main() {}
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(Kind::Main, args, item)
}

/// Runs an `async fn` test on a groundup runtime of its own.
///
/// The same as [`macro@main`], with `#[test]` added: one runtime per test,
/// dropped when the test ends. The test may return `()` or a `Result` (any
/// `Termination`), and keeps its other attributes (`#[should_panic]`,
/// `#[ignore]`). `start_paused = true` is the usual way to test
/// timer-heavy code: the clock then moves only when every task waits.
///
/// ```
/// use groundup::time::{self, Duration, Instant};
///
/// #[groundup::test(start_paused = true)]
/// async fn an_hour_of_retries_takes_no_time() -> std::io::Result<()> {
///     let start = Instant::now();
///     for _ in 0..60 {
///         time::sleep(Duration::from_secs(60)).await;
///     }
///     assert_eq!(start.elapsed(), Duration::from_secs(3_600));
///     Ok(())
/// }
/// # fn main() {}
/// ```
///
/// (rustdoc builds an example like this one without `--test`, so the
/// compiler drops the `#[test]` function, as it drops any; the example
/// checks that the attribute expands. Integration tests such as groundup's
/// own `tests/macros.rs` and `tests/time_paused.rs` run them.)
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(Kind::Test, args, item)
}

fn entry(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let function = match Function::parse(item.clone()) {
        Ok(function) => function,
        Err(e) => return with_error(item, e),
    };
    match check(&function, kind).and_then(|()| args::parse(args, kind)) {
        Ok(config) => expand(function, kind, &config),
        // Expand anyway, with the defaults, so that the only error shown is
        // ours (not "`main` function not found" or "async main").
        Err(e) => with_error(expand(function, kind, &Config::default()), e),
    }
}

/// Misuse the function's own shape shows.
fn check(function: &Function, kind: Kind) -> Result<(), Error> {
    if function.asyncness.is_none() {
        return Err(Error::new(
            function.fn_token.span(),
            format!(
                "the `async` keyword is missing from the function declaration: #[{}] runs an \
                 `async fn` on a groundup runtime",
                kind.attribute()
            ),
        ));
    }
    let has_params = !function.params.stream().is_empty();
    if kind == Kind::Main && has_params && function.name.to_string() == "main" {
        return Err(Error::new(function.name.span(), "the main function cannot accept arguments"));
    }
    if kind == Kind::Test && has_params {
        return Err(Error::new(function.name.span(), "the test function cannot accept arguments"));
    }
    if let (Kind::Test, Some([hash, group])) = (kind, function.test_attribute()) {
        return Err(Error::spanning(
            hash.span(),
            group.span(),
            "second test attribute is supplied, consider removing or changing the order of your \
             test attributes",
        ));
    }
    Ok(())
}

fn with_error(mut tokens: TokenStream, error: Error) -> TokenStream {
    tokens.extend(error.into_compile_error());
    tokens
}

/// Fixed code, with call-site spans.
fn code(text: &str) -> TokenStream {
    text.parse().expect("the macro's own code parses")
}

/// `tokens` with every span (nested ones too) set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(g) = &tree {
                let mut group = Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tree = TokenTree::Group(group);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

fn expand(function: Function, kind: Kind, config: &Config) -> TokenStream {
    let mut out = TokenStream::new();
    if kind == Kind::Test {
        out.extend(code("#[::core::prelude::v1::test]"));
    }
    for attr in &function.attrs {
        out.extend(attr.iter().cloned());
    }
    out.extend(function.head.iter().cloned());
    out.extend([
        TokenTree::Ident(function.fn_token.clone()),
        TokenTree::Ident(function.name.clone()),
    ]);
    out.extend(function.generics.iter().cloned());
    out.extend([TokenTree::Group(function.params.clone())]);
    if !function.output.is_empty() {
        out.extend([
            TokenTree::Punct(Punct::new('-', Spacing::Joint)),
            TokenTree::Punct(Punct::new('>', Spacing::Alone)),
        ]);
        out.extend(function.output.iter().cloned());
    }
    out.extend(function.where_clause.iter().cloned());
    let mut body = Group::new(Delimiter::Brace, body(&function, kind, config));
    body.set_span(function.body.span());
    out.extend([TokenTree::Group(body)]);
    out
}

/// The new body: the old one as an `async` block, run on a runtime.
fn body(function: &Function, kind: Kind, config: &Config) -> TokenStream {
    let body = Ident::new("body", Span::mixed_site());
    let mut out = TokenStream::new();
    out.extend([
        TokenTree::Ident(Ident::new("let", Span::call_site())),
        TokenTree::Ident(body.clone()),
    ]);
    out.extend(code("= async"));
    out.extend([TokenTree::Group(function.body.clone())]);
    out.extend(code(";"));
    if kind == Kind::Test {
        let output = if function.output.is_empty() {
            code("()")
        } else {
            function.output.iter().cloned().collect()
        };
        out.extend(code("let"));
        out.extend([TokenTree::Ident(body.clone())]);
        out.extend(code("= ::core::pin::pin!"));
        out.extend([paren(TokenTree::Ident(body.clone()).into())]);
        out.extend(code(";"));
        out.extend(code("let"));
        out.extend([TokenTree::Ident(body.clone())]);
        out.extend(code(": ::core::pin::Pin<&mut dyn ::core::future::Future<Output ="));
        out.extend(output);
        out.extend(code(">> ="));
        out.extend([TokenTree::Ident(body.clone())]);
        out.extend(code(";"));
    }
    // Spanned at the body's last statement, so that a body whose value does
    // not match the return type is reported there (as tokio does).
    // A `crate = "…"` path keeps the literal's span, so that a path that
    // does not resolve is reported at the literal.
    let at_last = function.last_statement_span();
    let mut run = respan(code("return"), at_last);
    match &config.crate_path {
        Some(path) => run.extend(path.clone()),
        None => run.extend(respan(code("::groundup"), at_last)),
    }
    let mut builder = code("::runtime::Builder::new_current_thread().enable_all()");
    if let Some(paused) = config.start_paused {
        builder.extend(code(&format!(".start_paused({paused})")));
    }
    builder.extend(code(".build().expect(\"Failed building the Runtime\").block_on"));
    run.extend(respan(builder, at_last));
    // `body` keeps its own (mixed-site) span: the binding above has it.
    let mut argument = Group::new(Delimiter::Parenthesis, TokenTree::Ident(body).into());
    argument.set_span(at_last);
    run.extend([TokenTree::Group(argument)]);
    run.extend(respan(code(";"), at_last));
    out.extend(code(
        "#[allow(clippy::expect_used, clippy::diverging_sub_expression, clippy::needless_return)]",
    ));
    out.extend([TokenTree::Group(Group::new(Delimiter::Brace, run))]);
    out
}

fn paren(inner: TokenStream) -> TokenTree {
    TokenTree::Group(Group::new(Delimiter::Parenthesis, inner))
}
