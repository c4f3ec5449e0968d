use std::any::Any;
use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::id::Id;
use super::raw::{self, TaskRef};
use super::slot::Slot;
use super::state::JoinDropped;
use crate::loom::sync::Arc;

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
/// on its runtime's thread: it is `!Send`. This differs from tokio, whose
/// handles are `Send`: here a handle returned by
/// [`Handle::spawn`](crate::runtime::Handle::spawn) on another thread
/// stays on that thread, and is awaited there (with
/// [`Handle::block_on`](crate::runtime::Handle::block_on), say).
///
/// ```
/// let answer = groundup::block_on(async {
///     let task = groundup::spawn(async { 6 * 7 });
///     task.await.expect("the task did not panic")
/// });
/// assert_eq!(answer, 42);
/// ```
pub struct JoinHandle<T> {
    waits: Waits<T>,
    /// `T` is produced here; `*const ()` keeps the handle on its thread.
    _marker: PhantomData<(T, *const ())>,
}

/// What a handle waits on.
enum Waits<T> {
    /// A task of this thread's executor (`spawn`).
    Task(TaskRef),
    /// Work running elsewhere: a blocking job, or a future spawned from
    /// another thread through a `Handle` (see `slot.rs`); the id was drawn
    /// when it was spawned (see `id.rs`).
    Slot { slot: Arc<Slot<Result<T, JoinError>>>, id: Id },
}

impl<T> JoinHandle<T> {
    /// Wraps the reference counted for the handle at spawn.
    pub(crate) fn new(task: TaskRef) -> JoinHandle<T> {
        JoinHandle { waits: Waits::Task(task), _marker: PhantomData }
    }

    /// A handle on the work of task `id`, which completes `slot` (see
    /// `slot.rs`).
    pub(crate) fn from_slot(slot: Arc<Slot<Result<T, JoinError>>>, id: Id) -> JoinHandle<T> {
        JoinHandle { waits: Waits::Slot { slot, id }, _marker: PhantomData }
    }

    /// The [`Id`] of the task this handle joins: unique among the tasks of
    /// the process (see [`Id`]), and the same as
    /// [`task::id()`](crate::task::id) returns inside the task.
    ///
    /// A task spawned on the executor keeps its id in its header, which is
    /// where this reads it; a handle on a blocking closure, or on a future
    /// spawned from another thread, keeps the id it drew at the spawn.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let task = groundup::spawn(async { groundup::task::id() });
    ///     let id = task.id();
    ///     assert_eq!(task.await.unwrap(), id);
    /// });
    /// ```
    pub fn id(&self) -> Id {
        match &self.waits {
            Waits::Task(task) => task.header().id,
            Waits::Slot { id, .. } => *id,
        }
    }

    /// Cancels the task. If it has not finished, its future is dropped at the
    /// executor's next turn (never in the middle of its own poll) and this
    /// handle resolves to a [`JoinError`] that
    /// [`is_cancelled`](JoinError::is_cancelled). Aborting a finished task
    /// does nothing: its output stays available.
    ///
    /// A blocking task ([`spawn_blocking`](crate::task::spawn_blocking))
    /// cannot be stopped once its closure runs, as in tokio: aborting it
    /// then changes nothing. Aborted before a pool thread takes it, it
    /// never runs, and the handle reports the cancellation.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let task = groundup::spawn(std::future::pending::<()>());
    ///     task.abort();
    ///     assert!(task.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort(&self) {
        match &self.waits {
            Waits::Task(task) => raw::abort(task),
            Waits::Slot { slot, .. } => slot.abort(),
        }
    }

    /// Whether the task has finished: completed, panicked, or been
    /// cancelled and dropped. Awaiting the handle will then not wait.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let task = groundup::spawn(async {});
    ///     while !task.is_finished() {
    ///         groundup::task::yield_now().await;
    ///     }
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        match &self.waits {
            Waits::Task(task) => task.header().state.load().is_complete(),
            Waits::Slot { slot, .. } => slot.is_done(),
        }
    }

    /// A handle that can abort this task without owning its output; it
    /// may outlive this `JoinHandle` (like it, it stays on this thread).
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let task = groundup::spawn(std::future::pending::<()>());
    ///     let abort = task.abort_handle();
    ///     abort.abort();
    ///     assert!(task.await.unwrap_err().is_cancelled());
    ///     assert!(abort.is_finished());
    /// });
    /// ```
    pub fn abort_handle(&self) -> AbortHandle
    where
        T: 'static,
    {
        let inner = match &self.waits {
            Waits::Task(task) => {
                task.header().state.ref_inc();
                // SAFETY: `ref_inc` counted the reference this adopts; the
                // task is alive (our own reference).
                Abort::Task(unsafe { TaskRef::from_raw(task.ptr()) })
            }
            Waits::Slot { slot, id } => Abort::Slot { slot: slot.clone(), id: *id },
        };
        AbortHandle { inner }
    }

    /// Polls without the cooperative budget (for `JoinSet`, which checks
    /// the budget once per poll of its own).
    pub(crate) fn poll_unbudgeted(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        match &self.waits {
            Waits::Task(task) => poll_task(task, cx),
            // A slot whose work was dropped unfinished holds nothing: the
            // handle, which knows the task's id, reports the cancellation.
            Waits::Slot { slot, id } => {
                slot.poll(cx).map(|result| result.unwrap_or_else(|| Err(JoinError::cancelled(*id))))
            }
        }
    }

    /// Stores `waker` to be woken when the task finishes, without polling;
    /// returns `true` if it has finished already (`JoinSet` registers each
    /// member's waker at spawn, so that wakes come in completion order).
    pub(crate) fn set_join_waker(&self, waker: &Waker) -> bool {
        match &self.waits {
            Waits::Task(task) => {
                if task.header().state.load().is_complete() {
                    return true;
                }
                // SAFETY: the join waker slot is only touched on the
                // executor thread, where this `!Send` handle lives; nothing
                // else borrows it now (the task is not being polled: we
                // are running, on the one executor thread).
                unsafe { *task.header().join_waker.get() = Some(waker.clone()) };
                false
            }
            Waits::Slot { slot, .. } => slot.set_joiner(waker),
        }
    }
}

/// Aborts a task without owning its output: from
/// [`JoinHandle::abort_handle`] or [`JoinSet::spawn`](crate::task::JoinSet::spawn).
///
/// Like a `JoinHandle`, it stays on its runtime's thread (`!Send`, unlike
/// tokio's). Holding one keeps nothing alive but the task's allocation:
/// once the task is finished and its handle gone, its future and output
/// are gone too, as for a waker that outlives its task.
///
/// ```
/// groundup::block_on(async {
///     let task = groundup::spawn(async { 1 });
///     let abort = task.abort_handle();
///     assert_eq!(task.await.unwrap(), 1);
///     abort.abort(); // finished: nothing happens
///     assert!(abort.is_finished());
/// });
/// ```
pub struct AbortHandle {
    inner: Abort,
}

enum Abort {
    /// A reference to the task (counted like a waker's).
    Task(TaskRef),
    /// The slot of work that runs elsewhere, its type erased, and the
    /// work's id.
    Slot { slot: Arc<dyn SlotAbort>, id: Id },
}

/// What an `AbortHandle` needs of a slot, whatever it carries.
trait SlotAbort {
    fn abort(&self);
    fn is_done(&self) -> bool;
}

impl<T> SlotAbort for Slot<T> {
    fn abort(&self) {
        Slot::abort(self);
    }

    fn is_done(&self) -> bool {
        Slot::is_done(self)
    }
}

impl AbortHandle {
    /// Aborts the task, as [`JoinHandle::abort`] does.
    pub fn abort(&self) {
        match &self.inner {
            Abort::Task(task) => raw::abort(task),
            Abort::Slot { slot, .. } => slot.abort(),
        }
    }

    /// Whether the task has finished (completed, panicked or cancelled).
    pub fn is_finished(&self) -> bool {
        match &self.inner {
            Abort::Task(task) => task.header().state.load().is_complete(),
            Abort::Slot { slot, .. } => slot.is_done(),
        }
    }

    /// The [`Id`] of the task this handle aborts, the same as its
    /// [`JoinHandle::id`].
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     let abort = set.spawn(std::future::pending::<()>());
    ///     abort.abort();
    ///     let err = set.join_next().await.unwrap().unwrap_err();
    ///     assert_eq!(err.id(), abort.id());
    /// });
    /// ```
    pub fn id(&self) -> Id {
        match &self.inner {
            Abort::Task(task) => task.header().id,
            Abort::Slot { id, .. } => *id,
        }
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.id())
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// A task handle's poll (see `Future for JoinHandle`).
fn poll_task<T>(task: &TaskRef, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
    let header = task.header();
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
    unsafe { task.take_output((&raw mut out).cast()) };
    header.state.set_output_taken();
    out
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

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if !crate::coop::proceed(cx) {
            return Poll::Pending;
        }
        self.poll_unbudgeted(cx)
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        let Waits::Task(task) = &self.waits else {
            // A slot's value, if any, drops with the last `Arc`.
            return;
        };
        match task.header().state.unset_join_interest() {
            JoinDropped::Nothing => {}
            // SAFETY: on the executor thread (the handle is `!Send`); the
            // output is present and, without a handle, unreachable.
            JoinDropped::DropOutput => unsafe { task.drop_output() },
        }
        // Our reference is released when `self.waits` drops.
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.waits {
            Waits::Task(task) => f
                .debug_struct("JoinHandle")
                .field("id", &task.header().id)
                .field("state", &task.header().state)
                .finish(),
            Waits::Slot { slot, id } => {
                f.debug_struct("JoinHandle").field("id", id).field("slot", slot).finish()
            }
        }
    }
}

/// Why a task did not produce its output: it panicked, or it was
/// cancelled (aborted, or dropped unfinished by its runtime's shutdown).
///
/// The same type reports on tasks and on
/// [`spawn_blocking`](crate::task::spawn_blocking) closures, as in tokio:
///
/// ```
/// #[groundup::main]
/// async fn main() {
///     # std::panic::set_hook(Box::new(|_| {})); // (keeps the doctest's output quiet)
///     let err = groundup::task::spawn_blocking(|| -> u32 { panic!("disk on fire") })
///         .await
///         .unwrap_err();
///     assert!(err.is_panic() && !err.is_cancelled());
///     let payload = err.into_panic(); // for `std::panic::resume_unwind`
///     assert_eq!(payload.downcast_ref::<&str>(), Some(&"disk on fire"));
///
///     let task = groundup::spawn(std::future::pending::<()>());
///     task.abort();
///     let err = task.await.unwrap_err();
///     assert!(err.is_cancelled());
///     assert_eq!(err.to_string(), format!("task {} was cancelled", err.id()));
/// }
/// ```
pub struct JoinError {
    repr: Repr,
    id: Id,
}

enum Repr {
    Cancelled,
    Panic(Box<dyn Any + Send + 'static>),
}

impl JoinError {
    /// Task `id` was cancelled.
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError { repr: Repr::Cancelled, id }
    }

    /// Task `id` panicked with `payload`.
    pub(crate) fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError { repr: Repr::Panic(payload), id }
    }

    /// The [`Id`] of the task that failed, the same as its
    /// [`JoinHandle::id`]: with
    /// [`JoinSet::join_next_with_id`](crate::task::JoinSet::join_next_with_id),
    /// this is how a failure is told apart from the set's other tasks.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let task = groundup::spawn(std::future::pending::<()>());
    ///     let id = task.id();
    ///     task.abort();
    ///     assert_eq!(task.await.unwrap_err().id(), id);
    /// });
    /// ```
    pub fn id(&self) -> Id {
        self.id
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
    /// tokio's wording: `task 7 was cancelled`, `task 7 panicked with
    /// message "boom"`, or `task 7 panicked` for a payload that is not a
    /// string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "task {} was cancelled", self.id),
            Repr::Panic(p) => match crate::util::panic::text(p.as_ref()) {
                Some(message) => write!(f, "task {} panicked with message {message:?}", self.id),
                None => write!(f, "task {} panicked", self.id),
            },
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "JoinError::Cancelled({:?})", self.id),
            Repr::Panic(p) => match crate::util::panic::text(p.as_ref()) {
                Some(message) => write!(f, "JoinError::Panic({:?}, {message:?}, ...)", self.id),
                None => write!(f, "JoinError::Panic({:?}, ...)", self.id),
            },
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for io::Error {
    fn from(e: JoinError) -> io::Error {
        io::Error::other(e.to_string())
    }
}
