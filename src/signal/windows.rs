//! Windows console control events, as in `tokio::signal::windows`:
//! [`ctrl_c`], [`ctrl_break`], [`ctrl_close`], [`ctrl_logoff`],
//! [`ctrl_shutdown`].
//!
//! ```no_run
//! groundup::block_on(async {
//!     let mut breaks = groundup::signal::windows::ctrl_break()?;
//!     breaks.recv().await;
//!     println!("Ctrl-Break");
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```
//!
//! A listener for [`ctrl_close`], [`ctrl_logoff`] or [`ctrl_shutdown`]
//! keeps the process alive after the event for as long as the system
//! allows (a few seconds), so that the program can finish cleanly: the
//! process ends when its `main` returns, or when the system's patience
//! runs out.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::task::{Context, Poll};

use super::registry::{Event, Listener};
use crate::sys::console::{self, CtrlEvent, EVENTS};

/// The listeners of each kind of event.
static LISTENERS: [Event; EVENTS] = [const { Event::new() }; EVENTS];

/// What the control handler calls (on the system's thread): wakes the
/// event's listeners and says whether there are any.
fn notify(event: CtrlEvent) -> bool {
    let listeners = &LISTENERS[event.index()];
    listeners.broadcast();
    listeners.has_listeners()
}

/// A listener for one kind of event.
struct Ctrl {
    event: CtrlEvent,
    listener: Listener,
}

impl Ctrl {
    fn new(event: CtrlEvent) -> io::Result<Ctrl> {
        super::check_runtime()?;
        console::install(notify)?;
        let listener = Listener::new(&LISTENERS[event.index()], console::deliveries(event));
        Ok(Ctrl { event, listener })
    }

    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let event = self.event;
        self.listener.poll_delivered(cx, || console::deliveries(event)).map(Some)
    }
}

macro_rules! ctrl_listener {
    ($(#[$doc:meta])* $name:ident, $ctor:ident, $event:expr, $what:literal) => {
        $(#[$doc])*
        pub struct $name(Ctrl);

        #[doc = concat!("Listens for ", $what, " from now on. The first listener of any")]
        /// control event registers groundup's handler for the process, for
        /// good.
        ///
        /// # Errors
        ///
        /// Outside a runtime, or what `SetConsoleCtrlHandler` says.
        pub fn $ctor() -> io::Result<$name> {
            Ctrl::new($event).map($name)
        }

        impl $name {
            #[doc = concat!("Waits for the next ", $what, " after the last one this")]
            /// listener returned (or after its creation); several that come
            /// while nobody awaits merge into one. Never `None` (the
            /// `Option` is tokio's signature, shared with Unix).
            pub async fn recv(&mut self) -> Option<()> {
                poll_fn(|cx| self.poll_recv(cx)).await
            }

            /// Polls for the next event; see [`recv`](Self::recv).
            pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
                self.0.poll_recv(cx)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }
    };
}

ctrl_listener!(
    /// A stream of Ctrl-C events (`CTRL_C_EVENT`); see [`ctrl_c()`].
    CtrlC, ctrl_c, CtrlEvent::C, "Ctrl-C"
);
ctrl_listener!(
    /// A stream of Ctrl-Break events (`CTRL_BREAK_EVENT`); see [`ctrl_break`].
    CtrlBreak, ctrl_break, CtrlEvent::Break, "Ctrl-Break"
);
ctrl_listener!(
    /// A stream of console-closing events (`CTRL_CLOSE_EVENT`); see [`ctrl_close`].
    CtrlClose, ctrl_close, CtrlEvent::Close, "the console closing"
);
ctrl_listener!(
    /// A stream of log-off events (`CTRL_LOGOFF_EVENT`, received by services
    /// only); see [`ctrl_logoff`].
    CtrlLogoff, ctrl_logoff, CtrlEvent::Logoff, "a user logging off"
);
ctrl_listener!(
    /// A stream of system shutdown events (`CTRL_SHUTDOWN_EVENT`, received by
    /// services only); see [`ctrl_shutdown`].
    CtrlShutdown, ctrl_shutdown, CtrlEvent::Shutdown, "the system shutting down"
);

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::task::Poll;

    use super::*;

    /// Wine cannot generate Ctrl-Break (its `GenerateConsoleCtrlEvent` fails
    /// for it), so this runs the handler's own code as the system would.
    #[test]
    fn a_ctrl_break_wakes_both_listeners_and_counts_as_handled() {
        crate::block_on(async {
            let mut first = ctrl_break().unwrap();
            let mut second = ctrl_break().unwrap();
            let pending = poll_fn(|cx| Poll::Ready(first.poll_recv(cx).is_pending())).await;
            assert!(pending, "nothing delivered yet");
            std::thread::spawn(|| assert!(console::deliver_for_test(CtrlEvent::Break)))
                .join()
                .unwrap();
            assert_eq!(first.recv().await, Some(()));
            assert_eq!(second.recv().await, Some(()));
        });
    }
}
