//! A barrier: tokio's `sync::Barrier`. `n` tasks call
//! [`wait`](Barrier::wait); the first `n - 1` wait, and the `n`-th
//! releases them all at once and is the "leader". Then the barrier is
//! ready for the next round.
//!
//! ## How it works
//!
//! Each round ("generation") has a batch semaphore with no permits, in
//! which the early arrivals wait; the last arrival closes it, which wakes
//! every waiter in one go (the semaphore's close), and starts the next
//! round with a fresh one. The count of arrivals sits under a std `Mutex`.
//! So the waiting, the waking and a waiter's giving up are the semaphore's
//! (and its waiter list's), not a mechanism of their own.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::sync::batch_semaphore::Semaphore;

/// A barrier for `n` tasks; see the module docs.
///
/// ```
/// use std::sync::Arc;
/// use groundup::sync::Barrier;
///
/// # groundup::block_on(async {
/// let barrier = Arc::new(Barrier::new(3));
/// let tasks: Vec<_> = (0..3)
///     .map(|_| {
///         let barrier = Arc::clone(&barrier);
///         groundup::spawn(async move { barrier.wait().await.is_leader() })
///     })
///     .collect();
/// let mut leaders = 0;
/// for task in tasks {
///     leaders += usize::from(task.await.unwrap());
/// }
/// assert_eq!(leaders, 1);
/// # });
/// ```
pub struct Barrier {
    n: usize,
    round: Mutex<Round>,
}

struct Round {
    /// Tasks that called `wait` this round.
    arrived: usize,
    /// Where this round's early arrivals wait; closed to release them.
    gate: Arc<Semaphore>,
}

/// What [`Barrier::wait`] gives: whether this task was the leader.
#[derive(Debug, Clone)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Whether this task was the one that released the round (exactly one
    /// per round is).
    ///
    /// ```
    /// use groundup::sync::Barrier;
    /// # groundup::block_on(async {
    /// assert!(Barrier::new(1).wait().await.is_leader());
    /// # });
    /// ```
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// A barrier that releases its waiters when `n` tasks have called
    /// [`wait`](Self::wait). `n` 0 acts as 1 (as tokio's).
    ///
    /// ```
    /// use groundup::sync::Barrier;
    /// let barrier = Barrier::new(10);
    /// # drop(barrier);
    /// ```
    pub fn new(n: usize) -> Barrier {
        Barrier { n: n.max(1), round: Mutex::new(Round { arrived: 0, gate: gate() }) }
    }

    /// Waits until `n` tasks have called `wait` this round.
    ///
    /// Cancel safety: not cancel safe, as tokio's: a `wait` future dropped
    /// while it waits still counts as arrived for this round (it leaves the
    /// line of waiters, and is not woken).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Barrier;
    ///
    /// # groundup::block_on(async {
    /// let barrier = Arc::new(Barrier::new(2));
    /// let other = Arc::clone(&barrier);
    /// let task = groundup::spawn(async move { other.wait().await.is_leader() });
    /// let here = barrier.wait().await.is_leader();
    /// assert_ne!(here, task.await.unwrap(), "one leader");
    /// # });
    /// ```
    pub async fn wait(&self) -> BarrierWaitResult {
        let gate = {
            let mut round = self.round.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            round.arrived += 1;
            if round.arrived == self.n {
                round.arrived = 0;
                let released = std::mem::replace(&mut round.gate, gate());
                drop(round);
                released.close();
                return BarrierWaitResult(true);
            }
            Arc::clone(&round.gate)
        };
        // No permit is ever added: only the close ends the wait.
        let _closed = crate::sync::semaphore::acquire(&gate, 1).await;
        BarrierWaitResult(false)
    }
}

/// A new round's gate: no permits.
fn gate() -> Arc<Semaphore> {
    Arc::new(Semaphore::new(0))
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier").field("n", &self.n).finish_non_exhaustive()
    }
}
