//! What the included protocol files see as `crate::loom`: loom's
//! instrumented types, with the same paths and methods as the library's
//! `src/loom.rs` gives them over std.

pub mod sync {
    pub use loom::sync::{Arc, Condvar, Mutex, MutexGuard};
    pub use loom::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

    pub mod atomic {
        pub use loom::sync::atomic::{
            AtomicBool, AtomicPtr, AtomicU8, AtomicU32, AtomicUsize, Ordering, fence,
        };
    }
}

pub mod cell {
    pub use loom::cell::UnsafeCell;
}

pub mod hint {
    pub use loom::hint::spin_loop;
}

pub mod thread {
    pub use loom::thread::{spawn, yield_now};
}
