//! A counting semaphore: tokio's `sync::Semaphore`, on the batch semaphore
//! that the locks and the bounded channel share (`batch_semaphore.rs`, whose
//! essay says how it works).
//!
//! Waiters are served first come, first served: `acquire_many(5)` waiting
//! in front holds back a later `acquire()` even when one permit is free,
//! and collects released permits until it has its five. `try_acquire*`
//! never waits and never queues; it succeeds only when permits are free,
//! which they never are while somebody waits, so it does not overtake
//! either.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;

use crate::sync::batch_semaphore::{self, Closed};

/// Waits for `n` permits of `semaphore`, spending the task's cooperative
/// budget on each poll (so a task that always finds permits still yields).
/// Every waiting type of `groundup::sync` acquires through here.
pub(crate) async fn acquire(
    semaphore: &batch_semaphore::Semaphore,
    n: usize,
) -> Result<(), Closed> {
    let mut acquire = pin!(semaphore.acquire(n));
    poll_fn(|cx| {
        if !crate::coop::proceed(cx) {
            return Poll::Pending;
        }
        acquire.as_mut().poll(cx)
    })
    .await
}

/// A counting semaphore: a number of permits that tasks (and threads)
/// acquire, wait for, and give back.
///
/// `Send` and `Sync`: a std thread or another runtime may release permits
/// (drop a permit, [`add_permits`](Self::add_permits)) and wake a task
/// waiting here.
///
/// ```
/// use std::sync::Arc;
/// use groundup::sync::Semaphore;
///
/// # groundup::block_on(async {
/// // At most two of the ten tasks run their critical part at once.
/// let semaphore = Arc::new(Semaphore::new(2));
/// let tasks: Vec<_> = (0..10)
///     .map(|_| {
///         let semaphore = Arc::clone(&semaphore);
///         groundup::spawn(async move {
///             let _permit = semaphore.acquire().await.unwrap();
///             // ... at most two tasks here at a time ...
///         })
///     })
///     .collect();
/// for task in tasks {
///     task.await.unwrap();
/// }
/// assert_eq!(semaphore.available_permits(), 2);
/// # });
/// ```
pub struct Semaphore {
    inner: batch_semaphore::Semaphore,
}

/// A permit (or several) of a [`Semaphore`], given back when dropped.
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct SemaphorePermit<'a> {
    semaphore: &'a Semaphore,
    permits: u32,
}

/// A permit (or several) of a [`Semaphore`] held through an `Arc`, so that
/// it can outlive the borrow (move into a spawned task); given back when
/// dropped.
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct OwnedSemaphorePermit {
    semaphore: Arc<Semaphore>,
    permits: u32,
}

/// The error of a waiting acquire: the semaphore was closed.
///
/// ```
/// use groundup::sync::Semaphore;
///
/// # groundup::block_on(async {
/// let semaphore = Semaphore::new(0);
/// semaphore.close();
/// let error = semaphore.acquire().await.unwrap_err();
/// assert_eq!(error.to_string(), "semaphore closed");
/// # });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireError(());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl std::error::Error for AcquireError {}

/// The error of a `try_acquire*`.
///
/// ```
/// use groundup::sync::{Semaphore, TryAcquireError};
///
/// let semaphore = Semaphore::new(1);
/// let _held = semaphore.try_acquire().unwrap();
/// assert_eq!(semaphore.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
/// semaphore.close();
/// assert_eq!(semaphore.try_acquire().unwrap_err(), TryAcquireError::Closed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore is closed.
    Closed,
    /// Not enough permits are free now.
    NoPermits,
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => f.write_str("semaphore closed"),
            TryAcquireError::NoPermits => f.write_str("no permits available"),
        }
    }
}

impl std::error::Error for TryAcquireError {}

impl From<batch_semaphore::TryAcquireError> for TryAcquireError {
    fn from(error: batch_semaphore::TryAcquireError) -> TryAcquireError {
        match error {
            batch_semaphore::TryAcquireError::Closed => TryAcquireError::Closed,
            batch_semaphore::TryAcquireError::NoPermits => TryAcquireError::NoPermits,
        }
    }
}

impl Semaphore {
    /// The most permits a semaphore can hold.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// assert_eq!(Semaphore::MAX_PERMITS, usize::MAX >> 3);
    /// ```
    pub const MAX_PERMITS: usize = batch_semaphore::MAX_PERMITS;

    /// A semaphore with `permits` permits.
    ///
    /// # Panics
    ///
    /// If `permits` exceeds [`MAX_PERMITS`](Self::MAX_PERMITS).
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// assert_eq!(Semaphore::new(3).available_permits(), 3);
    /// ```
    pub fn new(permits: usize) -> Semaphore {
        Semaphore { inner: batch_semaphore::Semaphore::new(permits) }
    }

    /// As [`new`](Self::new), for a `static`.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// static CONNECTIONS: Semaphore = Semaphore::const_new(100);
    /// assert_eq!(CONNECTIONS.available_permits(), 100);
    /// ```
    pub const fn const_new(permits: usize) -> Semaphore {
        Semaphore { inner: batch_semaphore::Semaphore::const_new(permits) }
    }

    /// The permits free now. Zero while somebody waits: released permits
    /// go to the waiters first.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// let semaphore = Semaphore::new(3);
    /// let _two = semaphore.try_acquire_many(2).unwrap();
    /// assert_eq!(semaphore.available_permits(), 1);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.inner.available_permits()
    }

    /// Adds `n` permits: to the waiters first, in order, and the rest to
    /// the free permits. May be called from any thread.
    ///
    /// # Panics
    ///
    /// If the semaphore would hold more than
    /// [`MAX_PERMITS`](Self::MAX_PERMITS).
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// let semaphore = Semaphore::new(0);
    /// semaphore.add_permits(2);
    /// assert_eq!(semaphore.available_permits(), 2);
    /// ```
    pub fn add_permits(&self, n: usize) {
        self.inner.release(n);
    }

    /// Takes up to `n` of the free permits away for good; returns how many
    /// it took.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// let semaphore = Semaphore::new(3);
    /// assert_eq!(semaphore.forget_permits(5), 3);
    /// assert_eq!(semaphore.available_permits(), 0);
    /// ```
    pub fn forget_permits(&self, n: usize) -> usize {
        let mut want = n.min(self.inner.available_permits());
        while want > 0 {
            match self.inner.try_acquire(want) {
                Ok(()) => return want,
                Err(batch_semaphore::TryAcquireError::Closed) => return 0,
                Err(batch_semaphore::TryAcquireError::NoPermits) => {
                    want = want.min(self.inner.available_permits());
                }
            }
        }
        0
    }

    /// Waits for a permit, in line behind every earlier waiter.
    ///
    /// Cancel safety: dropping the future gives up its place in line; if
    /// the permit had just been handed to it, it goes to the next waiter.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    ///
    /// # groundup::block_on(async {
    /// let semaphore = Semaphore::new(1);
    /// let permit = semaphore.acquire().await.unwrap();
    /// assert_eq!(semaphore.available_permits(), 0);
    /// drop(permit);
    /// assert_eq!(semaphore.available_permits(), 1);
    /// # });
    /// ```
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.acquire_many(1).await
    }

    /// Waits for `n` permits at once, in line behind every earlier waiter
    /// (permits released meanwhile accumulate in it, so that later small
    /// requests do not starve it).
    ///
    /// Cancel safety: as [`acquire`](Self::acquire); permits it was
    /// partially granted go to the next waiter.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    ///
    /// # groundup::block_on(async {
    /// let semaphore = Semaphore::new(5);
    /// let permits = semaphore.acquire_many(3).await.unwrap();
    /// assert_eq!(permits.num_permits(), 3);
    /// # });
    /// ```
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        acquire(&self.inner, n as usize).await.map_err(|Closed| AcquireError(()))?;
        Ok(SemaphorePermit { semaphore: self, permits: n })
    }

    /// Takes a permit if one is free now.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// let semaphore = Semaphore::new(1);
    /// assert!(semaphore.try_acquire().is_ok());
    /// ```
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are free now.
    ///
    /// ```
    /// use groundup::sync::{Semaphore, TryAcquireError};
    /// let semaphore = Semaphore::new(2);
    /// assert_eq!(semaphore.try_acquire_many(3).unwrap_err(), TryAcquireError::NoPermits);
    /// assert_eq!(semaphore.try_acquire_many(2).unwrap().num_permits(), 2);
    /// ```
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.inner.try_acquire(n as usize)?;
        Ok(SemaphorePermit { semaphore: self, permits: n })
    }

    /// As [`acquire`](Self::acquire), with a permit that holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Semaphore;
    ///
    /// # groundup::block_on(async {
    /// let semaphore = Arc::new(Semaphore::new(1));
    /// let permit = Arc::clone(&semaphore).acquire_owned().await.unwrap();
    /// groundup::spawn(async move { drop(permit) }).await.unwrap();
    /// assert_eq!(semaphore.available_permits(), 1);
    /// # });
    /// ```
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_many_owned(1).await
    }

    /// As [`acquire_many`](Self::acquire_many), with a permit that holds
    /// the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Semaphore;
    ///
    /// # groundup::block_on(async {
    /// let semaphore = Arc::new(Semaphore::new(4));
    /// let permit = Arc::clone(&semaphore).acquire_many_owned(4).await.unwrap();
    /// assert_eq!(permit.num_permits(), 4);
    /// # });
    /// ```
    pub async fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        acquire(&self.inner, n as usize).await.map_err(|Closed| AcquireError(()))?;
        Ok(OwnedSemaphorePermit { semaphore: self, permits: n })
    }

    /// As [`try_acquire`](Self::try_acquire), with a permit that holds the
    /// `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Semaphore;
    /// let semaphore = Arc::new(Semaphore::new(1));
    /// let _permit = Arc::clone(&semaphore).try_acquire_owned().unwrap();
    /// assert_eq!(semaphore.available_permits(), 0);
    /// ```
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// As [`try_acquire_many`](Self::try_acquire_many), with a permit that
    /// holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Semaphore;
    /// let semaphore = Arc::new(Semaphore::new(3));
    /// let permit = Arc::clone(&semaphore).try_acquire_many_owned(3).unwrap();
    /// assert_eq!(permit.num_permits(), 3);
    /// ```
    pub fn try_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.inner.try_acquire(n as usize)?;
        Ok(OwnedSemaphorePermit { semaphore: self, permits: n })
    }

    /// Closes the semaphore: every waiting acquire fails with
    /// [`AcquireError`], and so does every later one. Permits already held
    /// stay valid.
    ///
    /// ```
    /// use groundup::sync::{Semaphore, TryAcquireError};
    /// let semaphore = Semaphore::new(1);
    /// semaphore.close();
    /// assert!(semaphore.is_closed());
    /// assert_eq!(semaphore.try_acquire().unwrap_err(), TryAcquireError::Closed);
    /// ```
    pub fn close(&self) {
        self.inner.close();
    }

    /// Whether [`close`](Self::close) was called.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// assert!(!Semaphore::new(1).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore").field("inner", &self.inner).finish()
    }
}

impl<'a> SemaphorePermit<'a> {
    /// Keeps the permits taken for good: dropping no longer gives them
    /// back.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// let semaphore = Semaphore::new(2);
    /// semaphore.try_acquire().unwrap().forget();
    /// assert_eq!(semaphore.available_permits(), 1);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this holds.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// let semaphore = Semaphore::new(2);
    /// assert_eq!(semaphore.try_acquire_many(2).unwrap().num_permits(), 2);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits as usize
    }

    /// Adds the permits of `other` (of the same semaphore) to this one.
    ///
    /// # Panics
    ///
    /// If `other` belongs to another semaphore.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// let semaphore = Semaphore::new(3);
    /// let mut permit = semaphore.try_acquire().unwrap();
    /// permit.merge(semaphore.try_acquire_many(2).unwrap());
    /// assert_eq!(permit.num_permits(), 3);
    /// ```
    pub fn merge(&mut self, mut other: SemaphorePermit<'a>) {
        assert!(
            std::ptr::eq(self.semaphore, other.semaphore),
            "merging permits of different semaphores"
        );
        self.permits += other.permits;
        other.permits = 0;
    }

    /// Splits `n` permits off into a permit of their own, or gives `None`
    /// if this holds fewer.
    ///
    /// ```
    /// use groundup::sync::Semaphore;
    /// let semaphore = Semaphore::new(3);
    /// let mut permit = semaphore.try_acquire_many(3).unwrap();
    /// let one = permit.split(1).unwrap();
    /// assert_eq!((permit.num_permits(), one.num_permits()), (2, 1));
    /// ```
    pub fn split(&mut self, n: usize) -> Option<SemaphorePermit<'a>> {
        let n = u32::try_from(n).ok().filter(|&n| n <= self.permits)?;
        self.permits -= n;
        Some(SemaphorePermit { semaphore: self.semaphore, permits: n })
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.semaphore.inner.release(self.permits as usize);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit").field("permits", &self.permits).finish()
    }
}

impl OwnedSemaphorePermit {
    /// Keeps the permits taken for good.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Semaphore;
    /// let semaphore = Arc::new(Semaphore::new(1));
    /// Arc::clone(&semaphore).try_acquire_owned().unwrap().forget();
    /// assert_eq!(semaphore.available_permits(), 0);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this holds.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Semaphore;
    /// let semaphore = Arc::new(Semaphore::new(1));
    /// assert_eq!(semaphore.try_acquire_owned().unwrap().num_permits(), 1);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits as usize
    }

    /// The semaphore the permits belong to.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Semaphore;
    /// let semaphore = Arc::new(Semaphore::new(1));
    /// let permit = Arc::clone(&semaphore).try_acquire_owned().unwrap();
    /// assert!(Arc::ptr_eq(permit.semaphore(), &semaphore));
    /// ```
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.semaphore
    }

    /// Adds the permits of `other` (of the same semaphore) to this one.
    ///
    /// # Panics
    ///
    /// If `other` belongs to another semaphore.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Semaphore;
    /// let semaphore = Arc::new(Semaphore::new(2));
    /// let mut permit = Arc::clone(&semaphore).try_acquire_owned().unwrap();
    /// permit.merge(Arc::clone(&semaphore).try_acquire_owned().unwrap());
    /// assert_eq!(permit.num_permits(), 2);
    /// ```
    pub fn merge(&mut self, mut other: OwnedSemaphorePermit) {
        assert!(
            Arc::ptr_eq(&self.semaphore, &other.semaphore),
            "merging permits of different semaphores"
        );
        self.permits += other.permits;
        other.permits = 0;
    }

    /// Splits `n` permits off into a permit of their own, or gives `None`
    /// if this holds fewer.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Semaphore;
    /// let semaphore = Arc::new(Semaphore::new(2));
    /// let mut permit = Arc::clone(&semaphore).try_acquire_many_owned(2).unwrap();
    /// assert!(permit.split(3).is_none());
    /// assert_eq!(permit.split(1).unwrap().num_permits(), 1);
    /// ```
    pub fn split(&mut self, n: usize) -> Option<OwnedSemaphorePermit> {
        let n = u32::try_from(n).ok().filter(|&n| n <= self.permits)?;
        self.permits -= n;
        Some(OwnedSemaphorePermit { semaphore: Arc::clone(&self.semaphore), permits: n })
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.semaphore.inner.release(self.permits as usize);
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit").field("permits", &self.permits).finish()
    }
}
