//! An async mutex: tokio's `sync::Mutex`, a one-permit batch semaphore
//! around the data.
//!
//! Locking is acquiring the one permit; the guard gives it back when
//! dropped. Waiting tasks are served first come, first served (the
//! semaphore's line), and a `lock` future dropped while it waits leaves
//! the line, passing the lock on if it had just been handed it. The
//! permit's hand-over is an Acquire/Release pair on the semaphore's word
//! (or its lock), which is what orders one holder's writes to the data
//! before the next holder's reads.
//!
//! Unlike `std::sync::Mutex`, the guard may be held across an `.await`,
//! and there is no poisoning: a task that panics while holding the guard
//! drops it, and the data is as it left it. Prefer std's mutex when the
//! lock is never held across an `.await`: it is cheaper.

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::sync::batch_semaphore::{self, Closed};

/// An async mutex; see the module docs.
///
/// ```
/// use std::sync::Arc;
/// use groundup::sync::Mutex;
///
/// # groundup::block_on(async {
/// let count = Arc::new(Mutex::new(0));
/// let tasks: Vec<_> = (0..10)
///     .map(|_| {
///         let count = Arc::clone(&count);
///         groundup::spawn(async move {
///             let mut guard = count.lock().await;
///             groundup::task::yield_now().await; // held across an await
///             *guard += 1;
///         })
///     })
///     .collect();
/// for task in tasks {
///     task.await.unwrap();
/// }
/// assert_eq!(*count.lock().await, 10);
/// # });
/// ```
pub struct Mutex<T: ?Sized> {
    semaphore: batch_semaphore::Semaphore,
    data: UnsafeCell<T>,
}

// SAFETY: the data moves between threads with the lock (a guard may be
// dropped on another thread), hence `T: Send`; it is only reached through a
// guard, which holds the one permit, so no two threads touch it at once:
// `T: Sync` is not needed, as for std's `Mutex`.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}

/// The lock of a [`Mutex`], held until dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a Mutex<T>,
    /// `&mut T`-like: the guard is `Sync` only when `T` is (see below).
    _data: PhantomData<&'a mut T>,
}

// SAFETY: `&MutexGuard` gives `&T`, so sharing the guard shares `T`.
unsafe impl<T: ?Sized + Send + Sync> Sync for MutexGuard<'_, T> {}

/// The lock of a [`Mutex`] held through an `Arc`, so that it can move into
/// a spawned task.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct OwnedMutexGuard<T: ?Sized> {
    lock: Arc<Mutex<T>>,
}

// SAFETY: as for `MutexGuard`.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedMutexGuard<T> {}

/// The error of `try_lock`: the mutex is locked.
///
/// ```
/// use groundup::sync::Mutex;
/// let mutex = Mutex::new(());
/// let _guard = mutex.try_lock().unwrap();
/// assert_eq!(mutex.try_lock().unwrap_err().to_string(), "operation would block");
/// ```
#[derive(Debug)]
pub struct TryLockError(pub(crate) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl std::error::Error for TryLockError {}

impl<T> Mutex<T> {
    /// A mutex around `value`, unlocked.
    ///
    /// ```
    /// use groundup::sync::Mutex;
    /// let mutex = Mutex::new(5);
    /// # drop(mutex);
    /// ```
    pub fn new(value: T) -> Mutex<T> {
        Mutex { semaphore: batch_semaphore::Semaphore::new(1), data: UnsafeCell::new(value) }
    }

    /// As [`new`](Self::new), for a `static`.
    ///
    /// ```
    /// use groundup::sync::Mutex;
    /// static COUNT: Mutex<u32> = Mutex::const_new(0);
    /// # groundup::block_on(async { *COUNT.lock().await += 1; });
    /// ```
    pub const fn const_new(value: T) -> Mutex<T> {
        Mutex { semaphore: batch_semaphore::Semaphore::const_new(1), data: UnsafeCell::new(value) }
    }

    /// The data, out of the mutex.
    ///
    /// ```
    /// use groundup::sync::Mutex;
    /// assert_eq!(Mutex::new(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Waits for the lock, in line behind every earlier waiter.
    ///
    /// Cancel safety: dropping the future gives up its place in line (and
    /// the lock, if it had just been handed it).
    ///
    /// ```
    /// use groundup::sync::Mutex;
    ///
    /// # groundup::block_on(async {
    /// let mutex = Mutex::new(1);
    /// *mutex.lock().await += 1;
    /// assert_eq!(*mutex.lock().await, 2);
    /// # });
    /// ```
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self, _data: PhantomData }
    }

    /// As [`lock`](Self::lock), with a guard that holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Mutex;
    ///
    /// # groundup::block_on(async {
    /// let mutex = Arc::new(Mutex::new(1));
    /// let mut guard = Arc::clone(&mutex).lock_owned().await;
    /// groundup::spawn(async move { *guard += 1 }).await.unwrap();
    /// assert_eq!(*mutex.lock().await, 2);
    /// # });
    /// ```
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.acquire().await;
        OwnedMutexGuard { lock: self }
    }

    /// Locks on a thread outside any runtime, parking it until the lock is
    /// free.
    ///
    /// # Panics
    ///
    /// If called inside a groundup runtime: `.await` [`lock`](Self::lock)
    /// there.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Mutex;
    ///
    /// let mutex = Arc::new(Mutex::new(0));
    /// let other = Arc::clone(&mutex);
    /// std::thread::spawn(move || *other.blocking_lock() += 1).join().unwrap();
    /// assert_eq!(*mutex.blocking_lock(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        crate::sync::blocking::block_on("Mutex::blocking_lock", self.lock())
    }

    /// As [`blocking_lock`](Self::blocking_lock), with a guard that holds
    /// the `Arc`.
    ///
    /// # Panics
    ///
    /// If called inside a groundup runtime.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Mutex;
    ///
    /// let mutex = Arc::new(Mutex::new(0));
    /// *Arc::clone(&mutex).blocking_lock_owned() += 1;
    /// assert_eq!(*mutex.blocking_lock(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        crate::sync::blocking::block_on("Mutex::blocking_lock_owned", self.lock_owned())
    }

    /// Takes the lock if it is free now (and nobody waits for it).
    ///
    /// ```
    /// use groundup::sync::Mutex;
    /// let mutex = Mutex::new(1);
    /// let guard = mutex.try_lock().unwrap();
    /// assert!(mutex.try_lock().is_err());
    /// drop(guard);
    /// assert!(mutex.try_lock().is_ok());
    /// ```
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        self.semaphore.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(MutexGuard { lock: self, _data: PhantomData })
    }

    /// As [`try_lock`](Self::try_lock), with a guard that holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Mutex;
    /// let mutex = Arc::new(Mutex::new(1));
    /// let guard = Arc::clone(&mutex).try_lock_owned().unwrap();
    /// assert!(mutex.try_lock().is_err());
    /// # drop(guard);
    /// ```
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        self.semaphore.try_acquire(1).map_err(|_| TryLockError(()))?;
        Ok(OwnedMutexGuard { lock: self })
    }

    /// The data, through `&mut self`: no lock needed, none can be held.
    ///
    /// ```
    /// use groundup::sync::Mutex;
    /// let mut mutex = Mutex::new(1);
    /// *mutex.get_mut() = 2;
    /// assert_eq!(mutex.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }

    async fn acquire(&self) {
        match crate::sync::semaphore::acquire(&self.semaphore, 1).await {
            Ok(()) => {}
            Err(Closed) => unreachable!("a Mutex's semaphore is never closed"),
        }
    }

    fn unlock(&self) {
        self.semaphore.release(1);
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Mutex<T> {
        Mutex::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// The mutex this guard locks.
    ///
    /// ```
    /// use groundup::sync::{Mutex, MutexGuard};
    /// let mutex = Mutex::new(());
    /// let guard = mutex.try_lock().unwrap();
    /// assert!(std::ptr::eq(MutexGuard::mutex(&guard), &mutex));
    /// ```
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }

    /// Narrows the guard to a part of the data (a field, an element),
    /// keeping the lock. tokio's associated function, called as
    /// `MutexGuard::map(guard, f)` so that it cannot shadow a method of `T`.
    ///
    /// ```
    /// use groundup::sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// # groundup::block_on(async {
    /// let pair = Mutex::new((1, String::from("one")));
    /// let mut name: MappedMutexGuard<'_, String> =
    ///     MutexGuard::map(pair.lock().await, |(_, name)| name);
    /// name.push('!');
    /// assert!(pair.try_lock().is_err(), "still locked");
    /// drop(name);
    /// assert_eq!(pair.lock().await.1, "one!");
    /// # });
    /// ```
    pub fn map<U: ?Sized>(this: Self, f: impl FnOnce(&mut T) -> &mut U) -> MappedMutexGuard<'a, U> {
        let lock = this.lock;
        // SAFETY: the guard holds the one permit, as in `deref_mut`; the
        // permit passes to the mapped guard below (this guard is forgotten,
        // not dropped), so the borrow stays exclusive for `'a` or until the
        // mapped guard releases it. `f` runs while `this` still owns the
        // permit, so a panic in it unlocks.
        let part: *mut U = f(unsafe { &mut *lock.data.get() });
        std::mem::forget(this);
        MappedMutexGuard { semaphore: &lock.semaphore, data: part, _data: PhantomData }
    }

    /// [`map`](Self::map) where `f` may decline (`None`): then the
    /// original guard comes back, still locked.
    ///
    /// ```
    /// use groundup::sync::{Mutex, MutexGuard};
    ///
    /// # groundup::block_on(async {
    /// let list = Mutex::new(vec![1, 2]);
    /// let guard = list.lock().await;
    /// let guard = MutexGuard::try_map(guard, |v| v.get_mut(5)).unwrap_err();
    /// let third = MutexGuard::try_map(guard, |v| v.get_mut(1)).unwrap();
    /// assert_eq!(*third, 2);
    /// # });
    /// ```
    pub fn try_map<U: ?Sized>(
        this: Self,
        f: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<MappedMutexGuard<'a, U>, Self> {
        let lock = this.lock;
        // SAFETY: as in `map`: the guard holds the permit and `this` is not
        // used while `f` borrows the data; on `None` the borrow has ended.
        match f(unsafe { &mut *lock.data.get() }) {
            Some(part) => {
                let part: *mut U = part;
                std::mem::forget(this);
                Ok(MappedMutexGuard { semaphore: &lock.semaphore, data: part, _data: PhantomData })
            }
            None => Err(this),
        }
    }
}

/// A [`MutexGuard`] narrowed by [`MutexGuard::map`] to a part of the data.
/// It holds the lock; dropping it unlocks the mutex. There is no way back
/// to the mutex from it (tokio's type has none either: the part may not
/// be where the mutex is).
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    semaphore: &'a batch_semaphore::Semaphore,
    /// The part, borrowed for as long as the permit is held.
    data: *mut T,
    /// `&mut T`-like, for `Send`, `Sync` and variance.
    _data: PhantomData<&'a mut T>,
}

// SAFETY: the guard is a `&mut T` into data locked by the permit it holds
// (and a `&Semaphore`, which is `Sync`): it may move to another thread with
// the part when `T: Send`, as `&mut T` may.
unsafe impl<T: ?Sized + Send> Send for MappedMutexGuard<'_, T> {}
// SAFETY: `&MappedMutexGuard` gives only `&T`.
unsafe impl<T: ?Sized + Sync> Sync for MappedMutexGuard<'_, T> {}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// Narrows further, as [`MutexGuard::map`].
    ///
    /// ```
    /// use groundup::sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// # groundup::block_on(async {
    /// let nested = Mutex::new(((0, 1), 2));
    /// let outer = MutexGuard::map(nested.lock().await, |n| &mut n.0);
    /// let inner = MappedMutexGuard::map(outer, |o| &mut o.1);
    /// assert_eq!(*inner, 1);
    /// # });
    /// ```
    pub fn map<U: ?Sized>(this: Self, f: impl FnOnce(&mut T) -> &mut U) -> MappedMutexGuard<'a, U> {
        let semaphore = this.semaphore;
        // SAFETY: this guard holds the permit and the exclusive borrow of
        // `data`; both pass to the new guard (this one is forgotten after
        // `f`, so a panic in `f` unlocks).
        let part: *mut U = f(unsafe { &mut *this.data });
        std::mem::forget(this);
        MappedMutexGuard { semaphore, data: part, _data: PhantomData }
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: `data` was borrowed from the locked data and the permit
        // is held until drop: nobody else reaches it.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes the borrow unique.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.semaphore.release(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the one permit: nobody else reaches the
        // data until it is dropped.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes the borrow unique.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.unlock();
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// The mutex this guard locks.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{Mutex, OwnedMutexGuard};
    /// let mutex = Arc::new(Mutex::new(()));
    /// let guard = Arc::clone(&mutex).try_lock_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&guard), &mutex));
    /// ```
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }

    /// Narrows the guard to a part of the data, keeping the lock and the
    /// `Arc`, as [`MutexGuard::map`]; the mapped guard can still move into
    /// a spawned task.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    ///
    /// # groundup::block_on(async {
    /// let pair = Arc::new(Mutex::new((1, String::from("one"))));
    /// let mut name: OwnedMappedMutexGuard<(i32, String), String> =
    ///     OwnedMutexGuard::map(Arc::clone(&pair).lock_owned().await, |(_, name)| name);
    /// groundup::spawn(async move { name.push('!') }).await.unwrap();
    /// assert_eq!(pair.lock().await.1, "one!");
    /// # });
    /// ```
    #[inline]
    pub fn map<U, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, U>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> &mut U,
    {
        // `f` runs while `this` still holds the permit, so a panic in it
        // unlocks (`this` is dropped as the panic unwinds).
        let part: *mut U = f(&mut *this);
        OwnedMappedMutexGuard { lock: Self::into_lock(this), data: part }
    }

    /// [`map`](Self::map) where `f` may decline (`None`): then the
    /// original guard comes back, still locked.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{Mutex, OwnedMutexGuard};
    ///
    /// # groundup::block_on(async {
    /// let list = Arc::new(Mutex::new(vec![1, 2]));
    /// let guard = Arc::clone(&list).lock_owned().await;
    /// let guard = OwnedMutexGuard::try_map(guard, |v| v.get_mut(5)).unwrap_err();
    /// let second = OwnedMutexGuard::try_map(guard, |v| v.get_mut(1)).unwrap();
    /// assert_eq!(*second, 2);
    /// # });
    /// ```
    #[inline]
    pub fn try_map<U, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, U>, Self>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let part: *mut U = match f(&mut *this) {
            Some(part) => part,
            None => return Err(this),
        };
        Ok(OwnedMappedMutexGuard { lock: Self::into_lock(this), data: part })
    }

    /// The `Arc`, with this guard's `Drop` skipped: its permit is the
    /// caller's to pass on (to a mapped guard, which releases it).
    fn into_lock(this: Self) -> Arc<Mutex<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again (`ManuallyDrop`,
        // and it goes out of scope here), so the `Arc` is moved out exactly
        // once and its count stays right.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: as for `MutexGuard`.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `MutexGuard`.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.unlock();
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// An [`OwnedMutexGuard`] narrowed by [`OwnedMutexGuard::map`] to a part
/// `U` of a `Mutex<T>`'s data. It holds the lock and the `Arc`; dropping it
/// unlocks the mutex (and drops the `Arc`).
///
/// The part is a raw pointer into the data, which lives in the `Arc`'s
/// allocation: the guard's own `Arc` keeps that allocation alive for as
/// long as the pointer is held, whoever else drops theirs, and moving the
/// `Arc` from one guard to the next does not move what it points at.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct OwnedMappedMutexGuard<T: ?Sized, U: ?Sized = T> {
    /// Keeps the data alive, and gives the permit back on drop.
    lock: Arc<Mutex<T>>,
    /// The part, borrowed exclusively for as long as the permit is held.
    data: *mut U,
}

// SAFETY: the guard is a `&mut U` into data locked by the permit it holds,
// so it may move with the part when `U: Send`, as `&mut U` may; and it owns
// an `Arc<Mutex<T>>`, which is `Send` when `T: Send` (the last holder may
// drop `T` on any thread). These are tokio's bounds.
unsafe impl<T: ?Sized + Send, U: ?Sized + Send> Send for OwnedMappedMutexGuard<T, U> {}
// SAFETY: `&guard` gives `&U` (hence `U: Sync`) and nothing of `T`;
// tokio asks `Send + Sync` of both, and so do we, to match it.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedMappedMutexGuard<T, U> {}

impl<T: ?Sized, U: ?Sized> OwnedMappedMutexGuard<T, U> {
    /// Narrows further, as [`OwnedMutexGuard::map`].
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    ///
    /// # groundup::block_on(async {
    /// let nested = Arc::new(Mutex::new(((0, 1), 2)));
    /// let outer = OwnedMutexGuard::map(Arc::clone(&nested).lock_owned().await, |n| &mut n.0);
    /// *OwnedMappedMutexGuard::map(outer, |o| &mut o.1) = 10;
    /// assert_eq!(*nested.lock().await, ((0, 10), 2));
    /// # });
    /// ```
    #[inline]
    pub fn map<S, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, S>
    where
        S: ?Sized,
        F: FnOnce(&mut U) -> &mut S,
    {
        let part: *mut S = f(&mut *this);
        OwnedMappedMutexGuard { lock: Self::into_lock(this), data: part }
    }

    /// [`map`](Self::map) where `f` may decline (`None`): then this guard
    /// comes back, still locked.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    ///
    /// # groundup::block_on(async {
    /// let pair = Arc::new(Mutex::new((0, vec![1])));
    /// let list = OwnedMutexGuard::map(Arc::clone(&pair).lock_owned().await, |p| &mut p.1);
    /// let list = OwnedMappedMutexGuard::try_map(list, |v| v.get_mut(1)).unwrap_err();
    /// *OwnedMappedMutexGuard::try_map(list, |v| v.get_mut(0)).unwrap() = 5;
    /// assert_eq!(pair.lock().await.1, [5]);
    /// # });
    /// ```
    #[inline]
    pub fn try_map<S, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, S>, Self>
    where
        S: ?Sized,
        F: FnOnce(&mut U) -> Option<&mut S>,
    {
        let part: *mut S = match f(&mut *this) {
            Some(part) => part,
            None => return Err(this),
        };
        Ok(OwnedMappedMutexGuard { lock: Self::into_lock(this), data: part })
    }

    /// The `Arc`, with this guard's `Drop` skipped: its permit is the
    /// caller's to pass on.
    fn into_lock(this: Self) -> Arc<Mutex<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again (`ManuallyDrop`,
        // and it goes out of scope here), so the `Arc` is moved out exactly
        // once; `data` is a plain pointer with nothing to drop.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedMappedMutexGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: `data` was borrowed from the locked data, which lives in
        // the allocation that `self.lock` keeps alive; the permit is held
        // until drop, so nobody else reaches the part.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedMappedMutexGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as in `deref`, and `&mut self` makes the borrow unique.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedMappedMutexGuard<T, U> {
    fn drop(&mut self) {
        // The permit goes back first; the `Arc` (a field) is dropped after,
        // so the mutex is alive while it is unlocked.
        self.lock.unlock();
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
