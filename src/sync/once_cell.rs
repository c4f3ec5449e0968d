//! A cell written once, with an async initialiser: tokio's
//! `sync::OnceCell`.
//!
//! ## How it works
//!
//! A flag says whether the value is there (read lock-free by
//! [`get`](OnceCell::get)), and a batch semaphore with one permit decides
//! who initialises: [`get_or_init`](OnceCell::get_or_init) takes the
//! permit and runs its initialiser, while later callers wait in the
//! semaphore's line. Once the value is stored, the semaphore is closed,
//! which wakes every waiter at once (they find the value) and makes every
//! later attempt fail fast. An initialiser that is cancelled (its future
//! dropped) or fails gives the permit back, and the next in line tries its
//! own.

use std::cell::UnsafeCell;
use std::fmt;
use std::future::Future;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::sync::batch_semaphore::{Semaphore, TryAcquireError};

/// A cell written once; see the module docs.
///
/// ```
/// use groundup::sync::OnceCell;
///
/// static CONFIG: OnceCell<String> = OnceCell::const_new();
///
/// # groundup::block_on(async {
/// let config = CONFIG.get_or_init(|| async { "loaded once".to_string() }).await;
/// assert_eq!(config, "loaded once");
/// # });
/// ```
pub struct OnceCell<T> {
    /// Set (Release) once `value` is written; never cleared but through
    /// `&mut self`.
    value_set: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
    /// One permit: the right to initialise. Closed once the value is set.
    semaphore: Semaphore,
}

// SAFETY: the value is written once, by the holder of the one permit, and
// only read (`&T`, from any thread) after `value_set` is seen with Acquire:
// sharing the cell shares `T` (`T: Sync`), and the initialiser may run on
// any thread (`T: Send`).
unsafe impl<T: Send + Sync> Sync for OnceCell<T> {}
// SAFETY: the cell owns its `T`.
unsafe impl<T: Send> Send for OnceCell<T> {}

/// The error of [`OnceCell::set`]; the value comes back.
///
/// ```
/// use groundup::sync::{OnceCell, SetError};
/// let cell = OnceCell::new();
/// cell.set(1).unwrap();
/// let error = cell.set(2).unwrap_err();
/// assert!(error.is_already_init_err());
/// assert_eq!(error.to_string(), "AlreadyInitializedError");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell already holds a value.
    AlreadyInitializedError(T),
    /// Another task is initialising the cell right now.
    InitializingError(T),
}

impl<T> SetError<T> {
    /// Whether the cell already held a value.
    ///
    /// ```
    /// use groundup::sync::SetError;
    /// assert!(SetError::AlreadyInitializedError(()).is_already_init_err());
    /// ```
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// Whether another task was initialising the cell.
    ///
    /// ```
    /// use groundup::sync::SetError;
    /// assert!(SetError::InitializingError(()).is_initializing_err());
    /// ```
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("AlreadyInitializedError"),
            SetError::InitializingError(_) => f.write_str("InitializingError"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for SetError<T> {}

/// Gives the permit back unless the value was stored: an initialiser that
/// is cancelled or fails lets the next in line try.
struct InitPermit<'a> {
    semaphore: &'a Semaphore,
}

impl Drop for InitPermit<'_> {
    fn drop(&mut self) {
        self.semaphore.release(1);
    }
}

impl<T> OnceCell<T> {
    /// An empty cell.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    /// let cell = OnceCell::<u32>::new();
    /// assert!(cell.get().is_none());
    /// ```
    pub fn new() -> OnceCell<T> {
        OnceCell::const_new()
    }

    /// An empty cell, for a `static`.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    /// static CELL: OnceCell<u32> = OnceCell::const_new();
    /// assert!(!CELL.initialized());
    /// ```
    pub const fn const_new() -> OnceCell<T> {
        OnceCell {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            semaphore: Semaphore::const_new(1),
        }
    }

    /// A cell holding `value`, if it is `Some`.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    /// assert_eq!(OnceCell::new_with(Some(1)).get(), Some(&1));
    /// ```
    pub fn new_with(value: Option<T>) -> OnceCell<T> {
        match value {
            Some(value) => OnceCell::const_new_with(value),
            None => OnceCell::new(),
        }
    }

    /// A cell holding `value`, for a `static`.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    /// static CELL: OnceCell<u32> = OnceCell::const_new_with(3);
    /// assert_eq!(CELL.get(), Some(&3));
    /// ```
    pub const fn const_new_with(value: T) -> OnceCell<T> {
        let semaphore = Semaphore::const_new(0);
        // A set cell's semaphore is closed; `close` is not const, so this
        // one has no permit instead: `set` and the initialisers look at the
        // flag before they take the permit, so nobody ever waits on it.
        OnceCell {
            value_set: AtomicBool::new(true),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            semaphore,
        }
    }

    /// Whether the cell holds a value.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    /// let cell = OnceCell::new();
    /// cell.set(1).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        // Acquire: pairs with the Release in `store`, so the value written
        // before it is visible to whoever reads it after this.
        self.value_set.load(Ordering::Acquire)
    }

    /// The value, if set.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    /// let cell = OnceCell::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set(2).unwrap();
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get(&self) -> Option<&T> {
        if !self.initialized() {
            return None;
        }
        // SAFETY: set (Acquire above), so never written again while `&self`
        // lives: shared references to the slot are fine.
        let slot = unsafe { &*self.value.get() };
        // SAFETY: set, so written before the flag (Release/Acquire).
        Some(unsafe { slot.assume_init_ref() })
    }

    /// The value, mutably, if set.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    /// let mut cell = OnceCell::new_with(Some(1));
    /// *cell.get_mut().unwrap() += 1;
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get_mut(&mut self) -> Option<&mut T> {
        // SAFETY: set, so written; `&mut self` is unique.
        self.initialized().then(|| unsafe { self.value.get_mut().assume_init_mut() })
    }

    /// Stores `value` if the cell is empty and nobody is initialising it.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    /// let cell = OnceCell::new();
    /// assert!(cell.set(1).is_ok());
    /// assert!(cell.set(2).is_err());
    /// assert_eq!(cell.get(), Some(&1));
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        match self.semaphore.try_acquire(1) {
            Ok(()) => {
                self.store(InitPermit { semaphore: &self.semaphore }, value);
                Ok(())
            }
            Err(TryAcquireError::NoPermits) if !self.initialized() => {
                Err(SetError::InitializingError(value))
            }
            Err(_) => Err(SetError::AlreadyInitializedError(value)),
        }
    }

    /// The value, running `f` to make it if the cell is empty. If another
    /// task is initialising the cell, waits for it (in line); if that one
    /// is cancelled, the next in line runs its own `f`.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    ///
    /// # groundup::block_on(async {
    /// let cell = OnceCell::new();
    /// assert_eq!(*cell.get_or_init(|| async { 1 }).await, 1);
    /// assert_eq!(*cell.get_or_init(|| async { 2 }).await, 1, "only once");
    /// # });
    /// ```
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        match self.get_or_try_init(|| async { Ok::<T, std::convert::Infallible>(f().await) }).await
        {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// As [`get_or_init`](Self::get_or_init), with an initialiser that may
    /// fail: an `Err` leaves the cell empty, for the next in line to try.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    ///
    /// # groundup::block_on(async {
    /// let cell = OnceCell::new();
    /// assert!(cell.get_or_try_init(|| async { Err::<u32, _>("no") }).await.is_err());
    /// assert_eq!(cell.get_or_try_init(|| async { Ok::<_, ()>(3) }).await, Ok(&3));
    /// # });
    /// ```
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        if crate::sync::semaphore::acquire(&self.semaphore, 1).await.is_err() {
            // Closed: the value is set (the close comes after the store).
            return Ok(self.get().expect("a OnceCell's semaphore closes once the value is set"));
        }
        // With the permit, the cell is empty: storing keeps the permit.
        let permit = InitPermit { semaphore: &self.semaphore };
        let value = f().await?;
        self.store(permit, value);
        Ok(self.get().expect("just stored"))
    }

    /// With the permit: writes the value, publishes it, and closes the
    /// semaphore (waking every waiter; the permit is not given back).
    fn store(&self, permit: InitPermit<'_>, value: T) {
        // SAFETY: the permit is the only right to write, and the value is
        // not set (we looked after taking the permit, or `set` checked
        // the flag and took the only permit): nobody reads it yet.
        unsafe { (*self.value.get()).write(value) };
        // Release: the write above happens-before any reader's Acquire.
        self.value_set.store(true, Ordering::Release);
        std::mem::forget(permit);
        self.semaphore.close();
    }

    /// The value, out of the cell.
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    /// assert_eq!(OnceCell::new_with(Some(4)).into_inner(), Some(4));
    /// ```
    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }

    /// Takes the value out, leaving the cell empty (and settable again).
    ///
    /// ```
    /// use groundup::sync::OnceCell;
    /// let mut cell = OnceCell::new_with(Some(4));
    /// assert_eq!(cell.take(), Some(4));
    /// assert!(cell.set(5).is_ok());
    /// ```
    pub fn take(&mut self) -> Option<T> {
        if !std::mem::replace(self.value_set.get_mut(), false) {
            return None;
        }
        // A fresh semaphore with its one permit: the cell is settable again
        // (`&mut self`: nobody waits on the old one).
        self.semaphore = Semaphore::new(1);
        // SAFETY: it was set, so written; the flag is cleared, so it is
        // never read (or dropped) again.
        Some(unsafe { self.value.get_mut().assume_init_read() })
    }
}

impl<T> Drop for OnceCell<T> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> OnceCell<T> {
        OnceCell::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &OnceCell<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> OnceCell<T> {
        OnceCell::const_new_with(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell").field("value", &self.get()).finish()
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> OnceCell<T> {
        OnceCell::new()
    }
}
