//! `examples/tinydb.rs`: its `--check` (a pipelined batch of GET/SET
//! lines from a client, every answer checked in order), run in-process.

#[path = "../examples/tinydb.rs"]
#[allow(dead_code)] // the example's `main` is not called here
mod example;

#[test]
fn tinydb_answers_a_pipelined_batch_in_order() {
    groundup::block_on(example::check()).unwrap();
}

#[test]
fn tinydb_serves_two_clients_one_database() {
    use groundup::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    groundup::block_on(async {
        let listener = groundup::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = groundup::spawn(example::serve(listener, example::initial_db()));
        let ask = |line: &'static str| async move {
            let mut stream = groundup::net::TcpStream::connect(addr).await.unwrap();
            stream.write_all(line.as_bytes()).await.unwrap();
            let mut answer = String::new();
            BufReader::new(&mut stream).read_line(&mut answer).await.unwrap();
            answer
        };
        assert_eq!(ask("SET k v1\n").await, "set k = `v1`, previous: None\n");
        // Another connection sees what the first one set.
        assert_eq!(ask("GET k\n").await, "k = v1\n");
        server.abort();
    });
}
