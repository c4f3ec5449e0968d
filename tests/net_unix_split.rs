//! `UnixStream::split` and `into_split`: halves used at once, from one task
//! or two, a write half that shuts down on drop, and `reunite`.
#![cfg(unix)]

use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
use groundup::net::UnixStream;
use groundup::net::unix::ReuniteError;

/// More than a Unix socket's buffers hold on any system here, so neither
/// side can finish before the other has made progress.
const LEN: usize = 4 << 20;

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i.wrapping_mul(131) >> 3) as u8).collect()
}

#[test]
fn owned_halves_used_from_two_tasks_move_data_both_ways() {
    groundup::block_on(async {
        let (client, mut echo) = UnixStream::pair().unwrap();
        // The peer echoes everything back through its borrowed halves.
        let echoer = groundup::spawn(async move {
            let (mut r, mut w) = echo.split();
            io::copy(&mut r, &mut w).await
        });
        let (mut read, mut write) = client.into_split();
        let sent = pattern(LEN);
        let expected = sent.clone();
        // One task writes and then drops its half (a shutdown: the echo
        // sees end of file and stops); the other reads meanwhile. Were the
        // halves not independent, the writer would stall on a full buffer
        // that only the reader drains.
        let writer = groundup::spawn(async move {
            write.write_all(&sent).await?;
            drop(write);
            std::io::Result::Ok(())
        });
        let reader = groundup::spawn(async move {
            let mut got = Vec::with_capacity(LEN);
            read.read_to_end(&mut got).await.map(|_| got)
        });
        writer.await.unwrap().unwrap();
        let got = reader.await.unwrap().unwrap();
        assert_eq!(echoer.await.unwrap().unwrap(), LEN as u64);
        assert!(got == expected, "the echo differs ({} bytes of {LEN})", got.len());
    });
}

#[test]
fn dropping_the_owned_write_half_shuts_down_and_forget_does_not() {
    groundup::block_on(async {
        let (a, mut peer) = UnixStream::pair().unwrap();
        let (_read, write) = a.into_split();
        drop(write);
        let mut rest = Vec::new();
        peer.read_to_end(&mut rest).await.unwrap();
        assert!(rest.is_empty(), "end of file, nothing before it");

        let (b, mut peer) = UnixStream::pair().unwrap();
        let (read, write) = b.into_split();
        write.forget();
        // Not shut down: the peer's read waits (end of file comes only when
        // the read half, the last owner, drops the stream).
        let pending =
            groundup::time::timeout(std::time::Duration::from_millis(20), peer.read(&mut [0u8; 1]))
                .await;
        assert!(pending.is_err(), "no end of file after forget");
        drop(read);
        assert_eq!(peer.read(&mut [0u8; 1]).await.unwrap(), 0);
    });
}

#[test]
fn owned_halves_reunite_only_with_their_twin() {
    groundup::block_on(async {
        let (a, mut a_peer) = UnixStream::pair().unwrap();
        let (b, _b_peer) = UnixStream::pair().unwrap();
        let (ra, wa) = a.into_split();
        let (rb, wb) = b.into_split();
        let err = rb.reunite(wa).unwrap_err();
        assert!(err.to_string().contains("not from the same socket"), "{err}");
        let ReuniteError(rb, wa) = err;
        let mut a = ra.reunite(wa).unwrap();
        let _b = rb.reunite(wb).unwrap();
        // Reuniting did not shut the writing half down.
        a.write_all(b"whole").await.unwrap();
        let mut buf = [0u8; 5];
        a_peer.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"whole");
    });
}

#[test]
fn borrowed_halves_report_the_stream_addresses() {
    groundup::block_on(async {
        let dir = std::env::temp_dir();
        let path = dir.join(format!("groundup-split-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let listener = groundup::net::UnixListener::bind(&path).unwrap();
        let mut client = UnixStream::connect(&path).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let (read, write) = client.split();
        assert_eq!(read.peer_addr().unwrap().as_pathname(), Some(path.as_path()));
        assert!(write.local_addr().unwrap().is_unnamed());
        let (read, write) = server.into_split();
        assert_eq!(read.local_addr().unwrap().as_pathname(), Some(path.as_path()));
        assert!(write.peer_addr().unwrap().is_unnamed());
        std::fs::remove_file(&path).unwrap();
    });
}
