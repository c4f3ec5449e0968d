//! [`DirBuilder`]: std's builder for directories, with an `async`
//! [`create`](DirBuilder::create).

use std::io;
use std::path::Path;

use super::asyncify;
use super::error::with_path;

/// How to create a directory: whether with its parents, and (on Unix) with
/// which permission bits. std's `DirBuilder`, with an `async` `create`.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("groundup-doc-db-{}", std::process::id()));
/// groundup::block_on(async {
///     groundup::fs::DirBuilder::new().recursive(true).create(dir.join("a/b")).await?;
///     assert!(groundup::fs::metadata(dir.join("a/b")).await?.is_dir());
///     groundup::fs::remove_dir_all(&dir).await
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct DirBuilder {
    recursive: bool,
    /// The permission bits; `None`: std's default.
    #[cfg(unix)]
    mode: Option<u32>,
}

impl DirBuilder {
    /// A builder that creates one directory, whose parent must exist.
    ///
    /// ```
    /// let builder = groundup::fs::DirBuilder::new();
    /// # let _ = builder;
    /// ```
    pub fn new() -> DirBuilder {
        DirBuilder::default()
    }

    /// Whether missing parents are created too (and an existing directory
    /// is fine).
    ///
    /// ```
    /// let mut builder = groundup::fs::DirBuilder::new();
    /// builder.recursive(true);
    /// ```
    pub fn recursive(&mut self, recursive: bool) -> &mut DirBuilder {
        self.recursive = recursive;
        self
    }

    /// The permission bits of the directories created (before the umask);
    /// `0o777` by default.
    ///
    /// ```
    /// use std::os::unix::fs::PermissionsExt;
    ///
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-dbm-{}", std::process::id()));
    /// groundup::block_on(async {
    ///     groundup::fs::DirBuilder::new().mode(0o700).create(&dir).await?;
    ///     let mode = groundup::fs::metadata(&dir).await?.permissions().mode();
    ///     assert_eq!(mode & 0o077, 0);
    ///     groundup::fs::remove_dir(&dir).await
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut DirBuilder {
        self.mode = Some(mode);
        self
    }

    /// std's builder for what was set (std's is not `Clone`, and the
    /// pool's thread needs one of its own).
    fn to_std(&self) -> std::fs::DirBuilder {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(self.recursive);
        #[cfg(unix)]
        if let Some(mode) = self.mode {
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
        }
        builder
    }

    /// Creates the directory `path` (and its parents, if recursive), on the
    /// blocking pool.
    ///
    /// # Errors
    ///
    /// What `std::fs::DirBuilder::create` returns, with the path in the
    /// message.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("groundup-doc-dbc-{}", std::process::id()));
    /// groundup::block_on(async {
    ///     let error = groundup::fs::DirBuilder::new().create(dir.join("no/parent")).await.unwrap_err();
    ///     assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref().to_owned();
        let builder = self.to_std();
        asyncify(move || builder.create(&path).map_err(|e| with_path("create directory", &path, e)))
            .await
    }
}
