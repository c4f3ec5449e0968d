//! `groundup::fs`: round trips, errors that name their paths, bad paths,
//! 1,000 concurrent reads, seeks mixed with reads and writes, a `File`
//! dropped without a flush, and directory listings.

use std::future::Future;
use std::io::{ErrorKind, SeekFrom};
use std::path::PathBuf;

use groundup::fs::{self, File, OpenOptions};
use groundup::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// A fresh directory of this test's own, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("groundup-fs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn bytes_and_text_round_trip() {
    let dir = TempDir::new("round-trip");
    groundup::block_on(async {
        let path = dir.0.join("data");
        let bytes: Vec<u8> = (0..=255).cycle().take(5 << 20).collect(); // more than one 2 MiB job
        fs::write(&path, &bytes).await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), bytes);

        let mut file = File::create(&path).await.unwrap();
        file.write_all(&bytes).await.unwrap();
        file.flush().await.unwrap();
        let mut back = Vec::new();
        File::open(&path).await.unwrap().read_to_end(&mut back).await.unwrap();
        assert_eq!(back, bytes);

        fs::write(&path, "text ✓").await.unwrap();
        assert_eq!(fs::read_to_string(&path).await.unwrap(), "text ✓");
        let copied = fs::copy(&path, dir.0.join("copy")).await.unwrap();
        // Wine's CopyFileExW reports no progress, from which std's Windows
        // `copy` takes its count: there, check the contents only.
        #[cfg(unix)]
        assert_eq!(copied, 8);
        let _ = copied;
        fs::rename(dir.0.join("copy"), dir.0.join("moved")).await.unwrap();
        assert_eq!(fs::read_to_string(dir.0.join("moved")).await.unwrap(), "text ✓");
        fs::remove_file(dir.0.join("moved")).await.unwrap();
        assert!(!fs::try_exists(dir.0.join("moved")).await.unwrap());
    });
}

#[test]
fn errors_name_their_paths_and_keep_their_kind() {
    let dir = TempDir::new("errors");
    groundup::block_on(async {
        let missing = dir.0.join("missing.txt");
        let error = File::open(&missing).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound);
        let message = error.to_string();
        assert!(message.starts_with("open "), "{message}");
        assert!(message.contains("missing.txt"), "{message}");
        // The OS error is still there, as the source.
        let source = std::error::Error::source(&error).unwrap();
        let os = source.downcast_ref::<std::io::Error>().unwrap();
        assert!(os.raw_os_error().is_some(), "{os:?}");

        let error = fs::rename(&missing, dir.0.join("to")).await.unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("rename "), "{message}");
        assert!(message.contains("missing.txt\" to \""), "{message}");
        assert_eq!(error.kind(), ErrorKind::NotFound);

        let error = fs::create_dir(&dir.0).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::AlreadyExists);
        assert!(error.to_string().contains("create directory"), "{error}");
    });
}

#[test]
fn bad_paths_are_errors() {
    groundup::block_on(async {
        // Empty path: the kernel's ENOENT.
        let error = File::open("").await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
        assert!(error.to_string().contains("\"\""), "{error}");
        // NUL in a path: std refuses it before any system call.
        let error = fs::read("a\0b").await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
        assert!(error.to_string().contains("\\0"), "{error}");
        let error = fs::metadata("/nonexistent/groundup/path").await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
        let error = fs::read_dir("").await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    });
}

#[test]
fn outside_a_runtime_is_an_error_that_names_the_fix() {
    let error = groundup::block_on(async {
        // A future made here and polled by a plain executor of our own.
        std::thread::spawn(|| {
            let future = fs::read("anything");
            let mut future = std::pin::pin!(future);
            let waker = std::task::Waker::noop();
            match future.as_mut().poll(&mut std::task::Context::from_waker(waker)) {
                std::task::Poll::Ready(result) => result.unwrap_err(),
                std::task::Poll::Pending => panic!("no runtime: must fail at once"),
            }
        })
        .join()
        .unwrap()
    });
    assert!(error.to_string().contains("block_on"), "{error}");
}

#[test]
fn a_thousand_concurrent_reads() {
    let dir = TempDir::new("concurrent");
    groundup::block_on(async {
        for i in 0..10 {
            fs::write(dir.0.join(i.to_string()), i.to_string().repeat(100)).await.unwrap();
        }
        let reads: Vec<_> = (0..1000)
            .map(|n| {
                let path = dir.0.join((n % 10).to_string());
                groundup::spawn(async move { (n % 10, fs::read_to_string(path).await) })
            })
            .collect();
        for read in reads {
            let (i, text) = read.await.unwrap();
            assert_eq!(text.unwrap(), i.to_string().repeat(100));
        }
    });
}

#[test]
fn seeks_between_reads_and_writes_land_where_the_caller_is() {
    let dir = TempDir::new("seek");
    groundup::block_on(async {
        let path = dir.0.join("f");
        fs::write(&path, b"0123456789").await.unwrap();
        let mut file = OpenOptions::new().read(true).write(true).open(&path).await.unwrap();
        let mut two = [0; 2];
        file.read_exact(&mut two).await.unwrap(); // the pool read ahead, past "01"
        assert_eq!(&two, b"01");
        assert_eq!(file.stream_position().await.unwrap(), 2);
        file.write_all(b"ab").await.unwrap(); // at 2, not at the read-ahead's end
        assert_eq!(file.seek(SeekFrom::Current(0)).await.unwrap(), 4);
        file.seek(SeekFrom::End(-2)).await.unwrap();
        file.write_all(b"YZ").await.unwrap();
        file.rewind().await.unwrap();
        let mut all = String::new();
        file.read_to_string(&mut all).await.unwrap();
        assert_eq!(all, "01ab4567YZ");
        file.set_len(4).await.unwrap();
        assert_eq!(file.metadata().await.unwrap().len(), 4);
        let error = file.seek(SeekFrom::Current(-100)).await.unwrap_err();
        // Windows (Wine, at least) reports ERROR_NEGATIVE_SEEK uncategorised.
        #[cfg(unix)]
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        let _ = error;
    });
}

/// Writes that returned are not lost when the `File` is dropped without
/// a flush: the barrier is the runtime's shutdown, which waits for running
/// jobs and runs cancelled write jobs in their destructor.
#[test]
fn a_file_dropped_without_flush_loses_no_write() {
    let dir = TempDir::new("drop");
    let path = dir.0.join("f");
    let chunk = vec![7u8; 1 << 20];
    groundup::block_on(async {
        let mut file = File::create(&path).await.unwrap();
        for _ in 0..8 {
            file.write_all(&chunk).await.unwrap();
        }
        drop(file);
    });
    assert_eq!(std::fs::read(&path).unwrap().len(), 8 << 20);

    // And with another operation as the barrier, inside the runtime.
    groundup::block_on(async {
        let mut file = File::create(&path).await.unwrap();
        file.write_all(b"small").await.unwrap();
        let clone = file.try_clone().await.unwrap();
        drop(file);
        clone.sync_all().await.unwrap();
        assert_eq!(fs::read(&path).await.unwrap(), b"small");
    });
}

#[test]
fn a_write_error_is_reported_by_the_next_operation() {
    let dir = TempDir::new("write-error");
    let path = dir.0.join("read-only");
    std::fs::write(&path, b"x").unwrap();
    groundup::block_on(async {
        // Open for reading only: the pool's write fails (EBADF), after
        // `write` has returned.
        let mut file = File::open(&path).await.unwrap();
        let n = file.write(b"nope").await.unwrap();
        assert_eq!(n, 4);
        assert!(file.flush().await.is_err());
        file.flush().await.unwrap(); // reported once
    });
}

#[test]
fn read_dir_lists_every_entry_once() {
    let dir = TempDir::new("read-dir");
    groundup::block_on(async {
        for i in 0..100 {
            fs::write(dir.0.join(format!("file{i}")), b"").await.unwrap();
        }
        fs::create_dir(dir.0.join("sub")).await.unwrap();
        let mut entries = fs::read_dir(&dir.0).await.unwrap();
        let mut names = Vec::new();
        while let Some(entry) = entries.next_entry().await.unwrap() {
            assert_eq!(entry.path(), dir.0.join(entry.file_name()));
            let is_dir = entry.file_type().await.unwrap().is_dir();
            assert_eq!(is_dir, entry.file_name() == "sub");
            names.push(entry.file_name().into_string().unwrap());
        }
        assert!(entries.next_entry().await.unwrap().is_none());
        names.sort();
        let mut expected: Vec<_> = (0..100).map(|i| format!("file{i}")).collect();
        expected.push("sub".into());
        expected.sort();
        assert_eq!(names, expected);
    });
}

#[cfg(unix)]
#[test]
fn links_and_metadata() {
    let dir = TempDir::new("links");
    groundup::block_on(async {
        fs::write(dir.0.join("real"), b"abc").await.unwrap();
        fs::symlink("real", dir.0.join("soft")).await.unwrap();
        fs::hard_link(dir.0.join("real"), dir.0.join("hard")).await.unwrap();
        assert_eq!(fs::read_link(dir.0.join("soft")).await.unwrap(), PathBuf::from("real"));
        assert!(fs::symlink_metadata(dir.0.join("soft")).await.unwrap().file_type().is_symlink());
        assert_eq!(fs::metadata(dir.0.join("soft")).await.unwrap().len(), 3);
        assert_eq!(fs::read(dir.0.join("hard")).await.unwrap(), b"abc");
        let canonical = fs::canonicalize(dir.0.join("soft")).await.unwrap();
        assert_eq!(canonical, fs::canonicalize(dir.0.join("real")).await.unwrap());
        fs::remove_dir_all(&dir.0).await.unwrap();
        assert!(!fs::try_exists(&dir.0).await.unwrap());
    });
}
