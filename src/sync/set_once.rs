//! A value set once, that tasks can wait for: tokio's `sync::SetOnce`.
//!
//! ## How it works
//!
//! One flag claims the right to write (the first `set` wins it), one says
//! the value is there (read lock-free by [`get`](SetOnce::get)), and the
//! waiters of [`wait`](SetOnce::wait) wait in a batch semaphore with no
//! permits, which `set` closes once the value is stored: the close wakes
//! them all at once, and they find the value. A dropped `wait` future
//! leaves the semaphore's line.

use std::cell::UnsafeCell;
use std::fmt;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::sync::batch_semaphore::Semaphore;

/// A value set once, that tasks can wait for; see the module docs.
///
/// ```
/// use std::sync::Arc;
/// use groundup::sync::SetOnce;
///
/// # groundup::block_on(async {
/// let ready = Arc::new(SetOnce::new());
/// let waiter = {
///     let ready = Arc::clone(&ready);
///     groundup::spawn(async move { *ready.wait().await })
/// };
/// ready.set(42).unwrap();
/// assert_eq!(waiter.await.unwrap(), 42);
/// # });
/// ```
pub struct SetOnce<T> {
    /// Claimed (true) by the one `set` that writes.
    claimed: AtomicBool,
    /// Set (Release) once `value` is written.
    value_set: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
    /// No permits; closed once the value is set, to wake the waiters.
    gate: Semaphore,
}

// SAFETY: the value is written once, by the `set` that claimed it, and only
// read (`&T`, from any thread) after `value_set` is seen with Acquire:
// sharing shares `T` (`T: Sync`); `set` may run on any thread (`T: Send`).
unsafe impl<T: Send + Sync> Sync for SetOnce<T> {}
// SAFETY: it owns its `T`.
unsafe impl<T: Send> Send for SetOnce<T> {}

/// The error of [`SetOnce::set`]: it was already set; the value comes back.
///
/// ```
/// use groundup::sync::SetOnce;
/// let cell = SetOnce::new();
/// cell.set(1).unwrap();
/// assert_eq!(cell.set(2).unwrap_err().0, 2);
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetOnceError")
    }
}

impl<T: fmt::Debug> std::error::Error for SetOnceError<T> {}

impl<T> SetOnce<T> {
    /// An empty cell.
    ///
    /// ```
    /// use groundup::sync::SetOnce;
    /// assert!(SetOnce::<u8>::new().get().is_none());
    /// ```
    pub fn new() -> SetOnce<T> {
        SetOnce::const_new()
    }

    /// An empty cell, for a `static`.
    ///
    /// ```
    /// use groundup::sync::SetOnce;
    /// static READY: SetOnce<()> = SetOnce::const_new();
    /// assert!(!READY.initialized());
    /// ```
    pub const fn const_new() -> SetOnce<T> {
        SetOnce {
            claimed: AtomicBool::new(false),
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            gate: Semaphore::const_new(0),
        }
    }

    /// A cell holding `value`, if it is `Some`.
    ///
    /// ```
    /// use groundup::sync::SetOnce;
    /// assert_eq!(SetOnce::new_with(Some(1)).get(), Some(&1));
    /// ```
    pub fn new_with(value: Option<T>) -> SetOnce<T> {
        match value {
            Some(value) => SetOnce::const_new_with(value),
            None => SetOnce::new(),
        }
    }

    /// A cell holding `value`, for a `static`. (Its gate is never closed:
    /// `wait` finds the value before it would wait.)
    ///
    /// ```
    /// use groundup::sync::SetOnce;
    /// static CELL: SetOnce<u8> = SetOnce::const_new_with(1);
    /// assert_eq!(CELL.get(), Some(&1));
    /// ```
    pub const fn const_new_with(value: T) -> SetOnce<T> {
        SetOnce {
            claimed: AtomicBool::new(true),
            value_set: AtomicBool::new(true),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            gate: Semaphore::const_new(0),
        }
    }

    /// Whether the value is set.
    ///
    /// ```
    /// use groundup::sync::SetOnce;
    /// let cell = SetOnce::new();
    /// cell.set(()).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        // Acquire: pairs with `set`'s Release, so the value is visible.
        self.value_set.load(Ordering::Acquire)
    }

    /// The value, if set.
    ///
    /// ```
    /// use groundup::sync::SetOnce;
    /// let cell = SetOnce::new();
    /// cell.set(3).unwrap();
    /// assert_eq!(cell.get(), Some(&3));
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

    /// Sets the value, if no `set` did before, and wakes every waiter.
    ///
    /// ```
    /// use groundup::sync::SetOnce;
    /// let cell = SetOnce::new();
    /// assert!(cell.set(1).is_ok());
    /// assert!(cell.set(2).is_err());
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        // Relaxed: the claim orders nothing by itself (the value is
        // published through `value_set`); the swap alone decides who writes.
        if self.claimed.swap(true, Ordering::Relaxed) {
            return Err(SetOnceError(value));
        }
        // SAFETY: we won the claim: the only writer, and nobody reads
        // before `value_set`.
        unsafe { (*self.value.get()).write(value) };
        // Release: the write happens-before every reader's Acquire.
        self.value_set.store(true, Ordering::Release);
        self.gate.close();
        Ok(())
    }

    /// Waits until the value is set.
    ///
    /// Cancel safety: cancel safe (a dropped `wait` leaves the line).
    ///
    /// ```
    /// use groundup::sync::SetOnce;
    ///
    /// # groundup::block_on(async {
    /// let cell = SetOnce::new();
    /// cell.set("there").unwrap();
    /// assert_eq!(*cell.wait().await, "there");
    /// # });
    /// ```
    pub async fn wait(&self) -> &T {
        if let Some(value) = self.get() {
            return value;
        }
        // No permit is ever added: only `set`'s close ends the wait, and it
        // comes after the value is published.
        let _closed = crate::sync::semaphore::acquire(&self.gate, 1).await;
        self.get().expect("a SetOnce's gate closes only once the value is set")
    }

    /// The value, out of the cell.
    ///
    /// ```
    /// use groundup::sync::SetOnce;
    /// assert_eq!(SetOnce::new_with(Some(2)).into_inner(), Some(2));
    /// ```
    pub fn into_inner(mut self) -> Option<T> {
        self.take_value()
    }

    fn take_value(&mut self) -> Option<T> {
        if !std::mem::replace(self.value_set.get_mut(), false) {
            return None;
        }
        // SAFETY: set, so written; the flag is cleared, so it is never
        // read or dropped again.
        Some(unsafe { self.value.get_mut().assume_init_read() })
    }
}

impl<T> Drop for SetOnce<T> {
    fn drop(&mut self) {
        drop(self.take_value());
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> SetOnce<T> {
        SetOnce::new()
    }
}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> SetOnce<T> {
        SetOnce::const_new_with(value)
    }
}

impl<T: Clone> Clone for SetOnce<T> {
    fn clone(&self) -> SetOnce<T> {
        SetOnce::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for SetOnce<T> {
    fn eq(&self, other: &SetOnce<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for SetOnce<T> {}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetOnce").field("value", &self.get()).finish()
    }
}
