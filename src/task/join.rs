use std::any::Any;
use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::raw::{self, TaskRef};
use super::state::JoinDropped;

/// An owned permission to await a spawned task's output.
///
/// `JoinHandle<T>` is a `Future<Output = Result<T, JoinError>>`: it resolves
/// to the task's output, or to a [`JoinError`] if the task panicked or was
/// cancelled ([`abort`](JoinHandle::abort), or its runtime was dropped).
///
/// Dropping a `JoinHandle` *detaches* the task: it keeps running, and its
/// output is dropped when it finishes.
///
/// Like the tasks it joins (which need not be `Send`), a `JoinHandle` stays
/// on its runtime's thread: it is `!Send`.
///
/// ```
/// let answer = groundup::block_on(async {
///     let task = groundup::spawn(async { 6 * 7 });
///     task.await.expect("the task did not panic")
/// });
/// assert_eq!(answer, 42);
/// ```
pub struct JoinHandle<T> {
    task: TaskRef,
    /// `T` is produced here; `*const ()` keeps the handle on its thread.
    _marker: PhantomData<(T, *const ())>,
}

impl<T> JoinHandle<T> {
    /// Wraps the reference counted for the handle at spawn.
    pub(crate) fn new(task: TaskRef) -> JoinHandle<T> {
        JoinHandle { task, _marker: PhantomData }
    }

    /// Cancels the task. If it has not finished, its future is dropped at the
    /// executor's next turn (never in the middle of its own poll) and this
    /// handle resolves to a [`JoinError`] that
    /// [`is_cancelled`](JoinError::is_cancelled). Aborting a finished task
    /// does nothing: its output stays available.
    pub fn abort(&self) {
        raw::abort(&self.task);
    }

    /// Whether the task has finished: completed, panicked, or been
    /// cancelled and dropped. Awaiting the handle will then not wait.
    pub fn is_finished(&self) -> bool {
        self.task.header().state.load().is_complete()
    }
}

// A handle holds no `T` (the output lives in the task until it is taken),
// and is never pinned in place: moving it moves a pointer. So it is `Unpin`
// whatever `T` is, as tokio's is.
impl<T> Unpin for JoinHandle<T> {}

// `UnwindSafe` and `RefUnwindSafe` (as tokio's handle is, for any `T`): a
// panic that unwinds past a handle, or past code that borrowed one, cannot
// leave anything half-updated that the handle would show afterwards. Every
// change to the task it reaches is one atomic transition of the state word,
// and the output is moved out whole, once, on the handle's own thread.
impl<T> std::panic::UnwindSafe for JoinHandle<T> {}
impl<T> std::panic::RefUnwindSafe for JoinHandle<T> {}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if !crate::coop::proceed(cx) {
            return Poll::Pending;
        }
        let header = self.task.header();
        // With Acquire (see `State::load`): a completed task's output is
        // visible here.
        let state = header.state.load();
        assert!(!state.is_output_taken(), "JoinHandle polled after it returned its output");
        if !state.is_complete() {
            // SAFETY: the join waker slot is only touched on the executor
            // thread, where this `!Send` handle lives; nothing else borrows
            // it during this poll.
            let slot = unsafe { &mut *header.join_waker.get() };
            match slot {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
            return Poll::Pending;
        }
        let mut out = Poll::Pending;
        // SAFETY: the task is completed and its output not yet taken (checked
        // above); `out` is a `Poll<Result<T, JoinError>>` for this handle's
        // `T`, which is the task's output type (they were created together in
        // `spawn`); we are on the executor thread.
        unsafe { self.task.take_output((&raw mut out).cast()) };
        header.state.set_output_taken();
        out
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        match self.task.header().state.unset_join_interest() {
            JoinDropped::Nothing => {}
            // SAFETY: on the executor thread (the handle is `!Send`); the
            // output is present and, without a handle, unreachable.
            JoinDropped::DropOutput => unsafe { self.task.drop_output() },
        }
        // Our reference is released when `self.task` drops.
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").field("state", &self.task.header().state).finish()
    }
}

/// Why a task did not produce its output.
pub struct JoinError {
    repr: Repr,
}

enum Repr {
    Cancelled,
    Panic(Box<dyn Any + Send + 'static>),
}

impl JoinError {
    pub(crate) fn cancelled() -> JoinError {
        JoinError { repr: Repr::Cancelled }
    }

    pub(crate) fn panic(payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError { repr: Repr::Panic(payload) }
    }

    /// The task was aborted, or its runtime dropped it unfinished.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// The task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The panic payload, to resume the panic with
    /// `std::panic::resume_unwind`.
    ///
    /// # Panics
    ///
    /// If the task was cancelled rather than panicking; see
    /// [`try_into_panic`](JoinError::try_into_panic).
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic().expect("JoinError::into_panic on a cancelled task, not a panic")
    }

    /// The panic payload, or the error back if the task was cancelled.
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(payload) => Ok(payload),
            Repr::Cancelled => Err(self),
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => f.write_str("task was cancelled"),
            Repr::Panic(p) => {
                write!(f, "task panicked: {}", crate::util::panic::message(p.as_ref()))
            }
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => f.write_str("JoinError::Cancelled"),
            Repr::Panic(p) => {
                write!(f, "JoinError::Panic({:?})", crate::util::panic::message(p.as_ref()))
            }
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for io::Error {
    fn from(e: JoinError) -> io::Error {
        io::Error::other(e.to_string())
    }
}
