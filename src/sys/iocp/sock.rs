//! One registered socket: the buffers of its AFD poll, and the state
//! machine that keeps exactly one poll in flight for it.
//!
//! ```text
//!               update (register, reregister, re-arm, restart): submit
//!   ┌──────┐ ──────────────────────────────────────────► ┌─────────┐
//!   │ Idle │ ◄────────────────────────────────────────── │ Pending │
//!   └──────┘          packet dequeued: complete          └─────────┘
//!       ▲                                                     │ update with bits
//!       │             packet dequeued: complete               │ the poll lacks, or
//!       └────────────────────── ┌───────────┐ ◄──────────────┘ deregister:
//!                               │ Cancelled │                   NtCancelIoFileEx
//!                               └───────────┘
//! ```
//!
//! After a completion the socket stays `Idle` until its next poll starts:
//! at once if the user re-arms or reregisters, otherwise when the selector
//! calls [`SockState::restart`] before its next wait.
//!
//! The registration (token, interest, armed bits, poll state) is behind a
//! mutex, because the poller thread (completing polls), registering threads
//! (`reregister`, `deregister`) and I/O threads (`do_io` re-arming after
//! `WouldBlock`) all change it. The kernel-written buffers sit outside the
//! mutex in `UnsafeCell`s, but are only touched with the mutex held and the
//! poll `Idle`: while a poll is in flight they belong to the kernel.

use std::cell::UnsafeCell;
use std::ffi::c_void;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use groundup_ffi::windows as ffi;

use super::afd::{self, Afd};
use super::events::Event;
use super::port::Started;
use crate::poll::{Interest, Token};

/// The AFD events that mean "a read (or accept) can make progress".
const READ_SIDE: u32 = ffi::AFD_POLL_RECEIVE | ffi::AFD_POLL_ACCEPT | ffi::AFD_POLL_DISCONNECT;

/// A registered socket.
#[derive(Debug)]
pub(super) struct SockState {
    /// The poll's status block: written by the kernel when it completes.
    iosb: UnsafeCell<ffi::IO_STATUS_BLOCK>,
    /// The poll's request and reply: read, then rewritten, by the kernel.
    info: UnsafeCell<ffi::AFD_POLL_INFO>,
    /// The helper handle polls go through (one of the selector's pool).
    afd: Arc<Afd>,
    /// The base (AFD endpoint) handle of the socket.
    base: ffi::SOCKET,
    registration: Mutex<Registration>,
}

// SAFETY: the fields that are not Send by themselves are the UnsafeCells and
// the HANDLE inside the poll info. The buffers are only accessed with the
// registration mutex held and no poll in flight (see the module docs), so
// moving the state between threads moves nothing any thread is using; the
// HANDLE is a handle value, meaningful in the whole process.
unsafe impl Send for SockState {}
// SAFETY: shared access goes through the mutex for everything mutable; the
// UnsafeCells are only touched under it, and the kernel only writes them
// while a poll is in flight, when no thread touches them (see `submit` and
// `complete`).
unsafe impl Sync for SockState {}

/// Where the socket's poll is; see the diagram in the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PollState {
    /// No poll in flight. The kernel holds no reference to the state, and the
    /// buffers are ours.
    Idle,
    /// A poll waiting for `events` is in flight: the kernel holds one
    /// reference to the state (the packet's context) and owns the buffers.
    Pending {
        /// The `AFD_POLL_*` bits it waits for.
        events: u32,
    },
    /// A poll is in flight and its cancellation was requested. Until its
    /// packet arrives, the kernel still holds the reference and the buffers,
    /// and no new poll may start.
    Cancelled,
}

/// What the user registered, and what the kernel has been asked.
#[derive(Debug)]
struct Registration {
    token: Token,
    /// The `AFD_POLL_*` bits the interest maps to.
    interest: u32,
    /// The bits of `interest` not reported since the last re-arm: what the
    /// next poll waits for. Reporting a bit clears it here (the edge);
    /// `WouldBlock` or a reregistration sets them all again.
    armed: u32,
    poll: PollState,
    /// Deregistered, dropped, or its socket was closed: no new poll starts,
    /// and the packet of one in flight produces no event.
    retired: bool,
}

impl SockState {
    /// A registration not yet submitted to the kernel; call [`update`](Self::update).
    pub(super) fn new(afd: Arc<Afd>, base: ffi::SOCKET, token: Token, interest: Interest) -> Self {
        let events = afd::interest_events(interest);
        SockState {
            iosb: UnsafeCell::new(ffi::IO_STATUS_BLOCK { Status: 0, Information: 0 }),
            info: UnsafeCell::new(empty_poll_info()),
            afd,
            base,
            registration: Mutex::new(Registration {
                token,
                interest: events,
                armed: events,
                poll: PollState::Idle,
                retired: false,
            }),
        }
    }

    /// Makes the kernel wait for what is armed: starts the first poll.
    pub(super) fn start(self: &Arc<Self>) -> io::Result<()> {
        let mut reg = self.lock();
        self.update(&mut reg)
    }

    /// New token and interest; everything in the interest is armed again,
    /// so readiness the socket already has is reported anew.
    pub(super) fn reregister(self: &Arc<Self>, token: Token, interest: Interest) -> io::Result<()> {
        let mut reg = self.lock();
        let events = afd::interest_events(interest);
        reg.token = token;
        reg.interest = events;
        reg.armed = events;
        self.update(&mut reg)
    }

    /// Re-arms everything after an operation returned `WouldBlock`: the edge.
    pub(super) fn rearm(self: &Arc<Self>) -> io::Result<()> {
        let mut reg = self.lock();
        if reg.retired || reg.armed == reg.interest {
            return Ok(()); // nothing was reported since the last arming
        }
        reg.armed = reg.interest;
        self.update(&mut reg)
    }

    /// Retires the registration: no event will be returned for it from now
    /// on. A poll in flight is cancelled; the state lives until its packet.
    pub(super) fn deregister(&self) {
        let mut reg = self.lock();
        reg.retired = true;
        if let PollState::Pending { .. } = reg.poll {
            // A failed cancel is not an error for the caller: the retired
            // registration produces no event either way, and the poll's
            // packet still comes when the socket becomes ready or closes, or
            // when the selector cancels everything as it goes away.
            let _ = self.cancel(&mut reg);
        }
    }

    /// Handles the packet of this socket's poll, which the selector has just
    /// dequeued and turned back into the `Arc` it carried: the socket is
    /// idle again. Returns the event to report, if any. The next poll is
    /// not started here but by [`restart`](Self::restart), which the
    /// selector calls before its next wait: by then the user has usually
    /// handled the event and re-armed, so the poll starts once, with
    /// everything armed, instead of being started without the reported bits
    /// and cancelled by the re-arm.
    pub(super) fn complete(&self) -> Option<Event> {
        let mut reg = self.lock();
        debug_assert_ne!(reg.poll, PollState::Idle, "a packet for an idle socket");
        reg.poll = PollState::Idle;
        if reg.retired {
            return None;
        }
        let observed = self.observed(&mut reg);
        if reg.retired {
            return None; // the socket was closed under us
        }
        let reported = observed & (reg.armed | afd::POLL_FAILED);
        reg.armed &= !reported;
        if reported & READ_SIDE != 0 {
            // One read-side edge per `WouldBlock`: once anything readable
            // (data, a connection, the peer's FIN) is reported, the whole
            // read side waits for the user's read to return `WouldBlock`.
            // The contract asks no more: after an event the user reads until
            // `WouldBlock` (and a FIN that arrives meanwhile is then seen as
            // the read returning 0, or as an event once re-armed). It matters
            // under Wine, which turns an armed DISCONNECT or ACCEPT into
            // level-triggered POLLIN interest, so a socket with unread data
            // kept wineserver busy re-checking every pending poll in the
            // process (server/sock.c, poll_flags_from_afd and
            // complete_async_polls): the demo's 1,000 clients took hours.
            reg.armed &= !READ_SIDE;
        }
        (reported != 0).then(|| Event::new(reg.token, reported))
    }

    /// Starts the next poll after a completion, if none has been started
    /// since (by a re-arm or a reregistration) and the registration is live.
    /// If it cannot start, no event would ever come again for the socket:
    /// returns an event saying so, and the user's next I/O meets the cause
    /// (or returns `WouldBlock`, whose re-arm tries again).
    pub(super) fn restart(self: &Arc<Self>) -> Option<Event> {
        let mut reg = self.lock();
        match self.update(&mut reg) {
            Ok(()) => None,
            Err(_) => Some(Event::new(reg.token, afd::POLL_FAILED)),
        }
    }

    /// The `AFD_POLL_*` bits the completed poll reports (`POLL_FAILED` if it
    /// failed, nothing if it was cancelled). Retires the registration if the
    /// socket was closed.
    fn observed(&self, reg: &mut Registration) -> u32 {
        // SAFETY: the packet of this state's only poll in flight has been
        // dequeued (see `complete`), so the kernel has finished writing the
        // status block and holds no reference to it; the registration lock
        // is held, which every other access also takes.
        let status = unsafe { (*self.iosb.get()).Status };
        // SAFETY: as for the status block, the reply buffer is ours again.
        let info = unsafe { *self.info.get() };
        if status == ffi::STATUS_CANCELLED {
            0
        } else if status < 0 {
            afd::POLL_FAILED
        } else if info.NumberOfHandles == 0 {
            0 // completed for no socket (a timeout; groundup sets none)
        } else if info.Handles[0].Events & ffi::AFD_POLL_LOCAL_CLOSE != 0 {
            reg.retired = true;
            0
        } else {
            info.Handles[0].Events
        }
    }

    /// Brings the kernel in line with the registration: a poll for the armed
    /// bits if none is in flight, a cancel if the one in flight lacks some.
    fn update(self: &Arc<Self>, reg: &mut Registration) -> io::Result<()> {
        match reg.poll {
            PollState::Pending { .. } if reg.retired => self.cancel(reg),
            _ if reg.retired => Ok(()),
            PollState::Idle => self.submit(reg),
            // The poll in flight already waits for everything armed. It may
            // complete for a bit no longer armed; `complete` filters that
            // out and starts the right poll.
            PollState::Pending { events } if reg.armed & !events == 0 => Ok(()),
            PollState::Pending { .. } => self.cancel(reg),
            // The next poll starts when the cancelled one's packet arrives.
            PollState::Cancelled => Ok(()),
        }
    }

    /// Starts a poll for the armed bits (and `LOCAL_CLOSE`).
    fn submit(self: &Arc<Self>, reg: &mut Registration) -> io::Result<()> {
        debug_assert_eq!(reg.poll, PollState::Idle);
        let events = reg.armed | ffi::AFD_POLL_LOCAL_CLOSE;
        let (info, iosb) = (self.info.get(), self.iosb.get());
        let mut request = empty_poll_info();
        request.Handles[0].Handle = self.base as ffi::HANDLE;
        request.Handles[0].Events = events;
        // SAFETY: the poll is Idle, so the kernel has no claim on the buffer,
        // and the registration lock (held) guards every access to it.
        unsafe { info.write(request) };
        // SAFETY: as above, for the status block.
        unsafe { iosb.write(ffi::IO_STATUS_BLOCK { Status: ffi::STATUS_PENDING, Information: 0 }) };
        let started = self.afd.port().start(|| {
            let context = Arc::into_raw(Arc::clone(self)).cast_mut().cast::<c_void>();
            // SAFETY: both buffers live inside `*self`, which the reference
            // just turned into `context` keeps alive until the packet is
            // dequeued and the reference reclaimed (`Selector::dispatch`, or
            // the drain when the selector goes). Until then nothing else
            // touches them: `poll` becomes Pending below, under the lock.
            let result = unsafe { self.afd.poll(info, iosb, context) };
            if result.is_err() {
                // SAFETY: the poll failed at once, so no packet will carry
                // `context`: this reclaims, exactly once, the reference
                // `into_raw` made above.
                drop(unsafe { Arc::from_raw(context.cast::<SockState>().cast_const()) });
            }
            result
        });
        match started {
            Ok(Started::Yes) => {
                reg.poll = PollState::Pending { events };
                Ok(())
            }
            // The selector is going away; the socket will never be polled
            // again, which is what a dropped `Poll` means.
            Ok(Started::PortClosed) => Ok(()),
            // The socket was closed while registered: forget it, as epoll
            // forgets a closed descriptor.
            Err(e) if e.raw_os_error() == Some(ffi::ERROR_INVALID_HANDLE as i32) => {
                reg.retired = true;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Requests cancellation of the poll in flight.
    fn cancel(&self, reg: &mut Registration) -> io::Result<()> {
        debug_assert!(matches!(reg.poll, PollState::Pending { .. }));
        self.afd.cancel(self.iosb.get())?;
        reg.poll = PollState::Cancelled;
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Registration> {
        // Poisoning would mean a panic (a failed debug assertion) while the
        // lock was held; the registration is still a valid value, so go on.
        self.registration.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A poll request for one socket with no timeout, before its handle and
/// events are filled in.
fn empty_poll_info() -> ffi::AFD_POLL_INFO {
    ffi::AFD_POLL_INFO {
        Timeout: i64::MAX,
        NumberOfHandles: 1,
        Exclusive: 0,
        Handles: [ffi::AFD_POLL_HANDLE_INFO { Handle: std::ptr::null_mut(), Events: 0, Status: 0 }],
    }
}
