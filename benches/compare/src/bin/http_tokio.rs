//! The tokio twin of groundup's `examples/http.rs`, for the HTTP workloads.
//!
//! Everything from `serve` down is the example's connection code, ported
//! by renaming `groundup` to `tokio` (the point of groundup's API): the same
//! parser, the same buffers, the same bytes on the wire, on tokio's
//! `current_thread` runtime. `groundup-compare` checks, before it measures,
//! that both servers answer a set of requests with identical bytes; when
//! the example changes, port it again.
//!
//! ```text
//! http_tokio [ADDR]     # serve on ADDR (default 127.0.0.1:0); prints http://ADDR/
//! ```
#![allow(clippy::collapsible_if)] // kept as examples/http.rs writes it

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time;

const MAX_HEAD: usize = 16 * 1024;
/// How long a closing connection waits for the client to close its side.
const LINGER: Duration = Duration::from_secs(2);

fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".into());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async move {
        let listener = TcpListener::bind(addr).await?;
        println!("http://{}/", listener.local_addr()?);
        serve(listener).await
    })
}

async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        tokio::spawn(async move {
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
