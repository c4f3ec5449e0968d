//! [`JoinSet`]: a group of tasks, joined in the order they finish.
//!
//! Each member is a `JoinHandle` with a waker of its own, registered at
//! spawn: when the task finishes, that waker appends the member's task
//! [`Id`] (which also keys the members: ids are unique in the process) to
//! the set's *notified* queue and wakes whoever awaits the set. So
//! [`join_next`](JoinSet::join_next) looks only at members that finished
//! (or may have), in the order they did, instead of polling every member
//! each time: completion order, and O(1) work per completion. (tokio's
//! `JoinSet` keeps its members in an "idle/notified" pair of lists for the
//! same reason.)
//!
//! The member wakers cross threads like any waker (a blocking job's end
//! wakes one from a pool thread), so the notified queue is behind a
//! `Mutex`; the members themselves, like every `JoinHandle`, stay on the
//! runtime's thread.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::{Future, poll_fn};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use super::{AbortHandle, Id, JoinError, JoinHandle, LocalSet};
use crate::runtime::Handle;

/// A set of tasks spawned on the current runtime, awaited in the order
/// they complete.
///
/// [`join_next`](JoinSet::join_next) returns each task's result as it
/// finishes; dropping the set aborts every task still in it. As with
/// [`spawn`](crate::spawn), tasks need not be `Send` (tokio's
/// `JoinSet::spawn` asks for `Send`; its `spawn_local` is the same as
/// `spawn` here, outside an entered [`LocalSet`]). Besides the current
/// runtime, members may be spawned through a [`Handle`]
/// ([`spawn_on`](JoinSet::spawn_on),
/// [`spawn_blocking_on`](JoinSet::spawn_blocking_on)) or onto a
/// `LocalSet` ([`spawn_local_on`](JoinSet::spawn_local_on)).
///
/// ```
/// use std::time::Duration;
/// use groundup::task::JoinSet;
///
/// #[groundup::main(start_paused = true)]
/// async fn main() {
///     let mut set = JoinSet::new();
///     for (name, ms) in [("slow", 30), ("fast", 10), ("middle", 20)] {
///         set.spawn(async move {
///             groundup::time::sleep(Duration::from_millis(ms)).await;
///             name
///         });
///     }
///     let mut order = Vec::new();
///     while let Some(result) = set.join_next().await {
///         order.push(result.unwrap());
///     }
///     assert_eq!(order, ["fast", "middle", "slow"]);
/// }
/// ```
pub struct JoinSet<T> {
    /// Keyed by task id.
    members: HashMap<Id, Member<T>>,
    notified: Arc<Notified>,
}

struct Member<T> {
    handle: JoinHandle<T>,
    waker: Waker,
}

/// Members whose task finished (or whose waker was woken), in wake order,
/// and the waker of the task awaiting the set.
#[derive(Default)]
struct Notified {
    state: Mutex<NotifiedState>,
}

#[derive(Default)]
struct NotifiedState {
    ids: VecDeque<Id>,
    parent: Option<Waker>,
}

/// A member's waker: appends its task id to the notified queue.
struct MemberWaker {
    id: Id,
    notified: Arc<Notified>,
}

impl Wake for MemberWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut state = self.notified.lock();
        state.ids.push_back(self.id);
        let parent = state.parent.take();
        drop(state);
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

impl Notified {
    fn lock(&self) -> std::sync::MutexGuard<'_, NotifiedState> {
        // Nothing panics under this lock; a poisoned one is consistent.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn pop(&self) -> Option<Id> {
        self.lock().ids.pop_front()
    }
}

impl<T> JoinSet<T> {
    /// An empty set.
    ///
    /// ```
    /// let set = groundup::task::JoinSet::<()>::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn new() -> JoinSet<T> {
        JoinSet { members: HashMap::new(), notified: Arc::default() }
    }

    /// Tasks in the set: spawned, and not yet returned by `join_next` (a
    /// finished task stays counted until then).
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     set.spawn(async {});
    ///     set.spawn(async {});
    ///     assert_eq!(set.len(), 2);
    /// });
    /// ```
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the set holds no task.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     set.spawn(async { 1 });
    ///     set.join_next().await;
    ///     assert!(set.is_empty());
    /// });
    /// ```
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Spawns `future` on the current runtime as a member of the set, and
    /// returns a handle to abort it with (its output comes from
    /// `join_next`).
    ///
    /// # Panics
    ///
    /// Outside a runtime, as [`spawn`](crate::spawn).
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     set.spawn(async { 2 + 2 });
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 4);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(crate::spawn(future))
    }

    /// [`task::spawn_local`](crate::task::spawn_local) as a member of the
    /// set: the same as [`spawn`](JoinSet::spawn) (every groundup task is
    /// local), unless a [`LocalSet::enter`] guard lives on this thread,
    /// which makes the task the entered set's.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     let local = std::rc::Rc::new(3);
    ///     set.spawn_local(async move { *local });
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 3);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(crate::task::spawn_local(future))
    }

    /// Runs `f` on the runtime's blocking pool as a member of the set (see
    /// [`spawn_blocking`](crate::task::spawn_blocking)).
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     set.spawn_blocking(|| "from a pool thread");
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), "from a pool thread");
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert(crate::task::spawn_blocking(f))
    }

    /// Spawns `future` on the runtime of `handle` as a member of the set
    /// (see [`Handle::spawn`]), and returns a handle to abort it with.
    ///
    /// The bounds are tokio's, and [`Handle::spawn`]'s: the future may be
    /// handed to the runtime from another thread, so it must be `Send`.
    /// The set itself stays on the calling thread, as every `JoinHandle`
    /// does: from another thread, drive it with [`Handle::block_on`].
    ///
    /// ```
    /// use groundup::task::JoinSet;
    ///
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let mut set = JoinSet::new();
    /// set.spawn_on(async { "on the runtime" }, rt.handle());
    /// assert_eq!(rt.block_on(set.join_all()), ["on the runtime"]);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(&mut self, future: F, handle: &Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.insert(handle.spawn(future))
    }

    /// Spawns `future` on `local_set` (see [`LocalSet::spawn_local`]) as a
    /// member of this set: it is cancelled if the `LocalSet` is dropped
    /// first, and the `LocalSet` waits for it. Outside a runtime, it starts
    /// when the `LocalSet` is first driven.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use groundup::task::{JoinSet, LocalSet};
    ///
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let local = LocalSet::new();
    /// let mut set = JoinSet::new();
    /// let not_send = Rc::new(4);
    /// set.spawn_local_on(async move { *not_send }, &local);
    /// assert_eq!(local.block_on(&rt, set.join_all()), [4]);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, future: F, local_set: &LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(local_set.spawn_local(future))
    }

    /// Runs `f` on the blocking pool of `handle`'s runtime as a member of
    /// the set (see [`Handle::spawn_blocking`]).
    ///
    /// ```
    /// use groundup::task::JoinSet;
    ///
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let mut set = JoinSet::new();
    /// set.spawn_blocking_on(|| (1..=10).sum::<u32>(), rt.handle());
    /// assert_eq!(rt.block_on(set.join_all()), [55]);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert(handle.spawn_blocking(f))
    }

    fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle
    where
        T: 'static,
    {
        let id = handle.id();
        let waker = Waker::from(Arc::new(MemberWaker { id, notified: Arc::clone(&self.notified) }));
        if handle.set_join_waker(&waker) {
            waker.wake_by_ref(); // finished already: it is notified now
        }
        let abort = handle.abort_handle();
        self.members.insert(id, Member { handle, waker });
        abort
    }

    /// Waits for the next task to finish and returns its result, or `None`
    /// if the set is empty. Tasks are returned in the order they finished.
    ///
    /// Cancel safe: if this future is dropped before it completes, no
    /// result is lost (it stays in the set).
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     set.spawn(async { panic!("one task fails") });
    ///     let result = set.join_next().await.unwrap();
    ///     assert!(result.unwrap_err().is_panic());
    ///     assert!(set.join_next().await.is_none());
    /// });
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// [`join_next`](JoinSet::join_next), with the [`Id`] of the task that
    /// finished: `Ok((id, output))`. A failed task's id is its error's
    /// [`JoinError::id`]. Cancel safe, as `join_next`.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     let ok = set.spawn(async { "fine" }).id();
    ///     let failed = set.spawn(async { panic!("not fine") }).id();
    ///     while let Some(result) = set.join_next_with_id().await {
    ///         match result {
    ///             Ok((id, output)) => assert_eq!((id, output), (ok, "fine")),
    ///             Err(err) => assert_eq!(err.id(), failed),
    ///         }
    ///     }
    /// });
    /// ```
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// Polls for the next finished task (see [`join_next`](JoinSet::join_next)):
    /// `Ready(None)` if the set is empty, `Pending` (with `cx`'s waker
    /// stored) if no task has finished.
    ///
    /// ```
    /// use std::task::Poll;
    ///
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::<()>::new();
    ///     let polled = std::future::poll_fn(|cx| Poll::Ready(set.poll_join_next(cx))).await;
    ///     assert!(matches!(polled, Poll::Ready(None)));
    /// });
    /// ```
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_join_next_with_id(cx).map(without_ids)
    }

    /// [`poll_join_next`](JoinSet::poll_join_next), with the [`Id`] of the
    /// task that finished (see [`join_next_with_id`](JoinSet::join_next_with_id)).
    ///
    /// ```
    /// use std::task::Poll;
    ///
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     let id = set.spawn(async { 7 }).id();
    ///     let joined = std::future::poll_fn(|cx| set.poll_join_next_with_id(cx)).await;
    ///     assert_eq!(joined.unwrap().unwrap(), (id, 7));
    /// });
    /// ```
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
        if self.members.is_empty() {
            return Poll::Ready(None);
        }
        if !crate::coop::proceed(cx) {
            return Poll::Pending;
        }
        // The parent waker first: a member woken from now on wakes it.
        self.notified.lock().parent = Some(cx.waker().clone());
        match self.next_finished() {
            Some(result) => Poll::Ready(Some(result)),
            None => Poll::Pending,
        }
    }

    /// Returns the result of a task that has finished, if there is one,
    /// without waiting; `None` if none has (or the set is empty).
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     set.spawn(async { 5 });
    ///     assert!(set.try_join_next().is_none()); // not run yet
    ///     groundup::task::yield_now().await;
    ///     assert_eq!(set.try_join_next().unwrap().unwrap(), 5);
    /// });
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        without_ids(self.next_finished())
    }

    /// [`try_join_next`](JoinSet::try_join_next), with the [`Id`] of the
    /// task that finished (see [`join_next_with_id`](JoinSet::join_next_with_id)).
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     let id = set.spawn(async { 5 }).id();
    ///     assert!(set.try_join_next_with_id().is_none()); // not run yet
    ///     groundup::task::yield_now().await;
    ///     assert_eq!(set.try_join_next_with_id().unwrap().unwrap(), (id, 5));
    /// });
    /// ```
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        self.next_finished()
    }

    /// Takes notified members in order until one is finished.
    fn next_finished(&mut self) -> Option<Result<(Id, T), JoinError>> {
        // Each id is looked at once per call: a member that is not finished
        // (a spurious or stale wake) is re-armed and left for its next wake.
        while let Some(id) = self.notified.pop() {
            let Some(member) = self.members.get_mut(&id) else { continue }; // already joined
            let mut cx = Context::from_waker(&member.waker);
            if let Poll::Ready(result) = member.handle.poll_unbudgeted(&mut cx) {
                self.members.remove(&id);
                return Some(result.map(|output| (id, output)));
            }
        }
        None
    }

    /// Waits for every task in the set and returns their outputs, in the
    /// order the tasks finished (not the order they were spawned).
    ///
    /// # Panics
    ///
    /// If a task failed. A task's panic is resumed here, with its own
    /// payload (`std::panic::resume_unwind`); a cancelled task panics with
    /// its [`JoinError`]'s message. Either way the set is dropped as the
    /// panic unwinds, which aborts the tasks still in it. To handle
    /// failures otherwise, call [`join_next`](JoinSet::join_next) in a loop.
    ///
    /// Not cancel safe: dropped before it completes, it drops the set (and
    /// aborts its tasks), and the outputs gathered so far are lost.
    ///
    /// ```
    /// use std::time::Duration;
    /// use groundup::task::JoinSet;
    ///
    /// #[groundup::main(start_paused = true)]
    /// async fn main() {
    ///     let mut set = JoinSet::new();
    ///     for i in 0..3u64 {
    ///         set.spawn(async move {
    ///             groundup::time::sleep(Duration::from_secs(3 - i)).await;
    ///             i
    ///         });
    ///     }
    ///     assert_eq!(set.join_all().await, [2, 1, 0]);
    /// }
    /// ```
    pub async fn join_all(mut self) -> Vec<T> {
        let mut outputs = Vec::with_capacity(self.len());
        while let Some(result) = self.join_next().await {
            match result {
                Ok(output) => outputs.push(output),
                Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
                Err(err) => panic!("{err}"),
            }
        }
        outputs
    }

    /// Aborts every task in the set. They stay in it: `join_next` then
    /// returns each one's result (a cancellation, unless it had finished).
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     set.spawn(std::future::pending::<()>());
    ///     set.abort_all();
    ///     assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort_all(&mut self) {
        for member in self.members.values() {
            member.handle.abort();
        }
    }

    /// Aborts every task and waits for them all to end; the set is empty
    /// afterwards.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     for _ in 0..3 {
    ///         set.spawn(std::future::pending::<()>());
    ///     }
    ///     set.shutdown().await;
    ///     assert!(set.is_empty());
    /// });
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Drops every member's handle without aborting it: the tasks go on,
    /// detached, and the set is empty.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let mut set = groundup::task::JoinSet::new();
    ///     set.spawn(async {});
    ///     set.detach_all();
    ///     assert!(set.is_empty());
    /// });
    /// ```
    pub fn detach_all(&mut self) {
        self.members.clear();
    }
}

/// A joined result without its task's id.
fn without_ids<T>(joined: Option<Result<(Id, T), JoinError>>) -> Option<Result<T, JoinError>> {
    joined.map(|result| result.map(|(_, output)| output))
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

/// Collects futures into a [`JoinSet`], spawning each on the current
/// runtime as [`JoinSet::spawn`] does.
///
/// The bounds are [`JoinSet::spawn`]'s, looser than tokio's (which asks
/// for `F: Send` and `T: Send`): every groundup task runs on the runtime's
/// own thread, so a `!Send` future may be collected too. Code written for
/// tokio's bounds compiles unchanged.
///
/// # Panics
///
/// Outside a runtime, as [`spawn`](crate::spawn).
///
/// ```
/// use groundup::task::JoinSet;
///
/// groundup::block_on(async {
///     let set: JoinSet<_> = (0..10).map(|i| async move { i }).collect();
///     let mut seen = set.join_all().await;
///     seen.sort();
///     assert_eq!(seen, (0..10).collect::<Vec<_>>());
/// });
/// ```
impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + 'static,
    T: 'static,
{
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> JoinSet<T> {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

/// Spawns each future of an iterator into the set, as
/// [`JoinSet::spawn`] does, with its bounds (looser than tokio's, as for
/// the `FromIterator` impl).
///
/// # Panics
///
/// Outside a runtime, as [`spawn`](crate::spawn).
///
/// ```
/// use groundup::task::JoinSet;
///
/// groundup::block_on(async {
///     let mut set: JoinSet<_> = (0..5).map(|i| async move { i }).collect();
///     set.extend((5..10).map(|i| async move { i }));
///     assert_eq!(set.len(), 10);
///     let mut seen = set.join_all().await;
///     seen.sort();
///     assert_eq!(seen, (0..10).collect::<Vec<_>>());
/// });
/// ```
impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + 'static,
    T: 'static,
{
    #[track_caller]
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for future in iter {
            self.spawn(future);
        }
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len()).finish()
    }
}
