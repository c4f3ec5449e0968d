//! A TCP echo server that shuts down gracefully: on Ctrl-C (or `SIGTERM`
//! on Unix, Ctrl-Break on Windows) it stops accepting, lets the open
//! connections finish, and exits 0.
//!
//! ```text
//! cargo run --example graceful_shutdown             # serve on 127.0.0.1:7879 until Ctrl-C
//! cargo run --example graceful_shutdown -- --check  # run itself as a child, signal it, check
//! ```
//!
//! The `--check` run is the whole story from the outside, and what
//! `tests/example_graceful_shutdown.rs` runs: it spawns the server as a
//! child process (`groundup::process`), connects a client, asks the server
//! to stop (`kill(pid, SIGTERM)`; on Windows, Ctrl-C into the server's own
//! console), and checks that new connections are refused while the open
//! one still echoes, and that the server exits 0 once that one closes.
//!
//! The signal listeners are created before the server says it is
//! listening: from then on a `SIGTERM` cannot end it the default way.

use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::process::Stdio;
use std::task::Poll;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream};
use groundup::process::{Child, Command};

#[allow(dead_code)] // a test includes this file and calls `serve` and `check` itself
fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    #[cfg(windows)]
    if let [flag, pid, stop] = &args[..] {
        if flag == "--send-ctrl-event" {
            let stop = if stop == "break" { Stop::Terminate } else { Stop::Interrupt };
            return send_ctrl_event(pid.parse().map_err(bad)?, stop);
        }
    }
    if args.iter().any(|a| a == "--check") {
        let exe = std::env::current_exe()?;
        let mut server = Command::new(&exe);
        server.arg("127.0.0.1:0");
        // SIGTERM on Unix, as a service manager would send; Ctrl-C on
        // Windows (Ctrl-Break would do as well, but Wine cannot send it).
        let stop = if cfg!(unix) { Stop::Terminate } else { Stop::Interrupt };
        let sender = |pid: u32, stop: Stop| {
            let kind = if let Stop::Terminate = stop { "break" } else { "c" };
            let mut sender = Command::new(&exe);
            sender.args(["--send-ctrl-event", &pid.to_string(), kind]);
            sender
        };
        groundup::block_on(check(server, stop, sender))
    } else {
        let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:7879".into());
        groundup::block_on(serve(&addr))
    }
}

/// The server: echoes on `addr` until asked to stop, then drains.
pub async fn serve(addr: &str) -> io::Result<()> {
    let mut stop = pin!(shutdown_requested()?);
    let listener = TcpListener::bind(addr).await?;
    println!("listening on {}", listener.local_addr()?);
    let mut connections = Vec::new();
    loop {
        let accepted = poll_fn(|cx| {
            if stop.as_mut().poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            listener.poll_accept(cx).map(Some)
        })
        .await;
        let Some(accepted) = accepted else { break };
        let (stream, peer) = accepted?;
        connections.retain(|c: &groundup::task::JoinHandle<()>| !c.is_finished());
        connections.push(groundup::spawn(async move {
            let (mut reader, mut writer) = stream.into_split();
            if let Err(e) = groundup::io::copy(&mut reader, &mut writer).await {
                eprintln!("{peer}: {e}");
            }
        }));
    }
    // Stop accepting: from here on a new connection is refused.
    drop(listener);
    connections.retain(|c| !c.is_finished());
    println!("shutting down: draining {} connection(s)", connections.len());
    for connection in connections {
        let _ = connection.await;
    }
    println!("drained; exiting");
    Ok(())
}

/// Ctrl-C or `SIGTERM` (Unix), Ctrl-C or Ctrl-Break (Windows): the
/// listeners are made now, and the future is ready at the first of them.
fn shutdown_requested() -> io::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    let (mut first, mut second) = {
        use groundup::signal::unix::{SignalKind, signal};
        (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?)
    };
    #[cfg(windows)]
    let (mut first, mut second) =
        (groundup::signal::windows::ctrl_c()?, groundup::signal::windows::ctrl_break()?);
    Ok(poll_fn(move |cx| {
        if first.poll_recv(cx).is_ready() || second.poll_recv(cx).is_ready() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }))
}

/// How [`check`] asks the server to stop.
#[derive(Clone, Copy, Debug)]
pub enum Stop {
    /// Ctrl-C: `SIGINT` on Unix, `CTRL_C_EVENT` on Windows.
    Interrupt,
    /// `SIGTERM` (Unix; on Windows, Ctrl-Break).
    Terminate,
}

/// Runs `server` (a command that runs [`serve`]) as a child and checks the
/// graceful shutdown from the outside; see the module docs.
///
/// On Unix the check signals the server itself. On Windows a process can
/// only send control events to its own console, so `sender(pid, stop)`
/// must give a command that runs [`send_ctrl_event`] in a process of its
/// own (which leaves its console for the server's: this one keeps its own,
/// and its output).
pub async fn check(
    mut server: Command,
    stop: Stop,
    sender: impl Fn(u32, Stop) -> Command,
) -> io::Result<()> {
    server.stdout(Stdio::piped()).kill_on_drop(true);
    #[cfg(windows)]
    {
        // A console of its own, to send Ctrl-C into (see `ask_to_stop`).
        const CREATE_NEW_CONSOLE: u32 = 0x10;
        server.creation_flags(CREATE_NEW_CONSOLE);
    }
    let mut child = server.spawn()?;
    let addr: SocketAddr = line_after(&mut child, "listening on ").await?.parse().map_err(bad)?;

    let mut client = TcpStream::connect(addr).await?;
    echo(&mut client, b"before").await?;
    ask_to_stop(&child, stop, sender).await?;
    let draining = line_after(&mut child, "shutting down: draining ").await?;
    check_that(draining == "1 connection(s)", "one connection to drain")?;

    let refused = TcpStream::connect(addr).await;
    check_that(refused.is_err(), "a connection after the shutdown began is refused")?;
    echo(&mut client, b"during the drain").await?;
    drop(client);
    line_after(&mut child, "drained").await?;
    let status = child.wait().await?;
    check_that(status.success(), "the server exits 0")?;
    println!("graceful shutdown checked: refused new connections, drained the open one, exited 0");
    Ok(())
}

/// Sends `bytes` and reads them back.
async fn echo(client: &mut TcpStream, bytes: &[u8]) -> io::Result<()> {
    client.write_all(bytes).await?;
    let mut back = vec![0; bytes.len()];
    client.read_exact(&mut back).await?;
    check_that(back == bytes, "the echo comes back intact")
}

/// Asks the server to stop: `SIGTERM` or `SIGINT`.
#[cfg(unix)]
async fn ask_to_stop(
    child: &Child,
    stop: Stop,
    _sender: impl Fn(u32, Stop) -> Command,
) -> io::Result<()> {
    use groundup::groundup_ffi::unix as posix;
    use groundup::signal::unix::SignalKind;
    let pid = child.id().ok_or_else(|| bad("the server has exited already"))?;
    let signal = match stop {
        Stop::Interrupt => SignalKind::interrupt(),
        Stop::Terminate => SignalKind::terminate(),
    };
    // SAFETY: kill takes no pointers; the pid is our unreaped child's.
    let rc = unsafe { posix::kill(pid as posix::pid_t, signal.as_raw_value()) };
    if rc == -1 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// Asks the server to stop: runs `sender`, which sends Ctrl-C (or
/// Ctrl-Break) into the server's console.
#[cfg(windows)]
async fn ask_to_stop(
    child: &Child,
    stop: Stop,
    sender: impl Fn(u32, Stop) -> Command,
) -> io::Result<()> {
    let pid = child.id().ok_or_else(|| bad("the server has exited already"))?;
    let status = sender(pid, stop).stdout(Stdio::null()).status().await?;
    check_that(status.success(), "the control event was sent")
}

/// Sends Ctrl-C (or Ctrl-Break) into the console of process `pid`: leaves
/// this process's console, attaches to that one, ignores the event itself
/// (it reaches every process on the console), and sends it.
#[cfg(windows)]
pub fn send_ctrl_event(pid: u32, stop: Stop) -> io::Result<()> {
    use groundup::groundup_ffi::windows as ffi;
    let event = match stop {
        Stop::Interrupt => ffi::CTRL_C_EVENT,
        Stop::Terminate => ffi::CTRL_BREAK_EVENT,
    };
    let ok = |rc: ffi::BOOL| if rc == 0 { Err(io::Error::last_os_error()) } else { Ok(()) };
    // SAFETY: FreeConsole takes no arguments; it changes which console this
    // short-lived process is attached to, which nothing else here uses
    // (and having none is fine: its result is not needed).
    let _ = unsafe { ffi::FreeConsole() };
    // SAFETY: as FreeConsole: no pointers, only this process's console.
    ok(unsafe { ffi::AttachConsole(pid) })?;
    // SAFETY: no handler is given, which means "ignore Ctrl-C in this
    // process": the event reaches every process on the console, this one too.
    ok(unsafe { ffi::SetConsoleCtrlHandler(None, 1) })?;
    // SAFETY: takes no pointers; sends to the console just attached.
    ok(unsafe { ffi::GenerateConsoleCtrlEvent(event, 0) })
}

/// Reads the child's stdout line by line until one contains `prefix`, and
/// returns the rest of that line. (Contains, not starts with: a test
/// harness may print on the same line first.)
async fn line_after(child: &mut Child, prefix: &str) -> io::Result<String> {
    let stdout = child.stdout.as_mut().ok_or_else(|| bad("stdout is not piped"))?;
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        if stdout.read(&mut byte).await? == 0 {
            return Err(bad(format!("the server ended before saying {prefix:?}")));
        }
        if byte[0] != b'\n' {
            line.push(byte[0]);
            continue;
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        if let Some(at) = text.find(prefix) {
            return Ok(text[at + prefix.len()..].to_string());
        }
        line.clear();
    }
}

fn check_that(ok: bool, what: &str) -> io::Result<()> {
    if ok { Ok(()) } else { Err(bad(format!("check failed: {what}"))) }
}

fn bad(what: impl ToString) -> io::Error {
    io::Error::other(what.to_string())
}
