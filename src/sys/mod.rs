//! The operating-system layer: one backend per kernel event interface.
//!
//! `build.rs` maps the target OS to a backend and emits
//! `groundup_backend = "epoll" | "kqueue" | "iocp"`; this module is the only
//! place that turns that choice into code, by picking one file.
//!
//! ## The contract every backend meets
//!
//! Each backend module provides the same items with the same meaning, and
//! `crate::poll` is written against this list only:
//!
//! | item | what it does |
//! |---|---|
//! | `Selector::new()`, `try_clone()` | create the kernel queue; a second handle on the same queue |
//! | `Selector::select(&self, &mut Events, Option<Duration>)` | wait for events; clear and refill the buffer up to its capacity; round timeouts *up*; `Interrupted` on a signal |
//! | `Selector::register`, `reregister`, `deregister` | edge-triggered registration; `AlreadyExists` for a second register, `NotFound` for an unknown source; no event for a source after its `deregister` returned |
//! | `Event`, `Events` | one event as the kernel returns it; the buffer type |
//! | `event::{token, is_readable, is_writable, is_error, is_read_closed, is_write_closed, is_priority, debug_flags}` | read an `Event` |
//! | `Waker::new(&Selector, Token)`, `wake()` | wake a blocked `select` from any thread; wakes before a poll merge into one event |
//! | `IoSourceState` with `do_io` | per-source state for `IoSource`; the hook where a backend re-arms after `WouldBlock` |
//!
//! The Unix backends take a `RawFd` in `register`, `reregister` and
//! `deregister`, and keep nothing per source (but kqueue on libkqueue, whose
//! `IoSourceState` remembers the queue to deregister from on drop). The Windows one keeps a
//! per-socket state (the buffers of the socket's pending AFD poll), so its
//! three take the `IoSource`'s `IoSourceState`, and `register` also the
//! `RawSocket`; it also exports `set_nonblocking` for `IoSource::new`.
//! Everything else is identical.
//!
//! Beside the backends sit [`syscall`], the one way any of them makes a system
//! call, the helpers shared by the Unix ones, and two pieces of the kqueue
//! backend kept in files of their own so that Linux can test them:
//! `kqueue_rules` (its decisions, over plain values) and `pipe_waker`. A
//! third, `libkqueue.rs`, is compiled into the kqueue backend only when it
//! runs on Linux through libkqueue (`GROUNDUP_BACKEND=kqueue`, see
//! `build.rs`), and handles where libkqueue differs from a kernel kqueue.
//! And what signals and child processes need from the kernel: `signal`
//! (the Unix handler and its socket pair), `console` (Windows control
//! events), and [`process`] (waiting for, reaping and killing children,
//! and their pipes), which registers with the backends through two
//! additions to the contract: kqueue's `Selector::register_pid` and
//! `deregister_pid`, and the IOCP selector's `register_pipe` and
//! `register_wait` (the epoll backend needs none: a pidfd is a descriptor).
//! On Unix, `stdio` says which of the standard streams have readiness and
//! opens non-blocking descriptors of groundup's own for those (a `dup` of
//! a socket, a fresh open of a pipe or terminal through `/proc/self/fd`),
//! which register like any descriptor.

pub(crate) mod net;
pub(crate) mod syscall;

#[cfg(unix)]
pub(crate) mod unix;

// Beside the backends: what signals and child processes need from the
// kernel, which is not readiness of a registered source.
#[cfg(groundup_backend = "iocp")]
pub(crate) mod console;
pub(crate) mod process;
#[cfg(unix)]
pub(crate) mod signal;
#[cfg(unix)]
pub(crate) mod stdio;

#[cfg(groundup_backend = "epoll")]
#[path = "epoll.rs"]
mod backend;

#[cfg(groundup_backend = "kqueue")]
#[path = "kqueue.rs"]
mod backend;

#[cfg(groundup_backend = "iocp")]
#[path = "iocp/mod.rs"]
mod backend;

#[cfg(not(any(
    groundup_backend = "epoll",
    groundup_backend = "kqueue",
    groundup_backend = "iocp"
)))]
compile_error!(
    "groundup does not support this target OS. Supported: Linux and Android (epoll); macOS, \
     iOS, tvOS, watchOS, visionOS, FreeBSD, NetBSD, OpenBSD and DragonFly BSD (kqueue); \
     Windows (IOCP with AFD poll)."
);

// The kqueue backend's rules, plain Rust over plain values: compiled into
// every Unix test build as well, so Linux tests what only runs on the BSDs.
#[cfg(any(groundup_backend = "kqueue", all(test, unix)))]
mod kqueue_rules;

// The pipe waker (kqueue systems without `EVFILT_USER`): compiled into the
// Linux test build as well, where its tests run it against epoll (or, with
// `GROUNDUP_BACKEND=kqueue`, against the kqueue backend on libkqueue).
#[cfg(any(groundup_waker = "pipe", all(test, groundup_os = "linux")))]
mod pipe_waker;

#[cfg(groundup_backend = "iocp")]
pub(crate) use backend::set_nonblocking;
#[cfg(groundup_libkqueue)]
pub(crate) use backend::take_consumed_error;
pub(crate) use backend::{Events, IoSourceState, Selector, Waker, event};
pub(crate) type Event = backend::Event;
