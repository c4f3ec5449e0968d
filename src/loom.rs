//! The synchronisation types that groundup's cross-thread protocols are
//! written against: std's, re-exported under the paths the model checker
//! uses.
//!
//! A protocol between threads (parking, the task state word, the remote
//! run queue, waiter lists) is model-checked, not only tested: the harness
//! in `checks/loom/` includes the protocol's own source file with
//! `#[path]`, under a `crate::loom` that re-exports loom's instrumented
//! types instead of these. A protocol file therefore takes its atomics,
//! locks and cells from here, and names nothing else in groundup, so that
//! it compiles in both places unchanged.
//!
//! [`cell::UnsafeCell`] is the one type that differs from std's: loom's
//! cell is reached through closures (`with`, `with_mut`) so that it can
//! check every access, and this wrapper gives std's cell that shape.
#![allow(dead_code, unused_imports)] // each protocol uses a part

pub(crate) mod sync {
    pub(crate) use std::sync::{Arc, Condvar, Mutex, MutexGuard};
    pub(crate) use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

    pub(crate) mod atomic {
        pub(crate) use std::sync::atomic::{
            AtomicBool, AtomicPtr, AtomicU8, AtomicU32, AtomicUsize, Ordering, fence,
        };
    }
}

pub(crate) mod cell {
    /// `std::cell::UnsafeCell` with loom's closure-based access.
    #[derive(Debug, Default)]
    pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(value: T) -> UnsafeCell<T> {
            UnsafeCell(std::cell::UnsafeCell::new(value))
        }

        /// Runs `f` with a pointer for reading. The caller's protocol must
        /// exclude concurrent writes, as with `UnsafeCell::get`.
        pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        /// Runs `f` with a pointer for writing. The caller's protocol must
        /// exclude every concurrent access, as with `UnsafeCell::get`.
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }

        pub(crate) fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }
}

pub(crate) mod hint {
    pub(crate) use std::hint::spin_loop;
}

pub(crate) mod thread {
    pub(crate) use std::thread::{spawn, yield_now};
}
