//! [`read_dir`]: a directory's entries, fetched from the blocking pool in
//! batches.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::fs::{FileType, Metadata};
use std::future::{Future, poll_fn};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use super::error::with_path;
use super::{asyncify, join_error, spawn_blocking};
use crate::task::JoinHandle;

/// How many entries one trip to the pool fetches (tokio's figure).
const BATCH: usize = 32;

/// Opens the directory `path` for listing its entries with
/// [`ReadDir::next_entry`]. `.` and `..` are not listed; the order is the
/// file system's.
///
/// # Errors
///
/// What `std::fs::read_dir` returns (`NotFound`, `NotADirectory`, …), with
/// the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-readdir-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     groundup::fs::write(dir.join("a"), b"").await?;
///     groundup::fs::create_dir(dir.join("b")).await?;
///     let mut names = Vec::new();
///     let mut entries = groundup::fs::read_dir(&dir).await?;
///     while let Some(entry) = entries.next_entry().await? {
///         names.push(entry.file_name().into_string().unwrap());
///     }
///     names.sort();
///     assert_eq!(names, ["a", "b"]);
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let std = asyncify(move || {
        let std = std::fs::read_dir(&path).map_err(|e| with_path("read directory", &path, e))?;
        Ok(Box::new(Batch { std, entries: VecDeque::new(), path, done: false }))
    })
    .await?;
    Ok(ReadDir { state: State::Idle(Some(std)) })
}

/// The entries of a directory, from [`read_dir`].
///
/// `!Send`, like groundup's `JoinHandle`s (tokio's is `Send`).
pub struct ReadDir {
    state: State,
}

enum State {
    /// Holding the entries fetched and the std iterator (`None` only if a
    /// fetch was cancelled by a runtime shutdown).
    Idle(Option<Box<Batch>>),
    /// A fetch in flight on the pool.
    Busy(JoinHandle<Box<Batch>>),
}

/// std's iterator, and the entries fetched from it not yet handed out.
struct Batch {
    std: std::fs::ReadDir,
    entries: VecDeque<io::Result<DirEntry>>,
    /// The directory, for error messages.
    path: PathBuf,
    /// The iterator has ended.
    done: bool,
}

impl Batch {
    /// On the pool: fetches up to `BATCH` more entries.
    fn fetch(mut self: Box<Batch>) -> Box<Batch> {
        for _ in 0..BATCH {
            match self.std.next() {
                Some(entry) => {
                    let entry = entry
                        .map(|std| DirEntry { std: Arc::new(std) })
                        .map_err(|e| with_path("read directory", &self.path, e));
                    self.entries.push_back(entry);
                }
                None => {
                    self.done = true;
                    break;
                }
            }
        }
        self
    }
}

impl ReadDir {
    /// The next entry, `None` after the last.
    ///
    /// # Errors
    ///
    /// What reading the directory returns (with its path in the message);
    /// outside a runtime, an error naming the fix.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a fetch in flight when the future is dropped is kept
    /// for the next call.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-next-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let mut entries = groundup::fs::read_dir(&dir).await?;
    ///     assert!(entries.next_entry().await?.is_none()); // empty
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry: `Ready(Ok(None))` after the last.
    ///
    /// # Errors
    ///
    /// As [`next_entry`](ReadDir::next_entry).
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-pnext-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("only"), b"")?;
    /// groundup::block_on(async {
    ///     let mut entries = groundup::fs::read_dir(&dir).await?;
    ///     let entry = poll_fn(|cx| entries.poll_next_entry(cx)).await?.unwrap();
    ///     assert_eq!(entry.file_name(), "only");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.state {
                State::Busy(fetch) => {
                    let fetched = ready!(Pin::new(fetch).poll(cx));
                    let (state, result) = match fetched {
                        Ok(batch) => (State::Idle(Some(batch)), Ok(())),
                        Err(error) => (State::Idle(None), Err(join_error(error))),
                    };
                    self.state = state;
                    result?;
                }
                State::Idle(None) => return Poll::Ready(Ok(None)),
                State::Idle(Some(batch)) => {
                    if let Some(entry) = batch.entries.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    if batch.done {
                        return Poll::Ready(Ok(None));
                    }
                    let batch = self.take_batch();
                    match batch {
                        Some(batch) => self.state = State::Busy(spawn_blocking(|| batch.fetch())?),
                        None => return Poll::Ready(Ok(None)),
                    }
                }
            }
        }
    }

    fn take_batch(&mut self) -> Option<Box<Batch>> {
        match &mut self.state {
            State::Idle(batch) => batch.take(),
            State::Busy(_) => None,
        }
    }
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadDir").finish_non_exhaustive()
    }
}

/// One entry of a directory listed by [`read_dir`].
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-entry-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// # std::fs::write(dir.join("f"), b"123")?;
/// groundup::block_on(async {
///     let entry = groundup::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
///     assert_eq!(entry.path(), dir.join("f"));
///     assert!(entry.file_type().await?.is_file());
///     assert_eq!(entry.metadata().await?.len(), 3);
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone)]
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
}

impl DirEntry {
    /// The entry's full path: the directory given to [`read_dir`] joined
    /// with the entry's name.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-epath-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("f"), b"")?;
    /// groundup::block_on(async {
    ///     let entry = groundup::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.path(), dir.join("f"));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The entry's name, without the directory.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-ename-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("name.txt"), b"")?;
    /// groundup::block_on(async {
    ///     let entry = groundup::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.file_name(), "name.txt");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The entry's inode number (`d_ino`).
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-eino-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("f"), b"")?;
    /// groundup::block_on(async {
    ///     let entry = groundup::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.ino(), entry.metadata().await?.ino());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }

    /// The entry's metadata, not following a symbolic link (on the pool;
    /// many systems answer from the listing itself, others `stat`).
    ///
    /// # Errors
    ///
    /// What `std::fs::DirEntry::metadata` returns, with the path in the
    /// message (an entry removed since it was listed is `NotFound`).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-emeta-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("f"), b"12")?;
    /// groundup::block_on(async {
    ///     let entry = groundup::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.metadata().await?.len(), 2);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.metadata().map_err(|e| with_path("metadata of", &std.path(), e))).await
    }

    /// The entry's file type, not following a symbolic link.
    ///
    /// # Errors
    ///
    /// As [`metadata`](DirEntry::metadata).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-etype-{}", std::process::id()));
    /// # std::fs::create_dir_all(dir.join("sub"))?;
    /// groundup::block_on(async {
    ///     let entry = groundup::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert!(entry.file_type().await?.is_dir());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn file_type(&self) -> io::Result<FileType> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.file_type().map_err(|e| with_path("file type of", &std.path(), e)))
            .await
    }
}

impl fmt::Debug for DirEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DirEntry").field(&self.std.path()).finish()
    }
}
