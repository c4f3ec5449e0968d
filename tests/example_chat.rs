//! `examples/chat.rs`: the server on a loopback port of its own, and the
//! example's own check driving three clients through a chat (joins, two
//! talking, one leaving; every line each client hears, in order).

mod util;

#[path = "../examples/chat.rs"]
#[allow(dead_code)] // the example's `main` is not called here
mod example;

#[test]
fn three_clients_join_talk_and_one_leaves() {
    groundup::block_on(async {
        let listener = groundup::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = groundup::spawn(example::serve(listener));
        let checked = groundup::time::timeout(util::PATIENCE, example::check(addr)).await;
        checked.expect("the chat did not end within PATIENCE").unwrap();
        server.abort();
    });
}
