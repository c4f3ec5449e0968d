//! Splitting the annotated function into the parts the expansion needs.
//!
//! A function item is a flat run of token trees at its top level, which is
//! all this needs to look at: brackets, parentheses and braces arrive as
//! single [`Group`]s, so a `fn` inside an attribute or the body is never
//! seen here.
//!
//! ```text
//! #[attr]…  pub async unsafe  fn  name  <T: …>  (params)  -> Output  where …  { body }
//! attrs     head (no async)   fn  name  generics params   output     where    body
//! ```

use proc_macro::{Delimiter, Group, Ident, Spacing, Span, TokenStream, TokenTree};

use crate::error::Error;

/// The annotated function, in pieces.
pub(crate) struct Function {
    /// Each outer attribute: `#` and its bracketed group.
    pub(crate) attrs: Vec<[TokenTree; 2]>,
    /// Visibility and qualifiers before `fn`, without `async`.
    pub(crate) head: Vec<TokenTree>,
    /// The `async` keyword, if present.
    pub(crate) asyncness: Option<Span>,
    pub(crate) fn_token: Ident,
    pub(crate) name: Ident,
    /// From `<` to `>`, if generic.
    pub(crate) generics: Vec<TokenTree>,
    pub(crate) params: Group,
    /// The return type (after `->`), if any.
    pub(crate) output: Vec<TokenTree>,
    /// From `where` to the body, if any.
    pub(crate) where_clause: Vec<TokenTree>,
    pub(crate) body: Group,
}

fn is_ident(tree: &TokenTree, name: &str) -> bool {
    matches!(tree, TokenTree::Ident(i) if i.to_string() == name)
}

fn is_punct(tree: Option<&TokenTree>, c: char) -> bool {
    matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn not_a_function(span: Span) -> Error {
    Error::new(span, "the attribute applies to an `async fn` item, such as `async fn main() { … }`")
}

impl Function {
    pub(crate) fn parse(item: TokenStream) -> Result<Function, Error> {
        let tokens: Vec<TokenTree> = item.into_iter().collect();
        let first = tokens.first().map_or_else(Span::call_site, TokenTree::span);
        let mut rest = tokens.into_iter().peekable();

        let mut attrs = Vec::new();
        while is_punct(rest.peek(), '#') {
            let hash = rest.next().expect("peeked");
            match rest.next() {
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
                    attrs.push([hash, TokenTree::Group(g)]);
                }
                _ => return Err(not_a_function(hash.span())),
            }
        }

        let mut head = Vec::new();
        let mut asyncness = None;
        let fn_token = loop {
            match rest.next() {
                Some(TokenTree::Ident(i)) if i.to_string() == "fn" => break i,
                Some(TokenTree::Ident(i)) if i.to_string() == "async" => asyncness = Some(i.span()),
                Some(other) => head.push(other),
                None => return Err(not_a_function(first)),
            }
        };
        let name = match rest.next() {
            Some(TokenTree::Ident(name)) => name,
            other => return Err(not_a_function(other.map_or(fn_token.span(), |t| t.span()))),
        };

        // Generics up to the parameter list: the first parenthesis outside
        // angle brackets (`->` inside a bound, as in `F: Fn() -> T`, is not
        // a closing bracket).
        let mut generics = Vec::new();
        let mut depth = 0usize;
        let params = loop {
            let Some(tree) = rest.next() else { return Err(not_a_function(name.span())) };
            match &tree {
                TokenTree::Group(g) if depth == 0 && g.delimiter() == Delimiter::Parenthesis => {
                    break g.clone();
                }
                TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
                TokenTree::Punct(p) if p.as_char() == '>' => {
                    let arrow = matches!(generics.last(),
                        Some(TokenTree::Punct(prev)) if prev.as_char() == '-' && prev.spacing() == Spacing::Joint);
                    if !arrow {
                        depth = depth.saturating_sub(1);
                    }
                }
                _ => {}
            }
            generics.push(tree);
        };

        let mut tail: Vec<TokenTree> = rest.collect();
        let body = match tail.pop() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => g,
            other => return Err(not_a_function(other.map_or(params.span(), |t| t.span()))),
        };
        let where_at = tail.iter().position(|t| is_ident(t, "where")).unwrap_or(tail.len());
        let where_clause = tail.split_off(where_at);
        let output = if is_punct(tail.first(), '-') && is_punct(tail.get(1), '>') {
            tail.split_off(2)
        } else if tail.is_empty() {
            Vec::new()
        } else {
            return Err(not_a_function(tail[0].span()));
        };

        Ok(Function {
            attrs,
            head,
            asyncness,
            fn_token,
            name,
            generics,
            params,
            output,
            where_clause,
            body,
        })
    }

    /// The attribute that makes this a test already (`#[test]`), if any.
    pub(crate) fn test_attribute(&self) -> Option<&[TokenTree; 2]> {
        self.attrs.iter().find(|[_, group]| {
            let TokenTree::Group(group) = group else { return false };
            let path: Vec<TokenTree> = group.stream().into_iter().collect();
            path.len() == 1 && is_ident(&path[0], "test")
        })
    }

    /// The span of the first token of the body's last statement (where the
    /// compiler should point if the body's value has the wrong type), or of
    /// the body's braces if it is empty.
    pub(crate) fn last_statement_span(&self) -> Span {
        let tokens: Vec<TokenTree> = self.body.stream().into_iter().collect();
        let is_semi = |t: &TokenTree| matches!(t, TokenTree::Punct(p) if p.as_char() == ';');
        let mut end = tokens.len();
        while end > 0 && is_semi(&tokens[end - 1]) {
            end -= 1;
        }
        let start = tokens[..end].iter().rposition(is_semi).map_or(0, |i| i + 1);
        tokens.get(start).map_or_else(|| self.body.span(), TokenTree::span)
    }
}
