//! `join!` and `try_join!`: wait on several futures at once, in the task
//! that awaits them, and give their outputs as one tuple.
//!
//! Each future is wrapped in a `MaybeDone` (which drops the future as soon
//! as it finishes and keeps its output) and pinned on the stack with
//! `core::pin::pin!`; one `poll_fn` polls the unfinished ones. The
//! expansion is built as `select!`'s is (see `src/macros/select.rs`): one
//! recursion per future reads it into a `_` list and an index, and a
//! tuple element is reached by a pattern of `_`s. Each poll starts one
//! future later than the last (so a future that is always ready cannot
//! spend the task's whole budget before the others run), or at the first
//! with `biased;`.

/// Waits on every future given, all at once, and gives their outputs as a
/// tuple in the order written.
///
/// Must be used inside an `async` function, block or closure. The futures
/// (anything [`IntoFuture`](core::future::IntoFuture)) are evaluated in
/// order and run *concurrently* in the current task, not in *parallel*:
/// [`spawn`](crate::spawn) them for that. A future that has finished is
/// dropped at once; its output is kept until all are done. `join!` waits
/// for all of them even when some give an `Err`: [`try_join!`](crate::try_join!) stops at
/// the first. `join!()` is `()`. This is tokio's `join!`.
///
/// # Fairness
///
/// Each time it is polled, `join!` starts with the future after the one it
/// started with last time. After `biased;` it polls them in the order
/// written, every time.
///
/// # Examples
///
/// ```
/// use groundup::sync::oneshot;
///
/// # groundup::block_on(async {
/// let (tx, rx) = oneshot::channel();
/// // Each needs the other: only a concurrent wait can finish.
/// let (sent, got) = groundup::join!(async { tx.send(7) }, rx);
/// assert_eq!(sent, Ok(()));
/// assert_eq!(got, Ok(7));
///
/// let (a, b) = groundup::join!(biased; async { 1 }, async { "two" });
/// assert_eq!((a, b), (1, "two"));
/// # });
/// ```
#[macro_export]
macro_rules! join {
    (@final {
        start = $start:path;
        ( $($count:tt)* )
        $( ( $($skip:tt)* ) ( $($index:tt)* ) $e:expr, )+
    }) => {{
        let mut futures = ( $( $crate::__private::pin!($crate::__private::maybe_done($e)), )+ );
        let mut next: u32 = 0;
        $crate::__private::poll_fn(|cx| {
            let start: u32 = $start(&mut next, $($count)*);
            let mut pending = false;
            // Futures `start..` in the first pass, `..start` in the second.
            for first_pass in [true, false] {
                $(
                    let index: u32 = $($index)*;
                    if (index >= start) == first_pass {
                        let ( $($skip,)* future, .. ) = &mut futures;
                        if future.as_mut().poll_done(cx).is_pending() {
                            pending = true;
                        }
                    }
                )+
            }
            if pending {
                return $crate::__private::Poll::Pending;
            }
            $crate::__private::Poll::Ready(( $({
                let ( $($skip,)* future, .. ) = &mut futures;
                future.as_mut().take_done()
            },)+ ))
        })
        .await
    }};

    // One future per recursion: a `_` per future read, and the index of the
    // next, as `0 + 1 + ...`.
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* }) => {
        $crate::join!(@final { start = $start; ( $($n)* ) $($done)* })
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $e:expr, $($rest:tt)*) => {
        $crate::join!(@{ start = $start; ( $($s)* _ ) ( $($n)* + 1 ) $($done)*
            ( $($s)* ) ( $($n)* ) $e, } $($rest)*)
    };

    (biased; $($e:expr),+ $(,)?) => {
        $crate::join!(@{ start = $crate::__private::join_biased_start; () (0) } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::join!(@{ start = $crate::__private::join_start; () (0) } $($e,)+)
    };
    ($(biased;)?) => {
        async {}.await
    };
}

/// Waits on every future given, all at once, and gives their `Ok` values as
/// a tuple in the order written, or the first `Err`.
///
/// Like [`join!`](crate::join!), but every future must give a `Result` with the same
/// error type, and the first future to finish with `Err` ends the wait:
/// `try_join!` gives that error, and the futures still running are dropped
/// (the values of those that finished with `Ok` too). `try_join!()` is
/// `Ok(())`. Fairness and `biased;` are as for `join!`. This is tokio's
/// `try_join!`.
///
/// # Examples
///
/// ```
/// use groundup::sync::oneshot;
///
/// # groundup::block_on(async {
/// async fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
///     text.parse()
/// }
/// assert_eq!(groundup::try_join!(parse("1"), parse("2")), Ok((1, 2)));
///
/// // The first error ends the wait; the receiver that would wait forever
/// // is dropped.
/// let (_tx, never) = oneshot::channel::<u32>();
/// let waits = async { never.await.map_err(|_| "closed") };
/// let fails = async { Err::<u32, _>("bad input") };
/// assert_eq!(groundup::try_join!(waits, fails), Err("bad input"));
/// # });
/// ```
#[macro_export]
macro_rules! try_join {
    (@final {
        start = $start:path;
        ( $($count:tt)* )
        $( ( $($skip:tt)* ) ( $($index:tt)* ) $e:expr, )+
    }) => {{
        let mut futures = ( $( $crate::__private::pin!($crate::__private::maybe_done($e)), )+ );
        let mut next: u32 = 0;
        $crate::__private::poll_fn(|cx| {
            let start: u32 = $start(&mut next, $($count)*);
            let mut pending = false;
            for first_pass in [true, false] {
                $(
                    let index: u32 = $($index)*;
                    if (index >= start) == first_pass {
                        let ( $($skip,)* future, .. ) = &mut futures;
                        if future.as_mut().poll_done(cx).is_pending() {
                            pending = true;
                        } else if let $crate::__private::Some(error) = future.as_mut().take_err() {
                            return $crate::__private::Poll::Ready($crate::__private::Err(error));
                        }
                    }
                )+
            }
            if pending {
                return $crate::__private::Poll::Pending;
            }
            $crate::__private::Poll::Ready($crate::__private::Ok(( $({
                let ( $($skip,)* future, .. ) = &mut futures;
                future.as_mut().take_ok()
            },)+ )))
        })
        .await
    }};

    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* }) => {
        $crate::try_join!(@final { start = $start; ( $($n)* ) $($done)* })
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $e:expr, $($rest:tt)*) => {
        $crate::try_join!(@{ start = $start; ( $($s)* _ ) ( $($n)* + 1 ) $($done)*
            ( $($s)* ) ( $($n)* ) $e, } $($rest)*)
    };

    (biased; $($e:expr),+ $(,)?) => {
        $crate::try_join!(@{ start = $crate::__private::join_biased_start; () (0) } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::try_join!(@{ start = $crate::__private::join_start; () (0) } $($e,)+)
    };
    ($(biased;)?) => {
        async { $crate::__private::Ok(()) }.await
    };
}
