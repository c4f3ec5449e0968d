//! Timers: [`sleep`], [`sleep_until`], [`timeout`] and [`interval`], the
//! runtime's clock ([`Instant`]), and paused time ([`pause`], [`resume`],
//! [`advance`]).
//!
//! ## Where timers live, and why
//!
//! Timers live on the **executor thread**, in a hierarchical timing wheel
//! (`wheel.rs`), not on the reactor thread. A timer is created, polled,
//! fired and cancelled by the same thread that runs its task, so none of it
//! needs an atomic, a lock or a message to another thread:
//!
//! - creating or cancelling a timer is an O(1) list operation, no system
//!   call (a reactor-side wheel would need a cross-thread message, and a
//!   wake of the reactor whenever a new timer is earlier than all others);
//! - the executor's park timeout *is* the next timer deadline, so the
//!   executor sleeps exactly until there is something to do;
//! - a fired timer's wake goes to the local run queue.
//!
//! The cost: timers are `!Send` (like the tasks that use them) and fire only
//! while the runtime's thread is inside `block_on`.
//!
//! ## Resolution and lateness
//!
//! The wheel ticks in milliseconds, and a deadline is rounded *up* to the
//! next tick, so no timer ever fires early; the executor's park rounds its
//! timeout up too. Expect a timer to complete between its deadline and about
//! a millisecond after (more if the executor is busy: timers are checked
//! every `EVENT_INTERVAL` task polls).
//!
//! ## The clock, and paused time
//!
//! Deadlines are [`Instant`]s of the runtime's clock (`clock.rs`), which is
//! the system clock until a test [pauses](pause) it. Paused, the clock moves
//! only by [`advance`] or by *auto-advance*: when the executor runs out of
//! work with a timer pending, it first has the reactor look at the kernel
//! once more without blocking (so ready I/O is served first), and then, if
//! nothing woke, moves the clock to the wheel's next deadline (`driver.rs`,
//! and the executor's `auto_advance.rs`). An hour of timers then takes no
//! time, and the timers still fire in deadline order, none early. The
//! [`#[groundup::test(start_paused = true)]`](crate::test) attribute starts
//! a test that way.
//!
//! ## Files
//!
//! `driver.rs` (the wheel and clock together, and what the executor asks of
//! them), `wheel.rs`, `clock.rs`, `instant.rs` (below the ambient context:
//! they name no runtime), `current.rs` (what reads the current runtime's
//! clock: `Instant::now`, `pause`, `resume`, `advance`), and one file per future:
//! `sleep.rs`, `timeout.rs`, `interval.rs`; `error.rs`, tokio's
//! `time::error` path for [`Elapsed`] and the timer [`error::Error`].

mod clock;
mod current;
pub(crate) mod driver;
pub mod error;
mod instant;
mod interval;
mod sleep;
mod timeout;
mod wheel;

pub use std::time::Duration;

pub use current::{advance, pause, resume};
pub use instant::Instant;
pub use interval::{Interval, MissedTickBehavior, interval, interval_at};
pub use sleep::{Sleep, sleep, sleep_until};
pub use timeout::{Elapsed, Timeout, timeout, timeout_at};
