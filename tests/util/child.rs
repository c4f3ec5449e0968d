//! The test binary run again as a child process, in a *mode* that says what
//! it should do (exit with a code, echo its stdin, sleep until killed…).
//!
//! Spawning the test binary itself, rather than `cat` or `sh`, makes the
//! process tests run wherever the tests run, Windows under Wine included.
//! The child is started as `<this binary> --exact child_helper
//! --nocapture` with `GROUNDUP_TEST_CHILD=<mode>` in its environment: libtest
//! runs only the `child_helper` test, which every binary using this module
//! defines as a call of [`run_if_asked`] (which does nothing unless that
//! variable is set).
//!
//! libtest prints a line or two of its own to stdout before the helper
//! runs ("running 1 test"), so the helper first prints [`MARKER`], and a
//! parent reading stdout skips everything up to it ([`after_marker`]). The
//! helper ends the process itself (`std::process::exit`), before libtest
//! would print more.

use std::io::{Read, Write};

use groundup::process::Command;

/// The environment variable that carries the mode.
pub const MODE: &str = "GROUNDUP_TEST_CHILD";

/// What the helper prints first on stdout, after libtest's own lines.
pub const MARKER: &[u8] = b"<<groundup child>>\n";

/// The program and leading arguments that run this test binary again:
/// the binary itself, or, for the qemu-user cross runs, the emulator with
/// the binary as its argument. An emulated process cannot exec a binary of
/// its own CPU without a binfmt_misc entry, which the machine lacks, so
/// `.ci/cross.sh` names the emulator in `GROUNDUP_TEST_EMULATOR`.
pub fn this_binary() -> (String, Vec<String>) {
    let exe = std::env::current_exe().expect("the test binary's path");
    let exe = exe.to_str().expect("a UTF-8 path to the test binary").to_owned();
    match std::env::var("GROUNDUP_TEST_EMULATOR") {
        Ok(emulator) if !emulator.trim().is_empty() => {
            let mut words = emulator.split_whitespace().map(String::from);
            let program = words.next().expect("not empty");
            let mut args: Vec<String> = words.collect();
            args.push(exe);
            (program, args)
        }
        _ => (exe, Vec::new()),
    }
}

/// A command that runs this test binary as a child helper in `mode`.
pub fn command(mode: &str) -> Command {
    let (program, lead) = this_binary();
    let mut command = Command::new(program);
    command.args(lead);
    command.args(["--exact", "child_helper", "--nocapture", "--test-threads=1"]);
    command.env(MODE, mode);
    command
}

/// The part of `stdout` after the helper's marker.
pub fn after_marker(stdout: &[u8]) -> &[u8] {
    let at = stdout
        .windows(MARKER.len())
        .position(|w| w == MARKER)
        .unwrap_or_else(|| panic!("no marker in {:?}", String::from_utf8_lossy(stdout)));
    &stdout[at + MARKER.len()..]
}

/// Runs the mode named by [`MODE`], if set; returns at once otherwise.
pub fn run_if_asked() {
    let Ok(mode) = std::env::var(MODE) else { return };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(MARKER).unwrap();
    stdout.flush().unwrap();
    let code = match mode.split_once(':').unwrap_or((&mode, "")) {
        ("exit", code) => code.parse().expect("exit:<code>"),
        ("echo", _) => {
            let mut stdin = std::io::stdin().lock();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match stdin.read(&mut buf).unwrap() {
                    0 => break,
                    n => {
                        // Flushed at once: stdout is line-buffered, and the
                        // parent may wait for these bytes before sending more.
                        stdout.write_all(&buf[..n]).unwrap();
                        stdout.flush().unwrap();
                    }
                }
            }
            0
        }
        ("greet", _) => {
            stdout.write_all(b"to stdout").unwrap();
            std::io::stderr().write_all(b"to stderr").unwrap();
            7
        }
        ("emit", bytes) => {
            let bytes: usize = bytes.parse().expect("emit:<bytes>");
            let chunk = [b'x'; 64 * 1024];
            let mut left = bytes;
            while left > 0 {
                let n = left.min(chunk.len());
                stdout.write_all(&chunk[..n]).unwrap();
                left -= n;
            }
            0
        }
        ("sleep", _) => loop {
            std::thread::sleep(std::time::Duration::from_secs(60));
        },
        #[cfg(unix)]
        ("raise", signum) => {
            stdout.flush().unwrap();
            let signum = signum.parse().expect("raise:<signal number>");
            // SAFETY: kill takes no pointers; the signal's default action
            // ends this process, which is the point.
            unsafe { groundup::groundup_ffi::unix::kill(std::process::id() as i32, signum) };
            std::thread::sleep(std::time::Duration::from_secs(60));
            unreachable!("the signal should have ended the process")
        }
        #[cfg(windows)]
        ("ctrl-c", _) => ctrl_c_to_myself(),
        (other, _) => panic!("unknown child mode {other:?}"),
    };
    stdout.flush().unwrap();
    std::process::exit(code);
}

/// Listens for Ctrl-C twice over (`signal::windows::ctrl_c` and
/// `signal::ctrl_c`), sends Ctrl-C to this process's console, and exits 0
/// once both have heard it (1 if not within `PATIENCE`). Run with
/// `CREATE_NEW_CONSOLE`: a console of its own to send to, shared with no
/// other process.
#[cfg(windows)]
fn ctrl_c_to_myself() -> i32 {
    use groundup::groundup_ffi::windows as ffi;
    groundup::block_on(async {
        let mut listener = groundup::signal::windows::ctrl_c().unwrap();
        let top_level = groundup::spawn(groundup::signal::ctrl_c());
        // Let the spawned ctrl_c() make its listener (at its first poll).
        groundup::task::yield_now().await;
        // SAFETY: takes no pointers; this process has a console of its own.
        let sent = unsafe { ffi::GenerateConsoleCtrlEvent(ffi::CTRL_C_EVENT, 0) };
        assert_ne!(sent, 0, "GenerateConsoleCtrlEvent: {}", std::io::Error::last_os_error());
        let both = async {
            listener.recv().await;
            top_level.await.unwrap().unwrap();
        };
        match groundup::time::timeout(super::PATIENCE, both).await {
            Ok(()) => 0,
            Err(_) => 1,
        }
    })
}
