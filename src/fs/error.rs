//! Errors that name the path they are about (see the module docs: std's
//! do not).

use std::error::Error;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// An error from `op` on `path` (and `to`, for the two-path operations).
#[derive(Debug)]
struct PathError {
    op: &'static str,
    path: PathBuf,
    to: Option<PathBuf>,
    source: io::Error,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{:?}` quotes the path, so an empty one shows as `""` and a NUL
        // as `\0`: the two inputs whose errors most need explaining.
        write!(f, "{} {:?}", self.op, self.path)?;
        if let Some(to) = &self.to {
            write!(f, " to {to:?}")?;
        }
        write!(f, ": {}", self.source)
    }
}

impl Error for PathError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.source)
    }
}

/// `source`, of the same kind, with a message naming `op` and `path`.
pub(super) fn with_path(op: &'static str, path: &Path, source: io::Error) -> io::Error {
    wrap(op, path, None, source)
}

/// `source`, with a message naming `op`, `from` and `to`.
pub(super) fn with_paths(op: &'static str, from: &Path, to: &Path, source: io::Error) -> io::Error {
    wrap(op, from, Some(to), source)
}

fn wrap(op: &'static str, path: &Path, to: Option<&Path>, source: io::Error) -> io::Error {
    let kind = source.kind();
    let error = PathError { op, path: path.to_owned(), to: to.map(Path::to_owned), source };
    io::Error::new(kind, error)
}
