//! The attribute's arguments: tokio's, with what each means for groundup.
//!
//! | argument | accepted | why |
//! |---|---|---|
//! | `flavor = "current_thread"` | yes | what groundup's runtime is |
//! | `flavor = "multi_thread"` | error | the executor is single-threaded by design |
//! | `start_paused = true` / `false` | yes | `Builder::start_paused` |
//! | `crate = "path"` | yes | groundup under another name |
//! | `worker_threads = N` | error | a `multi_thread` setting |
//! | `unhandled_panic = "ignore"` | yes | what groundup does |
//! | `unhandled_panic = "shutdown_runtime"` | error | not supported |

use proc_macro::{Delimiter, Literal, Span, TokenStream, TokenTree};

use crate::error::Error;

/// Which attribute is being expanded (for messages).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Test,
}

impl Kind {
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Kind::Main => "groundup::main",
            Kind::Test => "groundup::test",
        }
    }
}

/// What the arguments ask for.
#[derive(Default)]
pub(crate) struct Config {
    pub(crate) start_paused: Option<bool>,
    /// The path groundup is reached by (`::groundup` unless `crate = "…"`).
    pub(crate) crate_path: Option<TokenStream>,
}

const EXPECTED: &str =
    "expected one of: `flavor`, `worker_threads`, `start_paused`, `crate`, `unhandled_panic`";

/// One `name = value` (or bare `name`) argument.
struct Arg {
    name: String,
    name_span: Span,
    value: Option<TokenTree>,
    last_span: Span,
}

impl Arg {
    fn error(&self, message: impl Into<String>) -> Error {
        Error::spanning(self.name_span, self.last_span, message)
    }

    fn value_span(&self) -> Span {
        self.value.as_ref().map_or(self.name_span, TokenTree::span)
    }
}

pub(crate) fn parse(args: TokenStream, kind: Kind) -> Result<Config, Error> {
    let mut config = Config::default();
    let mut seen: Vec<String> = Vec::new();
    for arg in split(args)? {
        if seen.contains(&arg.name) {
            return Err(arg.error(format!("`{}` set multiple times.", arg.name)));
        }
        seen.push(arg.name.clone());
        apply(&mut config, &arg, kind)?;
    }
    Ok(config)
}

fn apply(config: &mut Config, arg: &Arg, kind: Kind) -> Result<(), Error> {
    let Some(value) = &arg.value else { return Err(bare(arg, kind)) };
    match arg.name.as_str() {
        "flavor" => flavor(arg, &string(arg, value)?),
        "start_paused" => {
            config.start_paused = Some(boolean(arg, value)?);
            Ok(())
        }
        "crate" => {
            config.crate_path = Some(path(arg, &string(arg, value)?)?);
            Ok(())
        }
        "worker_threads" => Err(arg.error(
            "`worker_threads` sets the thread count of tokio's `multi_thread` runtime, which \
             groundup does not have: its executor runs every task on one thread by design \
             (tasks need not be `Send`). Remove the argument.",
        )),
        "unhandled_panic" => match string(arg, value)?.as_str() {
            "ignore" => Ok(()),
            "shutdown_runtime" => Err(arg.error(
                "`unhandled_panic = \"shutdown_runtime\"` is not supported by groundup: a panic \
                 in a spawned task is caught and returned by its `JoinHandle` as a `JoinError` \
                 (what `\"ignore\"`, the default, means). Remove the argument.",
            )),
            other => Err(arg.error(format!(
                "No such `unhandled_panic` behavior `{other}`; groundup supports `ignore`."
            ))),
        },
        "core_threads" => Err(arg.error(
            "Attribute `core_threads` is renamed to `worker_threads` in tokio; neither applies \
             to groundup's single-threaded executor. Remove the argument.",
        )),
        name => Err(arg.error(format!("Unknown attribute {name} is specified; {EXPECTED}"))),
    }
}

fn flavor(arg: &Arg, flavor: &str) -> Result<(), Error> {
    match flavor {
        "current_thread" => Ok(()),
        "multi_thread" => Err(Error::new(
            arg.value_span(),
            "groundup has no `multi_thread` runtime: its executor is single-threaded by design \
             (tasks need not be `Send`, and a reactor thread of its own polls the kernel while \
             tasks run). Use `flavor = \"current_thread\"`, or leave `flavor` out: it is the \
             default and the only flavor.",
        )),
        other => Err(Error::new(
            arg.value_span(),
            format!(
                "No such runtime flavor `{other}`. groundup's one runtime flavor is \
                 `current_thread`."
            ),
        )),
    }
}

/// The message for an argument given without a value.
fn bare(arg: &Arg, kind: Kind) -> Error {
    let attribute = kind.attribute();
    match arg.name.as_str() {
        "current_thread" | "basic_scheduler" | "single_threaded" => arg.error(format!(
            "Set the runtime flavor with #[{attribute}(flavor = \"current_thread\")]."
        )),
        "multi_thread" | "threaded_scheduler" => arg.error(
            "groundup has no `multi_thread` runtime: its executor is single-threaded by design \
             (tasks need not be `Send`). Remove the argument.",
        ),
        "flavor" | "worker_threads" | "start_paused" | "crate" | "unhandled_panic" => {
            arg.error(format!("The `{}` attribute requires an argument.", arg.name))
        }
        name => arg.error(format!("Unknown attribute {name} is specified; {EXPECTED}")),
    }
}

/// Splits the arguments at top-level commas into `name = value` items.
fn split(args: TokenStream) -> Result<Vec<Arg>, Error> {
    let mut items = vec![Vec::new()];
    for tree in args {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => items.push(Vec::new()),
            _ => items.last_mut().expect("never empty").push(tree),
        }
    }
    items.into_iter().filter(|item| !item.is_empty()).map(arg).collect()
}

fn arg(item: Vec<TokenTree>) -> Result<Arg, Error> {
    let first = item[0].span();
    let last = item[item.len() - 1].span();
    let malformed = || Error::spanning(first, last, "Unknown attribute inside the macro");
    let mut tokens = item.into_iter();
    let Some(TokenTree::Ident(name)) = tokens.next() else { return Err(malformed()) };
    let name_span = name.span();
    let name = name.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
    match (tokens.next(), tokens.next(), tokens.next()) {
        (None, ..) => Ok(Arg { name, name_span, value: None, last_span: last }),
        (Some(TokenTree::Punct(eq)), Some(value), None) if eq.as_char() == '=' => {
            Ok(Arg { name, name_span, value: Some(unwrap_none_group(value)), last_span: last })
        }
        _ => Err(malformed()),
    }
}

/// A value passed through a `macro_rules!` expansion may arrive wrapped in
/// an invisible group; look inside it.
fn unwrap_none_group(tree: TokenTree) -> TokenTree {
    if let TokenTree::Group(g) = &tree {
        if g.delimiter() == Delimiter::None {
            let mut inner = g.stream().into_iter();
            if let (Some(only), None) = (inner.next(), inner.next()) {
                return only;
            }
        }
    }
    tree
}

fn string(arg: &Arg, value: &TokenTree) -> Result<String, Error> {
    let not_a_string =
        || Error::new(value.span(), format!("Failed to parse value of `{}` as string.", arg.name));
    let TokenTree::Literal(literal) = value else { return Err(not_a_string()) };
    string_value(literal).ok_or_else(not_a_string)
}

/// The text of a plain or raw string literal without escapes (all any
/// argument needs: flavors and paths have no quotes or backslashes).
fn string_value(literal: &Literal) -> Option<String> {
    let text = literal.to_string();
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return (!inner.contains('\\')).then(|| inner.to_string());
    }
    let raw = text.strip_prefix('r')?;
    let hashes = raw.len() - raw.trim_start_matches('#').len();
    let fence = "#".repeat(hashes);
    let inner = raw.strip_prefix(&fence)?.strip_prefix('"')?;
    Some(inner.strip_suffix(&fence)?.strip_suffix('"')?.to_string())
}

fn boolean(arg: &Arg, value: &TokenTree) -> Result<bool, Error> {
    match value {
        TokenTree::Ident(i) if i.to_string() == "true" => Ok(true),
        TokenTree::Ident(i) if i.to_string() == "false" => Ok(false),
        _ => Err(Error::new(
            value.span(),
            format!("Failed to parse value of `{}` as bool.", arg.name),
        )),
    }
}

/// A path such as `groundup` or `::my::reexport::groundup`, as tokens
/// carrying the literal's span (so an unresolved path is reported there).
fn path(arg: &Arg, text: &str) -> Result<TokenStream, Error> {
    let span = arg.value_span();
    let invalid =
        || Error::new(span, format!("Failed to parse value of `crate` as path: \"{text}\""));
    let tokens: TokenStream = text.parse().map_err(|_| invalid())?;
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut expect_ident = true;
    let mut colons = 0;
    for tree in &mut trees {
        match tree {
            TokenTree::Ident(_) if expect_ident && colons % 2 == 0 => expect_ident = false,
            TokenTree::Punct(p) if p.as_char() == ':' => {
                colons += 1;
                expect_ident = true;
            }
            _ => return Err(invalid()),
        }
        tree.set_span(span);
    }
    if trees.is_empty() || expect_ident || colons % 2 != 0 {
        return Err(invalid());
    }
    Ok(trees.into_iter().collect())
}
