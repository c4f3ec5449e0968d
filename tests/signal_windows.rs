//! Windows console control events: Ctrl-C delivered to a process reaches
//! its `groundup::signal` listeners.
//!
//! `GenerateConsoleCtrlEvent` sends to every process on the caller's
//! console, so the test runs this binary again as a child with a console of
//! its own (`CREATE_NEW_CONSOLE`), where it listens and sends Ctrl-C to
//! itself (see `ctrl_c_to_myself` in `tests/util/child.rs`). Wine can do
//! that; it cannot generate Ctrl-Break (`GenerateConsoleCtrlEvent` fails
//! for it there), and no program can generate the close, logoff and
//! shutdown events, so those are covered by a unit test that runs the
//! handler's code directly (`src/signal/windows.rs`).
#![cfg(windows)]

mod util;

use std::process::Stdio;

/// Not a test: this binary's entry point as a child helper.
#[test]
fn child_helper() {
    util::child::run_if_asked();
}

#[test]
fn ctrl_c_sent_to_the_console_reaches_both_listeners() {
    const CREATE_NEW_CONSOLE: u32 = 0x10;
    groundup::block_on(async {
        let status = util::child::command("ctrl-c")
            .stdout(Stdio::null())
            .creation_flags(CREATE_NEW_CONSOLE)
            .status();
        let status = groundup::time::timeout(util::PATIENCE, status).await.unwrap().unwrap();
        assert_eq!(status.code(), Some(0), "the child did not hear Ctrl-C: {status:?}");
    });
}
