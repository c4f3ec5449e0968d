//! An async reader-writer lock: tokio's `sync::RwLock`, a batch semaphore
//! with one permit per reader allowed at once.
//!
//! A reader acquires one permit, a writer all of them. Since the semaphore
//! serves its line in order and a large request in front collects the
//! permits released to it, the lock is fair the way tokio promises: a
//! waiting writer holds back the readers that came after it (no writer
//! starvation), and readers that came before it go first. A `read` or
//! `write` future dropped while it waits leaves the line, passing on the
//! permits it was granted.
//!
//! ## Guards, and narrowing them
//!
//! A guard is the permits it holds and a pointer to what they protect; it
//! gives the permits back when dropped. The pointer is what lets a guard
//! be *mapped*, as in tokio: `RwLockReadGuard::map(guard, |data| &data.field)`
//! keeps the one permit and points at the field. A mapped guard no longer
//! names the lock's type (a `RwLockReadGuard<'_, Field>` for a lock of a
//! struct), so it carries what it must give back: a read guard one permit
//! (as a `MappedMutexGuard` gives back its mutex's one), a mapped write
//! guard the lock's whole count, `max_readers`, which it stores.
//!
//! A write guard maps to a type of its own, [`RwLockMappedWriteGuard`],
//! which has no `downgrade`: its closure was given `&mut T`, and `&mut`
//! reaches past interior mutability without its lock (`Mutex::get_mut`),
//! so a part reached that way must never be shared with readers who go
//! through the inner lock. `downgrade_map` is the safe way round: its
//! closure sees only `&T`.
//!
//! `guard.rs` has the guards of `read`/`write`, `owned.rs` those of
//! `read_owned`/`write_owned`, which hold the `Arc` and name both the
//! lock's type and the part's (`OwnedRwLockReadGuard<T, U = T>`).

use std::cell::UnsafeCell;
use std::fmt;
use std::sync::Arc;

use crate::sync::batch_semaphore::{self, Closed};
use crate::sync::mutex::TryLockError;

/// `Deref` (and `DerefMut` for the write guards), the `Drop` that gives the
/// permits back, `Debug` and `Display`, for one guard type: `data` is the
/// pointer the guard reads through, `release` what its drop runs.
macro_rules! guard_impls {
    (
        [$($generics:tt)*] $guard:ty => $target:ident,
        data: |$this:ident| $data:expr,
        release: |$dropped:ident| $release:expr,
        mutable: $mutable:tt
    ) => {
        impl<$($generics)*> std::ops::Deref for $guard {
            type Target = $target;
            fn deref(&self) -> &$target {
                let $this = self;
                // SAFETY: the guard holds its permits until it is dropped:
                // a read guard's one keeps writers out, a write guard's
                // every one keeps everybody out. `data` points into the
                // lock's data, which outlives the guard (a borrow, or the
                // `Arc` it holds), or at what a `map` closure returned,
                // which is borrowed from that data or lives forever (see
                // `guard.rs`).
                unsafe { &*$data }
            }
        }

        impl<$($generics)*> Drop for $guard {
            fn drop(&mut self) {
                let $dropped = &*self;
                $release;
            }
        }

        impl<$($generics)*> std::fmt::Debug for $guard
        where
            $target: std::fmt::Debug,
        {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&**self, f)
            }
        }

        impl<$($generics)*> std::fmt::Display for $guard
        where
            $target: std::fmt::Display,
        {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&**self, f)
            }
        }

        guard_impls!(@mut $mutable [$($generics)*] $guard => $target, data: |$this| $data);
    };
    (@mut true [$($generics:tt)*] $guard:ty => $target:ident, data: |$this:ident| $data:expr) => {
        impl<$($generics)*> std::ops::DerefMut for $guard {
            fn deref_mut(&mut self) -> &mut $target {
                let $this = &*self;
                // SAFETY: a write guard holds every permit, so nobody else
                // reaches the data (see `deref`), and `&mut self` makes
                // this borrow the only one through the guard.
                unsafe { &mut *$data }
            }
        }
    };
    (@mut false [$($generics:tt)*] $guard:ty => $target:ident, data: |$this:ident| $data:expr) => {};
}

mod guard;
mod owned;
pub use guard::{RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard};
pub use owned::{OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard};

/// The most readers an [`RwLock`] can admit at once (tokio's figure).
const MAX_READS: u32 = u32::MAX >> 3;

/// An async reader-writer lock; see the module docs.
///
/// ```
/// use groundup::sync::RwLock;
///
/// # groundup::block_on(async {
/// let lock = RwLock::new(5);
/// {
///     let (r1, r2) = (lock.read().await, lock.read().await);
///     assert_eq!(*r1 + *r2, 10);
/// }
/// *lock.write().await += 1;
/// assert_eq!(*lock.read().await, 6);
/// # });
/// ```
pub struct RwLock<T: ?Sized> {
    max_readers: u32,
    semaphore: batch_semaphore::Semaphore,
    data: UnsafeCell<T>,
}

// SAFETY: a writer gets `&mut T` (possibly on another thread): `T: Send`;
// readers on several threads share `&T`: `T: Sync`. The semaphore's
// permits exclude a writer from everyone else.
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

impl<T> RwLock<T> {
    /// A lock around `value` that admits up to `u32::MAX >> 3` readers at
    /// once.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    /// let lock = RwLock::new(5);
    /// # drop(lock);
    /// ```
    pub fn new(value: T) -> RwLock<T> {
        RwLock::with_max_readers(value, MAX_READS)
    }

    /// A lock that admits at most `max_reads` readers at once.
    ///
    /// # Panics
    ///
    /// If `max_reads` is 0 or more than `u32::MAX >> 3`.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    ///
    /// let lock = RwLock::with_max_readers((), 2);
    /// let (_a, _b) = (lock.try_read().unwrap(), lock.try_read().unwrap());
    /// assert!(lock.try_read().is_err());
    /// ```
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T> {
        assert!(max_reads <= MAX_READS, "a lock may not admit more than {MAX_READS} readers");
        assert!(max_reads > 0, "a lock must admit at least one reader");
        RwLock {
            max_readers: max_reads,
            semaphore: batch_semaphore::Semaphore::new(max_reads as usize),
            data: UnsafeCell::new(value),
        }
    }

    /// As [`new`](Self::new), for a `static`.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    /// static CONFIG: RwLock<u32> = RwLock::const_new(8);
    /// # groundup::block_on(async { assert_eq!(*CONFIG.read().await, 8) });
    /// ```
    pub const fn const_new(value: T) -> RwLock<T> {
        RwLock::const_with_max_readers(value, MAX_READS)
    }

    /// As [`with_max_readers`](Self::with_max_readers), for a `static`.
    ///
    /// # Panics
    ///
    /// As `with_max_readers` (at compile time in a const).
    ///
    /// ```
    /// use groundup::sync::RwLock;
    /// static LOCK: RwLock<()> = RwLock::const_with_max_readers((), 4);
    /// # drop(LOCK.try_read().unwrap());
    /// ```
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> RwLock<T> {
        assert!(max_reads <= MAX_READS && max_reads > 0, "max_reads out of range");
        RwLock {
            max_readers: max_reads,
            semaphore: batch_semaphore::Semaphore::const_new(max_reads as usize),
            data: UnsafeCell::new(value),
        }
    }

    /// The data, out of the lock.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    /// assert_eq!(RwLock::new(1).into_inner(), 1);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> RwLock<T> {
    async fn acquire(&self, permits: u32) {
        match crate::sync::semaphore::acquire(&self.semaphore, permits as usize).await {
            Ok(()) => {}
            Err(Closed) => unreachable!("an RwLock's semaphore is never closed"),
        }
    }

    /// Waits for shared access, in line: behind a writer that waits, even
    /// while other readers hold the lock.
    ///
    /// Cancel safety: dropping the future gives up its place in line.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new(1);
    /// let (a, b) = (lock.read().await, lock.read().await);
    /// assert_eq!(*a, *b);
    /// # });
    /// ```
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.acquire(1).await;
        RwLockReadGuard::new(self)
    }

    /// As [`read`](Self::read), with a guard that holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::RwLock;
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new(1));
    /// let guard = Arc::clone(&lock).read_owned().await;
    /// assert_eq!(groundup::spawn(async move { *guard }).await.unwrap(), 1);
    /// # });
    /// ```
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        self.acquire(1).await;
        OwnedRwLockReadGuard::new(self)
    }

    /// Shared access if it is free now.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    /// let lock = RwLock::new(1);
    /// let _write = lock.try_write().unwrap();
    /// assert!(lock.try_read().is_err());
    /// ```
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        self.semaphore.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(RwLockReadGuard::new(self))
    }

    /// As [`try_read`](Self::try_read), with a guard that holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::RwLock;
    /// let lock = Arc::new(RwLock::new(1));
    /// assert_eq!(*Arc::clone(&lock).try_read_owned().unwrap(), 1);
    /// ```
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        self.semaphore.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(OwnedRwLockReadGuard::new(self))
    }

    /// Waits for exclusive access, in line.
    ///
    /// Cancel safety: dropping the future gives up its place in line, and
    /// the permits readers released to it go to those behind it.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new(1);
    /// *lock.write().await = 2;
    /// assert_eq!(*lock.read().await, 2);
    /// # });
    /// ```
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.acquire(self.max_readers).await;
        RwLockWriteGuard::new(self)
    }

    /// As [`write`](Self::write), with a guard that holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::RwLock;
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut guard = Arc::clone(&lock).write_owned().await;
    /// groundup::spawn(async move { *guard = 3 }).await.unwrap();
    /// assert_eq!(*lock.read().await, 3);
    /// # });
    /// ```
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        self.acquire(self.max_readers).await;
        OwnedRwLockWriteGuard::new(self)
    }

    /// Exclusive access if it is free now.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    /// let lock = RwLock::new(1);
    /// let _read = lock.try_read().unwrap();
    /// assert!(lock.try_write().is_err());
    /// ```
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        self.semaphore.try_acquire(self.max_readers as usize).map_err(|_| TryLockError(()))?;
        Ok(RwLockWriteGuard::new(self))
    }

    /// As [`try_write`](Self::try_write), with a guard that holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::RwLock;
    /// let lock = Arc::new(RwLock::new(1));
    /// *Arc::clone(&lock).try_write_owned().unwrap() = 2;
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        self.semaphore.try_acquire(self.max_readers as usize).map_err(|_| TryLockError(()))?;
        Ok(OwnedRwLockWriteGuard::new(self))
    }

    /// Reads on a thread outside any runtime, parking it until shared
    /// access is free.
    ///
    /// # Panics
    ///
    /// If called inside a groundup runtime.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    /// let lock = RwLock::new(1);
    /// assert_eq!(*lock.blocking_read(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        crate::sync::blocking::block_on("RwLock::blocking_read", self.read())
    }

    /// Writes on a thread outside any runtime, parking it until exclusive
    /// access is free.
    ///
    /// # Panics
    ///
    /// If called inside a groundup runtime.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    /// let lock = RwLock::new(1);
    /// *lock.blocking_write() = 2;
    /// assert_eq!(*lock.blocking_read(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        crate::sync::blocking::block_on("RwLock::blocking_write", self.write())
    }

    /// The data, through `&mut self`: no lock needed.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    /// let mut lock = RwLock::new(1);
    /// *lock.get_mut() = 2;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> RwLock<T> {
        RwLock::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(value: T) -> RwLock<T> {
        RwLock::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}
