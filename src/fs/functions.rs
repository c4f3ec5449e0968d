//! The free functions: one `std::fs` call each, on the blocking pool, with
//! the path(s) in the error message.

use std::fs::{Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

use super::asyncify;
use super::error::{with_path, with_paths};

/// Runs `f(path)` on the blocking pool; an error names `op` and `path`.
async fn on_path<T, F>(op: &'static str, path: &Path, f: F) -> io::Result<T>
where
    F: FnOnce(&Path) -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let path = path.to_owned();
    asyncify(move || f(&path).map_err(|e| with_path(op, &path, e))).await
}

/// Runs `f(from, to)` on the blocking pool; an error names both paths.
async fn on_paths<T, F>(op: &'static str, from: &Path, to: &Path, f: F) -> io::Result<T>
where
    F: FnOnce(&Path, &Path) -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let (from, to) = (from.to_owned(), to.to_owned());
    asyncify(move || f(&from, &to).map_err(|e| with_paths(op, &from, &to, e))).await
}

/// Reads the whole file at `path` (`std::fs::read` on the blocking pool).
///
/// # Errors
///
/// What `std::fs::read` returns (`NotFound`, `PermissionDenied`, …), with
/// the path in the message; outside a runtime, an error naming the fix.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-read-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     let path = dir.join("bytes");
///     groundup::fs::write(&path, [1, 2, 3]).await?;
///     assert_eq!(groundup::fs::read(&path).await?, [1, 2, 3]);
///
///     let missing = groundup::fs::read(dir.join("missing")).await.unwrap_err();
///     assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
///     assert!(missing.to_string().contains("missing"), "{missing}");
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    on_path("read", path.as_ref(), |p| std::fs::read(p)).await
}

/// Reads the whole file at `path` as UTF-8.
///
/// # Errors
///
/// As [`read`]; `InvalidData` if the file is not UTF-8.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-rts-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     let path = dir.join("text");
///     groundup::fs::write(&path, "héllo").await?;
///     assert_eq!(groundup::fs::read_to_string(&path).await?, "héllo");
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    on_path("read", path.as_ref(), |p| std::fs::read_to_string(p)).await
}

/// Creates (or truncates) the file at `path` and writes `contents` to it.
///
/// The bytes are copied first (the pool's thread needs them for as long as
/// the write takes), as tokio does.
///
/// # Errors
///
/// What `std::fs::write` returns, with the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-write-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     let path = dir.join("greeting");
///     groundup::fs::write(&path, b"hello").await?;
///     groundup::fs::write(&path, b"hi").await?; // truncates
///     assert_eq!(groundup::fs::read(&path).await?, b"hi");
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let contents = contents.as_ref().to_owned();
    on_path("write", path.as_ref(), move |p| std::fs::write(p, contents)).await
}

/// Copies the contents and permissions of the file `from` to `to`, which
/// is created or truncated; returns the number of bytes copied.
///
/// # Errors
///
/// What `std::fs::copy` returns, with both paths in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-copy-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     groundup::fs::write(dir.join("a"), b"four").await?;
///     assert_eq!(groundup::fs::copy(dir.join("a"), dir.join("b")).await?, 4);
///     assert_eq!(groundup::fs::read(dir.join("b")).await?, b"four");
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    on_paths("copy", from.as_ref(), to.as_ref(), |f, t| std::fs::copy(f, t)).await
}

/// Renames `from` to `to`, replacing `to` if it is a file (as
/// `std::fs::rename`; on Windows a directory `to` is an error).
///
/// # Errors
///
/// What `std::fs::rename` returns, with both paths in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-rename-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     groundup::fs::write(dir.join("old"), b"x").await?;
///     groundup::fs::rename(dir.join("old"), dir.join("new")).await?;
///     assert!(!groundup::fs::try_exists(dir.join("old")).await?);
///     assert!(groundup::fs::try_exists(dir.join("new")).await?);
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    on_paths("rename", from.as_ref(), to.as_ref(), |f, t| std::fs::rename(f, t)).await
}

/// Removes the file (or symbolic link) at `path`.
///
/// # Errors
///
/// What `std::fs::remove_file` returns (a directory is an error), with the
/// path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-rmf-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     groundup::fs::write(dir.join("doomed"), b"").await?;
///     groundup::fs::remove_file(dir.join("doomed")).await?;
///     assert!(groundup::fs::remove_file(dir.join("doomed")).await.is_err());
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    on_path("remove file", path.as_ref(), |p| std::fs::remove_file(p)).await
}

/// Removes the empty directory at `path`.
///
/// # Errors
///
/// What `std::fs::remove_dir` returns (a directory that is not empty is an
/// error), with the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-rmd-{}", std::process::id()));
/// groundup::block_on(async {
///     groundup::fs::create_dir(&dir).await?;
///     groundup::fs::remove_dir(&dir).await?;
///     assert!(!groundup::fs::try_exists(&dir).await?);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    on_path("remove directory", path.as_ref(), |p| std::fs::remove_dir(p)).await
}

/// Removes the directory at `path` and everything in it. Symbolic links
/// inside are removed, not followed.
///
/// # Errors
///
/// What `std::fs::remove_dir_all` returns, with the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-rmall-{}", std::process::id()));
/// groundup::block_on(async {
///     groundup::fs::create_dir_all(dir.join("a/b")).await?;
///     groundup::fs::write(dir.join("a/b/c"), b"deep").await?;
///     groundup::fs::remove_dir_all(&dir).await?;
///     assert!(!groundup::fs::try_exists(&dir).await?);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    on_path("remove directory tree", path.as_ref(), |p| std::fs::remove_dir_all(p)).await
}

/// Creates the directory `path`, whose parent must exist.
///
/// # Errors
///
/// What `std::fs::create_dir` returns (`AlreadyExists`, `NotFound` for a
/// missing parent), with the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-mkdir-{}", std::process::id()));
/// groundup::block_on(async {
///     groundup::fs::create_dir(&dir).await?;
///     let again = groundup::fs::create_dir(&dir).await.unwrap_err();
///     assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);
///     groundup::fs::remove_dir(&dir).await
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    on_path("create directory", path.as_ref(), |p| std::fs::create_dir(p)).await
}

/// Creates the directory `path` and any missing parents; a directory that
/// exists already is fine.
///
/// # Errors
///
/// What `std::fs::create_dir_all` returns, with the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-mkdirs-{}", std::process::id()));
/// groundup::block_on(async {
///     groundup::fs::create_dir_all(dir.join("x/y/z")).await?;
///     groundup::fs::create_dir_all(dir.join("x/y/z")).await?; // no error
///     assert!(groundup::fs::metadata(dir.join("x/y/z")).await?.is_dir());
///     groundup::fs::remove_dir_all(&dir).await
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    on_path("create directories", path.as_ref(), |p| std::fs::create_dir_all(p)).await
}

/// The metadata of `path`, following symbolic links.
///
/// # Errors
///
/// What `std::fs::metadata` returns, with the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-meta-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     groundup::fs::write(dir.join("five"), b"12345").await?;
///     let metadata = groundup::fs::metadata(dir.join("five")).await?;
///     assert!(metadata.is_file());
///     assert_eq!(metadata.len(), 5);
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    on_path("metadata of", path.as_ref(), |p| std::fs::metadata(p)).await
}

/// The metadata of `path` itself: a symbolic link is described, not
/// followed.
///
/// # Errors
///
/// What `std::fs::symlink_metadata` returns, with the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-lmeta-{}", std::process::id()));
/// groundup::block_on(async {
///     groundup::fs::create_dir(&dir).await?;
///     assert!(groundup::fs::symlink_metadata(&dir).await?.is_dir());
///     groundup::fs::remove_dir(&dir).await
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    on_path("metadata of", path.as_ref(), |p| std::fs::symlink_metadata(p)).await
}

/// The absolute path of `path`, with every `.`, `..` and symbolic link
/// resolved.
///
/// # Errors
///
/// What `std::fs::canonicalize` returns (the path must exist), with the
/// path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-canon-{}", std::process::id()));
/// groundup::block_on(async {
///     groundup::fs::create_dir_all(dir.join("sub")).await?;
///     let roundabout = dir.join("sub").join("..").join("sub");
///     let direct = groundup::fs::canonicalize(dir.join("sub")).await?;
///     assert_eq!(groundup::fs::canonicalize(roundabout).await?, direct);
///     groundup::fs::remove_dir_all(&dir).await
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    on_path("canonicalize", path.as_ref(), |p| std::fs::canonicalize(p)).await
}

/// Whether `path` exists: `Ok(false)` for a path that does not (or a
/// broken symbolic link), an error when that cannot be told (permission
/// denied on a parent, say).
///
/// # Errors
///
/// What `std::fs::exists` returns, with the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-exists-{}", std::process::id()));
/// groundup::block_on(async {
///     assert!(!groundup::fs::try_exists(&dir).await?);
///     groundup::fs::create_dir(&dir).await?;
///     assert!(groundup::fs::try_exists(&dir).await?);
///     groundup::fs::remove_dir(&dir).await
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    on_path("check existence of", path.as_ref(), |p| std::fs::exists(p)).await
}

/// Sets the permissions of `path`.
///
/// # Errors
///
/// What `std::fs::set_permissions` returns, with the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-perm-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     let path = dir.join("locked");
///     groundup::fs::write(&path, b"x").await?;
///     let mut permissions = groundup::fs::metadata(&path).await?.permissions();
///     permissions.set_readonly(true);
///     groundup::fs::set_permissions(&path, permissions.clone()).await?;
///     assert!(groundup::fs::metadata(&path).await?.permissions().readonly());
///     # #[allow(clippy::permissions_set_readonly_false)]
///     permissions.set_readonly(false); // so that it can be removed everywhere
///     groundup::fs::set_permissions(&path, permissions).await
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn set_permissions(path: impl AsRef<Path>, permissions: Permissions) -> io::Result<()> {
    on_path("set permissions of", path.as_ref(), move |p| std::fs::set_permissions(p, permissions))
        .await
}

/// Makes `link` a new name (a hard link) for the file `original`.
///
/// # Errors
///
/// What `std::fs::hard_link` returns, with both paths in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-hlink-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     groundup::fs::write(dir.join("original"), b"shared").await?;
///     groundup::fs::hard_link(dir.join("original"), dir.join("alias")).await?;
///     assert_eq!(groundup::fs::read(dir.join("alias")).await?, b"shared");
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    on_paths("hard link", original.as_ref(), link.as_ref(), |o, l| std::fs::hard_link(o, l)).await
}

/// Where the symbolic link `path` points.
///
/// # Errors
///
/// What `std::fs::read_link` returns (`path` not a link is an error), with
/// the path in the message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-rlink-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     let not_a_link = groundup::fs::read_link(&dir).await.unwrap_err();
///     assert!(not_a_link.to_string().starts_with("read link"), "{not_a_link}");
///     # #[cfg(unix)]
///     # {
///     groundup::fs::symlink("target", dir.join("link")).await?;
///     assert_eq!(groundup::fs::read_link(dir.join("link")).await?, std::path::Path::new("target"));
///     # }
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    on_path("read link", path.as_ref(), |p| std::fs::read_link(p)).await
}

/// Creates the symbolic link `link`, pointing at `original` (which need not
/// exist; a relative `original` is relative to `link`'s directory).
///
/// # Errors
///
/// What `std::os::unix::fs::symlink` returns, with both paths in the
/// message.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-slink-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     groundup::fs::write(dir.join("real"), b"through the link").await?;
///     groundup::fs::symlink("real", dir.join("link")).await?;
///     assert_eq!(groundup::fs::read(dir.join("link")).await?, b"through the link");
///     assert!(groundup::fs::symlink_metadata(dir.join("link")).await?.file_type().is_symlink());
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
#[cfg(unix)]
pub async fn symlink(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let (original, link) = (original.as_ref(), link.as_ref());
    on_paths("symlink", original, link, |o, l| std::os::unix::fs::symlink(o, l)).await
}

/// Creates the symbolic link `link` to the *file* `original` (Windows
/// tells file links from directory links).
///
/// Creating a symbolic link needs the `SeCreateSymbolicLinkPrivilege`, or
/// Developer Mode, on Windows.
///
/// # Errors
///
/// What `std::os::windows::fs::symlink_file` returns, with both paths in
/// the message.
///
/// ```no_run
/// groundup::block_on(groundup::fs::symlink_file("target.txt", "link.txt"))?;
/// # std::io::Result::Ok(())
/// ```
#[cfg(windows)]
pub async fn symlink_file(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let (original, link) = (original.as_ref(), link.as_ref());
    on_paths("symlink", original, link, |o, l| std::os::windows::fs::symlink_file(o, l)).await
}

/// Creates the symbolic link `link` to the *directory* `original`.
///
/// # Errors
///
/// What `std::os::windows::fs::symlink_dir` returns, with both paths in
/// the message.
///
/// ```no_run
/// groundup::block_on(groundup::fs::symlink_dir("target", "link"))?;
/// # std::io::Result::Ok(())
/// ```
#[cfg(windows)]
pub async fn symlink_dir(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let (original, link) = (original.as_ref(), link.as_ref());
    on_paths("symlink", original, link, |o, l| std::os::windows::fs::symlink_dir(o, l)).await
}
