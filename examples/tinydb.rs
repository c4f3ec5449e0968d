//! A tiny key-value database served over TCP, one command per line: the
//! shape of tokio's `tinydb` example, on groundup alone.
//!
//! ```text
//! cargo run --example tinydb                # serve on 127.0.0.1:8080
//! cargo run --example tinydb -- --check     # serve, drive a client, check the answers
//! ```
//!
//! Then, from another terminal, `nc 127.0.0.1 8080` and type:
//!
//! ```text
//! GET foo             -> foo = bar
//! SET foo baz         -> set foo = `baz`, previous: Some("bar")
//! GET nothing         -> nothing not found
//! DROP TABLE          -> error: unknown command: DROP TABLE
//! ```
//!
//! Each connection is a task that reads lines with `lines()` and answers
//! through a `BufWriter`, flushed once the lines already received are
//! answered (so a pipelined batch of commands costs one write). The
//! database is a `RefCell<HashMap>` shared by `Rc`: groundup's tasks run
//! on one thread, so where tokio's example needs an `Arc<Mutex<…>>`, a
//! `RefCell` is enough, and no borrow is held across an `.await`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;

use groundup::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use groundup::net::{TcpListener, TcpStream};

/// The shared database.
pub type Db = Rc<RefCell<HashMap<String, String>>>;

#[allow(dead_code)] // a test includes this file and calls `check` itself
fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    groundup::block_on(async {
        if args.iter().any(|a| a == "--check") {
            return check().await;
        }
        let addr = args.first().map_or("127.0.0.1:8080", String::as_str);
        let listener = TcpListener::bind(addr).await?;
        println!("tinydb listening on {}", listener.local_addr()?);
        serve(listener, initial_db()).await
    })
}

/// The database the server starts with, as in tokio's example.
pub fn initial_db() -> Db {
    Rc::new(RefCell::new(HashMap::from([("foo".to_string(), "bar".to_string())])))
}

/// Accepts connections forever, each served by its own task.
pub async fn serve(listener: TcpListener, db: Db) -> io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let db = Rc::clone(&db);
        groundup::spawn(async move {
            if let Err(e) = serve_connection(stream, db).await {
                eprintln!("tinydb: connection failed: {e}");
            }
        });
    }
}

/// Answers each line until the client closes its side.
async fn serve_connection(stream: TcpStream, db: Db) -> io::Result<()> {
    let (reader, writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    let mut out = BufWriter::new(writer);
    while let Some(line) = lines.next_line().await? {
        let response = Request::parse(&line).map_or_else(Response::Error, |r| r.apply(&db));
        out.write_all(response.serialize().as_bytes()).await?;
        out.write_all(b"\n").await?;
        // Flush when nothing more is buffered to read: a batch of
        // commands gets one write, a lone command its answer at once.
        if lines.get_ref().buffer().is_empty() {
            out.flush().await?;
        }
    }
    out.flush().await
}

/// A command.
enum Request {
    Get { key: String },
    Set { key: String, value: String },
}

impl Request {
    /// `GET key` or `SET key value` (the value is the rest of the line).
    fn parse(line: &str) -> Result<Request, String> {
        let mut parts = line.splitn(3, ' ');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("GET"), Some(key), None) if !key.is_empty() => {
                Ok(Request::Get { key: key.to_string() })
            }
            (Some("GET"), ..) => Err("GET needs exactly one key".to_string()),
            (Some("SET"), Some(key), Some(value)) if !key.is_empty() => {
                Ok(Request::Set { key: key.to_string(), value: value.to_string() })
            }
            (Some("SET"), ..) => Err("SET needs a key and a value".to_string()),
            _ => Err(format!("unknown command: {line}")),
        }
    }

    fn apply(self, db: &Db) -> Response {
        let mut db = db.borrow_mut(); // never held across an await
        match self {
            Request::Get { key } => match db.get(&key) {
                Some(value) => Response::Value { key, value: value.clone() },
                None => Response::NotFound { key },
            },
            Request::Set { key, value } => {
                let previous = db.insert(key.clone(), value.clone());
                Response::Set { key, value, previous }
            }
        }
    }
}

/// An answer, one line each.
enum Response {
    Value { key: String, value: String },
    Set { key: String, value: String, previous: Option<String> },
    NotFound { key: String },
    Error(String),
}

impl Response {
    fn serialize(&self) -> String {
        match self {
            Response::Value { key, value } => format!("{key} = {value}"),
            Response::Set { key, value, previous } => {
                format!("set {key} = `{value}`, previous: {previous:?}")
            }
            Response::NotFound { key } => format!("{key} not found"),
            Response::Error(message) => format!("error: {message}"),
        }
    }
}

/// Serves on a free loopback port, sends a pipelined batch of commands
/// from a client, and checks every answer, in order.
pub async fn check() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr: SocketAddr = listener.local_addr()?;
    let server = groundup::spawn(serve(listener, initial_db()));
    let stream = TcpStream::connect(addr).await?;
    let (reader, mut writer) = stream.into_split();
    let commands = "GET foo\nSET foo baz\nGET foo\nSET hello world wide\nGET hello\n\
                    GET nothing\nDROP TABLE\nGET\n";
    writer.write_all(commands.as_bytes()).await?;
    writer.shutdown().await?;
    let mut answers = BufReader::new(reader).lines();
    let expected = [
        "foo = bar",
        "set foo = `baz`, previous: Some(\"bar\")",
        "foo = baz",
        "set hello = `world wide`, previous: None",
        "hello = world wide",
        "nothing not found",
        "error: unknown command: DROP TABLE",
        "error: GET needs exactly one key",
    ];
    for want in expected {
        let got = answers.next_line().await?;
        if got.as_deref() != Some(want) {
            return Err(io::Error::other(format!("expected {want:?}, got {got:?}")));
        }
    }
    if let Some(extra) = answers.next_line().await? {
        return Err(io::Error::other(format!("an answer nobody asked for: {extra:?}")));
    }
    server.abort();
    println!("tinydb checked: {} commands answered in order", expected.len());
    Ok(())
}
