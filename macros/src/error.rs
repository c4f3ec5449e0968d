//! A compile error with a span, as the tokens that report it.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// A message for the user, and the source range it points at.
#[derive(Debug)]
pub(crate) struct Error {
    message: String,
    start: Span,
    end: Span,
}

impl Error {
    /// An error pointing at one token.
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Error {
        Error::spanning(span, span, message)
    }

    /// An error pointing at the range from `start` to `end`.
    pub(crate) fn spanning(start: Span, end: Span, message: impl Into<String>) -> Error {
        Error { message: message.into(), start, end }
    }

    /// `::core::compile_error!("…");`, with the path's tokens on `start` and
    /// the parenthesised message on `end`: the compiler reports a macro call
    /// over the range its tokens cover, so this underlines `start..end`
    /// (`Span::join` would say it directly, but is not stable).
    pub(crate) fn into_compile_error(self) -> TokenStream {
        let (start, end) = (self.start, self.end);
        let punct = |c, spacing, span| {
            let mut p = Punct::new(c, spacing);
            p.set_span(span);
            TokenTree::Punct(p)
        };
        let mut message = Literal::string(&self.message);
        message.set_span(end);
        let mut args = Group::new(Delimiter::Parenthesis, TokenTree::Literal(message).into());
        args.set_span(end);
        TokenStream::from_iter([
            punct(':', Spacing::Joint, start),
            punct(':', Spacing::Alone, start),
            TokenTree::Ident(Ident::new("core", start)),
            punct(':', Spacing::Joint, start),
            punct(':', Spacing::Alone, start),
            TokenTree::Ident(Ident::new("compile_error", start)),
            punct('!', Spacing::Alone, start),
            TokenTree::Group(args),
            punct(';', Spacing::Alone, end),
        ])
    }
}
