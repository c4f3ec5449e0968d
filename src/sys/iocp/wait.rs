//! Waiting for a process handle through the completion port: the packet
//! kind that tells of a child's exit.
//!
//! A process handle is a *waitable object*: it becomes signaled when the
//! process exits. A completion port only delivers packets, so something
//! must turn "signaled" into a packet. Two ways exist:
//!
//! - **The NT wait completion packet** (`NtCreateWaitCompletionPacket`,
//!   `NtAssociateWaitCompletionPacket`, Windows 8 and later): the kernel
//!   itself queues a packet on the port when the object is signaled, with
//!   no thread anywhere. It is undocumented (its layout is known from the
//!   .NET runtime and Go, which use it), and **Wine 8, under which
//!   groundup's Windows tests run, does not have it** (its ntdll exports
//!   no such function).
//! - **A thread-pool wait** (`RegisterWaitForSingleObject`, documented,
//!   in Wine): one of the pool's wait threads waits for up to 63 objects at
//!   once and calls a callback when one is signaled. groundup's callback
//!   runs on that wait thread itself (`WT_EXECUTEINWAITTHREAD`) and does one
//!   thing: it posts a packet to the port. So a thousand children waited
//!   for cost about sixteen pool threads, not a thousand.
//!
//! groundup uses the thread-pool wait: the one its tests can run. The NT
//! packet would save those pool threads and one post per exit.
//!
//! ```text
//!  register: RegisterWaitForSingleObject(process, callback, &state, INFINITE,
//!                                        WT_EXECUTEONLYONCE | WT_EXECUTEINWAITTHREAD)
//!  exit:     pool wait thread ── callback ── PostQueuedCompletionStatus(port,
//!                                              KEY = wait, lpOverlapped = &state)
//!  select:   packet with the wait key ──► Event { token, readable }
//! ```
//!
//! ## Who holds the state
//!
//! As for a socket's poll, the kernel side holds a reference to the
//! [`WaitState`]: the callback's context is one `Arc` reference, made by
//! `register`. If the callback runs, it moves that reference into the
//! packet it posts (or drops it if the port is closing), and the selector
//! takes it back when it dequeues the packet. If the wait is unregistered
//! first, `UnregisterWaitEx(…, INVALID_HANDLE_VALUE)` returns only once no
//! callback is running or will ever run, and `fired` then says whether the
//! callback took the reference; if it did not, `unregister` drops it.

use std::ffi::c_void;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use groundup_ffi::windows as ffi;

use super::events::Event;
use super::port::{Port, Started};
use super::syscall::{self, Syscall};
use crate::poll::Token;

static REGISTER_WAIT_FOR_SINGLE_OBJECT: Syscall = Syscall::new("RegisterWaitForSingleObject");
static UNREGISTER_WAIT_EX: Syscall = Syscall::new("UnregisterWaitEx");

/// The completion key of the packets the wait callbacks post.
pub(super) const KEY: usize = 4;

/// One registered wait for a process handle.
#[derive(Debug)]
pub(crate) struct WaitState {
    port: Arc<Port>,
    /// The token of the event, as a `usize` (changed by a reregistration).
    token: AtomicUsize,
    /// The wait handle, until it is unregistered.
    wait: Mutex<Option<WaitHandle>>,
    /// The callback has run (and taken the context's reference), or
    /// `unregister` has made sure it never will.
    fired: AtomicBool,
    /// Deregistered: a packet that still comes makes no event.
    retired: AtomicBool,
}

/// The handle `RegisterWaitForSingleObject` returns: not a kernel handle
/// (it is never closed, only unregistered).
#[derive(Debug)]
struct WaitHandle(ffi::HANDLE);

// SAFETY: a wait handle is a value the thread pool looks up; any thread
// may pass it to UnregisterWaitEx.
unsafe impl Send for WaitHandle {}

impl WaitState {
    /// Asks the thread pool to wait for `process` and post a packet on
    /// `port` when it is signaled.
    pub(super) fn register(
        port: &Arc<Port>,
        process: ffi::HANDLE,
        token: Token,
    ) -> io::Result<Arc<WaitState>> {
        let state = Arc::new(WaitState {
            port: Arc::clone(port),
            token: AtomicUsize::new(token.0),
            wait: Mutex::new(None),
            fired: AtomicBool::new(false),
            retired: AtomicBool::new(false),
        });
        let context = Arc::into_raw(Arc::clone(&state)).cast_mut().cast::<c_void>();
        let mut wait: ffi::HANDLE = std::ptr::null_mut();
        let flags = ffi::WT_EXECUTEONLYONCE | ffi::WT_EXECUTEINWAITTHREAD;
        let registered = syscall::win_bool(
            &REGISTER_WAIT_FOR_SINGLE_OBJECT,
            format_args!(
                "_, {process:?}, callback, {context:p}, INFINITE, \
                 WT_EXECUTEONLYONCE|WT_EXECUTEINWAITTHREAD"
            ),
            || {
                // SAFETY: `wait` is a live HANDLE to write; `process` is a
                // handle the caller keeps open while registered; `callback`
                // has the type the pool calls and lives for the program;
                // `context` is a reference that the callback or
                // `unregister` takes back exactly once (module docs).
                unsafe {
                    ffi::RegisterWaitForSingleObject(
                        &raw mut wait,
                        process,
                        Some(callback),
                        context,
                        ffi::INFINITE,
                        flags,
                    )
                }
            },
        );
        if let Err(e) = registered {
            // SAFETY: nothing was registered, so no callback will take the
            // reference made above: it is reclaimed here, once.
            drop(unsafe { Arc::from_raw(context.cast::<WaitState>().cast_const()) });
            return Err(e);
        }
        *state.lock_wait() = Some(WaitHandle(wait));
        Ok(state)
    }

    /// Changes the token of the event to come.
    pub(super) fn set_token(&self, token: Token) {
        // Relaxed: read by the selector when it dequeues the packet, which
        // the port orders after a reregistration that came before the exit;
        // one that races with the exit may report the old token, as a
        // socket's reregistration may.
        self.token.store(token.0, Ordering::Relaxed);
    }

    /// Cancels the wait; returns once no callback runs or will run. No
    /// event is reported for it afterwards.
    pub(crate) fn unregister(&self) {
        self.retired.store(true, Ordering::Release);
        let Some(WaitHandle(wait)) = self.lock_wait().take() else { return };
        let _ = syscall::win_bool(
            &UNREGISTER_WAIT_EX,
            format_args!("{wait:?}, INVALID_HANDLE_VALUE"),
            || {
                // SAFETY: `wait` came from RegisterWaitForSingleObject and
                // is unregistered once (taken out of the state). This is
                // never called from the callback (which would deadlock):
                // only from deregistration and the selector's drop.
                unsafe { ffi::UnregisterWaitEx(wait, ffi::INVALID_HANDLE_VALUE) }
            },
        );
        // AcqRel: pairs with the callback's swap. After UnregisterWaitEx no
        // callback runs, so this swap decides alone.
        if !self.fired.swap(true, Ordering::AcqRel) {
            // SAFETY: the callback never ran and never will, so the
            // reference `register` made for it is still outstanding: it is
            // reclaimed here, once (`fired` is now set).
            drop(unsafe { Arc::from_raw(std::ptr::from_ref(self)) });
        }
    }

    /// The event for a dequeued packet of this wait, unless deregistered.
    pub(super) fn exited(&self) -> Option<Event> {
        if self.retired.load(Ordering::Acquire) {
            return None;
        }
        let token = Token(self.token.load(Ordering::Relaxed));
        Some(Event::new(token, ffi::AFD_POLL_RECEIVE))
    }

    fn lock_wait(&self) -> std::sync::MutexGuard<'_, Option<WaitHandle>> {
        self.wait.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The thread pool's callback: moves the context's reference into a packet.
extern "system" fn callback(context: *mut c_void, _timed_out: ffi::BOOLEAN) {
    let ptr = context.cast::<WaitState>().cast_const();
    // SAFETY: `context` is the reference `register` made, not yet taken
    // back (only this callback, which runs once, or `unregister` after the
    // callback can no longer run, takes it).
    let state = unsafe { &*ptr };
    // AcqRel: see `unregister`.
    if state.fired.swap(true, Ordering::AcqRel) {
        return; // unreachable: unregister runs only once no callback can
    }
    let port = Arc::clone(&state.port);
    let posted = port.start(|| port.post(KEY, context));
    if !matches!(posted, Ok(Started::Yes)) {
        // SAFETY: no packet carries the reference (the post failed, or the
        // port is closing): this takes it back, once.
        drop(unsafe { Arc::from_raw(ptr) });
    }
}
