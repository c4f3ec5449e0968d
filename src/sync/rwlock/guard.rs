//! The guards of [`RwLock::read`] and [`RwLock::write`], which borrow the
//! lock, and the narrowed write guard that [`RwLockWriteGuard::map`] makes.
//!
//! A read guard points at what it reads (the data, or the part a `map`
//! chose) and holds the lock's semaphore to give its one permit back; a
//! write guard holds the lock itself, whose count of permits it gives back;
//! a mapped write guard, which no longer names the lock's type, carries
//! that count. Each `map` runs its closure while the guard it consumes
//! still owns the permits, so a panic in the closure unlocks; only then is
//! the old guard forgotten and its permits handed to the new one.
//!
//! What a closure returns is kept as a raw pointer, read for as long as
//! the new guard lives. That is sound because the closure is generic over
//! the lifetime of the borrow it is given (`FnOnce(&T) -> &U` is
//! `for<'x> FnOnce(&'x T) -> &'x U`): what it returns is either borrowed
//! from the data, which the permits protect for `'a`, or lives forever.

use std::marker::PhantomData;

use super::RwLock;
use crate::sync::batch_semaphore::Semaphore;

/// Shared access to an [`RwLock`]'s data, or to a part of it (see
/// [`map`](Self::map)), until dropped.
#[must_use = "the read lock is released as soon as the guard is dropped"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    semaphore: &'a Semaphore,
    /// The data, or the part of it a `map` narrowed to; shared with other
    /// readers for as long as the permit is held.
    data: *const T,
    _data: PhantomData<&'a T>,
}

/// Exclusive access to an [`RwLock`]'s data, until dropped.
#[must_use = "the write lock is released as soon as the guard is dropped"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
    _data: PhantomData<&'a mut T>,
}

/// Exclusive access to a part of an [`RwLock`]'s data, made by
/// [`RwLockWriteGuard::map`]: it holds every permit of the lock, and gives
/// them all back when dropped.
///
/// A separate type from [`RwLockWriteGuard`], as in tokio, so that it has
/// no `downgrade`: the closure that made it saw `&mut T`, which can reach
/// through interior mutability without its lock (`Mutex::get_mut`), and a
/// part reached that way must not be shared with other readers. See
/// [`RwLockWriteGuard::downgrade_map`] for the way that is safe.
#[must_use = "the write lock is released as soon as the guard is dropped"]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    semaphore: &'a Semaphore,
    /// Every permit of the lock (its `max_readers`).
    permits: u32,
    /// The part, borrowed exclusively for as long as the permits are held.
    data: *mut T,
    /// `&mut T`-like, for variance.
    _data: PhantomData<&'a mut T>,
}

// SAFETY: a read guard only hands out `&T` (sending or sharing it shares
// `T`, hence `T: Sync`) and gives a permit back to the semaphore, which is
// thread-safe; it never moves `T`, so `T: Send` is not needed (tokio asks
// `Send + Sync` for `Sync`; `&guard` gives no more than `&T`).
unsafe impl<T: ?Sized + Sync> Send for RwLockReadGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Sync> Sync for RwLockReadGuard<'_, T> {}
// SAFETY: the guard is a `&mut T` into data locked by the permits it holds,
// and a `&Semaphore` (thread-safe): it may move to another thread when
// `T: Send`, and be shared when `T: Sync`, as `&mut T` may, and as
// `MappedMutexGuard`. (tokio asks `Send + Sync` for both.)
unsafe impl<T: ?Sized + Send> Send for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: `&RwLockMappedWriteGuard` gives only `&T`.
unsafe impl<T: ?Sized + Sync> Sync for RwLockMappedWriteGuard<'_, T> {}
// `RwLockWriteGuard` is `Send` and `Sync` when `&RwLock<T>` is: `T: Send +
// Sync`, tokio's bounds.

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// A guard for `lock`, whose caller has just acquired one permit.
    pub(super) fn new(lock: &'a RwLock<T>) -> RwLockReadGuard<'a, T> {
        RwLockReadGuard { semaphore: &lock.semaphore, data: lock.data.get(), _data: PhantomData }
    }

    /// Narrows the guard to a part of the data (a field, an element),
    /// keeping the read lock. This cannot fail: the guard already holds the
    /// lock.
    ///
    /// An associated function, called as `RwLockReadGuard::map(guard, f)`,
    /// so that it cannot shadow a method of the data (as in tokio, and in
    /// `parking_lot`'s `RwLockReadGuard::map`).
    ///
    /// ```
    /// use groundup::sync::{RwLock, RwLockReadGuard};
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new((1, String::from("one")));
    /// let name: RwLockReadGuard<'_, String> =
    ///     RwLockReadGuard::map(lock.read().await, |(_, name)| name);
    /// assert_eq!(*name, "one");
    /// assert!(lock.try_write().is_err(), "still read-locked");
    /// drop(name);
    /// assert!(lock.try_write().is_ok());
    /// # });
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let part: *const U = f(&*this);
        let semaphore = this.semaphore;
        std::mem::forget(this); // its permit passes to the new guard
        RwLockReadGuard { semaphore, data: part, _data: PhantomData }
    }

    /// [`map`](Self::map) where `f` may decline (`None`): then the original
    /// guard comes back, still read-locked.
    ///
    /// Called as `RwLockReadGuard::try_map(guard, f)`, as `map`.
    ///
    /// ```
    /// use groundup::sync::{RwLock, RwLockReadGuard};
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new(vec![1, 2]);
    /// let guard = RwLockReadGuard::try_map(lock.read().await, |v| v.get(5)).unwrap_err();
    /// assert_eq!(*guard, [1, 2], "the whole guard back");
    /// let second = RwLockReadGuard::try_map(guard, |v| v.get(1)).unwrap();
    /// assert_eq!(*second, 2);
    /// # });
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let part: *const U = match f(&*this) {
            Some(part) => part,
            None => return Err(this),
        };
        let semaphore = this.semaphore;
        std::mem::forget(this);
        Ok(RwLockReadGuard { semaphore, data: part, _data: PhantomData })
    }
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// A guard for `lock`, whose caller has just acquired every permit.
    pub(super) fn new(lock: &'a RwLock<T>) -> RwLockWriteGuard<'a, T> {
        RwLockWriteGuard { lock, _data: PhantomData }
    }

    /// The lock, with this guard forgotten: its permits are the caller's
    /// to pass on.
    fn into_lock(this: Self) -> &'a RwLock<T> {
        let lock = this.lock;
        std::mem::forget(this);
        lock
    }

    /// Narrows the guard to a part of the data, keeping the write lock: an
    /// [`RwLockMappedWriteGuard`], which gives every permit back when
    /// dropped. This cannot fail: the guard already holds the lock.
    ///
    /// An associated function, called as `RwLockWriteGuard::map(guard, f)`,
    /// so that it cannot shadow a method of the data (as `parking_lot`'s
    /// `RwLockWriteGuard::map`).
    ///
    /// ```
    /// use groundup::sync::{RwLock, RwLockWriteGuard};
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new((1, String::from("one")));
    /// {
    ///     let mut name = RwLockWriteGuard::map(lock.write().await, |(_, name)| name);
    ///     name.push('!');
    ///     assert!(lock.try_read().is_err(), "still write-locked");
    /// }
    /// assert_eq!(lock.read().await.1, "one!");
    /// # });
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let part: *mut U = f(&mut *this);
        let lock = Self::into_lock(this);
        RwLockMappedWriteGuard::new(lock, part)
    }

    /// [`map`](Self::map) where `f` may decline (`None`): then the original
    /// guard comes back, still write-locked.
    ///
    /// Called as `RwLockWriteGuard::try_map(guard, f)`, as `map`.
    ///
    /// ```
    /// use groundup::sync::{RwLock, RwLockWriteGuard};
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new(vec![1, 2]);
    /// let guard = RwLockWriteGuard::try_map(lock.write().await, |v| v.get_mut(5)).unwrap_err();
    /// let mut second = RwLockWriteGuard::try_map(guard, |v| v.get_mut(1)).unwrap();
    /// *second = 20;
    /// drop(second);
    /// assert_eq!(*lock.read().await, [1, 20]);
    /// # });
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let part: *mut U = match f(&mut *this) {
            Some(part) => part,
            None => return Err(this),
        };
        let lock = Self::into_lock(this);
        Ok(RwLockMappedWriteGuard::new(lock, part))
    }

    /// Narrows the guard to a part of the data and turns it into shared
    /// access in one step, without letting a writer in between (as
    /// [`downgrade`](Self::downgrade)). This cannot fail.
    ///
    /// `f` is given `&T`, not `&mut T`, though the lock is still exclusive
    /// while it runs: a `&mut T` could reach through interior mutability
    /// without its lock, and what it reached would then be shared.
    ///
    /// Called as `RwLockWriteGuard::downgrade_map(guard, f)`, as `map`.
    ///
    /// ```
    /// use groundup::sync::{RwLock, RwLockWriteGuard};
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new((1, 2));
    /// let mut write = lock.write().await;
    /// write.1 = 3;
    /// let second = RwLockWriteGuard::downgrade_map(write, |pair| &pair.1);
    /// let other = lock.read().await; // readers may come in now
    /// assert_eq!((*second, other.1), (3, 3));
    /// # });
    /// ```
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let part: *const U = f(&*this);
        Self::downgrade_to(this, part)
    }

    /// [`downgrade_map`](Self::downgrade_map) where `f` may decline
    /// (`None`): then the original guard comes back, still write-locked (it
    /// was neither unlocked nor downgraded).
    ///
    /// Called as `RwLockWriteGuard::try_downgrade_map(guard, f)`, as `map`.
    ///
    /// ```
    /// use groundup::sync::{RwLock, RwLockWriteGuard};
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new(vec![1, 2]);
    /// let write = lock.write().await;
    /// let write = RwLockWriteGuard::try_downgrade_map(write, |v| v.get(5)).unwrap_err();
    /// assert!(lock.try_read().is_err(), "still write-locked");
    /// let first = RwLockWriteGuard::try_downgrade_map(write, |v| v.first()).unwrap();
    /// assert_eq!(*first, 1);
    /// assert!(lock.try_read().is_ok());
    /// # });
    /// ```
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let part: *const U = match f(&*this) {
            Some(part) => part,
            None => return Err(this),
        };
        Ok(Self::downgrade_to(this, part))
    }

    /// The guard as an [`RwLockMappedWriteGuard`] of the whole data, to
    /// store where a mapped guard is expected: `map(guard, |data| data)`.
    ///
    /// ```
    /// use groundup::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new(1);
    /// let mut guard: RwLockMappedWriteGuard<'_, i32> =
    ///     RwLockWriteGuard::into_mapped(lock.write().await);
    /// *guard = 2;
    /// drop(guard);
    /// assert_eq!(*lock.read().await, 2);
    /// # });
    /// ```
    #[inline]
    pub fn into_mapped(this: Self) -> RwLockMappedWriteGuard<'a, T> {
        Self::map(this, |data| data)
    }

    /// Turns exclusive access into shared access without letting a writer
    /// in between: the lock keeps one permit and gives the rest back (to
    /// the readers waiting in front, first). A writer waiting in front of
    /// them stays in front: the lock is fair, so a downgrade does not
    /// always let more readers in.
    ///
    /// ```
    /// use groundup::sync::RwLock;
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new(1);
    /// let mut write = lock.write().await;
    /// *write = 2;
    /// let read = write.downgrade();
    /// assert_eq!(*read, 2);
    /// assert!(lock.try_read().is_ok(), "other readers may come in now");
    /// # });
    /// ```
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        Self::downgrade_map(self, |data| data)
    }

    /// The downgrade itself: a read guard of `part` takes one of this
    /// guard's permits, and the rest go back to the lock.
    fn downgrade_to<U: ?Sized>(this: Self, part: *const U) -> RwLockReadGuard<'a, U> {
        let lock = Self::into_lock(this);
        let read = RwLockReadGuard { semaphore: &lock.semaphore, data: part, _data: PhantomData };
        lock.semaphore.release(lock.max_readers as usize - 1);
        read
    }
}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    /// A guard of `part`, a part of `lock`'s data, with every permit of
    /// `lock`, which the caller passes to it.
    fn new<L: ?Sized>(lock: &'a RwLock<L>, part: *mut T) -> RwLockMappedWriteGuard<'a, T> {
        RwLockMappedWriteGuard {
            semaphore: &lock.semaphore,
            permits: lock.max_readers,
            data: part,
            _data: PhantomData,
        }
    }

    /// Narrows further, as [`RwLockWriteGuard::map`]; the new guard holds
    /// every permit, as this one did.
    ///
    /// ```
    /// use groundup::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new(((0, 1), 2));
    /// let outer = RwLockWriteGuard::map(lock.write().await, |n| &mut n.0);
    /// let mut inner = RwLockMappedWriteGuard::map(outer, |o| &mut o.1);
    /// *inner = 10;
    /// drop(inner);
    /// assert_eq!(*lock.read().await, ((0, 10), 2));
    /// # });
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let part: *mut U = f(&mut *this);
        let (semaphore, permits) = (this.semaphore, this.permits);
        std::mem::forget(this);
        RwLockMappedWriteGuard { semaphore, permits, data: part, _data: PhantomData }
    }

    /// [`map`](Self::map) where `f` may decline (`None`): then this guard
    /// comes back, still write-locked.
    ///
    /// ```
    /// use groundup::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// # groundup::block_on(async {
    /// let lock = RwLock::new((vec![1], 2));
    /// let list = RwLockWriteGuard::map(lock.write().await, |pair| &mut pair.0);
    /// let list = RwLockMappedWriteGuard::try_map(list, |v| v.get_mut(3)).unwrap_err();
    /// let first = RwLockMappedWriteGuard::try_map(list, |v| v.get_mut(0)).unwrap();
    /// assert_eq!(*first, 1);
    /// # });
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let part: *mut U = match f(&mut *this) {
            Some(part) => part,
            None => return Err(this),
        };
        let (semaphore, permits) = (this.semaphore, this.permits);
        std::mem::forget(this);
        Ok(RwLockMappedWriteGuard { semaphore, permits, data: part, _data: PhantomData })
    }
}

guard_impls!(
    ['a, T: ?Sized] RwLockReadGuard<'a, T> => T,
    data: |guard| guard.data,
    release: |guard| guard.semaphore.release(1),
    mutable: false
);
guard_impls!(
    ['a, T: ?Sized] RwLockWriteGuard<'a, T> => T,
    data: |guard| guard.lock.data.get(),
    release: |guard| guard.lock.semaphore.release(guard.lock.max_readers as usize),
    mutable: true
);
guard_impls!(
    ['a, T: ?Sized] RwLockMappedWriteGuard<'a, T> => T,
    data: |guard| guard.data,
    release: |guard| guard.semaphore.release(guard.permits as usize),
    mutable: true
);
