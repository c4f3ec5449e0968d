//! `CancellationToken`: a flag that asks tasks to stop, with a tree of
//! child tokens, as in tokio-util's `sync::CancellationToken`.
//!
//! A token is a handle to a node; clones share the node. [`cancel`]
//! marks the node and every descendant cancelled, once and for all, and
//! wakes whoever waits in [`cancelled`] on any of them. A child
//! ([`child_token`]) is cancelled with its parent, but cancelling a child
//! leaves the parent alone.
//!
//! ## How it works
//!
//! A node is a flag, a [`Notify`] and the list of its children. Waiting
//! is the `Notify` pattern: the future is created (and so sees every later
//! `notify_waiters`) before the flag is checked, and `cancel` sets the
//! flag before it notifies. A parent holds its children weakly: a child
//! whose handles are all gone is freed, and its dead entry is pruned when
//! the parent's list next grows (amortised, no walk per drop). A child
//! made while its parent is being cancelled is handled under the parent's
//! list lock: `cancel` sets the flag before it takes the list, and
//! `child_token` reads the flag with the list locked, so the child is
//! either in the list `cancel` takes or made cancelled.
//!
//! [`cancel`]: CancellationToken::cancel
//! [`cancelled`]: CancellationToken::cancelled
//! [`child_token`]: CancellationToken::child_token

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};

use crate::sync::Notify;
use crate::sync::notify::NotifiedWith;

/// Asks tasks to stop: [`cancel`](Self::cancel) once, and every task in
/// [`cancelled`](Self::cancelled) on this token, a clone of it, or a
/// descendant ([`child_token`](Self::child_token)) wakes.
///
/// `Send` and `Sync`, and `Clone` (clones share one token). This is
/// tokio-util's `sync::CancellationToken`, under `groundup::sync`.
///
/// ```
/// use groundup::sync::CancellationToken;
///
/// # groundup::block_on(async {
/// let token = CancellationToken::new();
/// let worker = {
///     let token = token.child_token();
///     groundup::spawn(async move {
///         groundup::select! {
///             _ = token.cancelled() => "stopped",
///             _ = groundup::time::sleep(std::time::Duration::from_secs(3600)) => "slept",
///         }
///     })
/// };
/// token.cancel();
/// assert_eq!(worker.await.unwrap(), "stopped");
/// # });
/// ```
#[derive(Clone)]
pub struct CancellationToken {
    node: Arc<Node>,
}

struct Node {
    cancelled: AtomicBool,
    notify: Notify,
    children: Mutex<Vec<Weak<Node>>>,
}

impl Node {
    fn new(cancelled: bool) -> Node {
        Node {
            cancelled: AtomicBool::new(cancelled),
            notify: Notify::new(),
            children: Mutex::new(Vec::new()),
        }
    }

    fn is_cancelled(&self) -> bool {
        // Acquire: pairs with `cancel`'s AcqRel swap, so what the
        // canceller did before is visible to whoever sees the flag.
        self.cancelled.load(Ordering::Acquire)
    }

    fn children(&self) -> std::sync::MutexGuard<'_, Vec<Weak<Node>>> {
        // Poisoning: nothing under this lock panics but an allocation
        // failure in `push`, which leaves the list as it was.
        self.children.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl CancellationToken {
    /// A token, not cancelled, with no parent.
    ///
    /// ```
    /// let token = groundup::sync::CancellationToken::new();
    /// assert!(!token.is_cancelled());
    /// ```
    pub fn new() -> CancellationToken {
        CancellationToken { node: Arc::new(Node::new(false)) }
    }

    /// A child: cancelled when this token is (already cancelled if it is
    /// now), while cancelling the child leaves this token alone.
    ///
    /// ```
    /// use groundup::sync::CancellationToken;
    ///
    /// let parent = CancellationToken::new();
    /// let child = parent.child_token();
    /// child.cancel();
    /// assert!(!parent.is_cancelled());
    /// let child = parent.child_token();
    /// parent.cancel();
    /// assert!(child.is_cancelled());
    /// assert!(parent.child_token().is_cancelled());
    /// ```
    pub fn child_token(&self) -> CancellationToken {
        let mut children = self.node.children();
        // Read with the list locked: see the module docs.
        if self.node.is_cancelled() {
            return CancellationToken { node: Arc::new(Node::new(true)) };
        }
        let child = Arc::new(Node::new(false));
        if children.len() == children.capacity() {
            // Before the list grows: forget children that are gone, so the
            // list stays proportional to the live ones.
            children.retain(|child| child.strong_count() > 0);
        }
        children.push(Arc::downgrade(&child));
        CancellationToken { node: child }
    }

    /// Cancels this token and every descendant, and wakes every task
    /// waiting in [`cancelled`](Self::cancelled) on them. Idempotent.
    ///
    /// ```
    /// let token = groundup::sync::CancellationToken::new();
    /// let clone = token.clone();
    /// token.cancel();
    /// token.cancel();
    /// assert!(clone.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        // A loop rather than recursion: a deep chain of children cannot
        // overflow the stack.
        let mut to_cancel = vec![Arc::clone(&self.node)];
        while let Some(node) = to_cancel.pop() {
            // AcqRel: Release for `is_cancelled`'s Acquire; Acquire so that
            // whoever set it first is ordered before us. Already set: that
            // caller cancels (or cancelled) the children.
            if node.cancelled.swap(true, Ordering::AcqRel) {
                continue;
            }
            node.notify.notify_waiters();
            let children = std::mem::take(&mut *node.children());
            to_cancel.extend(children.iter().filter_map(Weak::upgrade));
        }
    }

    /// Whether this token is cancelled (by itself, a clone or an
    /// ancestor).
    ///
    /// ```
    /// let token = groundup::sync::CancellationToken::new();
    /// assert!(!token.is_cancelled());
    /// token.cancel();
    /// assert!(token.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.node.is_cancelled()
    }

    /// A future that completes once this token is cancelled (at once if
    /// it is). Cancel-safe.
    ///
    /// ```
    /// use groundup::sync::CancellationToken;
    ///
    /// # groundup::block_on(async {
    /// let token = CancellationToken::new();
    /// let waiter = {
    ///     let token = token.clone();
    ///     groundup::spawn(async move { token.cancelled().await })
    /// };
    /// token.cancel();
    /// waiter.await.unwrap();
    /// # });
    /// ```
    pub fn cancelled(&self) -> WaitForCancellationFuture<'_> {
        WaitForCancellationFuture { node: &self.node, inner: NotifiedWith::new(&self.node.notify) }
    }

    /// [`cancelled`](Self::cancelled), owning the token: `'static`, to
    /// store or spawn.
    ///
    /// ```
    /// use groundup::sync::CancellationToken;
    ///
    /// # groundup::block_on(async {
    /// let token = CancellationToken::new();
    /// let waiter = groundup::spawn(token.clone().cancelled_owned());
    /// token.cancel();
    /// waiter.await.unwrap();
    /// # });
    /// ```
    pub fn cancelled_owned(self) -> WaitForCancellationFutureOwned {
        WaitForCancellationFutureOwned { inner: NotifiedWith::new(NodeNotify(self.node)) }
    }

    /// Runs `fut` until it completes (`Some(output)`) or the token is
    /// cancelled (`None`, and `fut` is dropped unfinished), as tokio-util's
    /// method. Cancellation is checked first on every poll, so a token
    /// already cancelled never polls `fut` at all.
    ///
    /// ```
    /// use groundup::sync::CancellationToken;
    /// use std::future::pending;
    ///
    /// # groundup::block_on(async {
    /// let token = CancellationToken::new();
    /// assert_eq!(token.run_until_cancelled(async { 7 }).await, Some(7));
    /// let stopper = token.clone();
    /// groundup::spawn(async move { stopper.cancel() });
    /// assert_eq!(token.run_until_cancelled(pending::<()>()).await, None);
    /// # });
    /// ```
    pub async fn run_until_cancelled<F: Future>(&self, fut: F) -> Option<F::Output> {
        let mut cancelled = std::pin::pin!(self.cancelled());
        let mut fut = std::pin::pin!(fut);
        std::future::poll_fn(|cx| {
            if cancelled.as_mut().poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            fut.as_mut().poll(cx).map(Some)
        })
        .await
    }

    /// [`run_until_cancelled`](Self::run_until_cancelled), owning the
    /// token: `'static` when `fut` is, to spawn.
    ///
    /// ```
    /// use groundup::sync::CancellationToken;
    ///
    /// # groundup::block_on(async {
    /// let token = CancellationToken::new();
    /// let task = groundup::spawn(token.clone().run_until_cancelled_owned(async { "done" }));
    /// assert_eq!(task.await.unwrap(), Some("done"));
    /// # });
    /// ```
    pub async fn run_until_cancelled_owned<F: Future>(self, fut: F) -> Option<F::Output> {
        self.run_until_cancelled(fut).await
    }

    /// A guard that cancels this token when it is dropped (unless
    /// [`disarm`](DropGuard::disarm)ed).
    ///
    /// ```
    /// use groundup::sync::CancellationToken;
    ///
    /// let token = CancellationToken::new();
    /// {
    ///     let _guard = token.clone().drop_guard();
    /// } // dropped: cancels
    /// assert!(token.is_cancelled());
    /// ```
    pub fn drop_guard(self) -> DropGuard {
        DropGuard { token: Some(self) }
    }
}

impl Default for CancellationToken {
    fn default() -> CancellationToken {
        CancellationToken::new()
    }
}

impl fmt::Debug for CancellationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancellationToken").field("is_cancelled", &self.is_cancelled()).finish()
    }
}

/// The future of [`CancellationToken::cancelled`].
///
/// ```
/// use groundup::sync::{CancellationToken, WaitForCancellationFuture};
///
/// # groundup::block_on(async {
/// let token = CancellationToken::new();
/// token.cancel();
/// let cancelled: WaitForCancellationFuture<'_> = token.cancelled();
/// cancelled.await;
/// # });
/// ```
pub struct WaitForCancellationFuture<'a> {
    node: &'a Node,
    inner: NotifiedWith<&'a Notify>,
}

/// The future of [`CancellationToken::cancelled_owned`].
///
/// ```
/// use groundup::sync::{CancellationToken, WaitForCancellationFutureOwned};
///
/// # groundup::block_on(async {
/// let token = CancellationToken::new();
/// let cancelled: WaitForCancellationFutureOwned = token.clone().cancelled_owned();
/// token.cancel();
/// cancelled.await;
/// # });
/// ```
pub struct WaitForCancellationFutureOwned {
    inner: NotifiedWith<NodeNotify>,
}

/// An owned handle to a node that reaches its `Notify`.
struct NodeNotify(Arc<Node>);

impl Deref for NodeNotify {
    type Target = Notify;

    fn deref(&self) -> &Notify {
        &self.0.notify
    }
}

/// Polls a wait for `node`'s cancellation: the flag first, then the
/// `Notify` future, which was created before this first check.
fn poll_cancelled<N: Deref<Target = Notify>>(
    node: &Node,
    inner: Pin<&mut NotifiedWith<N>>,
    cx: &mut Context<'_>,
) -> Poll<()> {
    if node.is_cancelled() {
        return Poll::Ready(());
    }
    // Only `cancel` notifies this `Notify`, after setting the flag: once
    // the future completes, the flag is set.
    inner.poll(cx)
}

impl Future for WaitForCancellationFuture<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: structural pinning of `inner`, which is never moved out
        // (no `Drop` here could); `node` is a plain reference.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above: `inner` stays where it is.
        let inner = unsafe { Pin::new_unchecked(&mut this.inner) };
        poll_cancelled(this.node, inner, cx)
    }
}

impl Future for WaitForCancellationFutureOwned {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: structural pinning of the one field (see above).
        let inner = unsafe { self.map_unchecked_mut(|this| &mut this.inner) };
        if inner.handle().0.is_cancelled() {
            return Poll::Ready(());
        }
        // Only `cancel` notifies, after setting the flag (`poll_cancelled`).
        inner.poll(cx)
    }
}

impl fmt::Debug for WaitForCancellationFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitForCancellationFuture").finish_non_exhaustive()
    }
}

impl fmt::Debug for WaitForCancellationFutureOwned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitForCancellationFutureOwned").finish_non_exhaustive()
    }
}

/// Cancels its token when dropped. Made by
/// [`CancellationToken::drop_guard`].
///
/// ```
/// use groundup::sync::CancellationToken;
///
/// let token = CancellationToken::new();
/// let guard = token.clone().drop_guard();
/// let token_back = guard.disarm(); // dropped disarmed: no cancel
/// assert!(!token.is_cancelled());
/// # drop(token_back);
/// ```
pub struct DropGuard {
    /// `None` once disarmed.
    token: Option<CancellationToken>,
}

impl DropGuard {
    /// Gives the token back without cancelling it.
    ///
    /// ```
    /// let token = groundup::sync::CancellationToken::new();
    /// let token = token.drop_guard().disarm();
    /// assert!(!token.is_cancelled());
    /// ```
    pub fn disarm(mut self) -> CancellationToken {
        self.token.take().expect("a DropGuard holds its token until disarmed or dropped")
    }
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        if let Some(token) = &self.token {
            token.cancel();
        }
    }
}

impl fmt::Debug for DropGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DropGuard").field("token", &self.token).finish()
    }
}
