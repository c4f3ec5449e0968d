//! Task-local storage: a value that belongs to one task's future for as
//! long as a scope runs, whichever task polls it. tokio's `task_local!`.
//!
//! groundup runs every task on the runtime's one thread, so a thread-local
//! slot, swapped in for exactly the duration of each poll, is the whole
//! mechanism. [`LocalKey::scope`] wraps a future in a [`TaskLocalFuture`]
//! that owns the value between polls; each poll moves the value into the
//! thread-local slot, polls the inner future, and moves it back out (also
//! when the poll panics), so two tasks with the same key each see their
//! own value and a task sees none outside its scope. Scopes nest: the
//! inner value shadows the outer one for the inner future's polls.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;

/// Declares task-local keys: `static NAME: Type;`, with attributes and
/// visibility, as tokio's `task_local!`.
///
/// ```
/// groundup::task_local! {
///     /// The request being served.
///     pub static REQUEST_ID: u64;
///     static USER: String;
/// }
///
/// # groundup::block_on(async {
/// let id = REQUEST_ID.scope(7, async { REQUEST_ID.get() }).await;
/// assert_eq!(id, 7);
/// assert!(USER.try_with(|_| ()).is_err(), "outside any scope");
/// # });
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_inner {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$t> = {
            ::std::thread_local! {
                static __GROUNDUP_TASK_LOCAL: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task::LocalKey { inner: &__GROUNDUP_TASK_LOCAL }
        };
    };
}

/// A key declared with [`task_local!`](crate::task_local): the value of the
/// innermost [`scope`](Self::scope) that the current poll runs inside.
pub struct LocalKey<T: 'static> {
    /// The thread-local slot. Public for the macro's expansion only.
    #[doc(hidden)]
    pub inner: &'static thread::LocalKey<RefCell<Option<T>>>,
}

impl<T: 'static> LocalKey<T> {
    /// Runs `future` with `value` as this key's value, for every poll of
    /// it; the value is dropped with the returned future.
    ///
    /// ```
    /// groundup::task_local! { static DEPTH: u32; }
    ///
    /// # groundup::block_on(async {
    /// let seen = DEPTH
    ///     .scope(1, async {
    ///         let inner = DEPTH.scope(2, async { DEPTH.get() }).await;
    ///         (DEPTH.get(), inner)
    ///     })
    ///     .await;
    /// assert_eq!(seen, (1, 2), "the inner scope shadows the outer one");
    /// # });
    /// ```
    pub fn scope<F: Future>(&'static self, value: T, future: F) -> TaskLocalFuture<T, F> {
        TaskLocalFuture { key: self, slot: Some(value), future: Some(future) }
    }

    /// Runs `f` with `value` as this key's value, synchronously.
    ///
    /// ```
    /// groundup::task_local! { static NAME: &'static str; }
    ///
    /// assert_eq!(NAME.sync_scope("x", || NAME.get()), "x");
    /// ```
    #[track_caller]
    pub fn sync_scope<F: FnOnce() -> R, R>(&'static self, value: T, f: F) -> R {
        let mut slot = Some(value);
        match self.scoped(&mut slot, f) {
            Ok(output) => output,
            Err(error) => error.panic(),
        }
    }

    /// Runs `f` with a reference to the value.
    ///
    /// # Panics
    ///
    /// Outside any scope of this key, or while `f` of an enclosing
    /// `with` on the same key runs a scope of it.
    ///
    /// ```
    /// groundup::task_local! { static NAME: String; }
    ///
    /// # groundup::block_on(async {
    /// let length = NAME.scope("abc".into(), async { NAME.with(|n| n.len()) }).await;
    /// assert_eq!(length, 3);
    /// # });
    /// ```
    #[track_caller]
    pub fn with<F: FnOnce(&T) -> R, R>(&'static self, f: F) -> R {
        match self.try_with(f) {
            Ok(output) => output,
            Err(_) => panic!(
                "cannot access a task-local storage value without setting it first \
                 (use `scope` or `sync_scope`)"
            ),
        }
    }

    /// Runs `f` with a reference to the value, or says there is none.
    ///
    /// ```
    /// groundup::task_local! { static NAME: String; }
    ///
    /// assert!(NAME.try_with(|n| n.len()).is_err());
    /// ```
    pub fn try_with<F: FnOnce(&T) -> R, R>(&'static self, f: F) -> Result<R, AccessError> {
        let borrowed = self.inner.try_with(|cell| {
            let value = cell.try_borrow().ok()?;
            // The borrow is held only while `f` runs: a scope that `f`
            // enters on this key finds it borrowed and panics, rather than
            // swapping the value out from under `f`.
            value.as_ref().map(f)
        });
        match borrowed {
            Ok(Some(output)) => Ok(output),
            Ok(None) | Err(_) => Err(AccessError(())),
        }
    }

    /// Moves `slot` into the thread-local cell, runs `f`, and moves the
    /// value back into `slot` (also when `f` panics).
    fn scoped<F: FnOnce() -> R, R>(
        &'static self,
        slot: &mut Option<T>,
        f: F,
    ) -> Result<R, ScopeError> {
        /// Swaps the value back out of the cell when dropped.
        struct Restore<'a, T: 'static> {
            key: &'static LocalKey<T>,
            slot: &'a mut Option<T>,
        }
        impl<T: 'static> Drop for Restore<'_, T> {
            fn drop(&mut self) {
                // The cell was borrowable when the value went in, and a
                // `with` borrows it only while its closure runs, so it is
                // borrowable again now. (If the thread's locals are gone,
                // so is the value: nothing to restore.)
                let _ = self
                    .key
                    .inner
                    .try_with(|cell| std::mem::swap(self.slot, &mut *cell.borrow_mut()));
            }
        }

        self.inner
            .try_with(|cell| cell.try_borrow_mut().map(|mut cell| std::mem::swap(slot, &mut *cell)))
            .map_err(|_| ScopeError::ThreadEnded)?
            .map_err(|_| ScopeError::Borrowed)?;
        let _restore = Restore { key: self, slot };
        Ok(f())
    }
}

impl<T: Copy + 'static> LocalKey<T> {
    /// A copy of the value.
    ///
    /// # Panics
    ///
    /// Outside any scope of this key.
    ///
    /// ```
    /// groundup::task_local! { static ID: u32; }
    ///
    /// # groundup::block_on(async {
    /// assert_eq!(ID.scope(3, async { ID.get() }).await, 3);
    /// # });
    /// ```
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(|value| *value)
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

/// Why a scope could not be entered.
enum ScopeError {
    /// The thread is shutting down: its thread-locals are gone.
    ThreadEnded,
    /// A `with` on this key is running.
    Borrowed,
}

impl ScopeError {
    #[track_caller]
    fn panic(self) -> ! {
        match self {
            ScopeError::ThreadEnded => {
                panic!("cannot enter a task-local scope while the thread is exiting")
            }
            ScopeError::Borrowed => panic!(
                "cannot enter a task-local scope inside `with` on the same key: \
                 the value is borrowed"
            ),
        }
    }
}

/// The future of [`LocalKey::scope`]: `future`, with the key's value set
/// for each of its polls.
#[must_use = "futures do nothing unless polled"]
pub struct TaskLocalFuture<T: 'static, F> {
    key: &'static LocalKey<T>,
    /// The value, between polls (`None` only during one).
    slot: Option<T>,
    /// The future; taken and dropped inside the scope when it finishes or
    /// the `TaskLocalFuture` is dropped, so its destructor sees the value
    /// as its polls did.
    future: Option<F>,
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// The value, unless the future is being polled right now.
    ///
    /// ```
    /// groundup::task_local! { static ID: u32; }
    ///
    /// let mut scoped = std::pin::pin!(ID.scope(5, async {}));
    /// assert_eq!(scoped.as_mut().take_value(), Some(5));
    /// assert_eq!(scoped.take_value(), None, "taken");
    /// ```
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        // SAFETY: `slot` is not structurally pinned: it is moved in and
        // out freely, and nothing borrows it across polls.
        unsafe { self.get_unchecked_mut() }.slot.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned: it is never moved out,
        // only dropped in place (replaced by `None`, here and in `drop`);
        // `key` and `slot` are not pinned and move freely.
        let this = unsafe { self.get_unchecked_mut() };
        let key = this.key;
        let future = &mut this.future;
        let polled = key.scoped(&mut this.slot, || {
            // SAFETY: as above: `this` is pinned, so is its `future`.
            let mut future = unsafe { Pin::new_unchecked(future) };
            let Some(inner) = future.as_mut().as_pin_mut() else {
                panic!("`TaskLocalFuture` polled after completion");
            };
            let poll = inner.poll(cx);
            if poll.is_ready() {
                future.set(None); // dropped in place, inside the scope
            }
            poll
        });
        match polled {
            Ok(poll) => poll,
            Err(error) => error.panic(),
        }
    }
}

impl<T: 'static, F> Drop for TaskLocalFuture<T, F> {
    fn drop(&mut self) {
        if self.future.is_none() {
            return;
        }
        // Dropped in place (assigning `None`, which pinning allows), inside
        // the scope when it can be entered, since the destructor may read
        // the value; outside it when it cannot (the thread is exiting, or
        // the key is borrowed).
        let future = &mut self.future;
        if self.key.scoped(&mut self.slot, || *future = None).is_err() {
            self.future = None;
        }
    }
}

impl<T: 'static + fmt::Debug, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskLocalFuture").field("value", &self.slot).finish_non_exhaustive()
    }
}

/// The error of [`LocalKey::try_with`]: no scope of the key is running.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AccessError(());

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("AccessError")
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("task-local value not set")
    }
}

impl Error for AccessError {}
