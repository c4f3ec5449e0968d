//! Workloads 9 and 10: HTTP/1.1 keep-alive against `examples/http` and its
//! tokio twin (`src/bin/http_tokio.rs`), each a process of its own.
//!
//! The servers run as separate processes, so the load generator can be a
//! real HTTP benchmark client and the server's CPU time is the process's
//! own (`/proc/PID/stat`), with no client thread to subtract. The client is
//! wrk (`wrk -t1 -cN`) when it is installed, otherwise the built-in mio
//! event-loop client in `client.rs`; `GROUNDUP_BENCH_HTTP_CLIENT=builtin`
//! forces the built-in one. Either way one client thread drives the server,
//! on the same two cores.
//!
//! Before the first measurement, both servers answer the same set of raw
//! requests and their replies are compared byte for byte: the twin must
//! answer exactly what the example answers, or the race is not fair.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::{Run, Size, client, cpu};

/// The HTTP servers raced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    Groundup,
    Tokio,
}

impl Server {
    pub const ALL: [Server; 2] = [Server::Groundup, Server::Tokio];

    pub fn name(self) -> &'static str {
        match self {
            Server::Groundup => "groundup",
            Server::Tokio => "tokio current_thread",
        }
    }

    /// The server's binary, built (once per harness run) if need be.
    fn binary(self) -> io::Result<&'static Path> {
        static BINARIES: OnceLock<Result<[PathBuf; 2], String>> = OnceLock::new();
        let built = BINARIES.get_or_init(|| build().map_err(|e| e.to_string()));
        let binaries = built.as_ref().map_err(|e| io::Error::other(e.clone()))?;
        Ok(&binaries[self as usize])
    }
}

/// Builds `examples/http` (in the groundup workspace) and `http_tokio` (in
/// this package), in release, and returns their paths.
fn build() -> io::Result<[PathBuf; 2]> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = here.join("../..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let run = |dir: &Path, args: &[&str]| -> io::Result<()> {
        let status = Command::new(&cargo).current_dir(dir).args(args).status()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("cargo {args:?} in {} failed", dir.display())))
        }
    };
    run(&repo, &["build", "--quiet", "--release", "--example", "http"])?;
    run(here, &["build", "--quiet", "--release", "--bin", "http_tokio"])?;
    let groundup = repo.join("target/release/examples/http");
    let tokio = here.join("target/release/http_tokio");
    check_identical(&groundup, &tokio)?;
    Ok([groundup, tokio])
}

/// A server process, killed when dropped.
pub struct Running {
    child: Child,
    pub addr: SocketAddr,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` on a free loopback port and waits for the address it
/// prints (`http://ADDR/` as its first line).
fn start(binary: &Path) -> io::Result<Running> {
    let mut command = Command::new(binary);
    command.arg("127.0.0.1:0");
    if binary.ends_with("examples/http") {
        // The harness's runtime knobs (`runtime.rs`), for groundup's server.
        if let Some(spin) = crate::runtime::spin_override() {
            command.args(["--spin-us", &spin.as_micros().to_string()]);
        }
        if let Some(hand_off) = crate::runtime::hand_off_override() {
            let us = if hand_off == Duration::MAX {
                "max".to_string()
            } else {
                hand_off.as_micros().to_string()
            };
            command.args(["--hand-off-us", &us]);
        }
    }
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line)?;
    let addr = line
        .trim()
        .strip_prefix("http://")
        .and_then(|a| a.strip_suffix('/'))
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| io::Error::other(format!("{}: no address in {line:?}", binary.display())))?;
    Ok(Running { child, addr })
}

/// Raw requests both servers must answer identically: keep-alive,
/// pipelining, `HEAD`, a body, HTTP/1.0, and a final `Connection: close`
/// (after which each server closes, so the reply can be read to its end).
const CHECK_REQUESTS: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n\
    GET /a/b?c=d HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n\
    HEAD /head HTTP/1.1\r\nHost: x\r\n\r\n\
    POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello\
    GET /ten HTTP/1.0\r\nConnection: keep-alive\r\n\r\n\
    GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

/// Sends [`CHECK_REQUESTS`] to both servers and compares the replies.
fn check_identical(groundup: &Path, tokio: &Path) -> io::Result<()> {
    let reply = |binary: &Path| -> io::Result<Vec<u8>> {
        let server = start(binary)?;
        let mut stream = TcpStream::connect(server.addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.write_all(CHECK_REQUESTS)?;
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply)?;
        Ok(reply)
    };
    let (a, b) = (reply(groundup)?, reply(tokio)?);
    if a != b || a.is_empty() {
        return Err(io::Error::other(format!(
            "examples/http and http_tokio answer differently:\n--- groundup\n{}\n--- tokio\n{}",
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b)
        )));
    }
    Ok(())
}

/// Whether to drive the servers with wrk.
fn use_wrk() -> bool {
    if std::env::var("GROUNDUP_BENCH_HTTP_CLIENT").is_ok_and(|c| c == "builtin") {
        return false;
    }
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| {
        Command::new("wrk")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    })
}

/// What one load run measured: requests per second and requests in all.
struct Load {
    rate: f64,
    requests: u64,
}

/// One round: a fresh server, `connections` keep-alive connections for
/// `size.http_secs` seconds, and the server's CPU time over the load.
pub fn run(server: Server, connections: usize, size: &Size) -> io::Result<Run> {
    let running = start(server.binary()?)?;
    let duration = Duration::from_secs(size.http_secs);
    let before = cpu::of_pid(running.pid())?;
    let load = drive(running.addr, connections, duration)?;
    let server_cpu = cpu::of_pid(running.pid())? - before;
    drop(running);
    let mut run = Run::all(load.rate, load.requests);
    run.server_cpu = Some(server_cpu);
    Ok(run)
}

/// Drives `addr` with the chosen client.
fn drive(addr: SocketAddr, connections: usize, duration: Duration) -> io::Result<Load> {
    if use_wrk() {
        return wrk(addr, connections, duration);
    }
    let load = client::http_keep_alive(addr, connections, duration)?;
    Ok(Load { rate: load.rate, requests: load.ops })
}

/// Runs `wrk -t1 -cN -dS` and reads its totals.
fn wrk(addr: SocketAddr, connections: usize, duration: Duration) -> io::Result<Load> {
    let out = Command::new("wrk")
        .args(["-t1", &format!("-c{connections}"), &format!("-d{}s", duration.as_secs())])
        .arg(format!("http://{addr}/"))
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || text.contains("Socket errors") || text.contains("Non-2xx") {
        return Err(io::Error::other(format!("wrk reported a problem:\n{text}")));
    }
    // "  123456 requests in 5.00s, 12.34MB read" and "Requests/sec:  24691.20"
    let requests = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in ").map(|(n, _)| n.trim().to_string()))
        .and_then(|n| n.parse().ok());
    let rate = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:").map(|r| r.trim().to_string()))
        .and_then(|r| r.parse().ok());
    match (requests, rate) {
        (Some(requests), Some(rate)) => Ok(Load { rate, requests }),
        _ => Err(io::Error::other(format!("cannot read wrk's output:\n{text}"))),
    }
}

/// One load run on a fresh `server` under `perf stat -p`: its system calls
/// and context switches, and the requests answered.
pub fn count(server: Server, connections: usize, size: &Size) -> io::Result<(f64, f64, f64)> {
    let running = start(server.binary()?)?;
    let perf = Command::new("perf")
        .args(["stat", "-x", ",", "-e", "raw_syscalls:sys_enter,context-switches", "-p"])
        .arg(running.pid().to_string())
        .stderr(Stdio::piped())
        .spawn()?;
    // perf needs a moment to attach before the load starts; what it misses
    // is the idle server's nothing.
    std::thread::sleep(Duration::from_millis(300));
    let load = drive(running.addr, connections, Duration::from_secs(size.http_secs))?;
    // SIGINT makes perf print its counts and exit.
    let status = Command::new("kill").args(["-INT", &perf.id().to_string()]).status()?;
    if !status.success() {
        return Err(io::Error::other("cannot stop perf"));
    }
    let output = perf.wait_with_output()?;
    let (syscalls, switches) = crate::perf_counts(&String::from_utf8_lossy(&output.stderr));
    Ok((syscalls, switches, load.requests as f64))
}
