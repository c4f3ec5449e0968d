//! The extension methods, each round trip checked: numbers in both byte
//! orders, whole reads into `Vec` and `String`, lines and segments,
//! vectored and slice-advancing writes, seeks; and what each keeps when it
//! is cancelled, as its docs say.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

#[path = "util/io.rs"]
mod io_util;

use std::io::{Cursor, ErrorKind, IoSlice, SeekFrom};
use std::pin::pin;

use groundup::io::{self, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader};
use io_util::{Dribble, Recorder, Script, poll_once};

// --- numbers -----------------------------------------------------------------

#[test]
fn every_number_round_trips_in_both_byte_orders() {
    groundup::block_on(async {
        let mut out = Vec::new();
        out.write_u8(0xab).await.unwrap();
        out.write_i8(-3).await.unwrap();
        out.write_u16(0x1234).await.unwrap();
        out.write_u16_le(0x1234).await.unwrap();
        out.write_i16(-300).await.unwrap();
        out.write_i16_le(-300).await.unwrap();
        out.write_u32(0xdead_beef).await.unwrap();
        out.write_u32_le(0xdead_beef).await.unwrap();
        out.write_i32(i32::MIN).await.unwrap();
        out.write_i32_le(i32::MIN).await.unwrap();
        out.write_u64(u64::MAX - 1).await.unwrap();
        out.write_u64_le(u64::MAX - 1).await.unwrap();
        out.write_i64(-1).await.unwrap();
        out.write_i64_le(i64::MIN + 7).await.unwrap();
        out.write_u128(u128::MAX / 3).await.unwrap();
        out.write_u128_le(u128::MAX / 3).await.unwrap();
        out.write_i128(i128::MIN).await.unwrap();
        out.write_i128_le(-42).await.unwrap();
        out.write_f32(-0.25).await.unwrap();
        out.write_f32_le(f32::MAX).await.unwrap();
        out.write_f64(std::f64::consts::PI).await.unwrap();
        out.write_f64_le(f64::MIN_POSITIVE).await.unwrap();
        assert_eq!(out.len(), 1 + 1 + 2 * 4 + 4 * 4 + 8 * 4 + 16 * 4 + 4 * 2 + 8 * 2);

        let mut input = &out[..];
        assert_eq!(input.read_u8().await.unwrap(), 0xab);
        assert_eq!(input.read_i8().await.unwrap(), -3);
        assert_eq!(input.read_u16().await.unwrap(), 0x1234);
        assert_eq!(input.read_u16_le().await.unwrap(), 0x1234);
        assert_eq!(input.read_i16().await.unwrap(), -300);
        assert_eq!(input.read_i16_le().await.unwrap(), -300);
        assert_eq!(input.read_u32().await.unwrap(), 0xdead_beef);
        assert_eq!(input.read_u32_le().await.unwrap(), 0xdead_beef);
        assert_eq!(input.read_i32().await.unwrap(), i32::MIN);
        assert_eq!(input.read_i32_le().await.unwrap(), i32::MIN);
        assert_eq!(input.read_u64().await.unwrap(), u64::MAX - 1);
        assert_eq!(input.read_u64_le().await.unwrap(), u64::MAX - 1);
        assert_eq!(input.read_i64().await.unwrap(), -1);
        assert_eq!(input.read_i64_le().await.unwrap(), i64::MIN + 7);
        assert_eq!(input.read_u128().await.unwrap(), u128::MAX / 3);
        assert_eq!(input.read_u128_le().await.unwrap(), u128::MAX / 3);
        assert_eq!(input.read_i128().await.unwrap(), i128::MIN);
        assert_eq!(input.read_i128_le().await.unwrap(), -42);
        assert_eq!(input.read_f32().await.unwrap(), -0.25);
        assert_eq!(input.read_f32_le().await.unwrap(), f32::MAX);
        assert_eq!(input.read_f64().await.unwrap(), std::f64::consts::PI);
        assert_eq!(input.read_f64_le().await.unwrap(), f64::MIN_POSITIVE);
        assert!(input.is_empty());
    });
}

#[test]
fn big_and_little_endian_lay_out_the_bytes_as_named() {
    groundup::block_on(async {
        let mut out = Vec::new();
        out.write_u32(0x0102_0304).await.unwrap();
        out.write_u32_le(0x0102_0304).await.unwrap();
        out.write_i16(-2).await.unwrap();
        out.write_f32_le(1.0).await.unwrap();
        assert_eq!(out, [1, 2, 3, 4, 4, 3, 2, 1, 0xff, 0xfe, 0x00, 0x00, 0x80, 0x3f]);
    });
}

/// Numbers through a pipe of 3 bytes: every wide number is split across
/// reads and writes, and each future keeps its partial bytes while it
/// waits.
#[test]
fn numbers_cross_a_narrow_pipe_in_pieces() {
    groundup::block_on(async {
        let (mut near, mut far) = io::duplex(3);
        let writer = groundup::spawn(async move {
            for i in 0..200u64 {
                near.write_u64(i * 0x0101_0101_0101).await?;
                near.write_u128_le(u128::from(i) << 64).await?;
            }
            io::Result::Ok(())
        });
        for i in 0..200u64 {
            assert_eq!(far.read_u64().await.unwrap(), i * 0x0101_0101_0101);
            assert_eq!(far.read_u128_le().await.unwrap(), u128::from(i) << 64);
        }
        writer.await.unwrap().unwrap();
    });
}

#[test]
fn a_number_cut_short_by_end_of_file_is_unexpected_eof() {
    groundup::block_on(async {
        let mut input: &[u8] = &[1, 2, 3];
        assert_eq!(input.read_u32().await.unwrap_err().kind(), ErrorKind::UnexpectedEof);
        let mut nothing: &[u8] = &[];
        assert_eq!(nothing.read_u8().await.unwrap_err().kind(), ErrorKind::UnexpectedEof);
    });
}

// --- read_exact, read_to_end, read_to_string, read_buf -------------------------

#[test]
fn read_exact_past_end_of_file_is_unexpected_eof() {
    groundup::block_on(async {
        let mut input: &[u8] = b"short";
        let mut buf = [0u8; 6];
        let error = input.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnexpectedEof);
        // An empty buffer is always satisfied.
        input.read_exact(&mut []).await.unwrap();
    });
}

/// Issue 13, item 13: `read_to_end` zeroed the whole spare capacity before
/// every read, `Pending` polls included. The reader here answers `Pending`
/// before each chunk and marks every byte it is handed; a byte zeroed again
/// after it was marked shows up as a zero in a later buffer. Each byte of
/// the `Vec` may be zeroed once, when it is first made part of it.
#[test]
fn read_to_end_initialises_each_byte_of_the_buffer_once() {
    let data = vec![7u8; if cfg!(miri) { 5_000 } else { 100_000 }];
    let mut reader = Dribble::new(data.clone(), 1000);
    let mut buf = Vec::new();
    let n = groundup::block_on(async { reader.read_to_end(&mut buf).await.unwrap() });
    assert_eq!((n, &buf), (data.len(), &data));
    assert!(reader.lengths.len() > data.len() / 1000 * 2, "every chunk came after a Pending");
    assert!(
        reader.zeroes_seen <= buf.capacity(),
        "{} bytes zeroed for a buffer of {}: bytes were zeroed more than once",
        reader.zeroes_seen,
        buf.capacity()
    );
}

#[test]
fn read_to_end_appends_and_counts_what_it_read() {
    groundup::block_on(async {
        let mut reader = Script::new(vec![Some(b"ab"), None, Some(b"cde"), None, None]);
        let mut buf = b"start:".to_vec();
        assert_eq!(reader.read_to_end(&mut buf).await.unwrap(), 5);
        assert_eq!(buf, b"start:abcde");
    });
}

/// Cancelled between two reads, `read_to_end` leaves exactly the bytes it
/// read in `buf`: none of the zeroed room it was reading into.
#[test]
fn read_to_end_cancelled_keeps_the_data_and_nothing_else() {
    let mut reader = Script::new(vec![Some(b"kept"), None, Some(b"later")]);
    let mut buf = Vec::new();
    {
        let mut reading = pin!(reader.read_to_end(&mut buf));
        assert!(poll_once(reading.as_mut()).is_pending());
    }
    assert_eq!(buf, b"kept");
    groundup::block_on(async { reader.read_to_end(&mut buf).await.unwrap() });
    assert_eq!(buf, b"keptlater");
}

#[test]
fn read_to_string_checks_utf8_and_leaves_the_string_alone_if_invalid() {
    groundup::block_on(async {
        let mut text = String::from("prefix ");
        let mut valid: &[u8] = "naïve".as_bytes();
        assert_eq!(valid.read_to_string(&mut text).await.unwrap(), 6);
        assert_eq!(text, "prefix naïve");

        let mut invalid: &[u8] = b"ok \xff\xfe";
        let error = invalid.read_to_string(&mut text).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidData);
        assert_eq!(text, "prefix naïve");
    });
}

/// Cancelled in the middle of a two-byte character, `read_to_string`
/// keeps what it read up to the last whole character.
#[test]
fn read_to_string_cancelled_keeps_whole_characters() {
    let e_acute = "é".as_bytes();
    let mut reader =
        Script::new(vec![Some(b"caf"), Some(&e_acute[..1]), None, Some(&e_acute[1..])]);
    let mut text = String::from(">");
    {
        let mut reading = pin!(reader.read_to_string(&mut text));
        assert!(poll_once(reading.as_mut()).is_pending());
    }
    assert_eq!(text, ">caf");
}

#[test]
fn read_buf_appends_into_spare_capacity() {
    groundup::block_on(async {
        let mut input: &[u8] = &[9u8; 100];
        let mut buf = Vec::with_capacity(10);
        buf.push(1);
        assert_eq!(input.read_buf(&mut buf).await.unwrap(), 9, "the spare capacity");
        let n = input.read_buf(&mut buf).await.unwrap();
        assert!(n > 0 && buf.len() == 10 + n, "a full Vec grows");
        assert_eq!(buf[0], 1);
        assert!(buf[1..].iter().all(|&b| b == 9));
    });
}

#[test]
fn read_buf_cancelled_leaves_the_vec_as_it_was() {
    let mut reader = Script::new(vec![None, Some(b"x")]);
    let mut buf = b"abc".to_vec();
    {
        let mut reading = pin!(reader.read_buf(&mut buf));
        assert!(poll_once(reading.as_mut()).is_pending());
    }
    assert_eq!(buf, b"abc");
}

// --- read_until, read_line, lines, split ---------------------------------------

#[test]
fn read_line_keeps_the_newline_and_reads_a_last_line_without_one() {
    groundup::block_on(async {
        let mut reader = BufReader::with_capacity(3, &b"first\r\nsecond\nlast"[..]);
        let mut line = String::new();
        assert_eq!(reader.read_line(&mut line).await.unwrap(), 7);
        assert_eq!(line, "first\r\n");
        assert_eq!(reader.read_line(&mut line).await.unwrap(), 7, "appends");
        assert_eq!(line, "first\r\nsecond\n");
        line.clear();
        assert_eq!(reader.read_line(&mut line).await.unwrap(), 4);
        assert_eq!(line, "last");
        assert_eq!(reader.read_line(&mut line).await.unwrap(), 0, "end of file");
    });
}

#[test]
fn read_line_of_invalid_utf8_restores_the_string() {
    groundup::block_on(async {
        let mut input: &[u8] = b"bad \xc3\x28 line\nnext\n";
        let mut line = String::from("kept");
        assert_eq!(input.read_line(&mut line).await.unwrap_err().kind(), ErrorKind::InvalidData);
        assert_eq!(line, "kept");
        line.clear();
        input.read_line(&mut line).await.unwrap();
        assert_eq!(line, "next\n", "the bad line was consumed");
    });
}

/// `read_line` is not cancel safe in tokio's sense, but a cancelled call
/// keeps what it read in the `String`, and calling again completes the
/// line.
#[test]
fn read_line_cancelled_keeps_what_it_read() {
    let mut reader = BufReader::new(Script::new(vec![Some(b"hel"), None, Some(b"lo\nrest")]));
    let mut line = String::new();
    {
        let mut reading = pin!(reader.read_line(&mut line));
        assert!(poll_once(reading.as_mut()).is_pending());
    }
    assert_eq!(line, "hel");
    groundup::block_on(async { reader.read_line(&mut line).await.unwrap() });
    assert_eq!(line, "hello\n");
}

#[test]
fn read_until_cancelled_keeps_what_it_read() {
    let mut reader = BufReader::new(Script::new(vec![Some(b"a:b"), None, Some(b":c")]));
    let mut buf = Vec::new();
    {
        let mut reading = pin!(reader.read_until(b';', &mut buf));
        assert!(poll_once(reading.as_mut()).is_pending());
    }
    assert_eq!(buf, b"a:b");
    groundup::block_on(async {
        assert_eq!(reader.read_until(b':', &mut buf).await.unwrap(), 1);
    });
    assert_eq!(buf, b"a:b:");
}

#[test]
fn lines_strip_newlines_and_end_at_end_of_file() {
    groundup::block_on(async {
        let mut lines = BufReader::with_capacity(2, &b"a\r\n\nb\r\nc"[..]).lines();
        let mut all = Vec::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            all.push(line);
        }
        assert_eq!(all, ["a", "", "b", "c"]);
        assert_eq!(lines.next_line().await.unwrap(), None, "stays at the end");
    });
}

/// `next_line` is cancel safe: the line a cancelled call had begun comes
/// whole from the next call.
#[test]
fn next_line_cancelled_loses_nothing() {
    let reader = BufReader::new(Script::new(vec![Some(b"par"), None, Some(b"tial\nnext\n")]));
    let mut lines = reader.lines();
    {
        let mut next = pin!(lines.next_line());
        assert!(poll_once(next.as_mut()).is_pending());
    }
    groundup::block_on(async {
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("partial"));
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("next"));
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn a_line_of_invalid_utf8_is_an_error_and_the_next_line_follows() {
    groundup::block_on(async {
        let mut lines = (&b"\xff\nfine\n"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap_err().kind(), ErrorKind::InvalidData);
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("fine"));
    });
}

#[test]
fn split_yields_segments_without_the_delimiter_and_is_cancel_safe() {
    let reader = BufReader::new(Script::new(vec![Some(b"k1=v"), None, Some(b"1&k2=v2")]));
    let mut pairs = reader.split(b'&');
    {
        let mut next = pin!(pairs.next_segment());
        assert!(poll_once(next.as_mut()).is_pending());
    }
    groundup::block_on(async {
        assert_eq!(pairs.next_segment().await.unwrap(), Some(b"k1=v1".to_vec()));
        assert_eq!(pairs.next_segment().await.unwrap(), Some(b"k2=v2".to_vec()));
        assert_eq!(pairs.next_segment().await.unwrap(), None);
    });
}

#[test]
fn fill_buf_shows_and_consume_takes() {
    groundup::block_on(async {
        let mut reader = BufReader::with_capacity(4, &b"abcdefg"[..]);
        assert_eq!(reader.fill_buf().await.unwrap(), b"abcd");
        reader.consume(3);
        assert_eq!(reader.fill_buf().await.unwrap(), b"d", "no refill while bytes remain");
        reader.consume(10); // more than buffered: all of it
        assert_eq!(reader.fill_buf().await.unwrap(), b"efg");
        reader.consume(3);
        assert_eq!(reader.fill_buf().await.unwrap(), b"", "end of file");
    });
}

// --- writes -------------------------------------------------------------------

#[test]
fn write_vectored_gathers_on_a_vectored_writer_and_falls_back_on_others() {
    groundup::block_on(async {
        let parts = [IoSlice::new(b""), IoSlice::new(b"ab"), IoSlice::new(b"cd")];
        let mut vectored = Vec::new();
        assert_eq!(vectored.write_vectored(&parts).await.unwrap(), 4);
        assert_eq!(vectored, b"abcd");

        // The default `poll_write_vectored` writes the first non-empty one.
        let mut plain = Recorder::new(usize::MAX);
        assert_eq!(plain.write_vectored(&parts).await.unwrap(), 2);
        assert_eq!(plain.data, b"ab");
    });
}

#[test]
fn write_buf_and_write_all_buf_advance_the_slice() {
    groundup::block_on(async {
        let mut narrow = Recorder::new(3);
        let mut src: &[u8] = b"0123456789";
        assert_eq!(narrow.write_buf(&mut src).await.unwrap(), 3);
        assert_eq!(src, b"3456789");
        narrow.write_all_buf(&mut src).await.unwrap();
        assert!(src.is_empty());
        assert_eq!(narrow.data, b"0123456789");
        assert_eq!(narrow.writes, [10, 7, 4, 1]);
    });
}

#[test]
fn write_all_to_a_writer_that_takes_nothing_is_write_zero() {
    groundup::block_on(async {
        let mut full = Recorder::new(0);
        assert_eq!(full.write_all(b"x").await.unwrap_err().kind(), ErrorKind::WriteZero);
        let mut src: &[u8] = b"x";
        assert_eq!(full.write_all_buf(&mut src).await.unwrap_err().kind(), ErrorKind::WriteZero);
        assert_eq!(src, b"x", "nothing was written, nothing advanced");
        full.write_all(b"").await.unwrap();
    });
}

#[test]
fn flush_and_shutdown_reach_the_writer() {
    groundup::block_on(async {
        let mut writer = Recorder::new(usize::MAX);
        writer.flush().await.unwrap();
        writer.shutdown().await.unwrap();
        assert_eq!((writer.flushes, writer.shutdowns), (1, 1));
    });
}

// --- seeking ------------------------------------------------------------------

#[test]
fn seek_rewind_and_stream_position_on_a_cursor() {
    groundup::block_on(async {
        let mut cursor = Cursor::new(b"0123456789".to_vec());
        assert_eq!(cursor.seek(SeekFrom::Start(4)).await.unwrap(), 4);
        assert_eq!(cursor.read_u8().await.unwrap(), b'4');
        assert_eq!(cursor.stream_position().await.unwrap(), 5);
        assert_eq!(cursor.seek(SeekFrom::End(-1)).await.unwrap(), 9);
        assert_eq!(cursor.seek(SeekFrom::Current(-9)).await.unwrap(), 0);
        let error = cursor.seek(SeekFrom::Current(-1)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "before the start");
        cursor.write_all(b"ab").await.unwrap();
        cursor.rewind().await.unwrap();
        let mut all = String::new();
        cursor.read_to_string(&mut all).await.unwrap();
        assert_eq!(all, "ab23456789");
    });
}

/// A future made by an ext method is `Send` when what it borrows is.
#[test]
fn ext_futures_are_send_when_their_stream_is() {
    fn assert_send<T: Send>(_: &T) {}
    let mut input: &[u8] = b"";
    let mut out = Vec::new();
    let mut text = String::new();
    assert_send(&input.read_u32());
    assert_send(&input.read_to_string(&mut text));
    assert_send(&out.write_all(b""));
    assert_send(&input.read_line(&mut text));
    assert_send(&input.fill_buf());
}
