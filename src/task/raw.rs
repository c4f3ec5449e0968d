//! A task in memory: one allocation, a type-erased handle, and our own
//! `RawWakerVTable`.
//!
//! ```text
//!  one Box per task, #[repr(C)]
//!  ┌──────────────────────────── Header ──────────────────────────────┐
//!  │ state: State               flags + reference count (state.rs)    │
//!  │ vtable: &TaskVTable        poll / cancel / output / dealloc for F │
//!  │ id: Id                     the task's id, for good (id.rs)       │
//!  │ queue_next                 link in the cross-thread run queue    │
//!  │ owned_prev, owned_next     links in the executor's list of tasks │
//!  │ join_waker                 who awaits the JoinHandle             │
//!  │ scheduler: Arc<dyn Schedule>  where a wake sends the task        │
//!  ├──────────────────────────── stage ───────────────────────────────┤
//!  │ Running(F)  →  Finished(Result<F::Output, JoinError>)  →  Taken  │
//!  └──────────────────────────────────────────────────────────────────┘
//! ```
//!
//! The future and its output share storage (an enum), so a task costs one
//! allocation of `size_of::<Header>() + max(size_of::<F>(), size_of::<Output>())`.
//! Everything outside this file sees a task only as a [`TaskRef`] (a counted
//! `NonNull<Header>`); the `TaskVTable` stored in the header knows the
//! concrete `F`.
//!
//! The header is nine words and the task's [`Id`] (a `u64`), 80 bytes on
//! a 64-bit target; an assert below keeps it there. Every piece of the
//! task's own code that this file runs — a poll, the drop of the future,
//! the drop of an output nobody reads — runs with the id marked current
//! ([`Current`]), so that `task::id()` works inside it, destructors
//! included, as in tokio.
//!
//! ## What a task knows of its executor
//!
//! Only the [`Schedule`] trait: "here is a task a wake made runnable". The
//! executor implements it, and hands each new task an `Arc` of itself as a
//! `dyn Schedule`; this module never names the executor. What the executor
//! does with a task it runs ([`TaskRef::run`], [`TaskRef::shut_down`]) is
//! decided here, by the transitions of `state.rs`, and reported back as what
//! the executor must do next ([`Ran`]).
//!
//! ## Threads
//!
//! A task's future and output are only touched on the executor thread. A
//! `Waker` may travel anywhere, so what it touches — `state`, `queue_next`,
//! `vtable`, `scheduler` — is atomic or immutable (as is `id`); `owned_*`, `join_waker`
//! and the stage are plain cells that only the executor thread (which also
//! owns every `JoinHandle`, as they are `!Send`) reads or writes. When the
//! last reference goes away on another thread, the stage is already `Taken`
//! or an error, so freeing the memory there drops nothing that belongs to
//! the executor thread.

use std::any::Any;
use std::cell::{Cell as StdCell, UnsafeCell};
use std::future::Future;
use std::mem::{self, ManuallyDrop};
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use super::id::{Current, Id};
use super::join::{JoinError, JoinHandle};
use super::state::{Abort, Completed, Idle, Notified, Shutdown, Start, State};
use crate::loom::sync::atomic::AtomicPtr;

/// Where a task goes when a wake makes it runnable: the executor's side of
/// the contract between tasks and their executor.
pub(crate) trait Schedule: Send + Sync + 'static {
    /// Queues `task`, whose reference now belongs to the queue entry. Called
    /// from any thread: the executor's own (a task waking another, a timer)
    /// or any other (the reactor, a user thread).
    fn schedule(&self, task: TaskRef);
}

/// The type-independent part of every task.
#[repr(C)]
pub(crate) struct Header {
    pub(crate) state: State,
    pub(crate) vtable: &'static TaskVTable,
    /// The task's id (immutable: read from any thread).
    pub(crate) id: Id,
    /// Next task in the cross-thread run queue; only the queue touches it.
    pub(crate) queue_next: AtomicPtr<Header>,
    /// Neighbours in the executor's list of live tasks (executor thread only).
    pub(crate) owned_prev: StdCell<Option<NonNull<Header>>>,
    pub(crate) owned_next: StdCell<Option<NonNull<Header>>>,
    /// The waker of whoever awaits the `JoinHandle` (executor thread only).
    pub(crate) join_waker: UnsafeCell<Option<Waker>>,
    /// Where a wake sends the task. Holding an `Arc` keeps the executor's
    /// run queue alive for wakers that outlive the runtime.
    scheduler: Arc<dyn Schedule>,
}

// Keep the header small: it is paid once per task. Nine words (the state,
// four pointers, a `Waker`'s two and an `Arc<dyn>`'s two) and the id.
const _: () = assert!(
    mem::size_of::<Header>() <= 9 * mem::size_of::<usize>() + mem::size_of::<u64>(),
    "the task header grew"
);

/// The operations that depend on the future's type, one table per `F`.
pub(crate) struct TaskVTable {
    /// Polls the future once; on `Ready` (or a panic) stores the result in
    /// the stage and returns `Ready`.
    poll: unsafe fn(NonNull<Header>, &mut Context<'_>) -> Poll<()>,
    /// Drops the future and stores `Err(Cancelled)`.
    cancel: unsafe fn(NonNull<Header>),
    /// Moves the result into `*mut Poll<Result<F::Output, JoinError>>`.
    take_output: unsafe fn(NonNull<Header>, *mut ()),
    /// Drops a result nobody will read.
    drop_output: unsafe fn(NonNull<Header>),
    /// Frees the allocation.
    dealloc: unsafe fn(NonNull<Header>),
}

/// What the task holds: its future, then its result, then nothing.
enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Taken,
}

/// The whole allocation for a task whose future is `F`.
#[repr(C)]
struct TaskCell<F: Future> {
    header: Header,
    stage: UnsafeCell<Stage<F>>,
}

impl<F: Future> TaskCell<F> {
    const VTABLE: TaskVTable = TaskVTable {
        poll: Self::poll,
        cancel: Self::cancel,
        take_output: Self::take_output,
        drop_output: Self::drop_output,
        dealloc: Self::dealloc,
    };

    /// # Safety
    ///
    /// `ptr` must point to the header of a live `TaskCell<F>` (with this
    /// very `F`), and the caller must be on the executor thread, which alone
    /// touches the stage.
    unsafe fn stage<'a>(ptr: NonNull<Header>) -> &'a mut Stage<F> {
        // SAFETY: per this function's contract the cell is live and typed
        // `TaskCell<F>` (the header is its first field, `repr(C)`, and the
        // pointer came from the `Box` in `allocate`, so it has provenance
        // over the whole cell). A shared reference is fine: the stage is
        // behind an `UnsafeCell`.
        let cell = unsafe { ptr.cast::<TaskCell<F>>().as_ref() };
        // SAFETY: only the executor thread touches the stage, and it never
        // holds two borrows of it at once (each vtable entry takes one and
        // drops it before returning).
        unsafe { &mut *cell.stage.get() }
    }

    /// # Safety
    ///
    /// As for [`stage`](Self::stage), and the stage must be `Running`.
    unsafe fn poll(ptr: NonNull<Header>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: forwarded contract (a live task); the header is only
        // ever borrowed shared.
        let id = unsafe { ptr.as_ref() }.id;
        // SAFETY: forwarded contract.
        let stage = unsafe { Self::stage(ptr) };
        let Stage::Running(future) = stage else {
            unreachable!("polled a task whose future is gone")
        };
        // SAFETY: the future lives inside the heap allocation, which never
        // moves, and is dropped in place (`finish`, `cancel`), never moved
        // out: the pin guarantee holds.
        let future = unsafe { Pin::new_unchecked(future) };
        let result = match panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(output)) => Ok(output),
            Err(payload) => Err(JoinError::panic(id, payload)),
        };
        Self::finish(stage, result, id);
        Poll::Ready(())
    }

    /// Replaces the future of task `id` by its result. The future is
    /// dropped first, in place; a panic in its `Drop` is caught and becomes
    /// the result.
    fn finish(stage: &mut Stage<F>, result: Result<F::Output, JoinError>, id: Id) {
        let result = match Self::drop_future_in_place(stage) {
            Ok(()) => result,
            Err(payload) => Err(JoinError::panic(id, payload)),
        };
        *stage = Stage::Finished(result);
    }

    /// Drops the future where it lies and leaves the stage `Taken`; a panic
    /// in the future's `Drop` is caught and returned.
    ///
    /// Where, not only when, matters: `Pin` promises that a pinned value is
    /// dropped at its pinned address, so a future may lend out its own
    /// address (an intrusive waiter node in a wait list, say) and unlink it
    /// in `Drop`. Moving the future out first (`mem::replace`) and dropping
    /// the copy would run that `Drop` at another address and leave the list
    /// pointing into the task cell.
    fn drop_future_in_place(stage: &mut Stage<F>) -> Result<(), Box<dyn Any + Send>> {
        debug_assert!(matches!(stage, Stage::Running(_)), "the future is already gone");
        let place: *mut Stage<F> = stage;
        // SAFETY: `place` comes from a live `&mut`, so it is valid, aligned
        // and initialised, and nothing else uses the stage meanwhile.
        let dropped =
            panic::catch_unwind(AssertUnwindSafe(|| unsafe { ptr::drop_in_place(place) }));
        // SAFETY: the value at `place` is dropped now, whether its `Drop`
        // returned or unwound (an unwinding drop still drops the remaining
        // fields), so the place is re-initialised without dropping it again.
        unsafe { ptr::write(place, Stage::Taken) };
        dropped
    }

    /// # Safety
    ///
    /// As for [`stage`](Self::stage), and the stage must be `Running`.
    unsafe fn cancel(ptr: NonNull<Header>) {
        // SAFETY: forwarded contract (a live task); the header is only
        // ever borrowed shared.
        let id = unsafe { ptr.as_ref() }.id;
        // SAFETY: forwarded contract.
        let stage = unsafe { Self::stage(ptr) };
        debug_assert!(matches!(stage, Stage::Running(_)));
        Self::finish(stage, Err(JoinError::cancelled(id)), id);
    }

    /// # Safety
    ///
    /// As for [`stage`](Self::stage); `out` must point to a valid
    /// `Poll<Result<F::Output, JoinError>>`; the stage must be `Finished`.
    unsafe fn take_output(ptr: NonNull<Header>, out: *mut ()) {
        // SAFETY: forwarded contract.
        let stage = unsafe { Self::stage(ptr) };
        // Moving the output out is fine: only the future is pinned.
        let Stage::Finished(result) = mem::replace(stage, Stage::Taken) else {
            unreachable!("JoinHandle took an output that is not there")
        };
        let out = out.cast::<Poll<Result<F::Output, JoinError>>>();
        // SAFETY: the caller passes a pointer to its own initialised
        // `Poll<Result<F::Output, JoinError>>` (typed by the JoinHandle's
        // `T`, which is this `F::Output`); assignment drops its old value.
        unsafe { *out = Poll::Ready(result) };
    }

    /// # Safety
    ///
    /// As for [`stage`](Self::stage).
    unsafe fn drop_output(ptr: NonNull<Header>) {
        // SAFETY: forwarded contract.
        let stage = unsafe { Self::stage(ptr) };
        debug_assert!(
            !matches!(stage, Stage::Running(_)),
            "dropping an output before there is one"
        );
        // An output is not pinned, so moving it out to drop it is fine. A
        // panicking `Drop` of an output nobody reads has nowhere to go.
        let _ = drop_catching_panic(mem::replace(stage, Stage::Taken));
    }

    /// # Safety
    ///
    /// `ptr` must be the header of a `TaskCell<F>` made by `allocate`, with
    /// no reference left, and its stage must not hold the future or an
    /// output (those belong to the executor thread; see the module docs).
    unsafe fn dealloc(ptr: NonNull<Header>) {
        let cell = ptr.cast::<TaskCell<F>>();
        // SAFETY: the pointer came from `Box::into_raw` in `allocate`, and
        // with the reference count at zero nothing else can reach it.
        let cell = unsafe { Box::from_raw(cell.as_ptr()) };
        // SAFETY: the last reference is gone, so nothing else can reach the
        // stage; this shared borrow ends before the cell is dropped.
        let stage = unsafe { &*cell.stage.get() };
        debug_assert!(
            !matches!(stage, Stage::Running(_) | Stage::Finished(Ok(_))),
            "a task's future or output outlived its executor's care"
        );
        // Dropped inside the box, where it lies (never moved out: see
        // `drop_future_in_place`).
        drop(cell);
    }
}

/// Drops `value`, turning a panic in its `Drop` into an `Err`.
fn drop_catching_panic<T>(value: T) -> Result<(), Box<dyn Any + Send>> {
    panic::catch_unwind(AssertUnwindSafe(move || drop(value)))
}

/// A task just made by [`new_task`]: its three references.
pub(crate) struct NewTask<T> {
    /// For the executor's list of live tasks.
    pub(crate) owned: TaskRef,
    /// For the run queue: the task starts out scheduled.
    pub(crate) queued: TaskRef,
    /// For the caller.
    pub(crate) join: JoinHandle<T>,
}

/// Allocates task `id` for `future`, scheduled on `scheduler`, with a
/// `JoinHandle`.
pub(crate) fn new_task<F>(id: Id, future: F, scheduler: Arc<dyn Schedule>) -> NewTask<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let cell = Box::new(TaskCell {
        header: Header {
            state: State::new_spawned(3),
            vtable: &TaskCell::<F>::VTABLE,
            id,
            queue_next: AtomicPtr::new(ptr::null_mut()),
            owned_prev: StdCell::new(None),
            owned_next: StdCell::new(None),
            join_waker: UnsafeCell::new(None),
            scheduler,
        },
        stage: UnsafeCell::new(Stage::Running(future)),
    });
    let ptr = NonNull::from(Box::leak(cell)).cast::<Header>();
    // The state counts three references; each TaskRef adopts one.
    // SAFETY: the first reference.
    let owned = unsafe { TaskRef::from_raw(ptr) };
    // SAFETY: the second.
    let queued = unsafe { TaskRef::from_raw(ptr) };
    // SAFETY: the third.
    let join = JoinHandle::new(unsafe { TaskRef::from_raw(ptr) });
    NewTask { owned, queued, join }
}

// ---------------------------------------------------------------------------
// TaskRef: one counted reference
// ---------------------------------------------------------------------------

/// One counted reference to a task, released on drop. Run queues, the
/// executor's list of live tasks and `JoinHandle`s hold these.
pub(crate) struct TaskRef {
    ptr: NonNull<Header>,
}

/// What the executor must do after running a task ([`TaskRef::run`]).
#[derive(Debug)]
pub(crate) enum Ran {
    /// The task waits for a wake; the queue entry's reference was released.
    Waiting,
    /// It was woken during its own poll: queue it again (this is the queue
    /// entry's reference).
    Requeue(TaskRef),
    /// It completed (or was cancelled): remove it from the live-task list
    /// (this is the queue entry's reference).
    Finished(TaskRef),
}

impl TaskRef {
    /// Adopts a reference already counted in the task's state.
    ///
    /// # Safety
    ///
    /// `ptr` must be a live task header and the caller must own one of the
    /// references counted in its state, which this `TaskRef` now owns.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> TaskRef {
        TaskRef { ptr }
    }

    /// Gives up ownership of the reference without releasing it.
    pub(crate) fn into_raw(self) -> NonNull<Header> {
        ManuallyDrop::new(self).ptr
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: we own a reference, so the task is alive.
        unsafe { self.ptr.as_ref() }
    }

    pub(crate) fn ptr(&self) -> NonNull<Header> {
        self.ptr
    }

    /// Runs a task taken from a run queue (this is the entry's reference):
    /// polls its future once, or drops it if the task was aborted, and says
    /// what the executor must do next.
    ///
    /// # Safety
    ///
    /// On the executor thread that owns the task (the only thread that
    /// touches its stage), and not from inside this task's own poll.
    pub(crate) unsafe fn run(self) -> Ran {
        match self.header().state.transition_to_running() {
            Start::Cancel => {
                // SAFETY: executor thread (contract); RUNNING is set, so
                // the future is present and ours.
                unsafe { self.cancel() };
                // SAFETY: as above; the stage now holds the result.
                unsafe { self.complete() };
                return Ran::Finished(self);
            }
            Start::Poll => {}
        }
        // SAFETY: as above.
        if unsafe { self.poll() }.is_ready() {
            // SAFETY: as above; `poll` stored the result.
            unsafe { self.complete() };
            return Ran::Finished(self);
        }
        match self.header().state.transition_to_idle() {
            Idle::Wait => Ran::Waiting,
            Idle::Requeue => Ran::Requeue(self),
            Idle::Cancel => {
                // SAFETY: as above; still RUNNING, so the future is ours.
                unsafe { self.cancel() };
                // SAFETY: as above.
                unsafe { self.complete() };
                Ran::Finished(self)
            }
        }
    }

    /// Runtime shutdown: drops the future of a task that has not completed,
    /// and completes it with a cancellation. The caller then removes it from
    /// the live-task list.
    ///
    /// # Safety
    ///
    /// On the executor thread that owns the task, with no poll of it in
    /// progress.
    pub(crate) unsafe fn shut_down(&self) {
        match self.header().state.transition_to_shutdown() {
            Shutdown::AlreadyComplete => {}
            Shutdown::Cancel => {
                // SAFETY: executor thread (contract); the transition claimed
                // the future (RUNNING).
                unsafe { self.cancel() };
                // SAFETY: as above.
                unsafe { self.complete() };
            }
        }
    }

    /// The stage holds the result: completes the task and hands the result
    /// to its `JoinHandle`, or drops it if there is none.
    ///
    /// # Safety
    ///
    /// Executor thread, `RUNNING`, and the stage holds the result.
    unsafe fn complete(&self) {
        match self.header().state.transition_to_complete() {
            // SAFETY: executor thread (contract).
            Completed::KeepOutput => unsafe { self.wake_joiner() },
            // SAFETY: executor thread (contract); nobody can read it.
            Completed::DropOutput => unsafe { self.drop_output() },
        }
    }

    /// Polls the future once, with a waker for this task.
    ///
    /// # Safety
    ///
    /// Executor thread only, the task's state must be `RUNNING` (set by the
    /// caller), and the future still present.
    unsafe fn poll(&self) -> Poll<()> {
        // A waker borrowing our reference: it is not dropped (ManuallyDrop),
        // and the future must clone it to keep it, which counts a new one.
        let raw = RawWaker::new(self.ptr.as_ptr().cast_const().cast(), &WAKER_VTABLE);
        // SAFETY: `WAKER_VTABLE`'s functions uphold the RawWaker contract
        // for a pointer to a live task header, which `self` keeps alive for
        // as long as this borrowed waker can be used (the poll below).
        let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw) });
        let mut cx = Context::from_waker(&waker);
        let _current = Current::enter(self.header().id);
        // SAFETY: forwarded contract (executor thread, future present).
        unsafe { (self.header().vtable.poll)(self.ptr, &mut cx) }
    }

    /// Drops the future and records the cancellation as the result.
    ///
    /// # Safety
    ///
    /// Executor thread only, and the future must still be present.
    unsafe fn cancel(&self) {
        // The future's `Drop` is the task's code too.
        let _current = Current::enter(self.header().id);
        // SAFETY: forwarded contract.
        unsafe { (self.header().vtable.cancel)(self.ptr) }
    }

    /// Drops the result, which nobody will read.
    ///
    /// # Safety
    ///
    /// Executor thread only, and the future must be gone.
    pub(crate) unsafe fn drop_output(&self) {
        // The output's `Drop` runs as the task's code, as in tokio (also
        // when a `JoinHandle` dropped outside any task drops it).
        let _current = Current::enter(self.header().id);
        // SAFETY: forwarded contract.
        unsafe { (self.header().vtable.drop_output)(self.ptr) }
    }

    /// Moves the result to `out`, a `*mut Poll<Result<T, JoinError>>` for
    /// the task's output type `T`.
    ///
    /// # Safety
    ///
    /// Executor thread only; `out` as described, and the result present.
    pub(crate) unsafe fn take_output(&self, out: *mut ()) {
        // SAFETY: forwarded contract.
        unsafe { (self.header().vtable.take_output)(self.ptr, out) }
    }

    /// Wakes the task that awaits this task's `JoinHandle`, if any.
    ///
    /// # Safety
    ///
    /// Executor thread only (the join waker slot is not synchronised).
    unsafe fn wake_joiner(&self) {
        // SAFETY: the slot is only touched on the executor thread, and no
        // borrow of it is live: the JoinHandle only borrows it inside its
        // own `poll`, which is not running while we are.
        let waker = unsafe { (*self.header().join_waker.get()).take() };
        if let Some(waker) = waker {
            // The waker is user code (a JoinHandle may be awaited by any
            // future, polled with any waker). A panic in it must not unwind
            // into the executor: it would leave this task in the live-task
            // list, or stop a shutdown before it dropped the other futures.
            crate::util::panic::survive_panic("a JoinHandle's waker", || waker.wake());
        }
    }
}

impl std::fmt::Debug for TaskRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskRef")
            .field("ptr", &self.ptr)
            .field("state", &self.header().state)
            .finish()
    }
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        // SAFETY: we own one counted reference to a live task.
        unsafe { release(self.ptr) }
    }
}

/// Releases one reference; frees the task if it was the last.
///
/// # Safety
///
/// `ptr` must be a live task header whose count includes a reference owned
/// by the caller, which is given up here.
unsafe fn release(ptr: NonNull<Header>) {
    // SAFETY: the caller's reference keeps the header alive until the
    // decrement.
    let header = unsafe { ptr.as_ref() };
    if !header.state.ref_dec() {
        return;
    }
    let dealloc = header.vtable.dealloc;
    // SAFETY: that was the last reference; see `TaskCell::dealloc` for why
    // the stage holds nothing thread-bound by now.
    unsafe { dealloc(ptr) }
}

/// Aborts a task: marks it closed and makes sure the executor will drop its
/// future (never in the middle of its own poll). Called by
/// `JoinHandle::abort`, which holds a reference.
pub(crate) fn abort(task: &TaskRef) {
    match task.header().state.transition_to_closed() {
        Abort::AlreadyDone | Abort::Marked => {}
        Abort::Submit => {
            // SAFETY: the transition counted a reference for the queue entry.
            let queued = unsafe { TaskRef::from_raw(task.ptr) };
            task.header().scheduler.schedule(queued);
        }
    }
}

// ---------------------------------------------------------------------------
// The waker
// ---------------------------------------------------------------------------

/// The vtable of every task waker. The data pointer is the task's
/// `*const Header`, and each `Waker` owns one counted reference.
///
/// Contracts (from `core::task::RawWakerVTable`), and how each slot meets
/// them:
/// - `clone` must return a waker for the same task and keep the data alive:
///   it counts one more reference.
/// - `wake` consumes the waker: it schedules the task, then releases the
///   waker's reference.
/// - `wake_by_ref` must not consume: it only schedules.
/// - `drop` releases the reference; on the last one the task is freed,
///   which is safe on any thread (see the module docs).
///
/// All four may run on any thread: `Waker` is `Send + Sync`. They only touch
/// the atomic state word and the scheduler (which is `Send + Sync`).
static WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(waker_clone, waker_wake, waker_wake_by_ref, waker_drop);

/// # Safety
///
/// `data` is the header pointer of a live task whose count includes the
/// reference owned by the waker being cloned.
unsafe fn waker_clone(data: *const ()) -> RawWaker {
    // SAFETY: the waker being cloned keeps the task alive.
    unsafe { &*data.cast::<Header>() }.state.ref_inc();
    RawWaker::new(data, &WAKER_VTABLE)
}

/// # Safety
///
/// As for `waker_clone`; the waker's reference is consumed.
unsafe fn waker_wake(data: *const ()) {
    // SAFETY: forwarded contract; the waker's reference is still held.
    unsafe { waker_wake_by_ref(data) };
    // SAFETY: forwarded contract; this gives the waker's reference up.
    unsafe { waker_drop(data) };
}

/// # Safety
///
/// As for `waker_clone`.
unsafe fn waker_wake_by_ref(data: *const ()) {
    // SAFETY: the waker's reference keeps the header alive (contract), and
    // it was made from a `NonNull` in `TaskRef::poll` or `waker_clone`.
    let ptr = unsafe { NonNull::new_unchecked(data.cast_mut().cast::<Header>()) };
    // SAFETY: as above.
    let header = unsafe { ptr.as_ref() };
    match header.state.transition_to_notified() {
        Notified::DoNothing => {}
        Notified::Submit => {
            // SAFETY: the transition counted a reference for the queue entry.
            let queued = unsafe { TaskRef::from_raw(ptr) };
            header.scheduler.schedule(queued);
        }
    }
}

/// # Safety
///
/// As for `waker_clone`; the waker's reference is given up.
unsafe fn waker_drop(data: *const ()) {
    // SAFETY: `data` came from a `NonNull` (see `waker_wake_by_ref`).
    let ptr = unsafe { NonNull::new_unchecked(data.cast_mut().cast::<Header>()) };
    // SAFETY: forwarded contract: the waker owned this reference.
    unsafe { release(ptr) }
}
