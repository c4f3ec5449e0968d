//! `pin!`: pin values on the stack, under their own names.

/// Pins each named value on the stack, shadowing its variable with a
/// `Pin<&mut T>` to it.
///
/// A future made by an `async fn` or block is `!Unpin`: to poll it through
/// a reference (`&mut fut` in a [`select!`](crate::select!) loop, say) it must be pinned
/// first. `.await` does that itself, but consumes the future. This is
/// tokio's `pin!`, built on [`core::pin::pin!`], and so it needs no
/// `unsafe`: the value moves into a temporary that lives as long as the
/// variable and can never be named, so never moved again.
///
/// Two forms: `pin!(a, b)` pins existing variables; `pin! { let a = expr;
/// let b = expr; }` declares pinned ones.
///
/// # Examples
///
/// ```
/// use groundup::sync::oneshot;
///
/// # groundup::block_on(async {
/// let (tx, rx) = oneshot::channel();
/// let work = async { 40 + 2 };
/// groundup::pin!(work);
/// // `work` is polled through `&mut` and survives the branch it lost.
/// let mut rx = rx;
/// tx.send(()).unwrap();
/// groundup::select! {
///     biased;
///     _ = &mut rx => {}
///     _ = &mut work => unreachable!("the receiver is first and ready"),
/// }
/// assert_eq!((&mut work).await, 42);
///
/// groundup::pin! {
///     let later = async { "declared pinned" };
/// }
/// assert_eq!(later.as_mut().await, "declared pinned");
/// # });
/// ```
#[macro_export]
macro_rules! pin {
    ($($x:ident),* $(,)?) => {
        $( let mut $x = $crate::__private::pin!($x); )*
    };
    ($(let $x:ident = $init:expr;)*) => {
        $( let mut $x = $crate::__private::pin!($init); )*
    };
}
