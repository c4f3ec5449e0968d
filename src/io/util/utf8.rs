//! A `String`'s bytes lent to a reader: how `read_line` and
//! `read_to_string` append to a `String` without copying and without ever
//! leaving invalid UTF-8 in it.
//!
//! Reading appends raw bytes, and a read can stop in the middle of a
//! multi-byte character, so the bytes cannot go into the `String` as they
//! arrive. They go into the `String`'s own buffer instead, taken out of it
//! for the duration (`mem::take`, so the `String` is empty meanwhile and
//! nothing is copied), and the buffer is put back when the operation ends:
//!
//! - finished: the appended bytes are checked once; valid, they stay;
//!   invalid, the `String` gets back exactly what it held before, and the
//!   error is `InvalidData` (as std's and tokio's `read_line`);
//! - failed with an I/O error, or cancelled (the future dropped): the
//!   `String` keeps what it held plus the appended bytes up to the last
//!   complete character. So a cancelled `read_line` keeps the data it had
//!   read, except the first bytes of a character cut in two, which are
//!   lost; the bytes of that character still in the reader then make the
//!   next `read_line` fail with `InvalidData`, rather than be misread.
//!
//! If the future is leaked (`mem::forget`) instead of dropped, the `String`
//! stays empty: the data is lost, but nothing unsound can be observed.

use std::io;
use std::mem;

/// The bytes of `target`, out on loan until [`finish`](Self::finish) or
/// drop puts them back.
#[derive(Debug)]
pub(crate) struct StringBytes<'a> {
    target: &'a mut String,
    /// `None` once given back.
    bytes: Option<Vec<u8>>,
    /// How many bytes the `String` held before: always valid UTF-8.
    original_len: usize,
}

impl<'a> StringBytes<'a> {
    pub(crate) fn new(target: &'a mut String) -> StringBytes<'a> {
        let bytes = mem::take(target).into_bytes();
        StringBytes { original_len: bytes.len(), bytes: Some(bytes), target }
    }

    /// The buffer to append to.
    ///
    /// # Panics
    ///
    /// After `finish`: the future that owns this was polled after it
    /// completed.
    pub(crate) fn bytes(&mut self) -> &mut Vec<u8> {
        self.bytes.as_mut().expect("a read into a String was polled after it completed")
    }

    /// The buffer, if it is still out on loan.
    pub(crate) fn bytes_if_lent(&mut self) -> Option<&mut Vec<u8>> {
        self.bytes.as_mut()
    }

    /// Gives the bytes back after the operation ended with `result`, and
    /// returns the number of bytes appended (see the module docs for what
    /// the `String` keeps on each outcome).
    pub(crate) fn finish(&mut self, result: io::Result<()>) -> io::Result<usize> {
        let mut bytes = self.bytes.take().expect("a read into a String completed twice");
        let appended = bytes.len() - self.original_len;
        match (result, std::str::from_utf8(&bytes[self.original_len..])) {
            (Ok(()), Ok(_)) => {
                self.give_back(bytes);
                Ok(appended)
            }
            (Ok(()), Err(_)) => {
                bytes.truncate(self.original_len);
                self.give_back(bytes);
                Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "stream did not contain valid UTF-8",
                ))
            }
            (Err(e), _) => {
                self.give_back_valid_prefix(bytes);
                Err(e)
            }
        }
    }

    /// Puts back the original bytes and the appended ones up to the last
    /// complete character.
    fn give_back_valid_prefix(&mut self, mut bytes: Vec<u8>) {
        let valid = match std::str::from_utf8(&bytes[self.original_len..]) {
            Ok(_) => bytes.len(),
            Err(e) => self.original_len + e.valid_up_to(),
        };
        bytes.truncate(valid);
        self.give_back(bytes);
    }

    /// `bytes` must be valid UTF-8 in full: the first `original_len` came
    /// out of a `String`, and every caller has checked the rest.
    fn give_back(&mut self, bytes: Vec<u8>) {
        debug_assert!(std::str::from_utf8(&bytes).is_ok());
        // SAFETY: the first `original_len` bytes are the `String`'s own,
        // untouched (only appended to, and truncation never goes below
        // `original_len`), so valid UTF-8 ending on a character boundary;
        // every caller checked the bytes after them with `from_utf8` and
        // kept only a valid prefix. The concatenation of two valid UTF-8
        // sequences is valid. Skipping the check of the first part keeps
        // appending line after line to one `String` linear, not quadratic.
        *self.target = unsafe { String::from_utf8_unchecked(bytes) };
    }
}

impl Drop for StringBytes<'_> {
    fn drop(&mut self) {
        if let Some(bytes) = self.bytes.take() {
            self.give_back_valid_prefix(bytes);
        }
    }
}
