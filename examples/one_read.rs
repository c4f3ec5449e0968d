//! One `read().await`, for watching with `GROUNDUP_TRACE=1`:
//!
//! ```text
//! GROUNDUP_TRACE=1 cargo run --example one_read
//! ```
//!
//! A plain std thread accepts the connection and sends five bytes 10 ms
//! later; the main future reads them. The trace shows each system call and
//! on which thread it ran: the executor finding no readiness (no system
//! call at all) and sleeping in the reactor's `epoll_wait` itself, that
//! wait returning the event on the executor's own thread (no other thread
//! involved, no eventfd `write`), and the `recv` that gets the bytes.

use std::io::Write;
use std::time::Duration;

use groundup::io::AsyncReadExt;
use groundup::net::TcpStream;

fn main() -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let peer = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut stream, _) = listener.accept()?;
        std::thread::sleep(Duration::from_millis(10));
        stream.write_all(b"hello")
    });
    groundup::block_on(async {
        let mut client = TcpStream::connect(addr).await?;
        eprintln!("---- the read starts here ----");
        let mut buf = [0u8; 16];
        let n = client.read(&mut buf).await?;
        eprintln!("---- the read returned {n} bytes: {:?} ----", std::str::from_utf8(&buf[..n]));
        std::io::Result::Ok(())
    })?;
    peer.join().expect("the peer thread panicked")
}
