//! `examples/graceful_shutdown.rs`, run as a child process and asked to
//! stop: on Unix by `SIGTERM` and by `SIGINT` (Ctrl-C), on Windows by a
//! Ctrl-C sent into its console (under Wine too). The two tests share no
//! state: each server is a child of its own. The example's own
//! `--check` does the asking; here the server is this test binary run
//! again as a child helper that calls the example's `serve`, so the test
//! needs no separately built example binary.
//!
//! On Windows the Ctrl-C is sent by a third process (this binary again),
//! which attaches to the server's console: a process can only send to its
//! own console, and this one must keep its own to report.

mod util;

#[path = "../examples/graceful_shutdown.rs"]
#[allow(dead_code)] // the example's `main` is not called here
mod example;

/// This binary as a child: the example's server, if asked; otherwise the
/// usual helper modes (none used here).
#[test]
fn child_helper() {
    let mode = std::env::var(util::child::MODE).unwrap_or_default();
    if mode == "graceful-shutdown" {
        let served = groundup::block_on(example::serve("127.0.0.1:0"));
        std::process::exit(if served.is_ok() { 0 } else { 1 });
    }
    #[cfg(windows)]
    if let Some(pid) = mode.strip_prefix("send-ctrl-c:") {
        let sent = example::send_ctrl_event(pid.parse().unwrap(), example::Stop::Interrupt);
        std::process::exit(if sent.is_ok() { 0 } else { 1 });
    }
    util::child::run_if_asked();
}

fn check(stop: example::Stop) {
    // Skipped under ThreadSanitizer: it runs a signal's handler only when the
    // thread the kernel delivered it to next makes a call it intercepts; the
    // server here is a libtest child, whose main thread (the kernel's first
    // choice) waits for the test thread on a futex, which it does not
    // intercept, so the handler never runs. The example itself passes its
    // `--check` under ThreadSanitizer, where `serve` runs on the main thread
    // (`cargo +nightly run -Zbuild-std --example graceful_shutdown -- --check`
    // with `-Zsanitizer=thread`).
    if util::under_thread_sanitizer() {
        return;
    }
    groundup::block_on(async {
        let server = util::child::command("graceful-shutdown");
        // On Windows the event is sent by this binary run as a helper too.
        let sender = |pid: u32, _| util::child::command(&format!("send-ctrl-c:{pid}"));
        let checked = example::check(server, stop, sender);
        let checked = groundup::time::timeout(util::PATIENCE, checked).await;
        checked.expect("the check did not end within PATIENCE").unwrap();
    });
}

#[test]
fn ctrl_c_stops_accepting_drains_and_exits_0() {
    check(example::Stop::Interrupt);
}

/// `SIGTERM` (Ctrl-Break on Windows, which Wine cannot send: Unix only).
#[cfg(unix)]
#[test]
fn sigterm_stops_accepting_drains_and_exits_0() {
    check(example::Stop::Terminate);
}
