//! A signal handler interrupting a blocked poll: `ErrorKind::Interrupted`,
//! and no event lost for it. Neither `epoll_wait` nor `kevent` is restarted
//! after a handler runs, even though `signal()` installs it with
//! `SA_RESTART` on glibc and the BSDs.
#![cfg(unix)]

mod util;

use std::io::ErrorKind;
use std::os::unix::thread::JoinHandleExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

#[cfg(groundup_os = "bsd")]
use groundup::groundup_ffi::bsd as ffi;
#[cfg(groundup_os = "linux")]
use groundup::groundup_ffi::linux as ffi;
use groundup::groundup_ffi::unix;
use groundup::poll::{Events, Poll, Token, Waker};

extern "C" fn do_nothing(_signal: std::ffi::c_int) {}

#[test]
fn a_signal_interrupts_poll_and_the_next_poll_gets_the_event() {
    let handler: extern "C" fn(std::ffi::c_int) = do_nothing;
    // SAFETY: `do_nothing` is async-signal-safe (it does nothing) and lives
    // for the whole program; SIGUSR1 has no other user in this test binary.
    let previous = unsafe { unix::signal(ffi::SIGUSR1, handler as usize) };
    assert_ne!(previous, usize::MAX, "signal: {}", std::io::Error::last_os_error());

    let mut poll = Poll::new().unwrap();
    let waker = Arc::new(Waker::new(poll.registry(), Token(5)).unwrap());
    let interrupted = Arc::new(AtomicBool::new(false));
    let (done_tx, done_rx) = mpsc::channel();
    let poller = {
        let interrupted = Arc::clone(&interrupted);
        thread::spawn(move || {
            let mut events = Events::with_capacity(8);
            loop {
                match poll.poll(&mut events, None) {
                    Err(e) if e.kind() == ErrorKind::Interrupted => {
                        assert!(events.is_empty());
                        interrupted.store(true, Ordering::SeqCst);
                    }
                    Err(e) => panic!("poll: {e}"),
                    Ok(()) => break,
                }
            }
            let tokens: Vec<_> = events.iter().map(|e| e.token()).collect();
            done_tx.send(tokens).unwrap();
        })
    };

    // Signal until a poll has seen it: the first signals may land before the
    // thread is inside epoll_wait or kevent, where they interrupt nothing.
    let deadline = Instant::now() + util::PATIENCE;
    while !interrupted.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "no poll returned Interrupted");
        // SAFETY: the poller thread has not been joined, so its pthread_t
        // is valid; the handler for SIGUSR1 is installed above.
        let rc = unsafe { unix::pthread_kill(poller.as_pthread_t(), ffi::SIGUSR1) };
        assert_eq!(rc, 0, "pthread_kill");
        thread::sleep(Duration::from_millis(5));
    }
    waker.wake().unwrap();
    let tokens = done_rx.recv_timeout(util::PATIENCE).expect("poll after the signal");
    assert_eq!(tokens, vec![Token(5)]);
    poller.join().unwrap();
}
