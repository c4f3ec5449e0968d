//! [`OpenOptions`]: std's builder, whose `open` runs on the blocking pool.

use std::io;
use std::path::Path;

use super::File;
use super::asyncify;
use super::error::with_path;

/// How to open a file: which access, whether to create or truncate it.
/// std's `OpenOptions`, with an `async` [`open`](OpenOptions::open).
///
/// ```
/// use groundup::fs::OpenOptions;
/// use groundup::io::AsyncWriteExt;
///
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-oo-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// groundup::block_on(async {
///     let path = dir.join("log");
///     for line in ["one\n", "two\n"] {
///         let mut log = OpenOptions::new().append(true).create(true).open(&path).await?;
///         log.write_all(line.as_bytes()).await?;
///         log.flush().await?;
///     }
///     assert_eq!(groundup::fs::read_to_string(&path).await?, "one\ntwo\n");
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(std::fs::OpenOptions);

impl OpenOptions {
    /// Options with every flag off (set at least one access mode).
    ///
    /// ```
    /// let options = groundup::fs::OpenOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new())
    }

    /// Opens for reading.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-oor-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("f"), b"x")?;
    /// groundup::block_on(async {
    ///     groundup::fs::OpenOptions::new().read(true).open(dir.join("f")).await
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.0.read(read);
        self
    }

    /// Opens for writing (from the start, over what is there, unless
    /// [`append`](OpenOptions::append) or [`truncate`](OpenOptions::truncate)).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-oow-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("f"), b"x")?;
    /// groundup::block_on(async {
    ///     groundup::fs::OpenOptions::new().write(true).open(dir.join("f")).await
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.0.write(write);
        self
    }

    /// Opens for appending: every write goes to the end of the file.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-ooa-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     groundup::fs::OpenOptions::new().append(true).create(true).open(dir.join("f")).await
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.0.append(append);
        self
    }

    /// Truncates the file to length 0 on opening (needs write access).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-oot-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("f"), b"old")?;
    /// groundup::block_on(async {
    ///     groundup::fs::OpenOptions::new().write(true).truncate(true).open(dir.join("f")).await?;
    ///     assert!(groundup::fs::read(dir.join("f")).await?.is_empty());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.0.truncate(truncate);
        self
    }

    /// Creates the file if it does not exist (needs write or append
    /// access).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-ooc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let path = dir.join("new");
    ///     groundup::fs::OpenOptions::new().write(true).create(true).open(&path).await?;
    ///     assert!(groundup::fs::try_exists(&path).await?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.0.create(create);
        self
    }

    /// Creates the file, failing with `AlreadyExists` if it exists (one
    /// atomic check, `O_EXCL`/`CREATE_NEW`).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-oocn-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let mut options = groundup::fs::OpenOptions::new();
    ///     options.write(true).create_new(true);
    ///     options.open(dir.join("once")).await?;
    ///     let twice = options.open(dir.join("once")).await.unwrap_err();
    ///     assert_eq!(twice.kind(), std::io::ErrorKind::AlreadyExists);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.0.create_new(create_new);
        self
    }

    /// The permission bits of a file this creates (before the umask);
    /// `0o666` by default.
    ///
    /// ```
    /// use std::os::unix::fs::PermissionsExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-oom-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let path = dir.join("private");
    ///     groundup::fs::OpenOptions::new().write(true).create(true).mode(0o600).open(&path).await?;
    ///     let mode = groundup::fs::metadata(&path).await?.permissions().mode();
    ///     assert_eq!(mode & 0o077, 0);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::mode(&mut self.0, mode);
        self
    }

    /// Extra `open(2)` flags (`O_NOFOLLOW`, `O_DIRECT`, …), or'ed in.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-oocf-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("f"), b"x")?;
    /// groundup::block_on(async {
    ///     groundup::fs::OpenOptions::new().read(true).custom_flags(0).open(dir.join("f")).await
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(unix)]
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut self.0, flags);
        self
    }

    /// The `dwDesiredAccess` of `CreateFileW`, overriding `read`/`write`.
    ///
    /// ```no_run
    /// groundup::fs::OpenOptions::new().access_mode(0x8000_0000); // GENERIC_READ
    /// ```
    #[cfg(windows)]
    pub fn access_mode(&mut self, access: u32) -> &mut OpenOptions {
        std::os::windows::fs::OpenOptionsExt::access_mode(&mut self.0, access);
        self
    }

    /// The `dwShareMode` of `CreateFileW` (std's default shares reading,
    /// writing and deleting).
    ///
    /// ```no_run
    /// groundup::fs::OpenOptions::new().share_mode(0); // exclusive
    /// ```
    #[cfg(windows)]
    pub fn share_mode(&mut self, share: u32) -> &mut OpenOptions {
        std::os::windows::fs::OpenOptionsExt::share_mode(&mut self.0, share);
        self
    }

    /// Extra `dwFlagsAndAttributes` flags of `CreateFileW`.
    ///
    /// ```no_run
    /// groundup::fs::OpenOptions::new().custom_flags(0);
    /// ```
    #[cfg(windows)]
    pub fn custom_flags(&mut self, flags: u32) -> &mut OpenOptions {
        std::os::windows::fs::OpenOptionsExt::custom_flags(&mut self.0, flags);
        self
    }

    /// The file attributes of a file this creates.
    ///
    /// ```no_run
    /// groundup::fs::OpenOptions::new().attributes(0x2); // FILE_ATTRIBUTE_HIDDEN
    /// ```
    #[cfg(windows)]
    pub fn attributes(&mut self, attributes: u32) -> &mut OpenOptions {
        std::os::windows::fs::OpenOptionsExt::attributes(&mut self.0, attributes);
        self
    }

    /// Opens `path` with these options, on the blocking pool.
    ///
    /// # Errors
    ///
    /// What `std::fs::OpenOptions::open` returns (`NotFound`,
    /// `AlreadyExists`, `PermissionDenied`, `InvalidInput` for no access
    /// mode), with the path in the message; outside a runtime, an error
    /// naming the fix.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-ooo-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// groundup::block_on(async {
    ///     let missing = dir.join("missing");
    ///     let error = groundup::fs::OpenOptions::new().read(true).open(&missing).await.unwrap_err();
    ///     assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    ///     assert!(error.to_string().contains(&*missing.to_string_lossy()), "{error}");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let (options, path) = (self.0.clone(), path.as_ref().to_owned());
        let std = asyncify(move || options.open(&path).map_err(|e| with_path("open", &path, e)));
        Ok(File::from_std(std.await?))
    }
}

impl Default for OpenOptions {
    /// [`OpenOptions::new`].
    ///
    /// ```
    /// let options = groundup::fs::OpenOptions::default();
    /// # let _ = options;
    /// ```
    fn default() -> OpenOptions {
        OpenOptions::new()
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    /// Wraps std's options.
    ///
    /// ```
    /// let mut std_options = std::fs::OpenOptions::new();
    /// std_options.read(true);
    /// let options = groundup::fs::OpenOptions::from(std_options);
    /// # let _ = options;
    /// ```
    fn from(options: std::fs::OpenOptions) -> OpenOptions {
        OpenOptions(options)
    }
}
