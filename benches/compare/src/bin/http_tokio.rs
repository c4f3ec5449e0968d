//! The tokio twin of groundup's `examples/http.rs`, for the HTTP workloads.
//!
//! The connection code below is the example's, ported by renaming
//! `groundup` to `tokio` (the point of groundup's API): the same parser,
//! the same buffers, the same bytes on the wire, on tokio's
//! `current_thread` runtime. `groundup-compare` checks, before it measures,
//! that both servers answer a set of requests with identical bytes; when
//! the example changes, port it again.
//!
//! ```text
//! http_tokio [ADDR]     # serve on ADDR (default 127.0.0.1:0); prints http://ADDR/
//! ```

#![allow(clippy::collapsible_if)] // kept as examples/http.rs writes it

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MAX_HEAD: usize = 16 * 1024;

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
    keep_alive: bool,
    body_len: usize,
    chunked: bool,
}

/// Serves requests on one connection until the client closes or asks to.
async fn connection(mut stream: TcpStream) -> io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut out = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // Answer every complete request already buffered (pipelining).
        let mut keep_alive = true;
        while let Some(head_len) = find_head_end(&buf) {
            let Some(request) = parse(&buf[..head_len]) else {
                respond(&mut out, 400, "bad request\n", false);
                stream.write_all(&out).await?;
                return Ok(());
            };
            if request.chunked {
                respond(&mut out, 501, "chunked request bodies are not supported\n", false);
                stream.write_all(&out).await?;
                return Ok(());
            }
            if buf.len() < head_len + request.body_len {
                break; // the body is not all here yet
            }
            buf.drain(..head_len + request.body_len);
            let body = format!("hello from groundup: you asked for {}\n", request.path);
            respond(&mut out, 200, &body, request.keep_alive);
            keep_alive &= request.keep_alive;
            if !keep_alive {
                break;
            }
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
        if !keep_alive {
            return stream.shutdown().await;
        }
        if buf.len() > MAX_HEAD {
            return Ok(()); // a head that never ends
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

fn parse(head: &[u8]) -> Option<Request> {
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (_method, path, version) = (first.next()?, first.next()?, first.next()?);
    let mut request = Request {
        path: path.to_string(),
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

fn respond(out: &mut Vec<u8>, status: u16, body: &str, keep_alive: bool) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Implemented",
    };
    let connection = if keep_alive { "keep-alive" } else { "close" };
    out.extend_from_slice(
        format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
             Connection: {connection}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
}
