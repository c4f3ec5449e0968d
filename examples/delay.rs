//! Concurrency you can see: a local server answers each request after the
//! delay the request asks for, and a client fires them all at once. The
//! total time is about the longest delay, not the sum: in the spirit of the
//! "delayserver" of *Asynchronous Programming in Rust*.
//!
//! ```text
//! cargo run --example delay              # 10 requests of 100..1000 ms
//! cargo run --example delay -- 50        # 50 requests
//! ```
//!
//! Protocol (one line each way): the client sends `<milliseconds> <id>\n`,
//! the server sleeps that long and answers `<id>\n`.

use std::io;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream};
use groundup::time::{self, Duration, Instant};

#[groundup::main]
async fn main() -> io::Result<()> {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    groundup::spawn(server(listener));

    let start = Instant::now();
    let requests: Vec<_> = (0..n)
        .map(|id| {
            let delay = 100 + (id * 7919) % 901; // 100..1000 ms, shuffled
            groundup::spawn(async move {
                let mut stream = TcpStream::connect(addr).await?;
                stream.write_all(format!("{delay} {id}\n").as_bytes()).await?;
                let mut reply = Vec::new();
                stream.read_to_end(&mut reply).await?;
                assert_eq!(reply, format!("{id}\n").as_bytes());
                println!(
                    "{:>7.1?}  request {id:>3} (asked for {delay} ms) answered",
                    start.elapsed()
                );
                io::Result::Ok(delay)
            })
        })
        .collect();
    let (mut sum, mut longest) = (0, 0);
    for r in requests {
        let delay = r.await??;
        sum += delay;
        longest = longest.max(delay);
    }
    let total = start.elapsed();
    println!(
        "\n{n} requests, delays summing to {sum} ms, longest {longest} ms: all done in {total:.0?}"
    );
    Ok(())
}

async fn server(listener: TcpListener) -> io::Result<()> {
    loop {
        let (mut stream, _) = listener.accept().await?;
        groundup::spawn(async move {
            let mut line = Vec::new();
            let mut byte = [0u8; 1];
            while stream.read(&mut byte).await? == 1 && byte[0] != b'\n' {
                line.push(byte[0]);
            }
            let line = String::from_utf8_lossy(&line).into_owned();
            let mut parts = line.split_whitespace();
            let delay: u64 = parts.next().and_then(|d| d.parse().ok()).unwrap_or(0);
            let id = parts.next().unwrap_or("?").to_string();
            time::sleep(Duration::from_millis(delay)).await;
            stream.write_all(format!("{id}\n").as_bytes()).await?;
            stream.shutdown().await
        });
    }
}
