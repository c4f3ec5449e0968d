//! A line protocol over TCP, served with `lines()` and `BufWriter`: a
//! small key-value store (`SET k v`, `GET k`, `QUIT`), pipelined commands,
//! two clients at once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use groundup::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use groundup::net::{TcpListener, TcpStream};

type Store = Rc<RefCell<HashMap<String, String>>>;

fn answer(store: &Store, line: &str) -> Option<String> {
    let mut words = line.splitn(3, ' ');
    match (words.next(), words.next(), words.next()) {
        (Some("SET"), Some(key), Some(value)) => {
            store.borrow_mut().insert(key.to_owned(), value.to_owned());
            Some("OK".to_owned())
        }
        (Some("GET"), Some(key), None) => {
            Some(store.borrow().get(key).cloned().unwrap_or_else(|| "NIL".to_owned()))
        }
        (Some("QUIT"), None, None) => None,
        _ => Some(format!("ERR unknown command {line:?}")),
    }
}

/// Serves one connection: a reply per line, written through a `BufWriter`
/// and flushed only when no pipelined command is left in the read buffer.
async fn serve(stream: TcpStream, store: Store) -> std::io::Result<()> {
    let (reader, writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    let mut out = BufWriter::new(writer);
    while let Some(line) = lines.next_line().await? {
        let Some(reply) = answer(&store, &line) else {
            out.write_all(b"BYE\n").await?;
            break;
        };
        out.write_all(reply.as_bytes()).await?;
        out.write_all(b"\n").await?;
        if lines.get_ref().buffer().is_empty() {
            out.flush().await?;
        }
    }
    out.shutdown().await
}

async fn start_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let store = Store::default();
    groundup::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            groundup::spawn(serve(stream, Rc::clone(&store)));
        }
    });
    addr
}

#[test]
fn a_client_sets_and_gets_one_command_at_a_time() {
    groundup::block_on(async {
        let addr = start_server().await;
        let (reader, mut writer) = TcpStream::connect(addr).await.unwrap().into_split();
        let mut replies = BufReader::new(reader).lines();
        for (command, expected) in [
            ("GET colour", "NIL"),
            ("SET colour deep blue", "OK"),
            ("GET colour", "deep blue"),
            ("FLY away", "ERR unknown command \"FLY away\""),
            ("QUIT", "BYE"),
        ] {
            writer.write_all(format!("{command}\n").as_bytes()).await.unwrap();
            assert_eq!(replies.next_line().await.unwrap().as_deref(), Some(expected));
        }
        assert_eq!(replies.next_line().await.unwrap(), None, "the server closed after BYE");
    });
}

/// A thousand pipelined commands in one write get a thousand replies, in
/// order, with CRLF line ends accepted too.
#[test]
fn pipelined_commands_get_their_replies_in_order() {
    groundup::block_on(async {
        let addr = start_server().await;
        let (reader, mut writer) = TcpStream::connect(addr).await.unwrap().into_split();
        let mut batch = String::new();
        for i in 0..500 {
            batch.push_str(&format!("SET key{i} value{i}\r\nGET key{i}\n"));
        }
        batch.push_str("QUIT\n");
        let sending = groundup::spawn(async move { writer.write_all(batch.as_bytes()).await });
        let mut replies = BufReader::new(reader).lines();
        for i in 0..500 {
            assert_eq!(replies.next_line().await.unwrap().as_deref(), Some("OK"));
            assert_eq!(replies.next_line().await.unwrap(), Some(format!("value{i}")));
        }
        assert_eq!(replies.next_line().await.unwrap().as_deref(), Some("BYE"));
        assert_eq!(replies.next_line().await.unwrap(), None);
        sending.await.unwrap().unwrap();
    });
}

#[test]
fn two_clients_share_the_store() {
    groundup::block_on(async {
        let addr = start_server().await;
        let mut alice = BufReader::new(TcpStream::connect(addr).await.unwrap());
        let mut bob = BufReader::new(TcpStream::connect(addr).await.unwrap());
        let mut line = String::new();
        alice.write_all(b"SET shared from-alice\n").await.unwrap();
        alice.read_line(&mut line).await.unwrap();
        assert_eq!(line, "OK\n");
        line.clear();
        bob.write_all(b"GET shared\n").await.unwrap();
        bob.read_line(&mut line).await.unwrap();
        assert_eq!(line, "from-alice\n");
    });
}
