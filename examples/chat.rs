//! A chat server: every line a client sends goes to every other client.
//! The shape of tokio's chat example, on groundup: a task per client, a
//! `broadcast` channel between them, and a `select!` in each task between
//! the client's next line and the next message for it.
//!
//! ```text
//! cargo run --example chat                      # serve on 127.0.0.1:6142 (try two `nc 127.0.0.1 6142`)
//! cargo run --example chat -- 127.0.0.1:9000    # another address
//! cargo run --example chat -- --check           # serve, drive three clients through a chat, exit
//! ```
//!
//! A client is asked for a name, then each line it sends reaches the
//! others as `name: line`; the others also hear when it joins and leaves.
//! The `--check` run (and `tests/example_chat.rs`) serves on a port of its
//! own and drives three clients over loopback: they join one after the
//! other, two of them talk, and one leaves; each checks, line by line,
//! what it hears, and that it never hears itself.
//!
//! The one thing added to tokio's example is the line `welcome, name` to
//! a client once its arrival has been announced: it tells the client (and
//! the check) that from then on it hears everything said.

use std::io;
use std::net::SocketAddr;

use groundup::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use groundup::net::{OwnedReadHalf, OwnedWriteHalf, TcpListener, TcpStream};
use groundup::sync::broadcast::{self, error::RecvError};

/// A message for the room: who said it (so that they are not sent their
/// own words back) and the line to show.
type Message = (SocketAddr, String);

/// How many messages the room keeps for a client that falls behind; a
/// client further behind is told how many it missed.
const BACKLOG: usize = 64;

#[allow(dead_code)] // a test includes this file and calls `serve` and `check` itself
#[groundup::main]
async fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let addr = args.iter().find(|a| !a.starts_with("--")).cloned();
    let addr = addr.unwrap_or_else(|| if check { "127.0.0.1:0" } else { "127.0.0.1:6142" }.into());

    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    println!("chat server listening on {local}");
    let server = groundup::spawn(serve(listener));
    if !check {
        return server.await?;
    }
    self::check(local).await?;
    println!("chat checked: three clients joined, talked, one left; nobody heard itself");
    Ok(())
}

/// Accepts clients forever, one task each, all on one broadcast channel.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    let (room, _) = broadcast::channel::<Message>(BACKLOG);
    loop {
        let (stream, peer) = listener.accept().await?;
        let room = room.clone();
        groundup::spawn(async move {
            if let Err(e) = client(stream, peer, room).await {
                eprintln!("{peer}: {e}");
            }
        });
    }
}

/// One client's conversation: its name, then its lines out and the
/// others' in, until it hangs up.
async fn client(
    stream: TcpStream,
    peer: SocketAddr,
    room: broadcast::Sender<Message>,
) -> io::Result<()> {
    // Subscribed first: everything said after the prompt reaches it.
    let mut inbox = room.subscribe();
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    writer.write_all(b"Please enter your username:\n").await?;
    let Some(name) = lines.next_line().await? else {
        return Ok(()); // hung up without a name
    };
    // `send` fails only when nobody listens, and this client's own inbox
    // listens: it cannot fail here.
    let _ = room.send((peer, format!("{name} has joined the chat")));
    writer.write_all(format!("welcome, {name}\n").as_bytes()).await?;
    loop {
        // Both branches are cancel-safe: the one that loses loses nothing.
        groundup::select! {
            line = lines.next_line() => match line? {
                Some(line) => {
                    let _ = room.send((peer, format!("{name}: {line}")));
                }
                None => break,
            },
            message = inbox.recv() => match message {
                Ok((from, _)) if from == peer => {}
                Ok((_, text)) => writer.write_all(format!("{text}\n").as_bytes()).await?,
                Err(RecvError::Lagged(n)) => {
                    writer.write_all(format!("({n} messages missed)\n").as_bytes()).await?;
                }
                Err(RecvError::Closed) => break,
            },
        }
    }
    let _ = room.send((peer, format!("{name} has left the chat")));
    Ok(())
}

/// A client of the check: the server's lines in, ours out.
struct Client {
    name: &'static str,
    lines: Lines<BufReader<OwnedReadHalf>>,
    writer: OwnedWriteHalf,
}

impl Client {
    /// Connects, answers the prompt with `name`, and waits to be welcomed.
    async fn join(addr: SocketAddr, name: &'static str) -> io::Result<Client> {
        let (reader, writer) = TcpStream::connect(addr).await?.into_split();
        let mut client = Client { name, lines: BufReader::new(reader).lines(), writer };
        client.hears("Please enter your username:").await?;
        client.says(name).await?;
        client.hears(&format!("welcome, {name}")).await?;
        Ok(client)
    }

    async fn says(&mut self, line: &str) -> io::Result<()> {
        self.writer.write_all(format!("{line}\n").as_bytes()).await
    }

    /// The next line from the server must be `expected`.
    async fn hears(&mut self, expected: &str) -> io::Result<()> {
        let line = self.lines.next_line().await?;
        if line.as_deref() == Some(expected) {
            return Ok(());
        }
        let message = format!("{} expected {expected:?}, heard {line:?}", self.name);
        Err(io::Error::other(message))
    }
}

/// Drives three clients through a chat on `addr` and checks every line
/// each one hears, in order: a line a client should not have heard (its
/// own words) would be the next one read and fail the check.
pub async fn check(addr: SocketAddr) -> io::Result<()> {
    let mut alice = Client::join(addr, "alice").await?;
    let mut bob = Client::join(addr, "bob").await?;
    alice.hears("bob has joined the chat").await?;
    let mut carol = Client::join(addr, "carol").await?;
    alice.hears("carol has joined the chat").await?;
    bob.hears("carol has joined the chat").await?;

    alice.says("hello everyone").await?;
    bob.hears("alice: hello everyone").await?;
    carol.hears("alice: hello everyone").await?;
    bob.says("hi alice").await?;
    // Alice's next line is Bob's: she did not hear herself.
    alice.hears("bob: hi alice").await?;
    carol.hears("bob: hi alice").await?;

    drop(carol); // hangs up
    alice.hears("carol has left the chat").await?;
    bob.hears("carol has left the chat").await?;
    Ok(())
}
