//! `LocalSet`: tokio's set of `!Send` tasks, for code that ports from
//! tokio.
//!
//! In tokio, a `!Send` future can only be spawned onto a `LocalSet`, which
//! runs its tasks on the thread that drives it. groundup needs no such set:
//! every task already runs on the runtime's one thread and need not be
//! `Send`, so [`spawn`](crate::spawn) takes the same futures. The type is
//! here so that programs written around one port by renaming, and it keeps
//! the parts of its contract that mean something here:
//!
//! - [`LocalSet::spawn_local`] works before the set runs in a runtime (the
//!   futures wait in the set, and start when it is first driven: awaited,
//!   or through [`run_until`](LocalSet::run_until) or
//!   [`block_on`](LocalSet::block_on));
//! - awaiting the set waits until every task spawned on it has finished;
//! - dropping the set cancels its unfinished tasks;
//! - while the guard of [`LocalSet::enter`] lives, the free function
//!   [`task::spawn_local`](crate::task::spawn_local) (and
//!   [`JoinSet::spawn_local`](crate::task::JoinSet::spawn_local)) spawns
//!   onto the set, as tokio's does inside a `LocalSet`. The entered set is
//!   a thread-local here (`ENTERED`), which only this file and the
//!   free function read.
//!
//! Where it differs from tokio's: the set's tasks are the runtime's tasks,
//! so they also run while the set is not being polled (in tokio they run
//! only inside `run_until` or while the set is awaited); a task spawned
//! with the free function [`task::spawn_local`](crate::task::spawn_local)
//! inside `run_until`, without an [`enter`](LocalSet::enter) guard,
//! belongs to the runtime, not to the set (it is not cancelled with the
//! set, and the set does not wait for it); and outside any `LocalSet`,
//! `task::spawn_local` spawns on the runtime instead of panicking.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::runtime::Injected;
use crate::task::{AbortHandle, Id, JoinHandle};

/// A set of tasks that run on this thread; see the module docs above for
/// what it means in groundup, where every task already does.
///
/// ```
/// use std::rc::Rc;
/// use groundup::task::LocalSet;
///
/// # fn main() -> std::io::Result<()> {
/// let rt = groundup::Runtime::new()?;
/// let local = LocalSet::new();
/// let shared = Rc::new(5); // not Send
/// let task = local.spawn_local({
///     let shared = Rc::clone(&shared);
///     async move { *shared * 2 }
/// });
/// let doubled = local.block_on(&rt, async { task.await.unwrap() });
/// assert_eq!(doubled, 10);
/// # Ok(())
/// # }
/// ```
pub struct LocalSet {
    shared: Rc<Shared>,
}

/// What the set and its tasks' guards share.
#[derive(Default)]
struct Shared {
    /// Tasks spawned before the set ran in a runtime, to start then.
    pending: RefCell<Vec<Waiting>>,
    /// The set's tasks whose futures are still alive.
    live: Cell<usize>,
    /// The waker of the task awaiting the set, woken when `live` is 0.
    idle: RefCell<Option<Waker>>,
    /// The set's tasks, to cancel when the set is dropped.
    aborts: RefCell<Vec<AbortHandle>>,
    /// The set was dropped: a task spawned through a guard of
    /// [`LocalSet::enter`] that outlived it is cancelled at once.
    dropped: Cell<bool>,
}

thread_local! {
    /// The set entered on this thread by [`LocalSet::enter`], if any.
    static ENTERED: RefCell<Option<Rc<Shared>>> = const { RefCell::new(None) };
}

/// A task spawned before the set ran in a runtime, with the id its
/// `JoinHandle` has reported since: it starts under that id.
type Waiting = (Id, Pin<Box<dyn Future<Output = ()>>>);

/// Held inside each of the set's futures: counts it live until the future
/// is dropped (finished, aborted, or cancelled at shutdown).
struct Live(Rc<Shared>);

impl Drop for Live {
    fn drop(&mut self) {
        let live = self.0.live.get() - 1;
        self.0.live.set(live);
        if live == 0 {
            if let Some(waker) = self.0.idle.borrow_mut().take() {
                waker.wake();
            }
        }
    }
}

impl LocalSet {
    /// An empty set.
    pub fn new() -> LocalSet {
        LocalSet { shared: Rc::default() }
    }

    /// Spawns `future` as a task of this set. Inside a runtime it starts at
    /// once; outside one it waits in the set until the set is driven.
    ///
    /// ```
    /// use groundup::task::LocalSet;
    ///
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let local = LocalSet::new();
    /// let early = local.spawn_local(async { "spawned before any runtime ran" });
    /// rt.block_on(local); // runs until every task of the set finished
    /// assert!(early.is_finished());
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        spawn_onto(&self.shared, future)
    }

    /// Makes this set the one that [`task::spawn_local`](crate::task::spawn_local)
    /// spawns onto, on this thread, until the guard is dropped (which
    /// restores the set entered before, if any). tokio's `enter`.
    ///
    /// The guard keeps the set's shared part alive, not the set: if the
    /// `LocalSet` is dropped first, what is spawned through the guard is
    /// cancelled at once, as the set's other tasks were.
    ///
    /// ```
    /// use groundup::task::{self, LocalSet};
    ///
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let local = LocalSet::new();
    /// let task = {
    ///     let _guard = local.enter();
    ///     // Outside any runtime: the task waits in the set.
    ///     task::spawn_local(async { "spawned onto the entered set" })
    /// };
    /// assert_eq!(local.block_on(&rt, task).unwrap(), "spawned onto the entered set");
    /// # Ok(())
    /// # }
    /// ```
    pub fn enter(&self) -> LocalEnterGuard {
        let previous = ENTERED.with(|entered| entered.replace(Some(Rc::clone(&self.shared))));
        LocalEnterGuard { previous, _not_send: PhantomData }
    }

    /// Runs `future` to completion, with the set's waiting tasks started
    /// first. tokio's `run_until`.
    ///
    /// ```
    /// use groundup::task::{self, LocalSet};
    ///
    /// # groundup::block_on(async {
    /// let local = LocalSet::new();
    /// let answer = local
    ///     .run_until(async {
    ///         let task = task::spawn_local(async { 42 });
    ///         task.await.unwrap()
    ///     })
    ///     .await;
    /// assert_eq!(answer, 42);
    /// # });
    /// ```
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        self.start_pending();
        future.await
    }

    /// [`run_until`](Self::run_until) on `rt`, from outside it.
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &crate::Runtime, future: F) -> F::Output {
        rt.block_on(self.run_until(future))
    }

    /// Spawns the futures that waited for a runtime.
    fn start_pending(&self) {
        let pending = std::mem::take(&mut *self.shared.pending.borrow_mut());
        for (id, task) in pending {
            let join = crate::task::spawn_as(id, task);
            track(&self.shared, join.abort_handle());
        }
    }
}

/// Spawns `future` as a task of the set `shared` belongs to: at once
/// inside a runtime, else into the set's waiting list.
#[track_caller]
fn spawn_onto<F>(shared: &Rc<Shared>, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let future = counted(shared, future);
    if crate::context::with_current(|_| ()).is_some() {
        let join = crate::spawn(future);
        track(shared, join.abort_handle());
        join
    } else {
        let (task, join) = Injected::new(future);
        if !shared.dropped.get() {
            shared.pending.borrow_mut().push((join.id(), Box::pin(task)));
        } // else dropped here: the handle reports a cancellation
        join
    }
}

/// [`LocalSet::spawn_local`] onto the set entered on this thread, or
/// `Err(future)` if none is (for `task::spawn_local` to spawn it on the
/// runtime instead).
#[track_caller]
pub(crate) fn spawn_onto_entered<F>(future: F) -> Result<JoinHandle<F::Output>, F>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // `try_with`: during thread-local teardown nothing is entered. The
    // `Rc` is cloned out so that no borrow is held while spawning.
    let entered = ENTERED.try_with(|entered| entered.borrow().clone()).ok().flatten();
    match entered {
        Some(shared) => Ok(spawn_onto(&shared, future)),
        None => Err(future),
    }
}

/// Counts `future` live in the set until it is dropped.
fn counted<F: Future>(shared: &Rc<Shared>, future: F) -> impl Future<Output = F::Output> + use<F> {
    shared.live.set(shared.live.get() + 1);
    let live = Live(Rc::clone(shared));
    async move {
        let _live = live;
        future.await
    }
}

/// Keeps `abort` to cancel its task with the set (or cancels it now, if
/// the set is gone), forgetting the handles of tasks that finished once
/// they outnumber the live ones.
fn track(shared: &Shared, abort: AbortHandle) {
    if shared.dropped.get() {
        abort.abort();
        return;
    }
    let mut aborts = shared.aborts.borrow_mut();
    if aborts.len() >= 64 && aborts.len() > 2 * shared.live.get() {
        aborts.retain(|abort| !abort.is_finished());
    }
    aborts.push(abort);
}

/// The guard of [`LocalSet::enter`]: while it lives,
/// [`task::spawn_local`](crate::task::spawn_local) on this thread spawns
/// onto that set. `!Send`, as it belongs to the thread that entered.
///
/// ```
/// use groundup::task::{self, LocalSet};
///
/// groundup::block_on(async {
///     let local = LocalSet::new();
///     let guard = local.enter();
///     let task = task::spawn_local(std::future::pending::<()>());
///     drop(guard);
///     drop(local); // cancels the task: it belonged to the set
///     assert!(task.await.unwrap_err().is_cancelled());
/// });
/// ```
pub struct LocalEnterGuard {
    /// The set entered before this guard, restored when it drops.
    previous: Option<Rc<Shared>>,
    /// `previous` may be `None`; the guard is `!Send` regardless.
    _not_send: PhantomData<Rc<()>>,
}

impl Drop for LocalEnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // `try_with`: the guard may drop while the thread's locals are
        // being destroyed; there is nothing left to restore then.
        let _ = ENTERED.try_with(|entered| entered.replace(previous));
    }
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish_non_exhaustive()
    }
}

impl Future for LocalSet {
    type Output = ();

    /// Ready once every task spawned on the set has finished.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.start_pending();
        if self.shared.live.get() == 0 {
            return Poll::Ready(());
        }
        *self.shared.idle.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        // The waiting futures go with `shared` (their handles report a
        // cancellation); the running ones are aborted; and anything still
        // spawned through an `enter` guard is cancelled at once.
        self.shared.dropped.set(true);
        self.shared.pending.borrow_mut().clear();
        for abort in self.shared.aborts.borrow_mut().drain(..) {
            abort.abort();
        }
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").field("tasks", &self.shared.live.get()).finish()
    }
}
