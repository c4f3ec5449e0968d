//! Buffered I/O: [`BufReader`], [`BufWriter`] and [`BufStream`], tokio's
//! types over groundup's traits.
//!
//! A read or write on a socket is a system call; a protocol that reads a
//! line byte by byte, or writes a reply in ten small pieces, makes ten. The
//! buffered types put an 8 KiB buffer (or the capacity given) in between:
//!
//! - `BufReader` reads as much as the kernel has into its buffer and hands
//!   it out piecewise; it is what gives a reader `AsyncBufRead`, and with it
//!   `read_line`, `lines()` and `split()`. A read at least as large as its
//!   buffer, with the buffer empty, skips the buffer.
//! - `BufWriter` collects small writes and writes them out together when
//!   the buffer would overflow, on `flush` and on `shutdown`. Dropping it
//!   does **not** write the buffer out (a destructor cannot wait): flush or
//!   shut it down first, as with tokio. A write at least as large as its
//!   buffer goes straight through (after what is buffered).
//! - `BufStream` is both, around one stream: `BufReader<BufWriter<S>>`.
//!
//! Each type forwards the traits it does not buffer (a `BufReader` over a
//! stream is still a writer, and so on), and seeks: a seek discards the
//! read buffer (adjusting a relative seek for the bytes it held) and writes
//! out the write buffer first. None of them spends the cooperative budget
//! (`io::util`): the stream under them does.
//!
//! The inner stream is pinned structurally, so these work over `!Unpin`
//! streams as tokio's do (`get_pin_mut`); each file's `project` says why
//! that is sound.

mod reader;
mod stream;
mod writer;

pub use reader::BufReader;
pub use stream::BufStream;
pub use writer::BufWriter;
