//! The small helpers: `take`, `chain`, `join`, `repeat`, `empty`, `sink`.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::io::ErrorKind;

use groundup::io::{self, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

#[test]
fn take_stops_at_its_limit_and_can_be_moved_on() {
    groundup::block_on(async {
        let mut head = (&b"0123456789"[..]).take(4);
        let mut buf = [0u8; 8];
        assert_eq!(head.read(&mut buf).await.unwrap(), 4, "a read is cut to the limit");
        assert_eq!(head.read(&mut buf).await.unwrap(), 0, "then end of file");
        assert_eq!(head.limit(), 0);
        head.set_limit(3);
        let mut rest = Vec::new();
        head.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, b"456");
        assert_eq!(head.into_inner(), b"789");
    });
}

#[test]
fn take_zero_is_end_of_file_at_once() {
    groundup::block_on(async {
        let mut none = io::repeat(1).take(0);
        assert_eq!(none.read(&mut [0; 4]).await.unwrap(), 0);
    });
}

#[test]
fn take_over_a_buffered_reader_limits_fill_buf_and_consume() {
    groundup::block_on(async {
        let mut limited = BufReader::new(&b"line one\nline two\n"[..]).take(6);
        assert_eq!(limited.fill_buf().await.unwrap(), b"line o");
        limited.consume(100);
        assert_eq!(limited.limit(), 0);
        assert_eq!(limited.get_ref().buffer(), b"ne\nline two\n", "only 6 consumed inside");
        let mut lines = limited.get_mut().lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("ne"));
    });
}

#[test]
fn take_caps_an_endless_reader() {
    groundup::block_on(async {
        let mut bytes = Vec::new();
        let n = io::repeat(0xa5).take(100_000).read_to_end(&mut bytes).await.unwrap();
        assert_eq!(n, 100_000);
        assert!(bytes.iter().all(|&b| b == 0xa5));
    });
}

#[test]
fn chain_reads_the_first_to_its_end_then_the_second() {
    groundup::block_on(async {
        let mut both = (&b"ab"[..]).chain(&b"cd"[..]);
        let mut buf = [0u8; 8];
        assert_eq!(both.read(&mut buf).await.unwrap(), 2, "a read never spans the two");
        assert_eq!(&buf[..2], b"ab");
        assert_eq!(both.read(&mut buf).await.unwrap(), 2);
        assert_eq!(&buf[..2], b"cd");
        assert_eq!(both.read(&mut buf).await.unwrap(), 0);
        let (first, second) = both.into_inner();
        assert!(first.is_empty() && second.is_empty());
    });
}

#[test]
fn chain_of_buffered_readers_reads_lines_across_the_join() {
    groundup::block_on(async {
        let joined = (&b"first\nsec"[..]).chain(&b"ond\nthird"[..]);
        let mut lines = joined.lines();
        let mut all = Vec::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            all.push(line);
        }
        assert_eq!(all, ["first", "second", "third"]);
    });
}

#[test]
fn chain_with_empty_readers_on_either_side() {
    groundup::block_on(async {
        let mut text = String::new();
        io::empty()
            .chain(&b"middle"[..])
            .chain(io::empty())
            .read_to_string(&mut text)
            .await
            .unwrap();
        assert_eq!(text, "middle");
    });
}

#[test]
fn repeat_fills_every_buffer() {
    groundup::block_on(async {
        let mut sevens = io::repeat(7);
        let mut buf = [0u8; 300];
        assert_eq!(sevens.read(&mut buf).await.unwrap(), 300);
        assert!(buf.iter().all(|&b| b == 7));
        assert_eq!(sevens.read(&mut []).await.unwrap(), 0, "an empty buffer");
    });
}

#[test]
fn empty_reads_nothing_and_takes_everything() {
    groundup::block_on(async {
        let mut empty = io::empty();
        assert_eq!(empty.read(&mut [0; 8]).await.unwrap(), 0);
        assert_eq!(empty.fill_buf().await.unwrap(), b"");
        assert_eq!(empty.read_u8().await.unwrap_err().kind(), ErrorKind::UnexpectedEof);
        assert_eq!(empty.write(b"gone").await.unwrap(), 4);
        empty.flush().await.unwrap();
        empty.shutdown().await.unwrap();
    });
}

#[test]
fn sink_takes_everything_vectored_or_not() {
    groundup::block_on(async {
        let mut sink = io::sink();
        assert_eq!(sink.write(&[0; 1000]).await.unwrap(), 1000);
        let parts = [std::io::IoSlice::new(b"ab"), std::io::IoSlice::new(b"cde")];
        assert_eq!(sink.write_vectored(&parts).await.unwrap(), 5);
        let n = io::copy(&mut io::repeat(1).take(50_000), &mut sink).await.unwrap();
        assert_eq!(n, 50_000);
        sink.shutdown().await.unwrap();
    });
}

#[test]
fn copy_buf_writes_from_the_readers_buffer() {
    groundup::block_on(async {
        let mut reader = BufReader::with_capacity(7, io::repeat(b'z').take(100));
        let mut out = Vec::new();
        assert_eq!(io::copy_buf(&mut reader, &mut out).await.unwrap(), 100);
        assert_eq!(out, vec![b'z'; 100]);
    });
}

#[test]
fn the_helper_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<io::Empty>();
    assert_send_sync::<io::Sink>();
    assert_send_sync::<io::Repeat>();
    assert_send_sync::<io::Take<io::Repeat>>();
    assert_send_sync::<io::Chain<io::Empty, io::Repeat>>();
    assert_send_sync::<io::BufReader<io::Repeat>>();
    assert_send_sync::<io::BufWriter<io::Sink>>();
    assert_send_sync::<io::BufStream<io::DuplexStream>>();
    assert_send_sync::<io::Lines<io::BufReader<io::Empty>>>();
}

/// `join`: reads come from the reader, writes go to the writer, and a
/// shutdown reaches the writer only; the reader reads on.
#[test]
fn join_reads_from_one_and_writes_to_the_other() {
    groundup::block_on(async {
        let (inbox, mut to_inbox) = io::simplex(64);
        let (mut from_outbox, outbox) = io::simplex(64);
        let mut both = io::join(inbox, outbox);
        to_inbox.write_all(b"question").await.unwrap();
        let mut buf = [0u8; 8];
        both.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"question");
        both.write_all(b"answer").await.unwrap();
        both.shutdown().await.unwrap();
        let mut got = Vec::new();
        from_outbox.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"answer", "the writer's shutdown is its reader's end of file");
        to_inbox.write_all(b"more").await.unwrap();
        assert_eq!(both.read(&mut buf).await.unwrap(), 4, "the reader is still open");
    });
}

/// A buffered reader keeps its `AsyncBufRead` through `join`; the
/// accessors reach both halves, and `into_inner` gives them back.
#[test]
fn join_forwards_buffered_reads_and_gives_its_halves_back() {
    groundup::block_on(async {
        let mut both = io::join(BufReader::new(&b"one\ntwo\n"[..]), Vec::new());
        let mut line = String::new();
        both.read_line(&mut line).await.unwrap();
        assert_eq!(line, "one\n");
        both.write_all(b"seen").await.unwrap();
        assert_eq!(both.writer(), b"seen");
        assert_eq!(both.reader().buffer(), b"two\n", "what read_line left buffered");
        both.writer_mut().clear();
        let (reader, writer) = both.into_inner();
        assert_eq!(reader.buffer(), b"two\n");
        assert!(writer.is_empty());
    });
}
