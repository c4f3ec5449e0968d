//! A TCP echo server on the groundup runtime: one task per connection.
//!
//! ```text
//! cargo run --example echo                      # serve on 127.0.0.1:7878 (try `nc 127.0.0.1 7878`)
//! cargo run --example echo -- 127.0.0.1:9000    # another address
//! cargo run --example echo -- --check           # serve, echo-check 10 clients, exit
//! ```
//!
//! Compare with the same server on the `Poll` layer (`examples/poll_echo.rs`):
//! the runtime takes over the event loop, the per-connection state machine
//! and the buffering of unsent bytes; what is left is the conversation.
//! `#[groundup::main]` runs `async fn main` on a runtime, as `#[tokio::main]`
//! does: the same program on tokio differs only in the crate's name.

use std::io;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream};

#[groundup::main]
async fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let addr = args.iter().find(|a| !a.starts_with("--")).cloned();
    let addr = addr.unwrap_or_else(|| if check { "127.0.0.1:0" } else { "127.0.0.1:7878" }.into());

    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    println!("echo server listening on {local}");
    let server = groundup::spawn(serve(listener));
    if !check {
        return server.await?;
    }
    for i in 0..10 {
        let mut stream = TcpStream::connect(local).await?;
        let msg = format!("hello from client {i}\n");
        stream.write_all(msg.as_bytes()).await?;
        let mut back = vec![0; msg.len()];
        stream.read_exact(&mut back).await?;
        assert_eq!(back, msg.as_bytes());
    }
    println!("10 clients echoed intact");
    Ok(())
}

async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        groundup::spawn(async move {
            let (mut reader, mut writer) = stream.into_split();
            if let Err(e) = groundup::io::copy(&mut reader, &mut writer).await {
                eprintln!("{peer}: {e}");
            }
        });
    }
}
