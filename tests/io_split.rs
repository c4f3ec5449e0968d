//! `io::split`: the two halves of one stream used from two tasks at once,
//! put back together, and told apart from another stream's.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

#[path = "util/io.rs"]
mod io_util;

use std::cell::Cell;
use std::rc::Rc;

use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
use io_util::assert_send_sync;

/// One task waits to read while another writes, on the two halves of one
/// stream: both waits are live at once, and each is woken by its own
/// direction.
#[test]
fn a_reading_task_and_a_writing_task_share_one_stream() {
    groundup::block_on(async {
        let (near, mut far) = io::duplex(4);
        let (mut reader, mut writer) = io::split(near);
        let read_first = Rc::new(Cell::new(false));
        let reading = groundup::spawn({
            let read_first = Rc::clone(&read_first);
            async move {
                let mut got = Vec::new();
                reader.read_to_end(&mut got).await?;
                read_first.set(true);
                io::Result::Ok((got, reader))
            }
        });
        let writing = groundup::spawn(async move {
            writer.write_all(b"from the writing task").await?;
            writer.shutdown().await?;
            io::Result::Ok(writer)
        });
        // The far end relays: what the writer sent comes back upper-cased.
        let mut buf = [0u8; 3];
        let mut relayed = 0;
        loop {
            let n = far.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            far.write_all(&buf[..n].to_ascii_uppercase()).await.unwrap();
            relayed += n;
        }
        far.shutdown().await.unwrap();
        assert_eq!(relayed, 21);
        let writer = writing.await.unwrap().unwrap();
        let (got, reader) = reading.await.unwrap().unwrap();
        assert!(read_first.get());
        assert_eq!(got, b"FROM THE WRITING TASK");
        assert!(reader.is_pair_of(&writer) && writer.is_pair_of(&reader));
        let _stream: io::DuplexStream = reader.unsplit(writer);
    });
}

#[test]
fn halves_of_different_streams_are_not_a_pair() {
    let (reader, _writer) = io::split(io::duplex(1).0);
    let (_other_reader, other_writer) = io::split(io::duplex(1).0);
    assert!(!reader.is_pair_of(&other_writer));
    assert!(!other_writer.is_pair_of(&reader));
}

#[test]
#[should_panic(expected = "WriteHalf of another stream")]
fn unsplit_with_another_streams_half_panics() {
    let (reader, _writer) = io::split(io::duplex(1).0);
    let (_other_reader, other_writer) = io::split(io::duplex(1).0);
    let _ = reader.unsplit(other_writer);
}

#[test]
fn a_split_stream_keeps_its_vectored_writes() {
    use groundup::io::AsyncWrite;
    let (_reader, writer) = io::split(io::duplex(1).0);
    assert!(writer.is_write_vectored(), "DuplexStream writes vectored");
    let (_reader, writer) = io::split(io::empty());
    assert!(writer.is_write_vectored());
}

/// The halves can cross threads when the stream can (tokio's rule).
#[test]
fn halves_of_a_send_stream_are_send_and_sync() {
    assert_send_sync::<io::ReadHalf<io::DuplexStream>>();
    assert_send_sync::<io::WriteHalf<io::DuplexStream>>();
    let (near, mut far) = io::duplex(64);
    let (mut reader, mut writer) = io::split(near);
    let thread = std::thread::spawn(move || {
        groundup::block_on(async move { writer.write_all(b"sent from a thread").await })
    });
    groundup::block_on(async {
        let mut got = [0u8; 18];
        far.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"sent from a thread");
        far.write_all(b"ok").await.unwrap();
        let mut ok = [0u8; 2];
        reader.read_exact(&mut ok).await.unwrap();
        assert_eq!(&ok, b"ok");
    });
    thread.join().unwrap().unwrap();
}
