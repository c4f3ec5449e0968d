/// Names a registered source in the events it produces.
///
/// The kernel stores the token next to the registration and returns it with
/// each event (in epoll's `data`, kqueue's `udata`, the IOCP completion key's
/// per-socket state), so choosing tokens is entirely up to the caller: an index
/// into a slab, a pointer, a connection id. groundup never interprets it.
///
/// ```
/// use groundup::poll::Token;
///
/// let listener = Token(0);
/// assert_eq!(usize::from(listener), 0);
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Token(pub usize);

impl From<Token> for usize {
    fn from(token: Token) -> usize {
        token.0
    }
}
