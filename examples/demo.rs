//! groundup in one command: a server, 1,000 concurrent clients with timers,
//! every byte checked, and what it all cost the kernel.
//!
//! ```text
//! cargo run --release --example demo
//! cargo run --release --example demo -- --clients 200 --requests 50
//! ```
//!
//! Each client connects, then makes its requests one at a time, pausing a
//! few milliseconds between them (a timer per pause). A request is a 4-byte
//! length and a payload of 16 to 4,096 bytes, a pattern unique to the client
//! and request; the server answers with the payload reversed; the client
//! checks every byte. Server and clients are tasks on one runtime, so the
//! syscall counts at the end are the whole story of the run.

use std::cell::Cell;
use std::io;
use std::rc::Rc;
use std::time::{Duration, Instant};

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream};
use groundup::{stats, time};

struct Config {
    clients: usize,
    requests: usize,
}

fn config() -> Config {
    let mut config = Config { clients: 1_000, requests: 20 };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.windows(2) {
        match pair[0].as_str() {
            "--clients" => config.clients = pair[1].parse().expect("--clients N"),
            "--requests" => config.requests = pair[1].parse().expect("--requests N"),
            _ => {}
        }
    }
    config
}

#[groundup::main]
async fn main() -> io::Result<()> {
    let config = config();
    #[cfg(unix)]
    {
        // Two descriptors per connection (both ends live in this process).
        let limit = groundup::raise_fd_limit()?;
        let needed = 2 * config.clients as u64 + 64;
        if limit < needed {
            eprintln!("the descriptor limit is {limit}; {needed} are needed: lower --clients");
            std::process::exit(1);
        }
    }
    run(config).await
}

async fn run(config: Config) -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    groundup::spawn(server(listener));
    let total = config.clients * config.requests;
    println!(
        "groundup demo: {} clients x {} requests = {total} requests to {addr}",
        config.clients, config.requests
    );

    let done = Rc::new(Cell::new(0usize));
    let bytes = Rc::new(Cell::new(0u64));
    let progress = groundup::spawn(show_progress(Rc::clone(&done), total));
    let before = stats::syscalls();
    let start = Instant::now();

    let clients: Vec<_> = (0..config.clients)
        .map(|id| {
            let (done, bytes) = (Rc::clone(&done), Rc::clone(&bytes));
            groundup::spawn(client(addr, id, config.requests, done, bytes))
        })
        .collect();
    for (id, client) in clients.into_iter().enumerate() {
        client.await?.map_err(|e| io::Error::other(format!("client {id}: {e}")))?;
    }
    let elapsed = start.elapsed();
    let made = stats::syscalls().since(&before);
    progress.abort();

    println!("\r{:60}", "");
    println!("{total} requests answered, every byte checked ({} KiB each way)", bytes.get() / 1024);
    println!(
        "{:.2?} in all: {:.0} requests per second on one executor thread",
        elapsed,
        total as f64 / elapsed.as_secs_f64()
    );
    println!(
        "\nSystem calls made by groundup ({} in all, {:.1} per request):",
        made.total(),
        made.total() as f64 / total as f64
    );
    print!("{made}");
    Ok(())
}

/// Answers each request with its payload reversed.
async fn server(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        groundup::spawn(async move {
            let mut stream = stream;
            let mut payload = Vec::new();
            loop {
                let mut len = [0u8; 4];
                match stream.read_exact(&mut len).await {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
                    Err(e) => return Err(e),
                }
                payload.resize(u32::from_be_bytes(len) as usize, 0);
                stream.read_exact(&mut payload).await?;
                payload.reverse();
                stream.write_all(&len).await?;
                stream.write_all(&payload).await?;
            }
        });
    }
}

/// The payload of request `n` of client `id`: its length and bytes.
fn payload(id: usize, n: usize) -> Vec<u8> {
    let len = 16 + (id * 7_919 + n * 104_729) % 4_081;
    (0..len).map(|i| (i ^ id.wrapping_mul(31) ^ n.wrapping_mul(17)) as u8).collect()
}

async fn client(
    addr: std::net::SocketAddr,
    id: usize,
    requests: usize,
    done: Rc<Cell<usize>>,
    bytes: Rc<Cell<u64>>,
) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut answer = Vec::new();
    for n in 0..requests {
        let request = payload(id, n);
        let len = (request.len() as u32).to_be_bytes();
        stream.write_all(&len).await?;
        stream.write_all(&request).await?;
        let mut answer_len = [0u8; 4];
        stream.read_exact(&mut answer_len).await?;
        answer.resize(u32::from_be_bytes(answer_len) as usize, 0);
        stream.read_exact(&mut answer).await?;
        let intact = answer.len() == request.len() && answer.iter().eq(request.iter().rev());
        if !intact {
            return Err(io::Error::other(format!(
                "request {n}: the answer is not the payload reversed"
            )));
        }
        done.set(done.get() + 1);
        bytes.set(bytes.get() + request.len() as u64);
        // Think for 0 to 4 ms: a timer per request.
        time::sleep(Duration::from_millis(((id + n) % 5) as u64)).await;
    }
    Ok(())
}

async fn show_progress(done: Rc<Cell<usize>>, total: usize) {
    let mut tick = time::interval(Duration::from_millis(200));
    loop {
        tick.tick().await;
        let n = done.get();
        let width = 40;
        let filled = n * width / total.max(1);
        print!("\r[{}{}] {n}/{total}", "#".repeat(filled), " ".repeat(width - filled));
        let _ = io::Write::flush(&mut io::stdout());
    }
}
