//! Small pieces every layer may use, and that name no layer: they sit at
//! the bottom of the module graph beside `loom`, so that a lower layer
//! never has to reach up into a higher one to find them.
//!
//! - [`panic`][]: containing a panic where a thread others depend on must
//!   survive it;
//! - [`linked_list`][]: the raw intrusive list that waiter nodes are linked
//!   into;
//! - [`park_on`][]: polling a future to completion on a plain thread;
//! - [`wait_list`][]: waiters (a waker, a payload, a "was I notified" state)
//!   and the batch their wakers are woken in, shared by the reactor's
//!   socket readiness and `groundup::sync`.

pub(crate) mod linked_list;
pub(crate) mod panic;
pub(crate) mod park_on;
pub(crate) mod wait_list;
