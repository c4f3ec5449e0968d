//! A minimal HTTP/1.1 server with keep-alive, enough for `curl` and `wrk`.
//!
//! ```text
//! cargo run --release --example http                 # serve on 127.0.0.1:8080
//! curl -v http://127.0.0.1:8080/hello                # one request
//! wrk -t1 -c50 -d5s http://127.0.0.1:8080/           # a load test
//! cargo run --example http -- --check                # serve, make requests, exit
//! ```
//!
//! Every connection is a task that reads requests into a buffer, answers each
//! complete one (pipelined requests included), and keeps the connection open
//! unless the client asks to close it (HTTP/1.0 without `keep-alive`, or
//! `Connection: close`). Request bodies with `Content-Length` are read and
//! ignored; chunked request bodies are refused with 501.

use std::io;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream};

const MAX_HEAD: usize = 16 * 1024;

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let addr = args.iter().find(|a| !a.starts_with("--")).cloned();
    let addr = addr.unwrap_or_else(|| if check { "127.0.0.1:0" } else { "127.0.0.1:8080" }.into());
    groundup::block_on(async move {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        println!("http://{local}/");
        let server = groundup::spawn(serve(listener));
        if check {
            self_check(local).await?;
            println!("keep-alive, pipelining, bodies and Connection: close all answered");
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

/// Talks raw HTTP to the server: two keep-alive requests, two pipelined, a
/// body, then `Connection: close`.
async fn self_check(addr: std::net::SocketAddr) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    let requests = "GET /one HTTP/1.1\r\nHost: x\r\n\r\n\
                    GET /two HTTP/1.1\r\nHost: x\r\n\r\n\
                    POST /three HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello\
                    GET /four HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    stream.write_all(requests.as_bytes()).await?;
    let mut responses = Vec::new();
    stream.read_to_end(&mut responses).await?; // the server closes after /four
    let text = String::from_utf8_lossy(&responses);
    for path in ["/one", "/two", "/three", "/four"] {
        assert!(text.contains(&format!("you asked for {path}\n")), "no answer for {path}:\n{text}");
    }
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 4);
    Ok(())
}
