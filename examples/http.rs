//! A minimal HTTP/1.1 server with keep-alive, enough for `curl` and `wrk`.
//!
//! ```text
//! cargo run --release --example http                 # serve on 127.0.0.1:8080
//! curl -v http://127.0.0.1:8080/hello                # one request
//! wrk -t1 -c50 -d5s http://127.0.0.1:8080/           # a load test
//! cargo run --example http -- --check                # serve, make requests, exit
//! cargo run --example http -- --help                 # usage
//! ```
//!
//! `--spin-us N` and `--hand-off-us N` set the runtime's
//! [`spin_before_park`](groundup::runtime::Builder::spin_before_park) and
//! [`hand_off_polling_after`](groundup::runtime::Builder::hand_off_polling_after)
//! (`benches/compare` passes its knobs this way).
//!
//! Every connection is a task that reads requests into a buffer, answers each
//! complete one (pipelined requests included), and keeps the connection open
//! unless the client asks to close it (HTTP/1.0 without `keep-alive`, or
//! `Connection: close`). What it claims, and `--check` tests:
//!
//! - Any method and path get `200 OK` and a line of text naming the path;
//!   `HEAD` gets the same head, `Content-Length` included, and no body.
//! - A body with `Content-Length` is read and ignored, however long (it is
//!   dropped as it arrives, never held whole); chunked request bodies are
//!   refused with `501`.
//! - A request head (request line and headers) may be 16 KiB long; a longer
//!   one gets `431 Request Header Fields Too Large`, one that is not HTTP
//!   `400 Bad Request`, and the connection closes.
//! - Closing never throws away a response: the server shuts down its side,
//!   then reads and drops what the client still sends until the client
//!   closes too (see [`close`]).

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream};
use groundup::time;

/// The longest request head served, its blank line included.
const MAX_HEAD: usize = 16 * 1024;
/// How long a closing connection waits for the client to close its side.
const LINGER: Duration = Duration::from_secs(2);

const USAGE: &str = "\
usage: http [ADDRESS] [--check] [--spin-us N] [--hand-off-us N|max]

A minimal HTTP/1.1 server with keep-alive, written with groundup.

  ADDRESS          where to listen (default 127.0.0.1:8080; with --check,
                   a free loopback port)
  --check          serve, make requests that check every behaviour, then exit
  --spin-us N      the runtime spins up to N µs before it sleeps (default:
                   the runtime's)
  --hand-off-us N  the runtime hands polling to its reactor thread after N
                   µs of work (max: never; default: the runtime's)
  --help           print this and exit
";

/// What the command line asks for.
struct Options {
    check: bool,
    addr: Option<String>,
    spin: Option<Duration>,
    hand_off: Option<Duration>,
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprint!("http: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The options, or `None` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options { check: false, addr: None, spin: None, hand_off: None };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--help" | "-h" => return Ok(None),
            "--check" => options.check = true,
            "--spin-us" => options.spin = Some(micros(&arg, args.next())?),
            "--hand-off-us" => options.hand_off = Some(micros(&arg, args.next())?),
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg}")),
            _ if options.addr.is_some() => return Err(format!("a second address: {arg}")),
            _ => options.addr = Some(arg),
        }
    }
    Ok(Some(options))
}

/// The value of `option`: a whole number of microseconds, or `max`.
fn micros(option: &str, value: Option<String>) -> Result<Duration, String> {
    match value.as_deref() {
        Some("max") => Ok(Duration::MAX),
        Some(n) => n.parse().map(Duration::from_micros).map_err(|_| {
            format!("{option} takes a whole number of microseconds (or max), not {n:?}")
        }),
        None => Err(format!("{option} needs a value")),
    }
}

/// The runtime the options ask for.
fn runtime(options: &Options) -> io::Result<groundup::Runtime> {
    let mut builder = groundup::runtime::Builder::new();
    if let Some(spin) = options.spin {
        builder.spin_before_park(spin);
    }
    if let Some(hand_off) = options.hand_off {
        builder.hand_off_polling_after(hand_off);
    }
    builder.build()
}

fn run(options: Options) -> io::Result<()> {
    let default = if options.check { "127.0.0.1:0" } else { "127.0.0.1:8080" };
    let rt = runtime(&options)?;
    let addr = options.addr.unwrap_or_else(|| default.into());
    rt.block_on(async move {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        println!("http://{local}/");
        let server = groundup::spawn(serve(listener));
        if options.check {
            self_check(local).await?;
            println!(
                "keep-alive, pipelining, HEAD, bodies (16 KiB and over), the head limit (431), \
                 Connection: close and --help all answered"
            );
            return Ok(());
        }
        server.await?
    })
}

async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        groundup::spawn(async move {
            if let Err(e) = connection(stream).await {
                if e.kind() != io::ErrorKind::ConnectionReset {
                    eprintln!("connection: {e}");
                }
            }
        });
    }
}

/// One parsed request head.
struct Request {
    path: String,
    /// A `HEAD` request: answered with a head and no body.
    head_only: bool,
    keep_alive: bool,
    body_len: usize,
    chunked: bool,
}

/// What the buffer starts with.
enum Head {
    /// A request head of this many bytes, blank line included.
    Complete(Request, usize),
    /// The start of one; more must be read.
    Incomplete,
    /// A request the server will not serve: answered with `status` and
    /// `text` (no text for `HEAD`), then the connection closes.
    Refused { status: u16, text: &'static str, head_only: bool },
}

/// Serves requests on one connection until the client closes or asks to.
async fn connection(mut stream: TcpStream) -> io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut out = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    // A request whose body is still arriving, and the body bytes still to
    // come: it is answered when the last of them has been read and dropped.
    // The head limit does not apply to them.
    let mut in_body: Option<Request> = None;
    let mut body_left = 0;
    loop {
        // Answer every complete request already buffered (pipelining).
        let mut keep_alive = true;
        loop {
            let request = match in_body.take() {
                Some(request) => request,
                None => match next_head(&buf) {
                    Head::Complete(request, head_len) => {
                        buf.drain(..head_len);
                        body_left = request.body_len;
                        request
                    }
                    Head::Incomplete => break,
                    Head::Refused { status, text, head_only } => {
                        respond(&mut out, status, text, false, head_only);
                        return close(stream, &out).await;
                    }
                },
            };
            let here = body_left.min(buf.len());
            buf.drain(..here);
            body_left -= here;
            if body_left > 0 {
                in_body = Some(request);
                break;
            }
            let text = format!("hello from groundup: you asked for {}\n", request.path);
            respond(&mut out, 200, &text, request.keep_alive, request.head_only);
            if !request.keep_alive {
                keep_alive = false;
                break;
            }
        }
        if !keep_alive {
            return close(stream, &out).await;
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Looks for a request head at the start of `buf`, within the size limit.
fn next_head(buf: &[u8]) -> Head {
    let head_only = is_head(buf);
    let refused = |status, text| Head::Refused { status, text, head_only };
    match find_head_end(buf) {
        Some(len) if len <= MAX_HEAD => match parse(&buf[..len]) {
            None => refused(400, "bad request\n"),
            Some(r) if r.chunked => refused(501, "chunked request bodies are not supported\n"),
            Some(r) => Head::Complete(r, len),
        },
        None if buf.len() < MAX_HEAD => Head::Incomplete,
        // No end within the limit: a complete head that ends past it, or
        // the limit's worth of bytes and no end yet.
        _ => refused(431, "request head is longer than 16384 bytes\n"),
    }
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

/// Whether a request (or the start of one) is a `HEAD` request, whose answer
/// has no body even when the server refuses it (RFC 9110, section 9.3.2).
fn is_head(request: &[u8]) -> bool {
    request.starts_with(b"HEAD ")
}

fn parse(head: &[u8]) -> Option<Request> {
    let head_only = is_head(head);
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (_method, path, version) = (first.next()?, first.next()?, first.next()?);
    let mut request = Request {
        path: path.to_string(),
        head_only,
        keep_alive: version == "HTTP/1.1",
        body_len: 0,
        chunked: false,
    };
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            request.keep_alive = if value.eq_ignore_ascii_case("close") {
                false
            } else {
                value.eq_ignore_ascii_case("keep-alive") || request.keep_alive
            };
        } else if name.eq_ignore_ascii_case("content-length") {
            request.body_len = value.parse().ok()?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            request.chunked = value.to_ascii_lowercase().contains("chunked");
        }
    }
    Some(request)
}

/// Appends a response with `text` as its body; with `head_only` (the answer
/// to `HEAD`) the same head, `Content-Length` included, and no body.
fn respond(out: &mut Vec<u8>, status: u16, text: &str, keep_alive: bool, head_only: bool) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        431 => "Request Header Fields Too Large",
        _ => "Not Implemented",
    };
    let connection = if keep_alive { "keep-alive" } else { "close" };
    out.extend_from_slice(
        format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
             Connection: {connection}\r\n\r\n",
            text.len()
        )
        .as_bytes(),
    );
    if !head_only {
        out.extend_from_slice(text.as_bytes());
    }
}

/// Sends the last responses and closes the connection without losing them.
///
/// A socket closed while bytes it received are still unread makes the
/// kernel send a reset instead of a FIN (RFC 1122, section 4.2.2.13), and a
/// reset can destroy responses the client has not read yet. A client that
/// pipelined more requests, or is still sending an over-long head or a
/// refused body, would see "connection reset" instead of its answers. So
/// the server closes in stages, as RFC 9112 (section 9.6) asks: its own side
/// first, then it reads and drops what the client still sends until the
/// client closes too, for at most [`LINGER`].
async fn close(mut stream: TcpStream, out: &[u8]) -> io::Result<()> {
    stream.write_all(out).await?;
    stream.shutdown().await?;
    let mut sink = [0u8; 4096];
    let until_the_client_closes = async {
        while stream.read(&mut sink).await? > 0 {}
        io::Result::Ok(())
    };
    // The responses are out: how the client ends its side is its business.
    let _ = time::timeout(LINGER, until_the_client_closes).await;
    Ok(())
}

// ---------------------------------------------------------------------------
// The checking mode (`--check`)
// ---------------------------------------------------------------------------

/// Talks raw HTTP to the server, one connection per claim, and compares
/// every byte of the answers; then runs this program with `--help`.
async fn self_check(addr: std::net::SocketAddr) -> io::Result<()> {
    keep_alive_pipelining_and_close(addr).await?;
    head_gets_no_body(addr).await?;
    a_long_body_is_read_and_ignored(addr).await?;
    the_head_limit(addr).await?;
    help_prints_usage_and_serves_nothing()
}

/// A `200 OK` answer to a request for `path`, spelled out here byte for byte
/// rather than by `respond`, so that the check pins the server's bytes.
fn ok(path: &str, connection: &str) -> String {
    let body = format!("hello from groundup: you asked for {path}\n");
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
         Connection: {connection}\r\n\r\n{body}",
        body.len()
    )
}

/// Sends `request` on a new connection and returns everything the server
/// answers until it closes (which it must: each request ends with one it
/// closes after).
async fn exchange(addr: std::net::SocketAddr, request: &[u8]) -> io::Result<String> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

/// Two keep-alive requests, two pipelined, a short body, then
/// `Connection: close`, all in one write.
async fn keep_alive_pipelining_and_close(addr: std::net::SocketAddr) -> io::Result<()> {
    let requests = "GET /one HTTP/1.1\r\nHost: x\r\n\r\n\
                    GET /two HTTP/1.1\r\nHost: x\r\n\r\n\
                    POST /three HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello\
                    GET /four HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let answer = exchange(addr, requests.as_bytes()).await?;
    let expected = [
        ok("/one", "keep-alive"),
        ok("/two", "keep-alive"),
        ok("/three", "keep-alive"),
        ok("/four", "close"),
    ];
    assert_eq!(answer, expected.concat());
    Ok(())
}

/// `HEAD` gets the head `GET` would (its `Content-Length` too) and no body:
/// the next answer on the connection follows the head at once.
async fn head_gets_no_body(addr: std::net::SocketAddr) -> io::Result<()> {
    let requests = "HEAD /head HTTP/1.1\r\nHost: x\r\n\r\n\
                    GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let answer = exchange(addr, requests.as_bytes()).await?;
    let get = ok("/head", "keep-alive");
    let head = &get[..get.find("\r\n\r\n").unwrap() + 4];
    assert_eq!(answer, format!("{head}{}", ok("/after", "close")), "HEAD answered with a body");
    Ok(())
}

/// A body far over the head limit is read and dropped, and the connection
/// goes on to the next request.
async fn a_long_body_is_read_and_ignored(addr: std::net::SocketAddr) -> io::Result<()> {
    const LEN: usize = 16 * MAX_HEAD;
    let mut requests =
        format!("POST /long HTTP/1.1\r\nHost: x\r\nContent-Length: {LEN}\r\n\r\n").into_bytes();
    requests.resize(requests.len() + LEN, b'b');
    requests.extend_from_slice(b"GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let answer = exchange(addr, &requests).await?;
    assert_eq!(answer, ok("/long", "keep-alive") + &ok("/after", "close"));
    Ok(())
}

/// A head of exactly `MAX_HEAD` bytes is served; one byte more gets `431`
/// and a clean close (a FIN after the answer, no reset), even while the
/// client is still sending it.
async fn the_head_limit(addr: std::net::SocketAddr) -> io::Result<()> {
    let head_of = |len: usize| {
        let start = "GET /long-head HTTP/1.1\r\nConnection: close\r\nX-Pad: ";
        let end = "\r\n\r\n";
        let mut head = String::from(start);
        head.extend(std::iter::repeat_n('p', len - start.len() - end.len()));
        head + end
    };
    let answer = exchange(addr, head_of(MAX_HEAD).as_bytes()).await?;
    assert_eq!(answer, ok("/long-head", "close"), "a head of {MAX_HEAD} bytes");
    let too_long = "request head is longer than 16384 bytes\n";
    let refused = format!(
        "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{too_long}",
        too_long.len()
    );
    for len in [MAX_HEAD + 1, 4 * MAX_HEAD] {
        let answer = exchange(addr, head_of(len).as_bytes()).await?;
        assert_eq!(answer, refused, "a head of {len} bytes");
    }
    Ok(())
}

/// `--help` prints the usage and exits; it must not start a server (which
/// would never exit: that is reported after a minute, a bound only a broken
/// build reaches).
fn help_prints_usage_and_serves_nothing() -> io::Result<()> {
    use std::io::Read as _;
    use std::process::{Command, Stdio};
    let mut child =
        Command::new(std::env::current_exe()?).arg("--help").stdout(Stdio::piped()).spawn()?;
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let read = stdout.read_to_string(&mut text).map(|_| text);
        let _ = tx.send(read);
    });
    let Ok(printed) = rx.recv_timeout(Duration::from_secs(60)) else {
        child.kill()?;
        panic!("`http --help` did not exit within a minute: it started a server");
    };
    assert!(child.wait()?.success(), "`http --help` failed");
    assert_eq!(printed?, USAGE);
    Ok(())
}
