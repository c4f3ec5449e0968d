//! Unix signals sent to this process with `kill(getpid(), …)` (see
//! `util::raise_signal` for the ThreadSanitizer run) reach
//! `groundup::signal` listeners.
//!
//! Installing a handler changes the process for good, so these tests live
//! in a binary of their own. The tests of one binary run in parallel, so
//! each uses a signal no other test here sends.
#![cfg(unix)]

mod util;

use std::ffi::c_int;
use std::io;
use std::time::Duration;

use groundup::signal::unix::{Signal, SignalKind, signal};
use groundup::time::timeout;

#[cfg(groundup_os = "bsd")]
use groundup::groundup_ffi::bsd as os;
#[cfg(groundup_os = "linux")]
use groundup::groundup_ffi::linux as os;

/// The next delivery, or a panic after `PATIENCE` (also if it only came
/// as the deadline passed: the timer's wake polls `recv` one last time,
/// which would hide a wake that never came).
async fn next(listener: &mut Signal) {
    let start = std::time::Instant::now();
    let received = timeout(util::PATIENCE, listener.recv()).await;
    assert_eq!(received.expect("no delivery within PATIENCE"), Some(()));
    assert!(start.elapsed() < util::PATIENCE, "received only when the deadline woke it");
}

/// Whether `listener` has a delivery waiting right now (one poll).
async fn has_delivery(listener: &mut Signal) -> bool {
    std::future::poll_fn(|cx| std::task::Poll::Ready(listener.poll_recv(cx).is_ready())).await
}

#[test]
fn a_signal_sent_to_the_process_is_received() {
    groundup::block_on(async {
        let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
        util::raise_signal(os::SIGUSR1);
        next(&mut usr1).await;
    });
}

#[test]
fn two_listeners_for_one_signal_are_both_woken() {
    groundup::block_on(async {
        let mut first = signal(SignalKind::user_defined2()).unwrap();
        let mut second = signal(SignalKind::user_defined2()).unwrap();
        for _ in 0..3 {
            util::raise_signal(os::SIGUSR2);
            next(&mut first).await;
            next(&mut second).await;
        }
    });
}

#[test]
fn listeners_on_two_runtimes_are_both_woken() {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let other = std::thread::spawn(move || {
        groundup::block_on(async move {
            let mut hup = signal(SignalKind::hangup()).unwrap();
            ready_tx.send(()).unwrap();
            next(&mut hup).await;
        });
    });
    groundup::block_on(async {
        let mut hup = signal(SignalKind::hangup()).unwrap();
        ready_rx.recv().unwrap();
        util::raise_signal(os::SIGHUP);
        next(&mut hup).await;
    });
    other.join().unwrap();
}

/// 1,000 signals as fast as one thread can send them: the kernel and the
/// handler merge them, so each listener sees between 1 and 1,000 of them;
/// none sees none, and after the burst each still hears the next one.
#[test]
fn a_burst_of_1000_signals_reaches_every_listener() {
    groundup::block_on(async {
        let mut listeners = [
            signal(SignalKind::window_change()).unwrap(),
            signal(SignalKind::window_change()).unwrap(),
        ];
        let sender = std::thread::spawn(|| {
            for _ in 0..1000 {
                util::raise_signal(os::SIGWINCH);
            }
        });
        let mut counts = [0usize; 2];
        for (listener, count) in listeners.iter_mut().zip(&mut counts) {
            next(listener).await;
            *count += 1;
        }
        sender.join().unwrap();
        // Take what is left of the burst: each poll that finds a delivery
        // counts one (merged) delivery; a yield lets the reactor report
        // bytes still in flight.
        for _ in 0..10 {
            for (listener, count) in listeners.iter_mut().zip(&mut counts) {
                while has_delivery(listener).await {
                    *count += 1;
                }
            }
            groundup::time::sleep(Duration::from_millis(1)).await;
        }
        for count in counts {
            assert!((1..=1000).contains(&count), "{counts:?}");
        }
        util::raise_signal(os::SIGWINCH);
        for listener in &mut listeners {
            next(listener).await;
        }
    });
}

#[test]
fn a_listener_hears_only_deliveries_made_after_its_creation() {
    groundup::block_on(async {
        let mut early = signal(SignalKind::alarm()).unwrap();
        util::raise_signal(os::SIGALRM);
        next(&mut early).await;
        let mut late = signal(SignalKind::alarm()).unwrap();
        assert!(!has_delivery(&mut late).await, "the earlier SIGALRM is not news to it");
        util::raise_signal(os::SIGALRM);
        next(&mut late).await;
        next(&mut early).await;
    });
}

#[test]
fn a_listener_dropped_before_a_delivery_does_not_stop_the_others() {
    groundup::block_on(async {
        let mut kept = signal(SignalKind::quit()).unwrap();
        let dropped = signal(SignalKind::quit()).unwrap();
        drop(dropped);
        util::raise_signal(os::SIGQUIT);
        next(&mut kept).await;
    });
}

#[test]
fn ctrl_c_is_sigint() {
    groundup::block_on(async {
        // A listener of our own first: it installs the handler, so no
        // SIGINT below can take the default action and end the test binary.
        let mut sigint = signal(SignalKind::interrupt()).unwrap();
        let ctrl_c = groundup::spawn(groundup::signal::ctrl_c());
        // ctrl_c() listens from its first poll: signal until it has heard
        // one (a SIGINT before that poll is not news to it, and nothing
        // says when the poll happened).
        let deadline = std::time::Instant::now() + util::PATIENCE;
        while !ctrl_c.is_finished() {
            assert!(std::time::Instant::now() < deadline, "ctrl_c() never returned");
            groundup::time::sleep(Duration::from_millis(5)).await;
            util::raise_signal(os::SIGINT);
        }
        ctrl_c.await.unwrap().unwrap();
        next(&mut sigint).await;
    });
}

#[test]
fn signals_that_cannot_be_handled_are_refused_with_a_reason() {
    groundup::block_on(async {
        for (signum, name) in [
            (os::SIGKILL, "SIGKILL"),
            (os::SIGSTOP, "SIGSTOP"),
            (os::SIGSEGV, "SIGSEGV"),
            (os::SIGBUS, "SIGBUS"),
            (os::SIGILL, "SIGILL"),
            (os::SIGFPE, "SIGFPE"),
        ] {
            let err = signal(SignalKind::from_raw(signum)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
            assert!(err.to_string().contains(name), "{err}");
        }
        let err = signal(SignalKind::from_raw(0)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    });
}

#[test]
fn listening_outside_a_runtime_is_an_error_that_names_the_fix() {
    let err = signal(SignalKind::io()).unwrap_err();
    assert!(err.to_string().contains("block_on"), "{err}");
}

#[test]
fn signal_kinds_convert_to_and_from_their_numbers() {
    let kind = SignalKind::from(os::SIGTERM);
    assert_eq!(kind, SignalKind::terminate());
    assert_eq!(kind.as_raw_value(), os::SIGTERM);
    assert_eq!(c_int::from(SignalKind::child()), os::SIGCHLD);
    assert_eq!(SignalKind::pipe().as_raw_value(), os::SIGPIPE);
    assert_eq!(SignalKind::interrupt().as_raw_value(), os::SIGINT);
}
