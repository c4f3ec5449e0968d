//! Ambient context: the runtime that is current on this thread.
//!
//! A few things a task does need its runtime without being handed it:
//! [`spawn`](crate::spawn), a timer ([`crate::time`]), registering a socket
//! ([`Async::new`](crate::io::Async::new), which every `groundup::net` type
//! goes through), [`Handle::current`](crate::runtime::Handle::current). They
//! look the runtime up here, once, at the public leaf (as tokio's
//! `PollEvented` does), and pass what they need down: the reactor is handed
//! its handle, the executor its timers, and neither reads this module. That
//! keeps the module graph a DAG (see the layers in the crate docs): the
//! context sits above the executor, the reactor and the timer driver, and
//! below the runtime and the public leaves.
//!
//! ## What is current
//!
//! One thread-local, [`AMBIENT`], holds one of:
//!
//! - a runtime's whole [`RuntimeContext`] (executor, reactor, timers,
//!   blocking pool), on the thread that owns the runtime (a `Runtime` is
//!   `!Send`): for the length of `Runtime::block_on`, of the runtime's
//!   shutdown, and of an `EnterGuard` from `Runtime::enter` (or from
//!   `Handle::enter` on the runtime's own thread);
//! - only its [`RemoteContext`], the parts built to be shared (the inject
//!   queue that wakes the executor, the blocking pool): on any other
//!   thread, which is what a `runtime::Handle` can reach from there. A
//!   blocking-pool worker running a job, `Handle::block_on`, and
//!   `Handle::enter` off the runtime's thread install this. Spawning a
//!   `!Send` task, a timer or a socket then finds no runtime, and says so:
//!   those belong to the runtime's thread.
//!
//! The context is held by `Rc`, so a guard that is leaked (`mem::forget`)
//! or dropped out of order leaks or misplaces a reference, never a pointer
//! to a freed runtime. Guards are meant to nest; each one restores what was
//! current before it. One dropped out of order changes nothing and panics,
//! as tokio's `EnterGuard` does: restoring its "before" would undo the
//! guards made after it, which are still alive.
//!
//! ## Driving is not the same as entered
//!
//! Beside what is current, the thread-local records whether this thread is
//! *driving* a runtime: inside `block_on` (or a shutdown, which drops the
//! tasks here). That, not a current context, is what makes a nested
//! `block_on` or a `blocking_recv` refuse, since they would block the
//! thread that runs the tasks. An `EnterGuard` makes a runtime current
//! without driving it, so `rt.block_on` works under `rt.enter()`, as in
//! tokio.
//!
//! ## Runtimes this thread owns
//!
//! `Handle::enter` on the runtime's own thread should make the whole
//! runtime current, as `Runtime::enter` does, but a `Handle` is `Send` and
//! cannot hold the `Rc`. So each thread keeps a list of the runtimes it
//! created (weak references, added by `Runtime::build` and removed by its
//! drop), and `Handle::enter` looks its runtime up there.
//!
//! (The executor keeps one private thread-local of its own, which
//! executor's loop runs here, so that a wake on this thread can use the
//! local run queue. Nothing outside the executor reads it. And the id of
//! the task whose code runs on this thread, behind `task::id()`, lives in
//! `task/id.rs`: the task layer sets it, around each poll and drop, and
//! that layer is below this one.)

use std::cell::{Cell, RefCell};
use std::fmt;
use std::num::NonZeroU64;
use std::rc::{Rc, Weak};

use crate::blocking::spawner::Spawner;
use crate::executor::{Core, Remote};
use crate::reactor;
use crate::time::driver::Driver;

/// What the public leaves can reach of the current runtime, on its own
/// thread.
pub(crate) struct RuntimeContext {
    /// Where `spawn` puts new tasks.
    pub(crate) executor: Core,
    /// Where sockets register.
    pub(crate) reactor: reactor::Handle,
    /// Where timers go (the executor fires them).
    pub(crate) timers: Driver,
    /// Where `spawn_blocking` sends its closures.
    pub(crate) blocking: Spawner,
    /// The runtime's id (`runtime::Id` wraps it).
    pub(crate) id: NonZeroU64,
}

impl RuntimeContext {
    /// The parts of this runtime that other threads may hold.
    pub(crate) fn remote(&self) -> RemoteContext {
        RemoteContext {
            executor: self.executor.remote(),
            blocking: self.blocking.clone(),
            id: self.id,
        }
    }
}

/// What any thread can reach of a runtime: its shared parts, each behind
/// an `Arc`. This is what a `runtime::Handle` holds.
#[derive(Clone, Debug)]
pub(crate) struct RemoteContext {
    /// The inject queue and the executor's park word.
    pub(crate) executor: Remote,
    /// The blocking pool.
    pub(crate) blocking: Spawner,
    /// The runtime's id.
    pub(crate) id: NonZeroU64,
}

/// What is current on a thread.
#[derive(Clone)]
enum Current {
    None,
    /// The whole runtime: on its own thread.
    Runtime(Rc<RuntimeContext>),
    /// Its shared parts: on another thread.
    Remote(RemoteContext),
}

/// This thread's ambient state (see the module docs).
struct Ambient {
    current: RefCell<Current>,
    /// Inside `block_on` or a shutdown.
    driving: Cell<bool>,
    /// How many [`Enter`]s are live here: each remembers its depth, to
    /// catch a guard dropped out of order.
    depth: Cell<usize>,
    /// The runtimes created on this thread and not yet dropped.
    owned: RefCell<Vec<Weak<RuntimeContext>>>,
}

thread_local! {
    /// The runtime current on this thread, and whether the thread drives it.
    static AMBIENT: Ambient = const {
        Ambient {
            current: RefCell::new(Current::None),
            driving: Cell::new(false),
            depth: Cell::new(0),
            owned: RefCell::new(Vec::new()),
        }
    };
}

/// Runs `f` with the current runtime, or returns `None` when this thread
/// has no runtime's whole context (outside one, or on a thread that only
/// has a handle's parts, or while its thread-locals are being destroyed).
pub(crate) fn with_current<R>(f: impl FnOnce(&RuntimeContext) -> R) -> Option<R> {
    // The `Rc` is cloned out, so no borrow is held while `f` runs (it may
    // spawn, and a task's drop may enter or leave a context), and the
    // context stays alive for `f` even if `f` drops the last guard.
    let context = AMBIENT
        .try_with(|ambient| match &*ambient.current.borrow() {
            Current::Runtime(context) => Some(Rc::clone(context)),
            Current::None | Current::Remote(_) => None,
        })
        .ok()
        .flatten()?;
    Some(f(&context))
}

/// The shared parts of the current runtime, whichever kind of context is
/// current; `Ok(None)` outside any, `Err(())` while this thread's locals are
/// being destroyed.
pub(crate) fn current_remote() -> Result<Option<RemoteContext>, ()> {
    AMBIENT
        .try_with(|ambient| match &*ambient.current.borrow() {
            Current::Runtime(context) => Some(context.remote()),
            Current::Remote(remote) => Some(remote.clone()),
            Current::None => None,
        })
        .map_err(|_| ())
}

/// Whether this thread is driving a runtime (inside `block_on` or a
/// shutdown), where blocking would stall the runtime's tasks.
pub(crate) fn is_driving() -> bool {
    AMBIENT.try_with(|ambient| ambient.driving.get()).unwrap_or(false)
}

/// Records a runtime created on this thread, for [`owned_here`].
pub(crate) fn register_owned(context: &Rc<RuntimeContext>) {
    let _ = AMBIENT.try_with(|ambient| {
        let mut owned = ambient.owned.borrow_mut();
        owned.retain(|weak| weak.strong_count() > 0);
        owned.push(Rc::downgrade(context));
    });
}

/// Forgets a runtime being dropped (and any that are gone).
pub(crate) fn unregister_owned(context: &Rc<RuntimeContext>) {
    // `try_with`: a runtime may be dropped while the thread's locals are
    // being destroyed; the list goes with them then.
    let _ = AMBIENT.try_with(|ambient| {
        let target = Rc::as_ptr(context);
        ambient
            .owned
            .borrow_mut()
            .retain(|weak| weak.strong_count() > 0 && weak.as_ptr() != target);
    });
}

/// The runtime of `remote`'s executor, if this thread created it and it is
/// still alive.
pub(crate) fn owned_here(remote: &RemoteContext) -> Option<Rc<RuntimeContext>> {
    AMBIENT
        .try_with(|ambient| {
            let owned = ambient.owned.borrow();
            owned
                .iter()
                .filter_map(Weak::upgrade)
                .find(|context| remote.executor.is(&context.executor))
        })
        .ok()
        .flatten()
}

/// Makes a context current on this thread, until dropped; then restores
/// what was current before, and whether the thread was driving.
pub(crate) struct Enter {
    previous: Current,
    was_driving: bool,
    /// The depth this guard installed (see `Ambient::depth`).
    depth: usize,
}

impl Enter {
    /// For `block_on`: the runtime becomes current, and driven.
    ///
    /// # Panics
    ///
    /// If this thread drives a runtime already (at the caller's line).
    #[track_caller]
    pub(crate) fn block_on(context: &Rc<RuntimeContext>) -> Enter {
        if is_driving() {
            panic!(
                "cannot start a groundup runtime from inside a runtime: `block_on` would block \
                 the thread that drives the outer runtime's tasks; `.await` the future instead"
            );
        }
        Enter::install(Current::Runtime(Rc::clone(context)), Some(true))
    }

    /// For the runtime's shutdown, which drops its tasks on this thread and
    /// may happen inside another runtime (a task may own and drop a runtime
    /// of its own).
    pub(crate) fn shutdown(context: &Rc<RuntimeContext>) -> Enter {
        Enter::install(Current::Runtime(Rc::clone(context)), Some(true))
    }

    /// For an `EnterGuard` on the runtime's own thread: current, not driven.
    ///
    /// # Panics
    ///
    /// While this thread's locals are being destroyed.
    #[track_caller]
    pub(crate) fn runtime(context: Rc<RuntimeContext>) -> Enter {
        Enter::install(Current::Runtime(context), None)
    }

    /// For a thread that is not the runtime's: a blocking-pool job,
    /// `Handle::block_on`, an `EnterGuard` from `Handle::enter`.
    ///
    /// # Panics
    ///
    /// While this thread's locals are being destroyed.
    #[track_caller]
    pub(crate) fn remote(remote: RemoteContext) -> Enter {
        Enter::install(Current::Remote(remote), None)
    }

    /// Installs `current`; `driving`: what to set the flag to (`None`:
    /// leave it).
    #[track_caller]
    fn install(current: Current, driving: Option<bool>) -> Enter {
        let installed = AMBIENT.try_with(|ambient| {
            let previous = ambient.current.replace(current);
            let was_driving = ambient.driving.get();
            if let Some(driving) = driving {
                ambient.driving.set(driving);
            }
            let depth = ambient.depth.get() + 1;
            ambient.depth.set(depth);
            Enter { previous, was_driving, depth }
        });
        match installed {
            Ok(enter) => enter,
            Err(_) => panic!(
                "cannot enter a groundup runtime: this thread is exiting and its thread-locals \
                 (where the current runtime is kept) are destroyed"
            ),
        }
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        let previous = std::mem::replace(&mut self.previous, Current::None);
        // `try_with`: a guard may drop while the thread's locals are being
        // destroyed; there is nothing left to restore then.
        let restored = AMBIENT.try_with(|ambient| {
            if ambient.depth.get() != self.depth {
                return Err(previous);
            }
            ambient.depth.set(self.depth - 1);
            ambient.driving.set(self.was_driving);
            Ok(ambient.current.replace(previous))
        });
        // What is dropped here is dropped after the borrow ended: dropping
        // the last `Rc` of a runtime drops its executor, whose tasks' drops
        // may look at the context.
        match restored {
            Ok(Ok(mine)) => drop(mine),
            Ok(Err(_unrestored)) if !std::thread::panicking() => panic!(
                "`EnterGuard`s dropped out of order: the guards of `Runtime::enter` and \
                 `Handle::enter` must be dropped in the reverse order of their creation (and \
                 not be held across an `.await`)"
            ),
            Ok(Err(_)) | Err(_) => {}
        }
    }
}

impl fmt::Debug for RuntimeContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeContext")
            .field("id", &self.id)
            .field("live_tasks", &self.executor.live_tasks())
            .field("pending_timers", &self.timers.pending())
            .field("reactor", &self.reactor)
            .finish()
    }
}

impl fmt::Debug for Enter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = match &self.previous {
            Current::None => "none",
            Current::Runtime(_) => "a runtime",
            Current::Remote(_) => "a handle",
        };
        f.debug_struct("Enter")
            .field("previous", &current)
            .field("depth", &self.depth)
            .finish_non_exhaustive()
    }
}
