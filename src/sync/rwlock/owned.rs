//! The guards of [`RwLock::read_owned`] and [`RwLock::write_owned`], which
//! hold the lock's `Arc` (so that they can move into a spawned task), and
//! the narrowed owned write guard.
//!
//! They mirror `guard.rs`, with one difference in their types: an owned
//! guard keeps the `Arc<RwLock<T>>` whatever part it was narrowed to, so a
//! mapped one names both, `OwnedRwLockReadGuard<T, U>` (`U = T` until
//! mapped), and can always give back the right permits: it has the lock.
//! The data lives in the `Arc`'s allocation, so moving the `Arc` from one
//! guard to the next does not move what the pointer points at.

use std::mem::ManuallyDrop;
use std::sync::Arc;

use super::RwLock;

/// As [`RwLockReadGuard`](super::RwLockReadGuard), holding the `Arc`: shared
/// access to the data of an `RwLock<T>`, or to a part `U` of it (see
/// [`map`](Self::map)), until dropped.
#[must_use = "the read lock is released as soon as the guard is dropped"]
pub struct OwnedRwLockReadGuard<T: ?Sized, U: ?Sized = T> {
    lock: Arc<RwLock<T>>,
    /// The data, or the part of it a `map` narrowed to.
    data: *const U,
}

/// As [`RwLockWriteGuard`](super::RwLockWriteGuard), holding the `Arc`.
#[must_use = "the write lock is released as soon as the guard is dropped"]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    lock: Arc<RwLock<T>>,
}

/// As [`RwLockMappedWriteGuard`](super::RwLockMappedWriteGuard), holding the
/// `Arc`: exclusive access to a part `U` of an `RwLock<T>`'s data, made by
/// [`OwnedRwLockWriteGuard::map`]. No `downgrade`, for the same reason.
#[must_use = "the write lock is released as soon as the guard is dropped"]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    lock: Arc<RwLock<T>>,
    /// The part, borrowed exclusively for as long as the permits are held.
    data: *mut U,
}

// SAFETY: the owned read guard shares `U` (hence `U: Sync`, as a read
// guard), and holds an `Arc<RwLock<T>>`, which the last holder may drop
// (dropping `T`) on any thread, and which `rwlock` shares: `T: Send + Sync`.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Send for OwnedRwLockReadGuard<T, U> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Sync for OwnedRwLockReadGuard<T, U> {}
// SAFETY: a write guard hands out `&mut T` on the thread it is on (`Send`
// needs `T: Send`) and `&T` through `&guard` (`Sync` needs `T: Sync`); the
// `Arc` needs both.
unsafe impl<T: ?Sized + Send + Sync> Send for OwnedRwLockWriteGuard<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedRwLockWriteGuard<T> {}
// SAFETY: the `Arc` as above; the part as a `&mut U`: it may move to
// another thread when `U: Send`, and be shared when `U: Sync`.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send> Send for OwnedRwLockMappedWriteGuard<T, U> {}
// SAFETY: `&guard` gives `&U` and `&Arc<RwLock<T>>`.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Sync for OwnedRwLockMappedWriteGuard<T, U> {}

impl<T: ?Sized> OwnedRwLockReadGuard<T> {
    /// A guard for `lock`, whose caller has just acquired one permit.
    pub(super) fn new(lock: Arc<RwLock<T>>) -> OwnedRwLockReadGuard<T> {
        let data = lock.data.get();
        OwnedRwLockReadGuard { lock, data }
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockReadGuard<T, U> {
    /// The `Arc`, with this guard's `Drop` skipped: its permit is the
    /// caller's to pass on.
    fn into_lock(this: Self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again (`ManuallyDrop`,
        // and it goes out of scope here): the `Arc` is moved out once.
        unsafe { std::ptr::read(&this.lock) }
    }

    /// Narrows the guard to a part of the data, keeping the read lock, as
    /// [`RwLockReadGuard::map`](super::RwLockReadGuard::map). This cannot
    /// fail: the guard already holds the lock.
    ///
    /// Called as `OwnedRwLockReadGuard::map(guard, f)`, so that it cannot
    /// shadow a method of the data.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockReadGuard, RwLock};
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let second: OwnedRwLockReadGuard<(i32, i32), i32> =
    ///     OwnedRwLockReadGuard::map(Arc::clone(&lock).read_owned().await, |pair| &pair.1);
    /// assert_eq!(groundup::spawn(async move { *second }).await.unwrap(), 2);
    /// # });
    /// ```
    #[inline]
    pub fn map<F, V: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, V>
    where
        F: FnOnce(&U) -> &V,
    {
        let part: *const V = f(&*this);
        OwnedRwLockReadGuard { lock: Self::into_lock(this), data: part }
    }

    /// [`map`](Self::map) where `f` may decline (`None`): then the original
    /// guard comes back, still read-locked.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockReadGuard, RwLock};
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new(vec![1, 2]));
    /// let guard = Arc::clone(&lock).read_owned().await;
    /// let guard = OwnedRwLockReadGuard::try_map(guard, |v| v.get(5)).unwrap_err();
    /// assert_eq!(*OwnedRwLockReadGuard::try_map(guard, |v| v.last()).unwrap(), 2);
    /// # });
    /// ```
    #[inline]
    pub fn try_map<F, V: ?Sized>(this: Self, f: F) -> Result<OwnedRwLockReadGuard<T, V>, Self>
    where
        F: FnOnce(&U) -> Option<&V>,
    {
        let part: *const V = match f(&*this) {
            Some(part) => part,
            None => return Err(this),
        };
        Ok(OwnedRwLockReadGuard { lock: Self::into_lock(this), data: part })
    }

    /// The lock this guard reads, mapped or not.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockReadGuard, RwLock};
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let guard = Arc::clone(&lock).read_owned().await;
    /// let guard = OwnedRwLockReadGuard::map(guard, |pair| &pair.0);
    /// assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&guard), &lock));
    /// # });
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    /// A guard for `lock`, whose caller has just acquired every permit.
    pub(super) fn new(lock: Arc<RwLock<T>>) -> OwnedRwLockWriteGuard<T> {
        OwnedRwLockWriteGuard { lock }
    }

    /// The `Arc`, with this guard's `Drop` skipped: its permits are the
    /// caller's to pass on.
    fn into_lock(this: Self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again (`ManuallyDrop`,
        // and it goes out of scope here): the `Arc` is moved out once.
        unsafe { std::ptr::read(&this.lock) }
    }

    /// Narrows the guard to a part of the data, keeping the write lock, as
    /// [`RwLockWriteGuard::map`](super::RwLockWriteGuard::map). This cannot
    /// fail.
    ///
    /// Called as `OwnedRwLockWriteGuard::map(guard, f)`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let mut second = OwnedRwLockWriteGuard::map(Arc::clone(&lock).write_owned().await, |p| &mut p.1);
    /// groundup::spawn(async move { *second = 3 }).await.unwrap();
    /// assert_eq!(*lock.read().await, (1, 3));
    /// # });
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let part: *mut U = f(&mut *this);
        OwnedRwLockMappedWriteGuard { lock: Self::into_lock(this), data: part }
    }

    /// [`map`](Self::map) where `f` may decline (`None`): then the original
    /// guard comes back, still write-locked.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let guard = Arc::clone(&lock).write_owned().await;
    /// let guard = OwnedRwLockWriteGuard::try_map(guard, |v| v.get_mut(1)).unwrap_err();
    /// *OwnedRwLockWriteGuard::try_map(guard, |v| v.get_mut(0)).unwrap() = 5;
    /// assert_eq!(*lock.read().await, [5]);
    /// # });
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let part: *mut U = match f(&mut *this) {
            Some(part) => part,
            None => return Err(this),
        };
        Ok(OwnedRwLockMappedWriteGuard { lock: Self::into_lock(this), data: part })
    }

    /// Narrows and downgrades in one step, without letting a writer in
    /// between, as
    /// [`RwLockWriteGuard::downgrade_map`](super::RwLockWriteGuard::downgrade_map)
    /// (and for the same reason, `f` sees only `&T`).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let write = Arc::clone(&lock).write_owned().await;
    /// let first = OwnedRwLockWriteGuard::downgrade_map(write, |pair| &pair.0);
    /// assert_eq!((*first, lock.read().await.0), (1, 1));
    /// # });
    /// ```
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let part: *const U = f(&*this);
        Self::downgrade_to(this, part)
    }

    /// [`downgrade_map`](Self::downgrade_map) where `f` may decline
    /// (`None`): then the original guard comes back, still write-locked.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let write = Arc::clone(&lock).write_owned().await;
    /// let write = OwnedRwLockWriteGuard::try_downgrade_map(write, |v| v.get(1)).unwrap_err();
    /// assert!(lock.try_read().is_err(), "still write-locked");
    /// let only = OwnedRwLockWriteGuard::try_downgrade_map(write, |v| v.first()).unwrap();
    /// assert_eq!(*only, 1);
    /// # });
    /// ```
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<OwnedRwLockReadGuard<T, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let part: *const U = match f(&*this) {
            Some(part) => part,
            None => return Err(this),
        };
        Ok(Self::downgrade_to(this, part))
    }

    /// The guard as an [`OwnedRwLockMappedWriteGuard`] of the whole data:
    /// `map(guard, |data| data)`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new(1));
    /// let guard: OwnedRwLockMappedWriteGuard<i32> =
    ///     OwnedRwLockWriteGuard::into_mapped(Arc::clone(&lock).write_owned().await);
    /// assert_eq!(*guard, 1);
    /// # });
    /// ```
    #[inline]
    pub fn into_mapped(this: Self) -> OwnedRwLockMappedWriteGuard<T> {
        Self::map(this, |data| data)
    }

    /// As [`RwLockWriteGuard::downgrade`](super::RwLockWriteGuard::downgrade).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::RwLock;
    /// let lock = Arc::new(RwLock::new(1));
    /// let read = Arc::clone(&lock).try_write_owned().unwrap().downgrade();
    /// assert_eq!(*read, 1);
    /// assert!(lock.try_read().is_ok());
    /// ```
    pub fn downgrade(self) -> OwnedRwLockReadGuard<T> {
        Self::downgrade_map(self, |data| data)
    }

    /// The lock this guard writes.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockWriteGuard, RwLock};
    /// let lock = Arc::new(RwLock::new(1));
    /// let guard = Arc::clone(&lock).try_write_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&guard), &lock));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }

    /// The downgrade itself: a read guard of `part` takes one of this
    /// guard's permits, and the rest go back to the lock.
    fn downgrade_to<U: ?Sized>(this: Self, part: *const U) -> OwnedRwLockReadGuard<T, U> {
        let read = OwnedRwLockReadGuard { lock: Self::into_lock(this), data: part };
        read.lock.semaphore.release(read.lock.max_readers as usize - 1);
        read
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    /// The `Arc`, with this guard's `Drop` skipped: its permits are the
    /// caller's to pass on.
    fn into_lock(this: Self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again (`ManuallyDrop`,
        // and it goes out of scope here): the `Arc` is moved out once.
        unsafe { std::ptr::read(&this.lock) }
    }

    /// Narrows further, as [`OwnedRwLockWriteGuard::map`].
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new(((0, 1), 2)));
    /// let outer = OwnedRwLockWriteGuard::map(Arc::clone(&lock).write_owned().await, |n| &mut n.0);
    /// *OwnedRwLockMappedWriteGuard::map(outer, |o| &mut o.1) = 10;
    /// assert_eq!(*lock.read().await, ((0, 10), 2));
    /// # });
    /// ```
    #[inline]
    pub fn map<F, V: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        let part: *mut V = f(&mut *this);
        OwnedRwLockMappedWriteGuard { lock: Self::into_lock(this), data: part }
    }

    /// [`map`](Self::map) where `f` may decline (`None`): then this guard
    /// comes back, still write-locked.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    ///
    /// # groundup::block_on(async {
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let all = OwnedRwLockWriteGuard::into_mapped(Arc::clone(&lock).write_owned().await);
    /// let all = OwnedRwLockMappedWriteGuard::try_map(all, |v| v.get_mut(1)).unwrap_err();
    /// assert!(OwnedRwLockMappedWriteGuard::try_map(all, |v| v.get_mut(0)).is_ok());
    /// # });
    /// ```
    #[inline]
    pub fn try_map<F, V: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        let part: *mut V = match f(&mut *this) {
            Some(part) => part,
            None => return Err(this),
        };
        Ok(OwnedRwLockMappedWriteGuard { lock: Self::into_lock(this), data: part })
    }

    /// The lock this guard writes a part of.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let guard = OwnedRwLockWriteGuard::map(Arc::clone(&lock).try_write_owned().unwrap(), |p| &mut p.0);
    /// assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&guard), &lock));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

guard_impls!(
    [T: ?Sized, U: ?Sized] OwnedRwLockReadGuard<T, U> => U,
    data: |guard| guard.data,
    release: |guard| guard.lock.semaphore.release(1),
    mutable: false
);
guard_impls!(
    [T: ?Sized] OwnedRwLockWriteGuard<T> => T,
    data: |guard| guard.lock.data.get(),
    release: |guard| guard.lock.semaphore.release(guard.lock.max_readers as usize),
    mutable: true
);
guard_impls!(
    [T: ?Sized, U: ?Sized] OwnedRwLockMappedWriteGuard<T, U> => U,
    data: |guard| guard.data,
    release: |guard| guard.lock.semaphore.release(guard.lock.max_readers as usize),
    mutable: true
);
