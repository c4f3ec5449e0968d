//! What the macros' expansions name, under `groundup::__private`.
//!
//! A macro expands in the caller's crate, which may depend on groundup
//! alone, may have shadowed `Some` or `Poll`, or may not have `core` in its
//! prelude as `core`. So every path in an expansion starts at `$crate`, and
//! lands here: std items re-exported, and the few helpers the expansions
//! call. Not part of the API: hidden from the docs, free to change.

pub use core::future::{Future, IntoFuture, poll_fn};
pub use core::option::Option::{self, None, Some};
pub use core::pin::{Pin, pin};
pub use core::result::Result::{self, Err, Ok};
pub use core::task::{Context, Poll};

use core::mem;

/// The branch `select!` polls first: random, so that no branch is always
/// first in line (see `src/rand.rs`).
pub fn select_start(branches: u32) -> u32 {
    crate::rand::below(branches)
}

/// The branch `select!` polls first after `biased;`: the first.
pub fn biased_start(_branches: u32) -> u32 {
    0
}

/// What `select!` does without an `else` branch when every branch is
/// disabled. `track_caller` makes the panic point at the `select!`.
#[track_caller]
pub fn select_all_disabled() -> ! {
    panic!("all branches are disabled and there is no else branch")
}

/// One `select!` branch's state while the `select!` runs.
#[derive(Debug)]
pub enum Slot<T> {
    /// May still finish: its future is polled.
    Enabled,
    /// Its precondition was false, or its future finished with a value its
    /// pattern did not match: not polled again.
    Disabled,
    /// Its future finished with this value, which its pattern matches: the
    /// branch whose handler runs.
    Ready(T),
}

impl<T> Slot<T> {
    /// A branch whose precondition evaluated to `enabled`.
    pub fn new(enabled: bool) -> Slot<T> {
        if enabled { Slot::Enabled } else { Slot::Disabled }
    }

    /// Whether the branch's future is still to be polled.
    pub fn is_enabled(&self) -> bool {
        matches!(self, Slot::Enabled)
    }
}

/// The future `join!` polls first: one later each time it is polled, so
/// that a future that is always ready cannot use up the task's budget
/// before the others are polled (tokio's rotation).
pub fn join_start(next: &mut u32, count: u32) -> u32 {
    let start = *next;
    *next = if start + 1 >= count { 0 } else { start + 1 };
    start
}

/// The future `join!` polls first after `biased;`: the first.
pub fn join_biased_start(_next: &mut u32, _count: u32) -> u32 {
    0
}

/// What `IntoFuture::into_future` makes of `value`, named as a function so
/// that the expansions read as calls.
pub fn into_future<F: IntoFuture>(value: F) -> F::IntoFuture {
    value.into_future()
}

/// Wraps a `join!` or `try_join!` future so that it keeps its output once it
/// is done, and drops the future itself as soon as it is done, as tokio's
/// `join!` does: a finished future's resources (a socket, a timer) are
/// released while the others still run.
pub fn maybe_done<F: IntoFuture>(future: F) -> MaybeDone<F::IntoFuture> {
    MaybeDone::Running(future.into_future())
}

/// A future, then its output, then nothing once the output was taken.
#[derive(Debug)]
pub enum MaybeDone<F: Future> {
    /// Still running.
    Running(F),
    /// Finished; holds the output until it is taken.
    Done(F::Output),
    /// The output was taken.
    Taken,
}

impl<F: Future> MaybeDone<F> {
    /// Polls the future if it still runs; `Ready` once it has finished.
    pub fn poll_done(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: the only pinned field is the future in `Running`; it is
        // pinned in place here (`Pin::new_unchecked` on a field of a pinned
        // value, never moved out), and it is only ever dropped in place, by
        // `self.set` below or by the enum's own drop. Nothing else in this
        // file moves out of `Running`. `Done` and `Taken` hold no pinned data.
        let this = unsafe { self.get_unchecked_mut() };
        let output = match this {
            MaybeDone::Running(future) => {
                // SAFETY: as above, `future` lives inside the pinned `self`
                // and is never moved.
                match unsafe { Pin::new_unchecked(future) }.poll(cx) {
                    Poll::Ready(output) => output,
                    Poll::Pending => return Poll::Pending,
                }
            }
            MaybeDone::Done(_) | MaybeDone::Taken => return Poll::Ready(()),
        };
        // Dropping the finished future in place (assignment drops the old
        // value where it lies) keeps the pinning promise.
        *this = MaybeDone::Done(output);
        Poll::Ready(())
    }

    /// For `join!`, once every future finished: the output.
    ///
    /// # Panics
    ///
    /// If the output is not there (the macro never asks then).
    pub fn take_done(self: Pin<&mut Self>) -> F::Output {
        match self.take_output() {
            Some(output) => output,
            None => unreachable!("join!: every future finished before the outputs are taken"),
        }
    }

    /// The output, once: `None` if the future has not finished or the
    /// output was already taken.
    pub fn take_output(self: Pin<&mut Self>) -> Option<F::Output> {
        // SAFETY: only a `Done` value is moved out, and `Done` holds no
        // pinned data (the output was never pinned); a `Running` future is
        // put back untouched.
        let this = unsafe { self.get_unchecked_mut() };
        match this {
            MaybeDone::Done(_) => match mem::replace(this, MaybeDone::Taken) {
                MaybeDone::Done(output) => Some(output),
                _ => unreachable!("just matched Done"),
            },
            MaybeDone::Running(_) | MaybeDone::Taken => None,
        }
    }
}

impl<T, E, F: Future<Output = Result<T, E>>> MaybeDone<F> {
    /// For `try_join!`: the error, if the future has finished with one (the
    /// output is then taken).
    pub fn take_err(self: Pin<&mut Self>) -> Option<E> {
        // SAFETY: as in `take_output`: only `Done` is moved out.
        let this = unsafe { self.get_unchecked_mut() };
        match this {
            MaybeDone::Done(Err(_)) => match mem::replace(this, MaybeDone::Taken) {
                MaybeDone::Done(Err(error)) => Some(error),
                _ => unreachable!("just matched Done(Err)"),
            },
            _ => None,
        }
    }

    /// For `try_join!`, once every future finished with `Ok`: the value.
    ///
    /// # Panics
    ///
    /// If the future has not finished with `Ok` (the macro never asks then).
    pub fn take_ok(self: Pin<&mut Self>) -> T {
        match self.take_output() {
            Some(Ok(value)) => value,
            _ => {
                unreachable!("try_join!: every future finished with Ok before the values are taken")
            }
        }
    }
}
