//! The futures behind the `…Ext` methods, and the helpers: copies, the
//! in-memory pipe, the endless readers and writers, and the adapters.
//!
//! One concern per file. The futures (`read_to_end`, `read_until`,
//! `read_int`, …) are state machines that the `…Ext` traits return as
//! `impl Future`; each keeps its progress in its own fields, so a `Pending`
//! loses nothing and the file says what cancelling it loses. The public
//! types (`Take`, `Chain`, `DuplexStream`, `ReadHalf`, …) are re-exported
//! from `groundup::io` under tokio's names.
//!
//! ## The cooperative budget
//!
//! A future that never returns `Pending` keeps its task on the thread, and
//! on a single-threaded runtime nothing else runs meanwhile: not the other
//! tasks, not the timers. Sockets and timers already spend one unit of the
//! task's budget (`crate::coop`) per operation, but a copy between two
//! always-ready ends (an in-memory reader and a `Vec`, `repeat` and `sink`,
//! two pipes with room to spare) would touch neither. So:
//!
//! - every leaf here that can be `Ready` without waiting spends a unit
//!   per poll: [`empty`](super::empty), [`repeat`](super::repeat),
//!   [`sink`](super::sink), both ends of [`duplex`](super::duplex) and
//!   [`simplex`](super::simplex);
//! - every loop here that can run long spends a unit per round, whatever
//!   its ends do: [`copy`](super::copy) and [`copy_buf`](super::copy_buf)
//!   per read, [`copy_bidirectional`](super::copy_bidirectional) per read in
//!   each direction.
//!
//! With the budget spent, the leaf wakes its task and returns `Pending`,
//! and the task goes to the back of the queue (tokio's rule, and its test
//! `io_copy::copy_is_cooperative`). The adapters (`take`, `chain`, `split`,
//! the buffered types) add no spending of their own: they forward each
//! call to the reader or writer they wrap, which spends if it is a leaf.
//! Outside a runtime there is no budget, and nothing is ever refused.

mod chain;
mod copy;
mod copy_bidirectional;
mod duplex;
mod empty;
mod join;
pub(super) mod lines;
mod pipe;
pub(super) mod read_exact;
pub(super) mod read_int;
pub(super) mod read_to_end;
pub(super) mod read_until;
mod repeat;
mod simplex;
mod sink;
mod split;
mod take;
mod utf8;
pub(super) mod write_all;
pub(super) mod write_int;

pub use chain::Chain;
pub use copy::{copy, copy_buf};
pub use copy_bidirectional::copy_bidirectional;
pub use duplex::{DuplexStream, duplex};
pub use empty::{Empty, empty};
pub use join::{Join, join};
pub use lines::{Lines, Split};
pub use repeat::{Repeat, repeat};
pub use simplex::{SimplexStream, simplex};
pub use sink::{Sink, sink};
pub use split::{ReadHalf, WriteHalf, split};
pub use take::Take;

use std::task::{Context, Poll};

/// Spends one unit of the task's cooperative budget: `Ready` to go on,
/// `Pending` (with the task already woken) when the budget is spent and the
/// caller must return `Pending` itself.
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    if crate::coop::proceed(cx) { Poll::Ready(()) } else { Poll::Pending }
}

/// Buffer size of `BufReader`, `BufWriter` and the copies: tokio's, and
/// large enough that a read or write per 8 KiB costs little next to moving
/// the bytes.
pub(crate) const DEFAULT_BUF_SIZE: usize = 8 * 1024;
