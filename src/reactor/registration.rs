//! The bridge between a leaf future and the reactor: wait for readiness,
//! run the operation, clear what `WouldBlock` disproved.

use std::future::poll_fn;
use std::io;
use std::marker::PhantomData;
use std::pin::pin;
use std::task::{Context, Poll, ready};

use super::Handle;
pub(crate) use super::scheduled_io::{Direction, ReadyEvent};
use super::scheduled_io::{ScheduledIo, ready};
use crate::coop;
use crate::poll::Source;

/// Whether a short stream transfer proves the readiness gone (see
/// `poll_transfer`).
const SHORT_TRANSFER_CLEARS: bool = !cfg!(any(groundup_backend = "iocp", groundup_libkqueue));

/// A source's registration with the reactor: its slot, and the handle that
/// keeps the slot's page alive.
///
/// `!Send`: it is created, polled and released on the runtime's thread,
/// like the task that owns it.
#[derive(Debug)]
pub(crate) struct Registration {
    handle: Handle,
    index: usize,
    _not_send: PhantomData<*const ()>,
}

impl Registration {
    pub(super) fn new(handle: Handle, index: usize) -> Registration {
        Registration { handle, index, _not_send: PhantomData }
    }

    fn slot(&self) -> &ScheduledIo {
        self.handle.slot(self.index)
    }

    /// Polls for readiness in `direction`, for the `poll_*` methods: the
    /// waker goes into the direction's one slot, so only the last task to
    /// poll a direction is woken (see `ScheduledIo`'s "two ways to wait").
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        if !coop::proceed(cx) {
            return Poll::Pending;
        }
        self.slot().poll_ready(cx, direction).map(|event| self.check_shutdown(event))
    }

    /// Waits until the source is ready for `interest` (a mask of `ready`
    /// bits; `Direction::interest` gives the usual two). Any number of
    /// tasks may wait at once, each is woken, and dropping the future
    /// gives up its place. This is what every async method waits with.
    pub(crate) async fn readiness(&self, interest: usize) -> io::Result<ReadyEvent> {
        let mut waiting = pin!(self.slot().readiness(interest));
        let event = poll_fn(|cx| {
            if !coop::proceed(cx) {
                return Poll::Pending;
            }
            waiting.as_mut().poll(cx)
        })
        .await;
        self.check_shutdown(event)
    }

    /// Runs `op` when the source is ready for `direction`, retrying after
    /// each `WouldBlock` once readiness comes back: the async counterpart
    /// of [`poll_io`](Self::poll_io), in which any number of tasks may wait
    /// at once. `op` must make one non-blocking attempt.
    pub(crate) async fn async_io<R>(
        &self,
        direction: Direction,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let event = self.readiness(direction.interest()).await?;
            match op() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                result => return result,
            }
        }
    }

    /// The event, or the reason the slot was shut down (the runtime went
    /// away, or the reactor's poll failed).
    fn check_shutdown(&self, event: ReadyEvent) -> io::Result<ReadyEvent> {
        if event.ready & ready::SHUTDOWN != 0 {
            return Err(self.handle.shut_down_error());
        }
        Ok(event)
    }

    /// Forgets readiness that an operation has just disproved.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        self.slot().clear(event);
    }

    /// Runs `op` when the source is ready, retrying after each `WouldBlock`
    /// once readiness comes back. `op` must make one non-blocking attempt.
    /// For the `poll_*` methods: only the last task to poll a direction is
    /// woken.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.poll_ready(cx, direction))?;
            match op() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                result => return Poll::Ready(result),
            }
        }
    }

    /// Like [`poll_io`](Self::poll_io) for one transfer of up to `len` bytes
    /// on a stream: a transfer shorter than `len` (but not 0) also clears the
    /// readiness, because an edge-triggered stream that did not fill the
    /// buffer has nothing more for now; a newer event moves the tick, so the
    /// clear cannot lose it. IOCP re-arms only on `WouldBlock`, so there a
    /// short transfer leaves the readiness alone.
    pub(crate) fn poll_transfer(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        len: usize,
        mut op: impl FnMut() -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        loop {
            let event = ready!(self.poll_ready(cx, direction))?;
            match op() {
                Ok(n) if SHORT_TRANSFER_CLEARS && n > 0 && n < len => {
                    self.clear_readiness(event);
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                result => return Poll::Ready(result),
            }
        }
    }

    /// Runs `op` once if the source is ready for `interest` (a mask of
    /// `ready` bits), without waiting: the readiness API's `try_*`
    /// methods. Not ready: `WouldBlock` at once, and `op` is not run (no
    /// system call). `op` returning `WouldBlock` clears the readiness it
    /// ran on, so the next wait waits for a new event (tokio's
    /// semantics). `op` must make one non-blocking attempt.
    ///
    /// No cooperative budget is spent: a `try_*` call never returns
    /// `Pending`, so it cannot yield (as in tokio).
    pub(crate) fn try_io<R>(
        &self,
        interest: usize,
        op: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        let Some(event) = self.slot().ready_for(interest) else {
            return Err(io::ErrorKind::WouldBlock.into());
        };
        let event = self.check_shutdown(event)?;
        match op() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_readiness(event);
                Err(e)
            }
            result => result,
        }
    }

    /// Removes `source` from the reactor's `Poll`. The slot itself is
    /// released when the registration drops.
    pub(crate) fn deregister(&self, source: &mut impl Source) -> io::Result<()> {
        self.handle.deregister(source)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.handle.release(self.index);
    }
}
