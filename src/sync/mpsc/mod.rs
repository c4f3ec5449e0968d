//! Channels from many senders to one receiver: tokio's `sync::mpsc`.
//!
//! [`channel`] is bounded: it holds at most `n` messages, and a `send` to a
//! full channel waits for room (back-pressure); [`unbounded_channel`]
//! never makes a sender wait. The receiver gets the messages in the order
//! they were sent (per sender; between senders, in the order their sends
//! took the channel's lock), and `recv` gives `None` once every sender is
//! gone and the queue is drained, or after [`Receiver::close`] once nothing
//! is left.
//!
//! Every type here is `Send` and `Sync` when `T` is `Send`: a std thread
//! ([`Sender::blocking_send`]) or a task of another runtime may send, and
//! the wake reaches a receiver waiting in groundup through the executor's
//! cross-thread wake path; the receiver may be a std thread too
//! ([`Receiver::blocking_recv`]).
//!
//! ## How it works
//!
//! The queue and the receiver's waker sit under one small lock, and the
//! bounded channel's room is a semaphore with one permit per free slot,
//! the same batch semaphore `Semaphore` and the locks are built on: a
//! sender waiting for room waits in its FIFO line, and one that gives up
//! (a dropped `send` future) leaves it, passing on a permit it was just
//! handed. `chan.rs` has the details; the loom model in
//! `checks/loom/tests/mpsc.rs` checks the wake paths.
//!
//! Cancel safety as tokio documents it: `recv` and `recv_many` are cancel
//! safe (a message is only taken in the poll that returns it); `send` is
//! not, in that dropping it drops the value (but it does give up its place
//! in line); `reserve` is, and a [`Permit`] then sends without waiting
//! (`reserve_many` reserves several at once, as one request in the line,
//! and hands them out through a [`PermitIterator`]).
//!
//! # Examples
//!
//! ```
//! use groundup::sync::mpsc;
//!
//! # groundup::block_on(async {
//! let (tx, mut rx) = mpsc::channel(8);
//! for i in 0..3 {
//!     let tx = tx.clone();
//!     groundup::spawn(async move { tx.send(i).await.unwrap() });
//! }
//! drop(tx);
//! let mut got = Vec::new();
//! while let Some(i) = rx.recv().await {
//!     got.push(i);
//! }
//! got.sort();
//! assert_eq!(got, [0, 1, 2]);
//! # });
//! ```

mod bounded;
mod chan;
pub mod error;
mod unbounded;

pub use self::bounded::{
    OwnedPermit, Permit, PermitIterator, Receiver, Sender, WeakSender, channel,
};
pub use self::unbounded::{
    UnboundedReceiver, UnboundedSender, WeakUnboundedSender, unbounded_channel,
};
