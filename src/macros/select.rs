//! `select!`: wait on several futures at once, in the task that awaits
//! them, and run the handler of the first to finish with a value that
//! matches its pattern.
//!
//! ## How the expansion works
//!
//! The macro reads its branches one per recursion (a "tt-muncher"), each
//! into the same normalized shape: `pattern = future, if precondition =>
//! handler,` (`if true` where none was written), plus the branch's index
//! (`0 + 1 + 1` for the third), a `_` per earlier branch, and the branch's
//! own tokens as written, unparsed. The last rule then expands once:
//!
//! 1. A tuple of slots, one per branch, each `Enabled` or `Disabled` by its
//!    precondition: so the preconditions run first, in order.
//! 2. A tuple of the futures, evaluated in order, each then passed through
//!    `IntoFuture` and pinned on the stack with `core::pin::pin!`.
//! 3. One `poll_fn` that polls the enabled futures, starting at a random
//!    branch (or the first, with `biased;`) and wrapping around. A future
//!    that finishes disables its branch; if its value matches the pattern
//!    it goes into the branch's slot and the `poll_fn` is done, else the
//!    value is dropped and the polling goes on. When no enabled branch is
//!    left, it is done as well.
//! 4. The futures are dropped (so a handler may use what they borrowed),
//!    and a `match` on the slots runs the handler of the one that holds a
//!    value, or the `else` expression.
//!
//! The handlers therefore run in the caller's own function, outside any
//! closure or loop of the macro: `?`, `return`, `break`, `continue` and
//! `.await` in a handler mean what they mean around the `select!`.
//!
//! Two details make this work with `macro_rules!` alone, where tokio uses a
//! procedural macro:
//!
//! - A tuple element is reached with a pattern of `_`s, `let (_, _, x, ..)
//!   = &mut tuple;`, built from the branch's `_` list, so no index literal
//!   is ever needed, and the result is one `match` arm per branch over the
//!   slot tuple rather than a generated enum.
//! - Step 3 must test the pattern without moving the value (the handler
//!   needs it). It matches a *reference* to the value against a copy of the
//!   pattern with `ref`, `mut` and `&` removed (`Some(mut v)` becomes
//!   `Some(v)`, binding a reference), which matches exactly the values the
//!   original does. That copy comes from the branch's unparsed tokens (a
//!   parsed `pat` cannot be taken apart), by `__select_check_pattern!`,
//!   which keeps every token up to the branch's `=` but those three. The
//!   one pattern match ergonomics does not look through a reference for is
//!   a string literal; a pattern that names nothing (`"quit"`) is matched
//!   as `&("quit")`. (A string literal under a binding, `v @ "quit"`, is
//!   the one pattern this cannot check: the compiler then says the types
//!   differ.)
//!
//! Nothing in the expansion is `unsafe`.
//!
//! The one limit is the compiler's recursion limit (128 unless the crate
//! raises it): one level per branch, and then, to check a branch's
//! pattern, one per token of the pattern (a bracket group counts two more).
//! Measured: 121 branches with one-token patterns fit; 64 branches (tokio's
//! limit) leave room for patterns of about 55 tokens, where the usual
//! `Some(v)` takes 6. Past the limit the compiler stops with "recursion
//! limit reached while expanding" and suggests `#![recursion_limit]`.

/// Waits on several branches at once, and runs the handler of the first
/// whose future finishes with a value that matches its pattern; the other
/// futures are dropped.
///
/// Must be used inside an `async` function, block or closure. Each branch
/// reads
///
/// ```text
/// <pattern> = <async expression> (, if <precondition>)? => <handler>,
/// ```
///
/// and one optional last branch `else => <expression>` runs when no other
/// branch can finish. The `async` expressions may be anything that is
/// [`IntoFuture`](core::future::IntoFuture). This is tokio's `select!`,
/// with the same syntax and semantics.
///
/// # What happens, in order
///
/// 1. Every precondition is evaluated, top to bottom. A branch whose
///    precondition is `false` is *disabled* for this `select!`.
/// 2. Every `async` expression is evaluated, top to bottom, disabled
///    branches included (their futures are never polled).
/// 3. The futures of the enabled branches run concurrently, in the current
///    task. When one finishes, its value is matched against its pattern. If
///    it matches, the other futures are dropped and its handler runs; the
///    handler's value is the value of the `select!`. If it does not match,
///    the value is dropped, the branch is disabled, and the others go on.
/// 4. If every branch is disabled (by its precondition or by a value that
///    did not match), the `else` expression runs. Without an `else` branch,
///    `select!` panics.
///
/// A handler runs in the surrounding function: `?`, `return`, `break` and
/// `continue` in it leave or continue the surrounding function or loop,
/// and it may `.await`. The futures are dropped before the handler runs,
/// so the handler may use what a future borrowed.
///
/// # Fairness
///
/// Each time the `select!` is polled it starts at a randomly chosen branch
/// (from a small per-thread generator), so that a branch that is always
/// ready cannot starve the others when `select!` runs in a loop. With
/// `biased;` as the first thing in the macro, the branches are polled top
/// to bottom instead: cheaper, and predictable, but then it is up to the
/// order of the branches that none is starved (put a shutdown signal
/// first, not after a busy stream).
///
/// # Cancellation safety
///
/// The futures of the branches that did not win are dropped. In a loop,
/// that loses whatever a dropped future had done halfway. A future is
/// *cancellation safe* if dropping it before it finishes loses nothing, so
/// that the next turn of the loop can simply create it again. Awaiting
/// `&mut receiver` for a [`oneshot::Receiver`](crate::sync::oneshot::Receiver)
/// is: the value stays in the channel until a poll returns it. Awaiting
/// `&mut handle` for a [`JoinHandle`](crate::task::JoinHandle) is too.
///
/// # Limits
///
/// 64 branches (tokio's limit) fit in the default recursion limit, with
/// patterns of up to about 55 tokens each, and 121 branches with patterns of
/// one token; past that the compiler says "recursion limit reached" and
/// `#![recursion_limit = "256"]` in the calling crate makes room. A string
/// literal under a binding (`v @ "quit"`) is the one pattern `select!`
/// cannot take: the compiler then reports mismatched types.
///
/// # Panics
///
/// If every branch is disabled and there is no `else` branch.
///
/// # Examples
///
/// The first of two futures to finish:
///
/// ```
/// use groundup::sync::oneshot;
///
/// # groundup::block_on(async {
/// let (tx, rx) = oneshot::channel();
/// let (_keep, never) = oneshot::channel::<u32>();
/// tx.send(7).unwrap();
/// let got = groundup::select! {
///     v = rx => v.unwrap(),
///     v = never => v.unwrap() + 100,
/// };
/// assert_eq!(got, 7);
/// # });
/// ```
///
/// A loop over two sources until both are done, with preconditions so that
/// a finished receiver is not polled again, and `else` to leave the loop:
///
/// ```
/// use groundup::sync::oneshot;
///
/// # groundup::block_on(async {
/// let (tx1, mut rx1) = oneshot::channel();
/// let (tx2, mut rx2) = oneshot::channel();
/// groundup::spawn(async move { tx1.send("first").unwrap() });
/// groundup::spawn(async move { tx2.send("second").unwrap() });
///
/// let (mut a, mut b) = (None, None);
/// loop {
///     groundup::select! {
///         v = &mut rx1, if a.is_none() => a = Some(v.unwrap()),
///         v = &mut rx2, if b.is_none() => b = Some(v.unwrap()),
///         else => break,
///     }
/// }
/// assert_eq!((a, b), (Some("first"), Some("second")));
/// # });
/// ```
///
/// A pattern that does not match disables its branch and the others go on:
///
/// ```
/// # groundup::block_on(async {
/// let got = groundup::select! {
///     Some(v) = async { None::<u32> } => v,
///     Some(v) = async { Some(2) } => v * 10,
/// };
/// assert_eq!(got, 20);
/// # });
/// ```
///
/// `biased;` polls top to bottom:
///
/// ```
/// # groundup::block_on(async {
/// let mut order = Vec::new();
/// for _ in 0..3 {
///     groundup::select! {
///         biased;
///         _ = async {}, if order.len() < 2 => order.push("first"),
///         _ = async {} => order.push("second"),
///     }
/// }
/// assert_eq!(order, ["first", "first", "second"]);
/// # });
/// ```
///
/// A handler may leave the surrounding function with `?` or `return`:
///
/// ```
/// async fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
///     groundup::select! {
///         v = async { text.parse::<u32>() } => Ok(v? + 1),
///     }
/// }
/// # groundup::block_on(async {
/// assert_eq!(parse("41").await, Ok(42));
/// assert!(parse("x").await.is_err());
/// # });
/// ```
#[macro_export]
macro_rules! select {
    // ===== The expansion, once every branch is normalized =====
    (@final {
        // `groundup::__private::select_start` (random) or `biased_start`.
        start = $start:path;
        // The number of branches, as `0 + 1 + ... + 1`.
        ( $($count:tt)* )
        // The branches, each with a `_` per earlier branch, its index as
        // `0 + 1 + ...`, and its own unparsed tokens (in brackets).
        $( ( $($skip:tt)* ) ( $($index:tt)* ) $raw:tt
           $bind:pat = $fut:expr, if $cond:expr => $handle:expr, )+
    } $else:expr) => {{
        let mut slots = ( $( $crate::__private::Slot::new($cond), )+ );
        {
            // Kept as written first, so that a temporary in a future
            // expression (`&mut make()`) lives as long as the `select!`.
            let futures = ( $( $fut, )+ );
            let mut futures = ( $({
                let ( $($skip,)* future, .. ) = futures;
                $crate::__private::pin!($crate::__private::into_future(future))
            },)+ );
            $crate::__private::poll_fn(|cx| {
                let start: u32 = $start($($count)*);
                let mut pending = false;
                // Branches `start..` in the first pass, `..start` in the second.
                for first_pass in [true, false] {
                    $(
                        let index: u32 = $($index)*;
                        let ( $($skip,)* slot, .. ) = &mut slots;
                        if (index >= start) == first_pass && slot.is_enabled() {
                            let ( $($skip,)* future, .. ) = &mut futures;
                            match $crate::__private::Future::poll(future.as_mut(), cx) {
                                $crate::__private::Poll::Pending => pending = true,
                                $crate::__private::Poll::Ready(output) => {
                                    #[allow(unused_variables, unreachable_patterns)]
                                    let matches = match &output {
                                        $crate::__select_check_pattern!($raw) => true,
                                        _ => false,
                                    };
                                    if matches {
                                        *slot = $crate::__private::Slot::Ready(output);
                                        return $crate::__private::Poll::Ready(());
                                    }
                                    *slot = $crate::__private::Slot::Disabled;
                                }
                            }
                        }
                    )+
                }
                if pending {
                    $crate::__private::Poll::Pending
                } else {
                    $crate::__private::Poll::Ready(())
                }
            })
            .await;
        }
        match slots {
            $( ( $($skip,)* $crate::__private::Slot::Ready($bind), .. ) => $handle, )+
            _ => $else,
        }
    }};

    // ===== Normalizing, one branch per recursion =====
    //
    // State: `@{ start = ...; (a `_` per branch read) (index of the next
    // branch) normalized branches... } [the unread tokens] the unread tokens`.
    // The bracketed copy becomes the next branch's `$raw`.

    // No branch left, no `else`: `select!` panics when all are disabled.
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $raw:tt) => {
        $crate::select!(@final { start = $start; ( $($n)* ) $($done)* }
            $crate::__private::select_all_disabled())
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $raw:tt
        else => $else:expr $(,)?) => {
        $crate::select!(@final { start = $start; ( $($n)* ) $($done)* } $else)
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $raw:tt
        $p:pat = $f:expr, if $c:expr => $h:block, $($rest:tt)*) => {
        $crate::select!(@{ start = $start; ( $($s)* _ ) ( $($n)* + 1 ) $($done)*
            ( $($s)* ) ( $($n)* ) $raw $p = $f, if $c => $h, } [$($rest)*] $($rest)*)
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $raw:tt
        $p:pat = $f:expr => $h:block, $($rest:tt)*) => {
        $crate::select!(@{ start = $start; ( $($s)* _ ) ( $($n)* + 1 ) $($done)*
            ( $($s)* ) ( $($n)* ) $raw $p = $f, if true => $h, } [$($rest)*] $($rest)*)
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $raw:tt
        $p:pat = $f:expr, if $c:expr => $h:block $($rest:tt)*) => {
        $crate::select!(@{ start = $start; ( $($s)* _ ) ( $($n)* + 1 ) $($done)*
            ( $($s)* ) ( $($n)* ) $raw $p = $f, if $c => $h, } [$($rest)*] $($rest)*)
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $raw:tt
        $p:pat = $f:expr => $h:block $($rest:tt)*) => {
        $crate::select!(@{ start = $start; ( $($s)* _ ) ( $($n)* + 1 ) $($done)*
            ( $($s)* ) ( $($n)* ) $raw $p = $f, if true => $h, } [$($rest)*] $($rest)*)
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $raw:tt
        $p:pat = $f:expr, if $c:expr => $h:expr) => {
        $crate::select!(@{ start = $start; ( $($s)* _ ) ( $($n)* + 1 ) $($done)*
            ( $($s)* ) ( $($n)* ) $raw $p = $f, if $c => $h, } [])
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $raw:tt
        $p:pat = $f:expr => $h:expr) => {
        $crate::select!(@{ start = $start; ( $($s)* _ ) ( $($n)* + 1 ) $($done)*
            ( $($s)* ) ( $($n)* ) $raw $p = $f, if true => $h, } [])
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $raw:tt
        $p:pat = $f:expr, if $c:expr => $h:expr, $($rest:tt)*) => {
        $crate::select!(@{ start = $start; ( $($s)* _ ) ( $($n)* + 1 ) $($done)*
            ( $($s)* ) ( $($n)* ) $raw $p = $f, if $c => $h, } [$($rest)*] $($rest)*)
    };
    (@{ start = $start:path; ( $($s:tt)* ) ( $($n:tt)* ) $($done:tt)* } $raw:tt
        $p:pat = $f:expr => $h:expr, $($rest:tt)*) => {
        $crate::select!(@{ start = $start; ( $($s)* _ ) ( $($n)* + 1 ) $($done)*
            ( $($s)* ) ( $($n)* ) $raw $p = $f, if true => $h, } [$($rest)*] $($rest)*)
    };

    // ===== Entry points =====
    () => {
        compile_error!("select! needs at least one branch: `pattern = future => handler,`")
    };
    ($(biased;)? else => $else:expr $(,)?) => {{ $else }};
    (biased; $($branches:tt)+) => {
        $crate::select!(@{ start = $crate::__private::biased_start; () (0) }
            [$($branches)+] $($branches)+)
    };
    ($($branches:tt)+) => {
        $crate::select!(@{ start = $crate::__private::select_start; () (0) }
            [$($branches)+] $($branches)+)
    };
}

/// The pattern of a `select!` branch with `ref`, `mut`, `&` and `&&`
/// removed: what `select!` matches a *reference* to a finished future's
/// value against, to learn whether the branch's real pattern matches the
/// value without moving it. Not part of the API.
///
/// Input: the branch's tokens from its pattern on, in brackets; the
/// pattern ends at the first `=` outside any group. A group is cleaned
/// from the inside: the state keeps a stack of the groups entered, each
/// with what was written before it and the tokens after it.
#[doc(hidden)]
#[macro_export]
macro_rules! __select_check_pattern {
    ([ $($raw:tt)* ]) => { $crate::__select_check_pattern!(@ [] [] $($raw)*) };

    // The end of the pattern.
    (@ [] [ $($out:tt)* ] = $($rest:tt)*) => {
        $crate::__select_check_pattern!(@top [ $($out)* ] $($out)*)
    };
    (@ [] [ $($out:tt)* ]) => { $crate::__select_check_pattern!(@top [ $($out)* ] $($out)*) };

    // The whole pattern is read. It is matched against a reference, which
    // match ergonomics looks through for every pattern but a string literal
    // (its type is a reference already). So a pattern without a name or a
    // group in it, which binds nothing (`"quit"`, `b"x" | b"y"`, `-1`,
    // `1..=9`), becomes `&(pattern)`; any other goes as it is.
    (@top [ $($all:tt)* ]) => { &( $($all)* ) };
    (@top [ $($all:tt)* ] $name:ident $($rest:tt)*) => { $($all)* };
    (@top [ $($all:tt)* ] ( $($group:tt)* ) $($rest:tt)*) => { $($all)* };
    (@top [ $($all:tt)* ] [ $($group:tt)* ] $($rest:tt)*) => { $($all)* };
    (@top [ $($all:tt)* ] { $($group:tt)* } $($rest:tt)*) => { $($all)* };
    (@top [ $($all:tt)* ] $other:tt $($rest:tt)*) => {
        $crate::__select_check_pattern!(@top [ $($all)* ] $($rest)*)
    };

    // The end of a group: put it around what it gave, and go on after it.
    (@ [ (paren [ $($before:tt)* ] $($after:tt)*) $($stack:tt)* ] [ $($out:tt)* ]) => {
        $crate::__select_check_pattern!(@ [ $($stack)* ] [ $($before)* ( $($out)* ) ] $($after)*)
    };
    (@ [ (bracket [ $($before:tt)* ] $($after:tt)*) $($stack:tt)* ] [ $($out:tt)* ]) => {
        $crate::__select_check_pattern!(@ [ $($stack)* ] [ $($before)* [ $($out)* ] ] $($after)*)
    };
    (@ [ (brace [ $($before:tt)* ] $($after:tt)*) $($stack:tt)* ] [ $($out:tt)* ]) => {
        $crate::__select_check_pattern!(@ [ $($stack)* ] [ $($before)* { $($out)* } ] $($after)*)
    };

    // Binding modes and reference patterns go.
    (@ $stack:tt [ $($out:tt)* ] ref $($rest:tt)*) => {
        $crate::__select_check_pattern!(@ $stack [ $($out)* ] $($rest)*)
    };
    (@ $stack:tt [ $($out:tt)* ] mut $($rest:tt)*) => {
        $crate::__select_check_pattern!(@ $stack [ $($out)* ] $($rest)*)
    };
    (@ $stack:tt [ $($out:tt)* ] & $($rest:tt)*) => {
        $crate::__select_check_pattern!(@ $stack [ $($out)* ] $($rest)*)
    };
    (@ $stack:tt [ $($out:tt)* ] && $($rest:tt)*) => {
        $crate::__select_check_pattern!(@ $stack [ $($out)* ] $($rest)*)
    };

    // The start of a group: clean its inside first.
    (@ [ $($stack:tt)* ] [ $($out:tt)* ] ( $($inner:tt)* ) $($rest:tt)*) => {
        $crate::__select_check_pattern!(@ [ (paren [ $($out)* ] $($rest)*) $($stack)* ] [] $($inner)*)
    };
    (@ [ $($stack:tt)* ] [ $($out:tt)* ] [ $($inner:tt)* ] $($rest:tt)*) => {
        $crate::__select_check_pattern!(@ [ (bracket [ $($out)* ] $($rest)*) $($stack)* ] [] $($inner)*)
    };
    (@ [ $($stack:tt)* ] [ $($out:tt)* ] { $($inner:tt)* } $($rest:tt)*) => {
        $crate::__select_check_pattern!(@ [ (brace [ $($out)* ] $($rest)*) $($stack)* ] [] $($inner)*)
    };

    // Any other token stays.
    (@ $stack:tt [ $($out:tt)* ] $token:tt $($rest:tt)*) => {
        $crate::__select_check_pattern!(@ $stack [ $($out)* $token ] $($rest)*)
    };
}
