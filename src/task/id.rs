//! Task identifiers: [`Id`], and which task's code is running on this
//! thread ([`id`], [`try_id`]). tokio's `task::Id`.
//!
//! ## Where an id comes from
//!
//! One counter for the whole process ([`Id::next`]), drawn from once per
//! spawn. A task keeps the value it drew, and no other task ever gets it:
//! the counter is a `u64` that only grows, and at a billion spawns a second
//! it would take 584 years to wrap. (tokio's ids are drawn the same way;
//! its documentation promises less, that an id may be reused once its task
//! has exited and no handle to it is left, so code written against that
//! promise works here unchanged.)
//!
//! A task spawned on the executor keeps its id in its header (`raw.rs`:
//! one `u64` more per task), where `JoinHandle::id`, `AbortHandle::id` and
//! the `JoinError`s it produces read it. Work with no header on the
//! awaiting side draws its id when it is spawned and its `JoinHandle` keeps
//! it beside the result slot (`slot.rs`): a blocking closure, which never
//! becomes a task, and a future spawned from another thread or into a
//! `LocalSet` that has not run yet, which becomes a task later, under the
//! id drawn at the spawn.
//!
//! ## Which task is running
//!
//! One thread-local, set for as long as a task's own code runs: each poll
//! of its future, the drop of its future (aborted, or dropped by a
//! shutdown) and of an output nobody will read, and a blocking closure on
//! its pool thread. [`Current::enter`] sets it and puts the previous value
//! back when dropped, also when that code unwinds. Putting back, rather
//! than clearing, matters when one task's code runs inside another's: a
//! task that drops a runtime of its own drops that runtime's futures, each
//! under its own id, inside its poll, and has its id back afterwards. The
//! root future of `block_on` runs in no task: there [`try_id`] is `None`,
//! as in tokio.
//!
//! This thread-local is ambient context, like the current runtime in
//! `context.rs`; it lives here, in the task layer, because that layer sets
//! it, and the context sits above it.

use std::cell::Cell;
use std::fmt;
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering};

/// An opaque identifier of a task, unique among the tasks of the process.
///
/// Every task gets one when it is spawned, whichever way:
/// [`spawn`](crate::spawn), [`spawn_local`](crate::task::spawn_local), a
/// [`LocalSet`](crate::task::LocalSet), a [`JoinSet`](crate::task::JoinSet),
/// [`Handle::spawn`](crate::runtime::Handle::spawn) and
/// [`spawn_blocking`](crate::task::spawn_blocking) (a blocking closure is a
/// task for this purpose, as in tokio). Read it from inside the task with
/// [`task::id()`](id) or [`task::try_id()`](try_id), and from outside with
/// [`JoinHandle::id`](crate::task::JoinHandle::id),
/// [`AbortHandle::id`](crate::task::AbortHandle::id) or
/// [`JoinError::id`](crate::task::JoinError::id).
///
/// tokio promises that an id is unique among the tasks that are running
/// or still have a handle (a `JoinHandle`, an `AbortHandle`, a place in a
/// `JoinSet`), and may be reused after that. groundup never reuses one:
/// ids come from a single counter for the process.
///
/// Do not read meaning into an id's value or order. Here they happen to
/// grow with each spawn, but tokio says that its ids are not sequential
/// and tell nothing of the order of spawns or of the runtime; code that
/// ports should treat them as opaque. `Ord` and `Hash` are there to key
/// maps with them; `Display` prints the number, for logs.
///
/// ```
/// use groundup::task;
///
/// groundup::block_on(async {
///     let a = groundup::spawn(async { task::id() });
///     let b = groundup::spawn(async { task::id() });
///     let (id_a, id_b) = (a.id(), b.id());
///     assert_ne!(id_a, id_b);
///     assert_eq!(a.await.unwrap(), id_a, "the task sees the id its handle reports");
///     assert_eq!(b.await.unwrap(), id_b);
///     println!("task {id_a} and task {id_b} are done");
/// });
/// ```
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, PartialOrd, Ord)]
pub struct Id(NonZeroU64);

impl Id {
    /// A fresh id, never returned before in this process.
    pub(crate) fn next() -> Id {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        // Relaxed: the only promise is that no two calls get the same
        // value, and a read-modify-write always reads the latest value in
        // the counter's modification order, whatever its ordering, so
        // every call gets its own. Nothing else is published through the
        // counter: an id reaches other threads inside a task or a handle,
        // ordered by whatever moves those.
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        // Zero only once the counter has wrapped (see the module docs for
        // why that never happens in practice): draw again.
        NonZeroU64::new(n).map_or_else(Id::next, Id)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

thread_local! {
    /// The task whose code runs on this thread right now, if any (see the
    /// module docs). `const`-initialised and without drop glue, so it is
    /// never destroyed: `with` cannot fail, even while a thread's other
    /// thread-locals are torn down and drop futures.
    static CURRENT: Cell<Option<Id>> = const { Cell::new(None) };
}

/// Marks the task `id` as running on this thread until dropped, then puts
/// back whichever was before.
#[derive(Debug)]
pub(crate) struct Current {
    previous: Option<Id>,
}

impl Current {
    pub(crate) fn enter(id: Id) -> Current {
        let previous = CURRENT.with(|current| current.replace(Some(id)));
        Current { previous }
    }
}

impl Drop for Current {
    fn drop(&mut self) {
        CURRENT.with(|current| current.set(self.previous));
    }
}

/// The [`Id`] of the task whose code is running.
///
/// # Panics
///
/// Outside a task. The future passed to
/// [`block_on`](crate::Runtime::block_on) (or run by `#[groundup::main]`)
/// is not a task and has no id, so this panics there too, as in tokio.
/// [`try_id`] returns `None` instead.
///
/// ```
/// groundup::block_on(async {
///     let task = groundup::spawn(async { groundup::task::id() });
///     let id = task.id();
///     assert_eq!(task.await.unwrap(), id);
/// });
/// ```
#[track_caller]
pub fn id() -> Id {
    // A `match`, not `expect`: the message names the fix, and
    // `#[track_caller]` makes the panic point at the caller's line.
    match try_id() {
        Some(id) => id,
        None => panic!(
            "groundup::task::id() called outside a task: the future passed to `block_on` (or \
             run by `#[groundup::main]`) is not a task and has no id; spawn the code that needs \
             one, or call `groundup::task::try_id()`, which returns None there"
        ),
    }
}

/// The [`Id`] of the task whose code is running, or `None` outside a task
/// (in the future passed to `block_on`, for one): [`id`] without the
/// panic.
///
/// Inside a [`spawn_blocking`](crate::task::spawn_blocking) closure it is
/// the blocking task's id, as in tokio.
///
/// ```
/// use groundup::task;
///
/// assert_eq!(task::try_id(), None); // no runtime at all
/// groundup::block_on(async {
///     assert_eq!(task::try_id(), None); // the root future is not a task
///     let inside = groundup::spawn(async { task::try_id() });
///     let id = inside.id();
///     assert_eq!(inside.await.unwrap(), Some(id));
///
///     let blocking = task::spawn_blocking(task::try_id);
///     let id = blocking.id();
///     assert_eq!(blocking.await.unwrap(), Some(id));
/// });
/// ```
pub fn try_id() -> Option<Id> {
    CURRENT.with(Cell::get)
}
