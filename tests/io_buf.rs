//! `BufReader`, `BufWriter` and `BufStream`: what each buffers, when it
//! goes to the inner stream, how it seeks, and what it does with a
//! capacity of 0.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

#[path = "util/io.rs"]
mod io_util;

use std::io::{Cursor, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};

use groundup::io::{
    self, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt,
    BufReader, BufStream, BufWriter,
};
use io_util::Recorder;

/// A reader over `data` that counts its reads and records their sizes.
struct Counting {
    data: Vec<u8>,
    pos: usize,
    reads: Vec<usize>,
}

impl Counting {
    fn new(data: &[u8]) -> Counting {
        Counting { data: data.to_vec(), pos: 0, reads: Vec::new() }
    }
}

impl AsyncRead for Counting {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<std::io::Result<usize>> {
        self.reads.push(buf.len());
        let n = buf.len().min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Poll::Ready(Ok(n))
    }
}

// --- BufReader ----------------------------------------------------------------

#[test]
fn small_reads_are_served_from_one_inner_read() {
    groundup::block_on(async {
        let mut reader = BufReader::with_capacity(64, Counting::new(b"0123456789"));
        let mut byte = [0u8; 1];
        for expected in b"0123" {
            reader.read_exact(&mut byte).await.unwrap();
            assert_eq!(byte[0], *expected);
        }
        assert_eq!(reader.get_ref().reads, [64], "one inner read for four small ones");
        assert_eq!(reader.buffer(), b"456789");
    });
}

#[test]
fn a_read_as_large_as_the_buffer_bypasses_it_when_it_is_empty() {
    groundup::block_on(async {
        let mut reader = BufReader::with_capacity(4, Counting::new(b"abcdefghij"));
        let mut big = [0u8; 6];
        assert_eq!(reader.read(&mut big).await.unwrap(), 6);
        assert_eq!(reader.get_ref().reads, [6], "straight into the caller's buffer");
        let mut small = [0u8; 2];
        reader.read_exact(&mut small).await.unwrap();
        assert_eq!(&small, b"gh");
        // Now the buffer holds "ij": a large read takes those first.
        assert_eq!(reader.read(&mut big).await.unwrap(), 2);
        assert_eq!(&big[..2], b"ij");
    });
}

#[test]
#[should_panic(expected = "BufReader::with_capacity(0)")]
fn a_buf_reader_of_capacity_zero_panics_with_the_fix() {
    let _ = BufReader::with_capacity(0, &b""[..]);
}

#[test]
fn into_inner_gives_back_the_reader_past_what_was_buffered() {
    groundup::block_on(async {
        let mut reader = BufReader::with_capacity(4, &b"abcdefgh"[..]);
        reader.read_exact(&mut [0; 1]).await.unwrap();
        assert_eq!(reader.buffer(), b"bcd");
        assert_eq!(reader.into_inner(), b"efgh", "the buffered bytes are gone");
    });
}

#[test]
fn a_buf_reader_seeks_from_where_its_caller_has_read() {
    groundup::block_on(async {
        let mut reader = BufReader::with_capacity(4, Cursor::new(b"0123456789".to_vec()));
        assert_eq!(reader.read_u8().await.unwrap(), b'0');
        // The cursor is at 4 (one buffer read); the caller at 1.
        assert_eq!(reader.stream_position().await.unwrap(), 1);
        assert_eq!(reader.seek(SeekFrom::Current(2)).await.unwrap(), 3);
        assert!(reader.buffer().is_empty(), "a seek discards the buffer");
        assert_eq!(reader.read_u8().await.unwrap(), b'3');
        assert_eq!(reader.seek(SeekFrom::End(-1)).await.unwrap(), 9);
        assert_eq!(reader.read_u8().await.unwrap(), b'9');
        assert_eq!(reader.seek(SeekFrom::Start(0)).await.unwrap(), 0);
        let mut all = String::new();
        reader.read_to_string(&mut all).await.unwrap();
        assert_eq!(all, "0123456789");
    });
}

#[test]
fn a_relative_seek_that_overflows_once_adjusted_is_an_error_not_a_panic() {
    groundup::block_on(async {
        let mut reader = BufReader::with_capacity(4, Cursor::new(vec![0u8; 10]));
        reader.read_u8().await.unwrap();
        // `i64::MIN - 3` overflows: two inner seeks, and the second fails
        // like the one std would make.
        assert!(reader.seek(SeekFrom::Current(i64::MIN)).await.is_err());
    });
}

#[test]
fn a_buf_reader_over_a_stream_still_writes() {
    groundup::block_on(async {
        let (near, mut far) = io::duplex(16);
        let mut near = BufReader::new(near);
        near.write_all(b"through").await.unwrap();
        let mut got = [0u8; 7];
        far.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"through");
    });
}

// --- BufWriter ----------------------------------------------------------------

#[test]
fn small_writes_are_collected_until_flush() {
    groundup::block_on(async {
        let mut writer = BufWriter::with_capacity(16, Recorder::new(usize::MAX));
        for word in [&b"one "[..], b"two ", b"three"] {
            writer.write_all(word).await.unwrap();
        }
        assert!(writer.get_ref().writes.is_empty());
        assert_eq!(writer.buffer(), b"one two three");
        writer.flush().await.unwrap();
        assert_eq!(writer.get_ref().writes, [13], "one inner write");
        assert_eq!(writer.get_ref().flushes, 1);
        assert_eq!(writer.get_ref().data, b"one two three");
    });
}

#[test]
fn an_overflowing_write_flushes_first_and_a_large_one_goes_through() {
    groundup::block_on(async {
        let mut writer = BufWriter::with_capacity(8, Recorder::new(usize::MAX));
        writer.write_all(b"12345").await.unwrap();
        writer.write_all(b"6789").await.unwrap(); // 9 > 8: "12345" goes out
        assert_eq!(writer.get_ref().writes, [5]);
        assert_eq!(writer.buffer(), b"6789");
        writer.write_all(b"ABCDEFGHIJ").await.unwrap(); // >= capacity: direct
        assert_eq!(writer.get_ref().writes, [5, 4, 10]);
        assert!(writer.buffer().is_empty());
        assert_eq!(writer.get_ref().data, b"123456789ABCDEFGHIJ");
    });
}

#[test]
fn a_slow_inner_writer_gets_the_buffer_in_pieces_without_repeats() {
    groundup::block_on(async {
        let mut writer = BufWriter::with_capacity(10, Recorder::new(3));
        writer.write_all(b"abcdefgh").await.unwrap();
        writer.flush().await.unwrap();
        assert_eq!(writer.get_ref().data, b"abcdefgh");
        assert_eq!(writer.get_ref().writes, [8, 5, 2]);
    });
}

#[test]
fn a_buf_writer_of_capacity_zero_writes_straight_through() {
    groundup::block_on(async {
        let mut writer = BufWriter::with_capacity(0, Recorder::new(usize::MAX));
        writer.write_all(b"ab").await.unwrap();
        writer.write_all(b"c").await.unwrap();
        assert_eq!(writer.get_ref().writes, [2, 1]);
        assert!(writer.buffer().is_empty());
    });
}

#[test]
fn dropping_a_buf_writer_loses_what_it_buffers() {
    groundup::block_on(async {
        let (near, mut far) = io::duplex(64);
        let mut writer = BufWriter::new(near);
        writer.write_all(b"never flushed").await.unwrap();
        drop(writer);
        let mut got = Vec::new();
        far.read_to_end(&mut got).await.unwrap();
        assert!(got.is_empty(), "documented: flush before dropping");
    });
}

#[test]
fn shutdown_writes_out_the_buffer_first() {
    groundup::block_on(async {
        let mut writer = BufWriter::new(Recorder::new(usize::MAX));
        writer.write_all(b"last words").await.unwrap();
        writer.shutdown().await.unwrap();
        assert_eq!(writer.get_ref().data, b"last words");
        assert_eq!(writer.get_ref().shutdowns, 1);
    });
}

#[test]
fn vectored_writes_gather_into_the_buffer() {
    groundup::block_on(async {
        let mut writer = BufWriter::with_capacity(16, Recorder::new(usize::MAX));
        assert!(writer.is_write_vectored());
        let parts = [IoSlice::new(b"key"), IoSlice::new(b": "), IoSlice::new(b"value\n")];
        assert_eq!(writer.write_vectored(&parts).await.unwrap(), 11);
        writer.flush().await.unwrap();
        assert_eq!(writer.get_ref().writes, [11], "one write for three slices");

        // Larger than the buffer, to a writer that cannot gather: the
        // first slice that fills the buffer goes straight through.
        let big = [IoSlice::new(&[1; 20]), IoSlice::new(&[2; 5])];
        assert_eq!(writer.write_vectored(&big).await.unwrap(), 20);
    });
}

#[test]
fn a_buf_writer_seeks_after_writing_out() {
    groundup::block_on(async {
        let mut writer = BufWriter::new(Cursor::new(vec![b'.'; 8]));
        writer.write_all(b"ab").await.unwrap();
        assert_eq!(writer.seek(SeekFrom::Start(5)).await.unwrap(), 5);
        writer.write_all(b"z").await.unwrap();
        writer.flush().await.unwrap();
        assert_eq!(writer.get_ref().get_ref(), b"ab...z..");
    });
}

/// `poll_write` through a pinned `!Unpin` writer: the buffered types pin
/// their inner stream structurally, as tokio's do.
#[test]
fn buffered_types_wrap_writers_that_are_not_unpin() {
    struct Pinned {
        out: Vec<u8>,
        _pin: std::marker::PhantomPinned,
    }
    impl AsyncWrite for Pinned {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            // SAFETY: `out` is not structurally pinned.
            unsafe { self.get_unchecked_mut() }.out.extend_from_slice(buf);
            Poll::Ready(Ok(buf.len()))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
    groundup::block_on(async {
        let writer = BufWriter::new(Pinned { out: Vec::new(), _pin: std::marker::PhantomPinned });
        let mut writer = Box::pin(writer);
        writer.write_all(b"pinned").await.unwrap();
        writer.flush().await.unwrap();
        assert_eq!(writer.as_mut().get_pin_mut().out, b"pinned");
    });
}

// --- BufStream ----------------------------------------------------------------

#[test]
fn a_buf_stream_buffers_both_ways() {
    groundup::block_on(async {
        let (near, far) = io::duplex(256);
        let mut near = BufStream::with_capacity(32, 32, near);
        let mut far = BufStream::new(far);
        near.write_all(b"request\n").await.unwrap();
        near.flush().await.unwrap();
        let mut line = String::new();
        far.read_line(&mut line).await.unwrap();
        assert_eq!(line, "request\n");
        far.write_all(b"reply\n").await.unwrap();
        far.shutdown().await.unwrap();
        line.clear();
        near.read_line(&mut line).await.unwrap();
        assert_eq!(line, "reply\n");
        assert_eq!(near.read_line(&mut line).await.unwrap(), 0);
        let _inner: io::DuplexStream = near.into_inner();
    });
}

#[test]
fn a_buf_stream_over_a_cursor_reads_writes_and_seeks() {
    groundup::block_on(async {
        let mut stream = BufStream::new(Cursor::new(b"0123456789".to_vec()));
        assert_eq!(stream.read_u8().await.unwrap(), b'0');
        assert_eq!(stream.stream_position().await.unwrap(), 1);
        stream.seek(SeekFrom::Start(2)).await.unwrap();
        stream.write_all(b"XY").await.unwrap();
        stream.flush().await.unwrap();
        stream.rewind().await.unwrap();
        let mut all = String::new();
        stream.read_to_string(&mut all).await.unwrap();
        assert_eq!(all, "01XY456789");
    });
}
