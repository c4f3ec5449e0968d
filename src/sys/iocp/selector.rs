//! The selector: a completion port, a pool of AFD helper handles, and the
//! loop that turns packets into events.

use std::io;
use std::os::windows::io::RawSocket;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use groundup_ffi::windows as ffi;

use super::afd::{self, Afd};
use super::events::{Event, Events};
use super::io_source_state::IoSourceState;
use super::pipe::{self, PipeState};
use super::port::Port;
use super::sock::SockState;
use super::wait::{self, WaitState};
use super::{socket, waker};
use crate::poll::{Interest, Token};

/// How many sockets poll through one AFD helper handle (wepoll's and mio's
/// figure: the driver walks a handle's pending polls in a list).
const SOCKETS_PER_AFD: usize = 32;

/// A completion port with its AFD handles. Clones (`try_clone`) share it:
/// the last one to go drains it.
#[derive(Debug)]
pub(crate) struct Selector {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    port: Arc<Port>,
    afds: AfdPool,
    /// Sockets whose poll completed since the last select: their next poll
    /// starts (if nothing has started it meanwhile) before the next wait.
    completed: Mutex<Vec<Arc<SockState>>>,
    /// The registered pipes and process waits, for the drop to cancel
    /// whatever of theirs is still in flight (a read of a pipe no child
    /// writes to would otherwise never complete).
    others: Mutex<Others>,
}

/// Pipes and waits, weakly: each is freed when its owner and its last
/// packet are done with it.
#[derive(Debug, Default)]
struct Others {
    pipes: Vec<Weak<PipeState>>,
    waits: Vec<Weak<WaitState>>,
}

impl Selector {
    pub(crate) fn new() -> io::Result<Selector> {
        let port = Arc::new(Port::new()?);
        let inner = Inner {
            port,
            afds: AfdPool::default(),
            completed: Mutex::default(),
            others: Mutex::default(),
        };
        Ok(Selector { inner: Arc::new(inner) })
    }

    /// A second handle on the same port and registrations.
    pub(crate) fn try_clone(&self) -> io::Result<Selector> {
        Ok(Selector { inner: Arc::clone(&self.inner) })
    }

    pub(super) fn port(&self) -> &Arc<Port> {
        &self.inner.port
    }

    /// Restarts the polls that completed last time, waits for packets and
    /// turns them into events, up to the capacity.
    ///
    /// Packets that make no event (a cancelled poll, a deregistered socket)
    /// can leave the batch empty before the timeout; `Poll::poll` then waits
    /// again until its deadline.
    pub(crate) fn select(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        events.clear();
        let capacity = events.capacity();
        self.inner.restart_completed(&mut events.events, capacity);
        let room = capacity - events.events.len();
        if room == 0 {
            return Ok(());
        }
        // Events already in hand (polls that could not restart) must not
        // wait behind a timeout: collect only what is ready.
        let timeout = if events.events.is_empty() { timeout } else { Some(Duration::ZERO) };
        self.inner.port.wait(&mut events.entries, room, timeout)?;
        for entry in &events.entries {
            if let Some(event) = self.inner.dispatch(entry) {
                events.events.push(event);
            }
        }
        self.inner.afds.release_unused();
        Ok(())
    }

    /// Registers `socket`: looks up its base handle, picks an AFD handle,
    /// starts the first poll, and keeps the state in `state`.
    pub(crate) fn register(
        &self,
        state: &mut IoSourceState,
        socket: RawSocket,
        token: Token,
        interest: Interest,
    ) -> io::Result<()> {
        let base = socket::base_socket(socket as ffi::SOCKET)?;
        let afd = self.inner.afds.acquire(&self.inner.port)?;
        let sock = Arc::new(SockState::new(afd, base, token, interest));
        sock.start()?;
        state.set(sock);
        Ok(())
    }

    pub(crate) fn reregister(
        &self,
        state: &IoSourceState,
        token: Token,
        interest: Interest,
    ) -> io::Result<()> {
        match state.sock() {
            Some(sock) => sock.reregister(token, interest),
            None => Err(not_registered()),
        }
    }

    pub(crate) fn deregister(&self, state: &mut IoSourceState) -> io::Result<()> {
        match state.take() {
            Some(sock) => {
                sock.deregister();
                Ok(())
            }
            None => Err(not_registered()),
        }
    }
}

/// Registering what is not a socket: pipes and process handles (see
/// `pipe.rs` and `wait.rs`), each with a completion key of its own.
impl Selector {
    /// Associates a pipe with the port and posts its first readiness.
    pub(crate) fn register_pipe(&self, pipe: &Arc<PipeState>, token: Token) -> io::Result<()> {
        pipe.register(&self.inner.port, token)?;
        let mut others = lock(&self.inner.others);
        others.pipes.retain(|p| p.strong_count() > 0);
        others.pipes.push(Arc::downgrade(pipe));
        Ok(())
    }

    pub(crate) fn reregister_pipe(&self, pipe: &Arc<PipeState>, token: Token) -> io::Result<()> {
        pipe.reregister(token)
    }

    /// Waits for `process` to be signaled (to exit) and reports it as a
    /// readable event for `token`.
    pub(crate) fn register_wait(
        &self,
        process: ffi::HANDLE,
        token: Token,
    ) -> io::Result<Arc<WaitState>> {
        let wait = WaitState::register(&self.inner.port, process, token)?;
        let mut others = lock(&self.inner.others);
        others.waits.retain(|w| w.strong_count() > 0);
        others.waits.push(Arc::downgrade(&wait));
        Ok(wait)
    }
}

fn not_registered() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "the socket is not registered")
}

impl Inner {
    /// Turns one dequeued packet back into the reference it carried and, for
    /// a live registration or a waker, into an event. A socket whose poll
    /// completed is queued for `restart_completed`.
    fn dispatch(&self, entry: &ffi::OVERLAPPED_ENTRY) -> Option<Event> {
        let context = entry.lpOverlapped.cast_const();
        match entry.lpCompletionKey {
            afd::KEY => {
                // SAFETY: every packet with the AFD key is the completion of
                // a poll started by `SockState::submit`, whose context is a
                // reference made by `Arc::into_raw` on a `SockState`; the
                // packet is dequeued once, so the reference is reclaimed once.
                let sock = unsafe { Arc::from_raw(context.cast::<SockState>()) };
                self.port.completed();
                let event = sock.complete();
                lock(&self.completed).push(sock);
                event
            }
            waker::KEY => {
                self.port.completed();
                // SAFETY: every packet with the waker key was posted by
                // `Waker::wake` with a reference made by `Arc::into_raw` on
                // the waker's shared state, reclaimed here once.
                Some(unsafe { waker::dequeued(context.cast()) })
            }
            pipe::KEY | pipe::KICK => {
                // SAFETY: every packet with a pipe key carries a reference
                // made by `Arc::into_raw` on a `PipeState` (whose first
                // field is the OVERLAPPED the kernel was given, so the
                // pointers are the same): by `PipeState::submit` for an
                // operation, `PipeState::register` for the kick. The packet
                // is dequeued once, so the reference is reclaimed once.
                let pipe = unsafe { Arc::from_raw(context.cast::<PipeState>()) };
                self.port.completed();
                match entry.lpCompletionKey {
                    pipe::KEY => pipe.complete(entry.dwNumberOfBytesTransferred as usize),
                    _ => pipe.kicked(),
                }
            }
            wait::KEY => {
                // SAFETY: every packet with the wait key was posted by the
                // wait callback with the reference `WaitState::register`
                // made by `Arc::into_raw`, moved into the packet once.
                let wait = unsafe { Arc::from_raw(context.cast::<WaitState>()) };
                self.port.completed();
                wait.exited()
            }
            // No other key is ever used on a groundup port.
            key => unreachable!("completion packet with unknown key {key}"),
        }
    }

    /// Starts the next poll of each socket whose poll completed before, and
    /// turns each that cannot start into an event, as long as there is room.
    fn restart_completed(&self, events: &mut Vec<Event>, capacity: usize) {
        // Taken out of the lock first: restarting takes each socket's own
        // lock, and `dispatch` takes this one after a socket's.
        let completed = std::mem::take(&mut *lock(&self.completed));
        let mut left = completed.into_iter();
        for sock in left.by_ref() {
            if let Some(failed) = sock.restart() {
                events.push(failed);
                if events.len() == capacity {
                    break;
                }
            }
        }
        // No room for more failures: the rest wait for the next select.
        lock(&self.completed).extend(left);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing panics while these locks are held; if something did, the
    // protected Vec is still a valid value.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Drop for Inner {
    /// Stops new polls, cancels the pending ones and dequeues every packet
    /// still expected, so each reference the kernel held is reclaimed and
    /// each state freed once nothing else holds it (the `completed` queue
    /// drops its references with the selector).
    fn drop(&mut self) {
        self.port.close();
        let others = std::mem::take(&mut *lock(&self.others));
        for pipe in others.pipes.iter().filter_map(Weak::upgrade) {
            pipe.cancel();
        }
        for wait in others.waits.iter().filter_map(Weak::upgrade) {
            // Returns once no callback runs; one that ran posted nothing
            // (the port is closed) or a packet the drain below takes.
            wait.unregister();
        }
        for afd in self.afds.all() {
            // A failed cancel leaves that handle's polls to complete on their
            // own; the bounded drain below then gives up on them.
            let _ = afd.cancel_all();
        }
        // Cancellation is prompt, but asynchronous: wait for the packets,
        // giving up (and leaking, which is safe: the memory the kernel may
        // still write stays allocated) only if none comes for ten seconds.
        let mut entries = Vec::new();
        let mut idle_waits = 0;
        while self.port.in_flight() > 0 && idle_waits < 10 {
            match self.port.wait(&mut entries, 64, Some(Duration::from_secs(1))) {
                Ok(()) if entries.is_empty() => idle_waits += 1,
                Ok(()) => {
                    idle_waits = 0;
                    for entry in &entries {
                        // Events of a dropped Poll have nobody to go to.
                        let _ = self.dispatch(entry);
                    }
                }
                Err(_) => break,
            }
        }
    }
}

/// The AFD helper handles of one selector, each shared by up to
/// `SOCKETS_PER_AFD` registered sockets.
///
/// A socket's state holds an `Arc` of its handle, so a handle's strong
/// count is one (the pool's) plus its sockets, counting those whose poll is
/// still in flight after they were deregistered. Counts only grow inside
/// `acquire`, under the pool's lock, so the bound holds.
#[derive(Debug, Default)]
struct AfdPool {
    afds: Mutex<Vec<Arc<Afd>>>,
}

impl AfdPool {
    /// A handle with room for one more socket, opening one if needed.
    fn acquire(&self, port: &Arc<Port>) -> io::Result<Arc<Afd>> {
        let mut afds = lock(&self.afds);
        if let Some(afd) = afds.iter().find(|afd| Arc::strong_count(afd) <= SOCKETS_PER_AFD) {
            return Ok(Arc::clone(afd));
        }
        let afd = Arc::new(Afd::open(port)?);
        afds.push(Arc::clone(&afd));
        Ok(afd)
    }

    /// Closes the handles no socket uses any more, keeping one for the next
    /// registration (so a register/deregister loop does not reopen it).
    fn release_unused(&self) {
        let mut afds = lock(&self.afds);
        let mut kept_spare = false;
        afds.retain(|afd| {
            let used = Arc::strong_count(afd) > 1;
            let keep = used || !kept_spare;
            kept_spare |= !used;
            keep
        });
    }

    /// Every handle, for cancelling everything.
    fn all(&self) -> Vec<Arc<Afd>> {
        lock(&self.afds).clone()
    }
}
