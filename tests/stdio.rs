//! `groundup::io::{stdin, stdout, stderr}`, driven through a child
//! process: this test binary run again (`--exact stdio_child`) with its
//! standard streams set to a file, `/dev/null`, a pipe or a socket, and a
//! mode in `GROUNDUP_STDIO_CHILD` that says what to do with them. The
//! parent checks the bytes that went through and, from each handle's
//! `Debug`, which way (readiness or the blocking pool) the child used.
//!
//! The child prints [`MARKER`] first (libtest prints a line of its own
//! before the test runs) and ends with `std::process::exit` once its
//! runtime is dropped.

mod util;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use groundup::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};

const MODE: &str = "GROUNDUP_STDIO_CHILD";
const MARKER: &[u8] = b"<<stdio child>>\n";

/// Lines the writing child writes (about 230 kB: more than a pipe holds,
/// so readiness writes meet a full pipe and wait).
const LINES: usize = 20_000;

/// Not a test: this binary's entry point as a child.
#[test]
fn stdio_child() {
    let Ok(mode) = std::env::var(MODE) else { return };
    let mut out = std::io::stdout().lock();
    out.write_all(MARKER).unwrap();
    out.flush().unwrap();
    drop(out);
    match mode.as_str() {
        "read" => read_all_of_stdin(),
        "write" => write_numbered_lines(),
        #[cfg(unix)]
        "async-new" => register_stdin_with_async_new(),
        "terminal" => read_a_line_and_answer(),
        other => panic!("unknown child mode {other:?}"),
    }
    std::process::exit(0);
}

/// Child: reads stdin to its end through `groundup::io::stdin()`, then
/// prints its `Debug` line and the bytes, through std.
fn read_all_of_stdin() {
    let (mode, bytes) = groundup::block_on(async {
        let mut stdin = groundup::io::stdin();
        let mut bytes = Vec::new();
        // Small reads, so a pipe is read many times, waiting in between.
        let mut buf = [0; 1000];
        loop {
            match stdin.read(&mut buf).await.unwrap() {
                0 => break,
                n => bytes.extend_from_slice(&buf[..n]),
            }
        }
        (format!("{stdin:?}"), bytes)
    });
    let mut out = std::io::stdout().lock();
    writeln!(out, "{mode}").unwrap();
    out.write_all(&bytes).unwrap();
    out.flush().unwrap();
}

/// Child: writes `LINES` numbered lines to stdout, alternating between one
/// long-lived handle and a new handle per line, and one line to stderr;
/// flushes nothing; reports the handles' `Debug` on stderr, through std.
fn write_numbered_lines() {
    let modes = groundup::block_on(async {
        let mut long_lived = groundup::io::stdout();
        for i in 0..LINES {
            let line = format!("line {i}\n");
            if i % 2 == 0 {
                long_lived.write_all(line.as_bytes()).await.unwrap();
            } else {
                groundup::io::stdout().write_all(line.as_bytes()).await.unwrap();
            }
        }
        let mut stderr = groundup::io::stderr();
        stderr.write_all(b"to stderr\n").await.unwrap();
        // No flush: dropping the handles (and the runtime) loses nothing.
        format!("{long_lived:?} {stderr:?}")
    });
    eprintln!("{modes}");
}

/// Child: reads one line through `groundup::io::stdin()` and answers
/// through `groundup::io::stdout()`, with both handles' `Debug`.
fn read_a_line_and_answer() {
    use groundup::io::{AsyncBufReadExt, BufReader};
    groundup::block_on(async {
        let stdin = groundup::io::stdin();
        let mut out = groundup::io::stdout();
        let report = format!("{stdin:?} {out:?}\n");
        let line = BufReader::new(stdin).lines().next_line().await.unwrap();
        out.write_all(report.as_bytes()).await.unwrap();
        out.write_all(format!("got:{}\n", line.unwrap_or_default()).as_bytes()).await.unwrap();
    });
}

/// Child: `Async::new(std::io::stdin())`, and what it left behind.
#[cfg(unix)]
fn register_stdin_with_async_new() {
    let result = groundup::block_on(async {
        match groundup::io::Async::new(std::io::stdin()) {
            Ok(_) => "registered".to_string(),
            Err(e) => format!("{:?}: {e}", e.kind()),
        }
    });
    let flags = status_flags(0);
    println!("{result}");
    println!("nonblocking={}", flags & o_nonblock() != 0);
}

#[cfg(unix)]
fn status_flags(fd: i32) -> i32 {
    #[cfg(groundup_os = "bsd")]
    use groundup::groundup_ffi::bsd::F_GETFL;
    #[cfg(groundup_os = "linux")]
    use groundup::groundup_ffi::linux::F_GETFL;
    // SAFETY: F_GETFL takes no third argument and only reads the flags.
    let flags = unsafe { groundup::groundup_ffi::unix::fcntl(fd, F_GETFL) };
    assert!(flags >= 0, "fcntl: {}", std::io::Error::last_os_error());
    flags
}

#[cfg(unix)]
fn o_nonblock() -> i32 {
    #[cfg(groundup_os = "linux")]
    return groundup::groundup_ffi::linux::O_NONBLOCK;
    #[cfg(groundup_os = "bsd")]
    return groundup::groundup_ffi::bsd::O_NONBLOCK;
}

// ---------------------------------------------------------------------------
// The parent's side
// ---------------------------------------------------------------------------

fn child(mode: &str) -> Command {
    let (program, lead) = util::child::this_binary();
    let mut command = Command::new(program);
    command.args(lead);
    command.args(["--exact", "stdio_child", "--nocapture", "--test-threads=1"]);
    command.env(MODE, mode);
    command
}

fn after_marker(stdout: &[u8]) -> &[u8] {
    let at = stdout
        .windows(MARKER.len())
        .position(|w| w == MARKER)
        .unwrap_or_else(|| panic!("no marker in {:?}", String::from_utf8_lossy(stdout)));
    &stdout[at + MARKER.len()..]
}

fn succeeded(output: &Output) -> &[u8] {
    assert!(
        output.status.success(),
        "child failed: {:?}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    after_marker(&output.stdout)
}

/// The reading child's report: its `Debug` line, and the bytes it read.
fn read_report(output: &Output) -> (String, Vec<u8>) {
    let report = succeeded(output);
    let newline = report.iter().position(|&b| b == b'\n').expect("a Debug line");
    (String::from_utf8_lossy(&report[..newline]).into_owned(), report[newline + 1..].to_vec())
}

/// Bytes no line ending or accident makes up: 200 kB of a 251-cycle.
fn pattern() -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8).collect()
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("groundup-stdio-{name}-{}", std::process::id()))
}

/// Whether this build reopens pipes for readiness (Linux; the kqueue
/// backend on libkqueue runs on Linux too).
fn pipes_are_readiness_driven() -> bool {
    cfg!(groundup_os = "linux")
}

#[test]
fn stdin_from_a_file_is_read_on_the_blocking_pool() {
    let path = temp_path("stdin-file");
    std::fs::write(&path, pattern()).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let output = child("read").stdin(file).output().unwrap();
    std::fs::remove_file(&path).unwrap();
    let (mode, bytes) = read_report(&output);
    assert!(mode.contains("blocking pool"), "{mode}");
    assert!(bytes == pattern(), "read {} bytes, not the file's 200000", bytes.len());
}

#[test]
fn stdin_from_dev_null_is_at_its_end_at_once() {
    let output = child("read").stdin(Stdio::null()).output().unwrap();
    let (mode, bytes) = read_report(&output);
    assert!(mode.contains("blocking pool"), "{mode}");
    assert!(bytes.is_empty(), "read {} bytes from /dev/null", bytes.len());
}

#[test]
fn stdin_from_a_pipe_is_read_in_order_to_its_end() {
    let mut child = child("read").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Written in pieces from another thread, so the child finds the pipe
    // empty in between and (readiness-driven) waits for more.
    let writer = std::thread::spawn(move || {
        for piece in pattern().chunks(7_777) {
            stdin.write_all(piece).unwrap();
            std::thread::yield_now();
        }
        // Dropping `stdin` closes the pipe: the child's end of file.
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let (mode, bytes) = read_report(&output);
    let expected = if pipes_are_readiness_driven() { "readiness" } else { "blocking pool" };
    assert!(mode.contains(expected), "{mode}");
    assert!(bytes == pattern(), "read {} bytes, not the 200000 sent", bytes.len());
}

/// A socket as stdin (inetd style) is readiness-driven on every Unix:
/// `recv(MSG_DONTWAIT)` needs no flag on the shared description.
#[cfg(unix)]
#[test]
fn stdin_from_a_socket_is_readiness_driven() {
    let (mut ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    let child = child("read")
        .stdin(std::os::fd::OwnedFd::from(theirs))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Read;
        for piece in pattern().chunks(10_000) {
            ours.write_all(piece).unwrap();
        }
        ours.shutdown(std::net::Shutdown::Write).unwrap();
        // Keep our end open until the child has read everything.
        let mut rest = Vec::new();
        ours.read_to_end(&mut rest).unwrap();
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let (mode, bytes) = read_report(&output);
    assert!(mode.contains("readiness"), "{mode}");
    assert!(bytes == pattern(), "read {} bytes, not the 200000 sent", bytes.len());
}

/// A terminal on stdin and stdout (a pseudo-terminal that util-linux's
/// `script` runs the child on): on Linux both are reopened through
/// `/proc/self/fd` and readiness-driven, and a line typed reaches the
/// child and its answer comes back.
#[cfg(groundup_os = "linux")]
#[test]
fn stdin_and_stdout_on_a_terminal_are_readiness_driven() {
    if !std::path::Path::new("/usr/bin/script").exists() {
        eprintln!("no /usr/bin/script (util-linux) to make a terminal: not checked here");
        return;
    }
    let (program, lead) = util::child::this_binary();
    let words: String = std::iter::once(program).chain(lead).map(|w| format!("'{w}' ")).collect();
    let command = format!("{words}--exact stdio_child --nocapture --test-threads=1");
    let mut script = Command::new("/usr/bin/script")
        .args(["-qec", &command, "/dev/null"])
        .env(MODE, "terminal")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Typed before the child reads: the terminal keeps the line for it.
    script.stdin.take().unwrap().write_all(b"hello\n").unwrap();
    let output = wait_with_deadline(script);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("Stdin { mode: \"readiness\" } Stdout { mode: \"readiness\" }"),
        "{text}"
    );
    assert!(text.contains("got:hello"), "{text}");
}

/// The child's output, or a panic (after killing it) if it has not ended
/// within a generous deadline.
#[cfg(groundup_os = "linux")]
fn wait_with_deadline(mut child: std::process::Child) -> Output {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut bytes).map(|_| bytes)
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let stdout = reader.join().unwrap().unwrap();
            return Output { status, stdout, stderr: Vec::new() };
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the child on a terminal did not finish");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Every line, in order, none lost at the drop without a flush.
fn assert_numbered_lines(stdout: &[u8]) {
    let text = String::from_utf8_lossy(stdout);
    let mut lines = text.lines();
    for i in 0..LINES {
        let expected = format!("line {i}");
        match lines.next() {
            Some(line) if line == expected => {}
            other => panic!("line {i}: expected {expected:?}, found {other:?}"),
        }
    }
    assert_eq!(lines.next(), None, "more than {LINES} lines");
}

#[test]
fn stdout_to_a_pipe_keeps_order_and_loses_nothing_at_drop() {
    let output = child("write").output().unwrap();
    assert_numbered_lines(succeeded(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("to stderr\n"), "{stderr}");
    let expected = if pipes_are_readiness_driven() { "readiness" } else { "blocking pool" };
    assert!(stderr.contains(&format!("Stdout {{ mode: \"{expected}")), "{stderr}");
}

#[test]
fn stdout_to_a_file_keeps_order_and_loses_nothing_at_drop() {
    let path = temp_path("stdout-file");
    let file = std::fs::File::create(&path).unwrap();
    let status = child("write").stdout(file).stderr(Stdio::piped()).output().unwrap();
    let written = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert_numbered_lines(after_marker(&written));
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(stderr.contains("Stdout { mode: \"blocking pool"), "{stderr}");
}

/// `Async::new(std::io::stdin())` on a file or `/dev/null`: epoll
/// refuses it with an error that says why and what to use, and stdin is
/// left blocking, as it was (kqueue registers both).
#[cfg(unix)]
#[test]
fn async_new_of_a_file_stdin_explains_and_leaves_it_blocking() {
    let path = temp_path("async-new");
    std::fs::write(&path, b"some bytes").unwrap();
    let from_file = child("async-new").stdin(std::fs::File::open(&path).unwrap()).output();
    std::fs::remove_file(&path).unwrap();
    let from_null = child("async-new").stdin(Stdio::null()).output();
    for output in [from_file.unwrap(), from_null.unwrap()] {
        let report = String::from_utf8_lossy(succeeded(&output)).into_owned();
        if cfg!(groundup_backend = "epoll") {
            assert!(report.starts_with("PermissionDenied: Async::new:"), "{report}");
            assert!(report.contains("groundup::io::stdin()"), "{report}");
        }
        // kqueue registers a file (always ready), and an `Async` leaves
        // what it registered non-blocking; a refused one is given back as
        // it was.
        if !report.starts_with("registered") {
            assert!(report.contains("nonblocking=false"), "{report}");
        }
    }
}

/// Outside a runtime a handle can be made (it cannot register, so it
/// takes the blocking pool); writing through it then says what is wrong
/// instead of panicking.
#[test]
fn a_handle_used_outside_a_runtime_says_so() {
    let mut out = groundup::io::stdout();
    assert!(format!("{out:?}").contains("blocking pool"), "{out:?}");
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    // Empty writes are done at once, runtime or not.
    let poll = std::pin::Pin::new(&mut out).poll_write(&mut cx, b"");
    assert!(matches!(poll, std::task::Poll::Ready(Ok(0))), "{poll:?}");
    match std::pin::Pin::new(&mut out).poll_write(&mut cx, b"x") {
        std::task::Poll::Ready(Err(e)) => {
            assert!(e.to_string().contains("outside a groundup runtime"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}
