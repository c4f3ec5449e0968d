//! The park protocol under loom.
//!
//! `old_park_loses_a_wake` runs the protocol as it was before issue 13's
//! item 14 was fixed and expects loom to find the lost wake: it passes only
//! if loom reports the deadlock. It is the proof that this harness explores
//! the weak-memory behaviour the bug needs. Loom reports a failed model by
//! panicking in a way that aborts the process, so the model runs in a child
//! process (this test binary, re-run on the ignored test `old_park_model`).

use std::process::Command;

use groundup_loom::loom::sync::Arc;
use groundup_loom::old_park;

/// Two remote wakers each queue one task; the executor runs the loop of
/// `Core::block_on` (collect, then park when there was nothing) until it
/// has seen both. A lost wake leaves it parked with a task queued: loom
/// reports a deadlock.
fn two_wakers_one_executor() {
    let shared = Arc::new(old_park::Shared::default());
    let wakers: Vec<_> = (0..2)
        .map(|_| {
            let shared = Arc::clone(&shared);
            loom::thread::spawn(move || shared.wake_task())
        })
        .collect();
    let mut seen = 0;
    loop {
        seen += shared.collect_remote();
        if seen == 2 {
            break;
        }
        shared.park();
    }
    for waker in wakers {
        waker.join().unwrap();
    }
}

#[test]
#[ignore = "fails by design; run by old_park_loses_a_wake in a child process"]
fn old_park_model() {
    loom::model(two_wakers_one_executor);
}

#[test]
fn old_park_loses_a_wake() {
    let me = std::env::current_exe().expect("the test binary's path");
    let out = Command::new(me)
        .args(["--ignored", "--exact", "old_park_model", "--test-threads=1", "--nocapture"])
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("re-run the test binary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "loom found no lost wake in the old park protocol");
    assert!(
        stderr.contains("deadlock; threads = "),
        "the old protocol's model failed, but not with loom's deadlock report:\n{stderr}"
    );
}
