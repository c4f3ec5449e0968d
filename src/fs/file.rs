//! [`File`]: a `std::fs::File` whose reads, writes and seeks run on the
//! blocking pool, one at a time, through a buffer of its own.
//!
//! ## The state machine
//!
//! A file is either *idle*, holding its buffer, or *busy*: one job on the
//! pool owns the buffer and the file (an `Arc` of it), and the `File` holds
//! the job's `JoinHandle`, which gives the buffer back with the result.
//! One operation at a time keeps the order of the caller's calls, which is
//! the order the bytes reach the file. Every `poll_*` method first waits
//! for the job in flight (if any), settles its result, then starts its own.
//!
//! The buffer holds either bytes read ahead (the pool read as many as the
//! caller's buffer could take; the caller may consume fewer) or bytes on
//! their way to the file, never both. Bytes read ahead put the std file's
//! position *ahead* of the caller's: a write, a seek or `set_len` first
//! discards them and seeks back by as many (`SeekFrom::Current(-n)`), as
//! tokio does.
//!
//! ## Writes
//!
//! `poll_write` copies up to `max_buf_size` bytes into the buffer, hands it
//! to a job, and returns `Ready(n)` at once: the task goes on while the
//! pool writes. The next operation waits for that job; if the write failed,
//! the error is that operation's (see the module docs). A write job that the
//! pool drops without running it (a runtime shutting down) writes its bytes
//! in its destructor, so that no write is lost ([`WriteJob`]).

use std::cell::RefCell;
use std::fmt;
use std::fs::{Metadata, Permissions};
use std::future::{Future, poll_fn};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use super::{OpenOptions, asyncify, join_error};
use crate::io::{AsyncRead, AsyncSeek, AsyncWrite};
use crate::runtime::Handle;
use crate::task::JoinHandle;

type StdFile = std::fs::File;

/// How many bytes one read or write job moves at most, by default
/// (tokio's figure).
const DEFAULT_MAX_BUF_SIZE: usize = 2 * 1024 * 1024;

/// An open file, read and written through the blocking pool.
///
/// tokio's `File`: [`AsyncRead`], [`AsyncWrite`] and [`AsyncSeek`] (await
/// them through [`AsyncReadExt`](crate::io::AsyncReadExt),
/// [`AsyncWriteExt`](crate::io::AsyncWriteExt) and
/// [`AsyncSeekExt`](crate::io::AsyncSeekExt)), plus `sync_all`, `set_len`,
/// `metadata` and the rest. See the [module docs](super) for why files go
/// through a thread pool, and for what a write that returned has (and has
/// not yet) done: **call [`flush`](crate::io::AsyncWriteExt::flush) to
/// learn whether your writes succeeded.** A `File` dropped without a flush
/// still completes its writes, in the background.
///
/// Unlike tokio's, a `File` is `!Send`, like the runtime's `JoinHandle`s:
/// it belongs to the runtime thread. [`into_std`](File::into_std) gives a
/// std file that can go anywhere.
///
/// ```
/// use std::io::SeekFrom;
/// use groundup::fs::File;
/// use groundup::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
///
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-file-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     let mut file = File::options().read(true).write(true).create(true).open(dir.join("f")).await?;
///     file.write_all(b"0123456789").await?;
///     file.seek(SeekFrom::Start(4)).await?;
///     let mut four = [0; 4];
///     file.read_exact(&mut four).await?;
///     assert_eq!(&four, b"4567");
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub struct File {
    std: Arc<StdFile>,
    inner: RefCell<Inner>,
    max_buf_size: usize,
}

/// The state the operations share (a `RefCell` because `sync_all` and the
/// other `&self` methods wait for the operation in flight too; borrowed
/// only inside one poll, never across an `.await`).
struct Inner {
    state: State,
    /// The error of a write (or `set_len`) that finished after its caller
    /// moved on, for the next operation to return.
    pending_error: Option<io::Error>,
    /// Where the last completed seek left the file.
    pos: u64,
}

enum State {
    Idle(Buf),
    Busy(JoinHandle<(Operation, Buf)>),
}

/// What a job did.
enum Operation {
    Read(io::Result<usize>),
    Write(io::Result<()>),
    Seek(io::Result<u64>),
    SetLen(io::Result<()>),
}

/// Bytes read ahead (`bytes[pos..]` not yet given to the caller) or on
/// their way to the file (all of `bytes`).
#[derive(Default)]
struct Buf {
    bytes: Vec<u8>,
    pos: usize,
}

impl Buf {
    fn unread(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn is_empty(&self) -> bool {
        self.unread() == 0
    }

    /// Gives the caller what it can take of the bytes read ahead.
    fn copy_to(&mut self, dst: &mut [u8]) -> usize {
        let n = self.unread().min(dst.len());
        dst[..n].copy_from_slice(&self.bytes[self.pos..self.pos + n]);
        self.pos += n;
        n
    }

    /// Takes up to `max` bytes of `src`, to be written.
    fn copy_from(&mut self, src: &[u8], max: usize) -> usize {
        debug_assert!(self.is_empty());
        let n = src.len().min(max);
        self.bytes.clear();
        self.bytes.extend_from_slice(&src[..n]);
        self.pos = 0;
        n
    }

    /// Drops the bytes read ahead; returns the seek that undoes the read of
    /// them (minus their count).
    fn discard_read(&mut self) -> i64 {
        // A buffer holds at most `max_buf_size` bytes, a `usize`: on every
        // 64-bit target that fits an i64, and on 32-bit ones trivially.
        let back = -(self.unread() as i64);
        self.bytes.clear();
        self.pos = 0;
        back
    }

    /// On the pool: reads up to `len` bytes from `file`.
    fn read_from(&mut self, mut file: &StdFile, len: usize) -> io::Result<usize> {
        self.bytes.resize(len, 0);
        self.pos = 0;
        let result = loop {
            match file.read(&mut self.bytes) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                result => break result,
            }
        };
        self.bytes.truncate(*result.as_ref().unwrap_or(&0));
        result
    }

    /// On the pool: writes every byte to `file`.
    fn write_to(&mut self, mut file: &StdFile) -> io::Result<()> {
        let result = file.write_all(&self.bytes[self.pos..]);
        self.bytes.clear();
        self.pos = 0;
        result
    }
}

/// A write handed to the pool. If the pool drops it unrun (its runtime
/// shut down first: shutdown cancels queued jobs), its destructor writes
/// the bytes there and then, on the thread that dropped it, so that a
/// write that returned `Ready` is never lost (tokio marks such jobs
/// "mandatory" instead).
struct WriteJob {
    std: Arc<StdFile>,
    /// The seek back over bytes read ahead, first.
    seek: Option<SeekFrom>,
    /// `None` once run.
    buf: Option<Buf>,
}

impl WriteJob {
    fn run(mut self) -> (Operation, Buf) {
        let mut buf = self.buf.take().unwrap_or_default();
        let result = self.write(&mut buf);
        (Operation::Write(result), buf)
    }

    fn write(&self, buf: &mut Buf) -> io::Result<()> {
        if let Some(seek) = self.seek {
            (&*self.std).seek(seek)?;
        }
        buf.write_to(&self.std)
    }
}

impl Drop for WriteJob {
    fn drop(&mut self) {
        if let Some(mut buf) = self.buf.take() {
            // Nobody is left to tell of an error (as when std's `BufWriter`
            // is dropped).
            let _ = self.write(&mut buf);
        }
    }
}

/// The runtime whose pool runs the file's jobs.
fn current_handle() -> io::Result<Handle> {
    Handle::try_current().map_err(|_| {
        io::Error::other(
            "a groundup::fs::File used outside a groundup runtime: use it inside \
             `groundup::block_on(async { ... })` or a task it runs",
        )
    })
}

impl Inner {
    /// Waits for the job in flight, if any, and takes its buffer back.
    /// `Ok(Some(op))`: a job just finished (the caller settles `op`);
    /// `Ok(None)`: idle already.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Operation>>> {
        let State::Busy(job) = &mut self.state else {
            return Poll::Ready(Ok(None));
        };
        let finished = ready!(Pin::new(job).poll(cx));
        Poll::Ready(match finished {
            Ok((op, buf)) => {
                self.state = State::Idle(buf);
                Ok(Some(op))
            }
            Err(error) => {
                self.state = State::Idle(Buf::default());
                Err(join_error(error))
            }
        })
    }

    /// Records what a job the caller was not waiting for did: a seek's
    /// position, a write's or `set_len`'s error (for the next operation).
    /// A read's result is dropped: its bytes, if any, are in the buffer,
    /// and a failed read leaves nothing to undo.
    fn record(&mut self, op: Operation) {
        match op {
            Operation::Seek(Ok(pos)) => self.pos = pos,
            Operation::Write(Err(e)) | Operation::SetLen(Err(e)) => {
                // The first error is the one to report.
                self.pending_error.get_or_insert(e);
            }
            Operation::Read(_) | Operation::Seek(Err(_)) => {}
            Operation::Write(Ok(())) | Operation::SetLen(Ok(())) => {}
        }
    }

    /// Waits until idle, recording whatever finished.
    fn poll_settled(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some(op) = ready!(self.poll_idle(cx))? {
            self.record(op);
        }
        Poll::Ready(Ok(()))
    }

    fn take_pending(&mut self) -> io::Result<()> {
        self.pending_error.take().map_or(Ok(()), Err)
    }

    /// The buffer, taken to move into a job. Only when idle.
    fn take_buf(&mut self) -> Buf {
        match &mut self.state {
            State::Idle(buf) => std::mem::take(buf),
            State::Busy(_) => Buf::default(),
        }
    }
}

impl File {
    /// Opens `path` for reading.
    ///
    /// # Errors
    ///
    /// What `std::fs::File::open` returns, with the path in the message;
    /// outside a runtime, an error naming the fix.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fopen-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("f"), b"contents")?;
    /// groundup::block_on(async {
    ///     let mut file = groundup::fs::File::open(dir.join("f")).await?;
    ///     let mut contents = Vec::new();
    ///     file.read_to_end(&mut contents).await?;
    ///     assert_eq!(contents, b"contents");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).open(path).await
    }

    /// Opens `path` for writing, creating it or truncating it.
    ///
    /// # Errors
    ///
    /// What `std::fs::File::create` returns, with the path in the message.
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fcreate-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let mut file = groundup::fs::File::create(dir.join("f")).await?;
    ///     file.write_all(b"new").await?;
    ///     file.flush().await?;
    ///     assert_eq!(groundup::fs::read(dir.join("f")).await?, b"new");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().write(true).create(true).truncate(true).open(path).await
    }

    /// Creates `path` and opens it for reading and writing; fails with
    /// `AlreadyExists` if it exists.
    ///
    /// # Errors
    ///
    /// As [`OpenOptions::open`] with `create_new`.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fnew-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     groundup::fs::File::create_new(dir.join("f")).await?;
    ///     assert!(groundup::fs::File::create_new(dir.join("f")).await.is_err());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).write(true).create_new(true).open(path).await
    }

    /// A new [`OpenOptions`], as `OpenOptions::new()`.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fopts-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     groundup::fs::File::options().append(true).create(true).open(dir.join("f")).await
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps a std file. (Needs no runtime: the first operation does.)
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-ffrom-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("f"), b"std's")?;
    /// let file = groundup::fs::File::from_std(std::fs::File::open(dir.join("f"))?);
    /// let text = groundup::block_on(async {
    ///     let mut file = file;
    ///     let mut text = String::new();
    ///     file.read_to_string(&mut text).await.map(|_| text)
    /// })?;
    /// assert_eq!(text, "std's");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn from_std(std: StdFile) -> File {
        File {
            std: Arc::new(std),
            inner: RefCell::new(Inner {
                state: State::Idle(Buf::default()),
                pending_error: None,
                pos: 0,
            }),
            max_buf_size: DEFAULT_MAX_BUF_SIZE,
        }
    }

    /// Sets how many bytes one read or write job moves at most (2 MiB by
    /// default). A larger figure means fewer trips to the pool for large
    /// transfers, and a larger copy held per file.
    ///
    /// # Panics
    ///
    /// If `max_buf_size` is 0 (no write could make progress).
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fmax-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let mut file = groundup::fs::File::create(dir.join("f")).await?;
    ///     file.set_max_buf_size(4);
    ///     assert_eq!(file.write(b"0123456789").await?, 4); // one job takes 4 bytes
    ///     file.flush().await
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "File::set_max_buf_size(0): a write could never make progress");
        self.max_buf_size = max_buf_size;
    }

    /// Waits for the operation in flight, recording its result.
    async fn settled(&self) -> io::Result<()> {
        poll_fn(|cx| self.inner.borrow_mut().poll_settled(cx)).await
    }

    /// Waits for the operation in flight, then returns its (or an earlier
    /// background write's) error, if any.
    async fn settled_ok(&self) -> io::Result<()> {
        self.settled().await?;
        self.inner.borrow_mut().take_pending()
    }

    /// Writes every change, data and metadata, to the device (`fsync`),
    /// after waiting for the writes in flight.
    ///
    /// # Errors
    ///
    /// The error of an earlier write that had not been reported yet, or
    /// what `fsync` returns.
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fsync-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let mut file = groundup::fs::File::create(dir.join("durable")).await?;
    ///     file.write_all(b"on disk").await?;
    ///     file.sync_all().await // the write is done, and on the device
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn sync_all(&self) -> io::Result<()> {
        self.settled_ok().await?;
        let std = Arc::clone(&self.std);
        asyncify(move || std.sync_all()).await
    }

    /// As [`sync_all`](File::sync_all), but metadata that reading the
    /// data does not need (such as the modification time) may stay behind
    /// (`fdatasync`).
    ///
    /// # Errors
    ///
    /// As `sync_all`.
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fdsync-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let mut file = groundup::fs::File::create(dir.join("f")).await?;
    ///     file.write_all(b"data").await?;
    ///     file.sync_data().await
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn sync_data(&self) -> io::Result<()> {
        self.settled_ok().await?;
        let std = Arc::clone(&self.std);
        asyncify(move || std.sync_data()).await
    }

    /// Truncates or extends (with zeroes) the file to `size` bytes. The
    /// position does not move.
    ///
    /// # Errors
    ///
    /// The error of an earlier write not reported yet, or what `ftruncate`
    /// returns (the file must be open for writing).
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fsetlen-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let mut file = groundup::fs::File::create(dir.join("f")).await?;
    ///     file.write_all(b"0123456789").await?;
    ///     file.set_len(3).await?;
    ///     assert_eq!(file.metadata().await?.len(), 3);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        self.settled_ok().await?;
        self.start_set_len(size)?;
        poll_fn(|cx| {
            let mut inner = self.inner.borrow_mut();
            loop {
                match ready!(inner.poll_idle(cx))? {
                    Some(Operation::SetLen(result)) => return Poll::Ready(result),
                    Some(other) => inner.record(other),
                    // Another `&self` call settled our job for us, and
                    // recorded its error, if any.
                    None => return Poll::Ready(inner.take_pending()),
                }
            }
        })
        .await
    }

    fn start_set_len(&self, size: u64) -> io::Result<()> {
        let handle = current_handle()?;
        let mut inner = self.inner.borrow_mut();
        let mut buf = inner.take_buf();
        let seek = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
        let std = Arc::clone(&self.std);
        let job = handle.spawn_blocking(move || {
            let result = match seek {
                Some(seek) => (&*std).seek(seek).and_then(|_| std.set_len(size)),
                None => std.set_len(size),
            };
            (Operation::SetLen(result), buf)
        });
        inner.state = State::Busy(job);
        Ok(())
    }

    /// The file's metadata, after the writes in flight (so that `len` counts
    /// them). Their errors stay for the next read, write or flush.
    ///
    /// # Errors
    ///
    /// What `fstat` returns.
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fmeta-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let mut file = groundup::fs::File::create(dir.join("f")).await?;
    ///     file.write_all(b"12345").await?;
    ///     let metadata = file.metadata().await?;
    ///     assert!(metadata.is_file());
    ///     assert_eq!(metadata.len(), 5);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        self.settled().await?;
        let std = Arc::clone(&self.std);
        asyncify(move || std.metadata()).await
    }

    /// Sets the file's permissions.
    ///
    /// # Errors
    ///
    /// What `fchmod` (or `SetFileInformationByHandle`) returns.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fperm-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let file = groundup::fs::File::create(dir.join("f")).await?;
    ///     let mut permissions = file.metadata().await?.permissions();
    ///     permissions.set_readonly(true);
    ///     file.set_permissions(permissions).await?;
    ///     assert!(file.metadata().await?.permissions().readonly());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn set_permissions(&self, permissions: Permissions) -> io::Result<()> {
        self.settled().await?;
        let std = Arc::clone(&self.std);
        asyncify(move || std.set_permissions(permissions)).await
    }

    /// A second `File` for the same open file (`dup`): they share the
    /// position. Waits for the operation in flight first.
    ///
    /// # Errors
    ///
    /// What `dup` (or `DuplicateHandle`) returns.
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-fclone-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let mut first = groundup::fs::File::create(dir.join("f")).await?;
    ///     first.write_all(b"one,").await?;
    ///     let mut second = first.try_clone().await?;
    ///     second.write_all(b"two").await?; // after "one,": the position is shared
    ///     second.flush().await?;
    ///     assert_eq!(groundup::fs::read(dir.join("f")).await?, b"one,two");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn try_clone(&self) -> io::Result<File> {
        self.settled().await?;
        let std = Arc::clone(&self.std);
        Ok(File::from_std(asyncify(move || std.try_clone()).await?))
    }

    /// Waits for the operation in flight, and gives back the std file, at
    /// the position the caller has reached (bytes read ahead are given
    /// back with a seek). An error of that last operation is lost: call
    /// [`flush`](crate::io::AsyncWriteExt::flush) first to see it.
    ///
    /// ```
    /// use std::io::Read;
    /// use groundup::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-finto-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let mut std_file = groundup::block_on(async {
    ///     groundup::fs::write(dir.join("f"), b"abcdef").await?;
    ///     let mut file = groundup::fs::File::open(dir.join("f")).await?;
    ///     let mut two = [0; 2];
    ///     file.read_exact(&mut two).await?; // the pool read ahead, past "ab"
    ///     std::io::Result::Ok(file.into_std().await)
    /// })?;
    /// let mut rest = String::new();
    /// std_file.read_to_string(&mut rest)?;
    /// assert_eq!(rest, "cdef");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn into_std(self) -> StdFile {
        let _ = self.settled().await;
        let back = self.inner.borrow_mut().take_buf().discard_read();
        if back != 0 {
            let std = Arc::clone(&self.std);
            let _ = asyncify(move || (&*std).seek(SeekFrom::Current(back))).await;
        }
        Arc::try_unwrap(self.std).unwrap_or_else(|_| {
            unreachable!("a job holds the file while it runs, and none runs once settled")
        })
    }

    /// Gives back the std file at once if no operation is in flight and
    /// nothing was read ahead; otherwise gives `self` back.
    ///
    /// # Errors
    ///
    /// `self`, when the file is busy (see [`into_std`](File::into_std),
    /// which waits).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-ftry-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let file = groundup::fs::File::create(dir.join("f")).await?;
    ///     let std_file = file.try_into_std().expect("idle: nothing in flight");
    ///     assert_eq!(std_file.metadata()?.len(), 0);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    #[allow(clippy::result_large_err)] // tokio's signature
    pub fn try_into_std(self) -> Result<StdFile, File> {
        let idle = {
            let inner = self.inner.borrow();
            matches!(&inner.state, State::Idle(buf) if buf.is_empty())
                && inner.pending_error.is_none()
        };
        if !idle {
            return Err(self);
        }
        let File { std, inner, max_buf_size } = self;
        Arc::try_unwrap(std).map_err(|std| File { std, inner, max_buf_size })
    }
}

impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let inner = this.inner.get_mut();
        loop {
            match ready!(inner.poll_idle(cx))? {
                Some(Operation::Read(result)) => {
                    let State::Idle(buf) = &mut inner.state else { unreachable!("just idle") };
                    return Poll::Ready(result.map(|_| buf.copy_to(dst)));
                }
                Some(other) => {
                    inner.record(other);
                    continue;
                }
                None => {}
            }
            inner.take_pending()?;
            let State::Idle(buf) = &mut inner.state else { unreachable!("just idle") };
            if !buf.is_empty() || dst.is_empty() {
                return Poll::Ready(Ok(buf.copy_to(dst)));
            }
            let handle = current_handle()?;
            let (mut buf, len) = (std::mem::take(buf), dst.len().min(this.max_buf_size));
            let std = Arc::clone(&this.std);
            inner.state = State::Busy(handle.spawn_blocking(move || {
                let result = buf.read_from(&std, len);
                (Operation::Read(result), buf)
            }));
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let inner = this.inner.get_mut();
        while let Some(op) = ready!(inner.poll_idle(cx))? {
            match op {
                Operation::Write(Err(e)) => return Poll::Ready(Err(e)),
                other => inner.record(other),
            }
        }
        inner.take_pending()?;
        if src.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let handle = current_handle()?;
        let mut buf = inner.take_buf();
        let seek = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
        let n = buf.copy_from(src, this.max_buf_size);
        let job = WriteJob { std: Arc::clone(&this.std), seek, buf: Some(buf) };
        inner.state = State::Busy(handle.spawn_blocking(move || job.run()));
        Poll::Ready(Ok(n))
    }

    /// Waits for the write in flight; returns its error, or that of an
    /// earlier one not reported yet.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let inner = self.get_mut().inner.get_mut();
        while let Some(op) = ready!(inner.poll_idle(cx))? {
            match op {
                Operation::Write(Err(e)) => return Poll::Ready(Err(e)),
                other => inner.record(other),
            }
        }
        Poll::Ready(inner.take_pending())
    }

    /// Flushes: a file has no writing half to close.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl AsyncSeek for File {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        let this = self.get_mut();
        let inner = this.inner.get_mut();
        let State::Idle(buf) = &inner.state else {
            return Err(io::Error::other(
                "another file operation is in flight: call poll_complete before start_seek",
            ));
        };
        // A seek from where the caller is, not from where the read-ahead
        // left the std file: back over the unread bytes.
        let position = match position {
            SeekFrom::Current(offset) => {
                offset.checked_sub(buf.unread() as i64).map(SeekFrom::Current).ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "seek offset overflows")
                })?
            }
            other => other,
        };
        let handle = current_handle()?;
        let mut buf = inner.take_buf();
        buf.discard_read();
        let std = Arc::clone(&this.std);
        inner.state = State::Busy(
            handle.spawn_blocking(move || (Operation::Seek((&*std).seek(position)), buf)),
        );
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let inner = self.get_mut().inner.get_mut();
        while let Some(op) = ready!(inner.poll_idle(cx))? {
            match op {
                Operation::Seek(result) => {
                    if let Ok(pos) = result {
                        inner.pos = pos;
                    }
                    return Poll::Ready(result);
                }
                other => inner.record(other),
            }
        }
        inner.take_pending()?;
        Poll::Ready(Ok(inner.pos))
    }
}

impl From<StdFile> for File {
    /// [`File::from_std`].
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-ffromi-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let file: groundup::fs::File = std::fs::File::create(dir.join("f"))?.into();
    /// # let _ = file;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    fn from(std: StdFile) -> File {
        File::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File").field("std", &self.std).finish_non_exhaustive()
    }
}

/// The descriptor, for system calls of your own (mind the operation that
/// may be in flight on the pool).
///
/// ```
/// use std::os::fd::AsRawFd;
///
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-ffd-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     let file = groundup::fs::File::create(dir.join("f")).await?;
///     assert!(file.as_raw_fd() >= 0);
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
#[cfg(unix)]
impl std::os::fd::AsRawFd for File {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.std.as_raw_fd()
    }
}

/// The descriptor, borrowed.
///
/// ```
/// use std::os::fd::AsFd;
///
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-ffdb-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     let file = groundup::fs::File::create(dir.join("f")).await?;
///     let borrowed = file.as_fd().try_clone_to_owned()?;
///     # let _ = borrowed;
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
#[cfg(unix)]
impl std::os::fd::AsFd for File {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.std.as_fd()
    }
}

/// The handle, for system calls of your own.
///
/// ```no_run
/// use std::os::windows::io::AsRawHandle;
///
/// groundup::block_on(async {
///     let file = groundup::fs::File::create("f").await?;
///     assert!(!file.as_raw_handle().is_null());
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[cfg(windows)]
impl std::os::windows::io::AsRawHandle for File {
    fn as_raw_handle(&self) -> std::os::windows::io::RawHandle {
        self.std.as_raw_handle()
    }
}

/// The handle, borrowed.
///
/// ```no_run
/// use std::os::windows::io::AsHandle;
///
/// groundup::block_on(async {
///     let file = groundup::fs::File::create("f").await?;
///     let owned = file.as_handle().try_clone_to_owned()?;
///     # let _ = owned;
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[cfg(windows)]
impl std::os::windows::io::AsHandle for File {
    fn as_handle(&self) -> std::os::windows::io::BorrowedHandle<'_> {
        self.std.as_handle()
    }
}
