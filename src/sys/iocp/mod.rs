//! The IOCP backend (Windows): readiness built from completions.
//!
//! ## Design, for a reader who knows epoll
//!
//! Windows has no call that says "tell me when this socket is ready". Its
//! scalable interface is the **I/O completion port**: start an operation on
//! a handle associated with a port, and when the kernel *finishes* it, a
//! completion packet lands on the port; `GetQueuedCompletionStatusEx` is the
//! `epoll_wait` that dequeues packets. To get readiness out of that, groundup
//! (like wepoll, libuv, mio and polling) starts an operation whose
//! *finishing* means *readiness*: a poll request to the **Ancillary Function
//! Driver** (AFD), the kernel driver under Winsock, which is what `WSAPoll`
//! itself sends.
//!
//! ```text
//!   register(socket, READABLE)
//!     │  NtDeviceIoControlFile(afd, IOCTL_AFD_POLL, {base socket, RECEIVE|…},
//!     │                        iosb = &state.iosb, context = &state)
//!     ▼
//!   \Device\Afd handle ──(poll completes when the socket is ready)──┐
//!     (associated with the port)                                    ▼
//!   completion port ◄── packet {key: AFD, lpOverlapped: &state} ───┘
//!     │  GetQueuedCompletionStatusEx
//!     ▼
//!   select(): state = packet.lpOverlapped; events = state.poll_info reply
//!             → Event { token, RECEIVE }; the next poll starts on re-arm,
//!             or before the next wait
//! ```
//!
//! - **One port per `Poll`** ([`port`]): it is the epoll instance.
//! - **AFD handles, shared** ([`afd`]): `NtCreateFile(\Device\Afd\groundup)`
//!   opens a helper handle to the driver that is not itself a socket; it is
//!   associated with the port once. Polls for up to 32 sockets go through one
//!   helper handle and more handles are opened as sockets are registered, as
//!   wepoll and mio do: the driver keeps a handle's pending polls in a list,
//!   which must stay short.
//! - **One poll in flight per socket** ([`sock`]): `register` starts an
//!   `IOCTL_AFD_POLL` naming the socket's *base* handle (`SIO_BASE_HANDLE`,
//!   below any layered provider) and the `AFD_POLL_*` events the interest
//!   maps to. It is the `epoll_ctl(ADD)`, except that it fires once: every
//!   completion is followed by a new poll, started by the user's re-arm if
//!   it comes first, else by `select` before it next waits (so a poll is
//!   not started without the bits just reported, only to be cancelled by
//!   the re-arm a moment later).
//! - **Edge-triggered by masking.** An AFD poll is level-triggered: started on
//!   a readable socket, it completes at once, every time. So when an event is
//!   reported its bits are removed from the socket's *armed* set, and the
//!   next poll waits only for the rest. The bits come back when the user's
//!   I/O returns `WouldBlock`, which [`IoSourceState::do_io`] watches for:
//!   that is the edge. The contract is the same as `EPOLLET`'s, and user code
//!   written for Linux runs unchanged.
//! - **Changing a pending poll means cancelling it.** A pending poll cannot
//!   be modified. `reregister` to events the pending poll does not cover
//!   cancels it (`NtCancelIoFileEx`); its completion arrives later with
//!   `STATUS_CANCELLED` and the next poll is started with the new events.
//!   Cancellation is asynchronous, so until that packet arrives the kernel
//!   still owns the poll's buffers.
//! - **The kernel holds a reference.** The per-socket state lives in an
//!   `Arc`; starting a poll turns one reference into the raw context pointer
//!   the packet carries back, and dequeuing the packet turns it back into an
//!   `Arc`. So a socket deregistered or closed while its poll is pending
//!   keeps its state (and the buffers the kernel will write) alive until the
//!   packet comes, and then it is freed. A packet for a deregistered socket
//!   produces no event.
//! - **Dropping the `Poll` drains.** The last handle on a selector stops new
//!   polls from starting, cancels every pending one on every AFD handle, and
//!   dequeues packets until none is in flight, which frees each state: nothing
//!   leaks, and nothing is freed under the kernel's feet.
//! - **The waker is a posted packet** ([`waker`]): `PostQueuedCompletionStatus`
//!   queues a packet with the waker's key. An atomic flag makes wakes
//!   coalesce: only the wake that sets it posts, and `select` clears it when
//!   it dequeues the packet.
//! - **Timeouts are whole milliseconds**, rounded up, as for epoll; a poll
//!   that dequeued only packets that produced no event (a cancellation, a
//!   deregistered socket) returns no events, and `Poll::poll` waits again
//!   until its deadline.
//!
//! ## Packets that are not AFD polls
//!
//! Every packet's completion key says what made it, and the selector's
//! `dispatch` turns it back into the `Arc` reference it carried and into at
//! most one `Event` for a `Token`:
//!
//! | key | made by | `lpOverlapped` points to | its event |
//! |---|---|---|---|
//! | 1 ([`afd`]) | an AFD poll completing | the socket's state | the reported `AFD_POLL_*` bits |
//! | 2 ([`waker`]) | `Waker::wake` posting | the waker's state | readable |
//! | 3 ([`pipe`]) | a child pipe's `ReadFile`/`WriteFile` completing | the pipe's state (its first field is the `OVERLAPPED`) | readable or writable |
//! | 5 ([`pipe`]) | registering a pipe (the *kick*: its first readiness) | the pipe's state | readable or writable |
//! | 4 ([`wait`]) | a thread-pool wait for a process handle, posting when the child exits | the wait's state | readable |
//!
//! The last three are crate-internal (`groundup::process` uses them; the
//! `Poll` API registers sockets only), and follow the same rules as the
//! first: every packet is counted in flight by [`port`] and carries one
//! reference, taken back once when dequeued; a retired registration's
//! packet makes no event; and dropping the selector cancels what is still
//! in flight (pending pipe reads and writes with `CancelIoEx`, waits with
//! `UnregisterWaitEx`) before it drains the port. Why a thread-pool wait
//! and not the NT wait completion packet is in [`wait`]; how a pipe's
//! completions become readiness, in [`pipe`].
//!
//! ## What a wait costs, and a leaner scheme we measured but did not keep
//!
//! On the runtime, where the reactor thread restarts polls while the
//! executor thread re-arms them, a read that waits for data costs about
//! three polls and a cancel: after the data's event the reactor starts a poll
//! for what is still armed (only `ABORT | CONNECT_FAIL`); the read's
//! `WouldBlock` re-arms everything, which cancels it; the new poll includes
//! `SEND` and completes at once (a spurious writable event); then the read
//! poll starts. mio's IOCP selector does the same. A 64-byte ping-pong with
//! both ends in one process makes 21 system calls per round trip this way.
//!
//! Re-arming only the direction that blocked, and starting no poll while
//! only failure bits are armed, cuts that to 10 (one poll per wait, no
//! cancels) and the demo from 21.3 to 14.8 per request, measured under
//! Wine 8 with `groundup::stats` (2026-11-27). But under Wine the demo got
//! slower: 11–27 s over 17 runs (median 13.8 s) against 9.5–15.1 s over 22
//! runs (median 10.6 s) with this scheme, its progress stopping for one to
//! two seconds at a time in about one run in four while wineserver sat
//! mostly idle. Instrumented, those stops are stretches in which no groundup
//! thread starts a system call and none of its calls lasts over 100 ms; this
//! scheme shows the same stretches, only shorter (at most 0.6 s in four
//! runs, against up to 1.4 s). That points below our calls, but the cause
//! was not found, so the scheme that mio also uses stays until the leaner
//! one can be measured on a real Windows machine.
//!
//! ## Portability notes
//!
//! - Only sockets can be registered through the `Poll` API (AFD knows
//!   nothing else); `IoSource` takes anything `AsRawSocket`. Child pipes
//!   and process handles are registered by `groundup::process` through the
//!   packet kinds above.
//! - There is no `Interest::PRIORITY`: AFD can poll for out-of-band data, but
//!   groundup does not offer it on Windows.
//! - Waits are not alertable, so `poll` never returns `Interrupted`.
//! - A socket closed while registered (rather than deregistered or dropped
//!   as an `IoSource`) is noticed through `AFD_POLL_LOCAL_CLOSE` and quietly
//!   forgotten, as epoll forgets a closed descriptor.
//! - Tested under Wine (8.0), whose AFD emulation implements the same
//!   interface; not yet on a real Windows machine.

mod afd;
mod events;
mod io_source_state;
mod pipe;
mod port;
pub(crate) mod process;
mod selector;
mod sock;
mod socket;
mod wait;
mod waker;

use std::fmt;

use groundup_ffi::windows as ffi;

use super::syscall::{self, Syscall};

pub(crate) use events::{Event, Events, event};
pub(crate) use io_source_state::IoSourceState;
pub(crate) use pipe::Pipe;
pub(crate) use selector::Selector;
pub(crate) use socket::set_nonblocking;
pub(crate) use waker::Waker;

static CLOSE_HANDLE: Syscall = Syscall::new("CloseHandle");

/// An owned kernel handle (port, AFD helper), closed (and counted) on drop.
///
/// The `OwnedHandle` of std, but closed through groundup's counted
/// `CloseHandle` so `groundup::stats` sees every handle opened and closed.
pub(super) struct Handle(ffi::HANDLE);

// SAFETY: a HANDLE is an index into the process's handle table, not a
// pointer to memory: any thread may use it, and the kernel serialises what
// needs serialising on the object behind it.
unsafe impl Send for Handle {}
// SAFETY: as above; sharing `&Handle` only lets threads make system calls on
// the same object, which the kernel allows.
unsafe impl Sync for Handle {}

impl Handle {
    /// Takes ownership of `handle`.
    ///
    /// # Safety
    ///
    /// `handle` must be an open handle that nothing else will close:
    /// `Handle` closes it on drop.
    pub(super) unsafe fn from_raw(handle: ffi::HANDLE) -> Handle {
        debug_assert!(!handle.is_null(), "Handle::from_raw(NULL)");
        Handle(handle)
    }

    /// The handle, still owned by `self`.
    pub(super) fn raw(&self) -> ffi::HANDLE {
        self.0
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        let handle = self.0;
        // Ignored like std's OwnedHandle: there is nothing to retry, and the
        // handle is gone either way.
        let _ = syscall::win_bool(&CLOSE_HANDLE, format_args!("{handle:?}"), || {
            // SAFETY: `self` owns `handle` (see `from_raw`) and this is the
            // only place it is closed, once, as `self` goes away.
            unsafe { ffi::CloseHandle(handle) }
        });
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Handle").field(&self.0).finish()
    }
}
