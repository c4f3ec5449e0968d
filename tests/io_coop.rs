//! The I/O helpers spend the cooperative budget: a loop over ends that are
//! always ready still returns `Pending` now and then, so other tasks and
//! timers run. Each test races a loop of at most `ROUNDS` rounds against
//! `yield_now` in a biased select (tokio's `io_copy::copy_is_cooperative`):
//! the loop must give the yield its turn long before it finishes.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

#[path = "util/io.rs"]
mod io_util;

use std::cell::Cell;
use std::time::{Duration, Instant};

use groundup::io::{self, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use groundup::{task, time};
use io_util::{AlwaysReady, First, biased_select};

/// Far more rounds than one budget (128 operations) allows without a yield.
const ROUNDS: usize = 10_000;

/// Runs `body` up to `ROUNDS` times against a `yield_now`, and asserts the
/// yield won: the loop returned `Pending` on its own before it finished.
async fn assert_yields<T>(mut body: impl AsyncFnMut() -> T) {
    let rounds = Cell::new(0);
    let looping = async {
        for _ in 0..ROUNDS {
            body().await;
            rounds.set(rounds.get() + 1);
        }
    };
    let winner = biased_select(looping, task::yield_now()).await;
    assert_eq!(
        winner,
        First::Right(()),
        "{} rounds ran without the loop ever returning Pending",
        rounds.get()
    );
    assert!(rounds.get() < ROUNDS);
}

/// tokio's `io_copy::copy_is_cooperative`: many short copies between a
/// slice and a `Vec`, neither of which waits or spends budget.
#[test]
fn copy_is_cooperative() {
    groundup::block_on(assert_yields(async || {
        let mut reader: &[u8] = b"hello";
        let mut writer: Vec<u8> = Vec::new();
        io::copy(&mut reader, &mut writer).await.unwrap();
        assert_eq!(writer, b"hello");
    }));
}

/// tokio's `io_copy::copy_buf_is_cooperative`.
#[test]
fn copy_buf_is_cooperative() {
    groundup::block_on(assert_yields(async || {
        let mut reader: &[u8] = b"hello";
        let mut writer: Vec<u8> = Vec::new();
        io::copy_buf(&mut reader, &mut writer).await.unwrap();
    }));
}

/// One endless copy between two user types that never wait and never
/// spend budget: the copy's own spending is all there is.
#[test]
fn one_endless_copy_between_always_ready_ends_yields() {
    groundup::block_on(async {
        let (mut from, mut to) = (AlwaysReady::default(), AlwaysReady::default());
        let winner = biased_select(io::copy(&mut from, &mut to), task::yield_now()).await;
        assert!(matches!(winner, First::Right(())));
        assert!(from.reads > 0 && to.writes > 0);
    });
}

#[test]
fn copy_bidirectional_between_always_ready_ends_yields() {
    groundup::block_on(async {
        let (mut a, mut b) = (AlwaysReady::default(), AlwaysReady::default());
        let copying = io::copy_bidirectional(&mut a, &mut b);
        let winner = biased_select(copying, task::yield_now()).await;
        assert!(matches!(winner, First::Right(())));
        assert!(a.reads > 0 && b.reads > 0, "both directions ran");
    });
}

#[test]
fn endless_helpers_yield_in_a_loop() {
    groundup::block_on(async {
        assert_yields(async || io::empty().read(&mut [0; 8]).await.unwrap()).await;
        assert_yields(async || io::empty().fill_buf().await.map(<[u8]>::len).unwrap()).await;
        assert_yields(async || io::empty().write(b"x").await.unwrap()).await;
        assert_yields(async || io::repeat(1).read(&mut [0; 8]).await.unwrap()).await;
        assert_yields(async || io::sink().write(b"x").await.unwrap()).await;
        assert_yields(async || io::sink().flush().await.unwrap()).await;
    });
}

#[test]
fn a_duplex_with_room_to_spare_yields() {
    groundup::block_on(async {
        let (mut near, mut far) = io::duplex(64);
        let mut byte = [0u8; 1];
        assert_yields(async || {
            near.write_all(b"x").await.unwrap();
            far.read_exact(&mut byte).await.unwrap();
        })
        .await;
    });
}

/// A `BufReader` over a `repeat` yields through its inner reader: the
/// adapters add no spending, but they do not hide the leaf's.
#[test]
fn adapters_pass_the_leaf_budget_through() {
    groundup::block_on(async {
        let mut reader = BufReader::with_capacity(16, io::repeat(b'y').take(u64::MAX));
        let mut buf = [0u8; 16];
        assert_yields(async || reader.read_exact(&mut buf).await.unwrap()).await;
    });
}

/// The scenario: an endless copy between two ends that never wait,
/// in one task, while another task waits on a timer and a third is queued.
/// The timer fires and the queued task runs while the copy goes on.
#[test]
fn an_endless_copy_does_not_starve_timers_or_tasks() {
    groundup::block_on(async {
        let copier = groundup::spawn(async { io::copy(&mut io::repeat(0), &mut io::sink()).await });
        let other = groundup::spawn(async { "ran" });
        let start = Instant::now();
        time::sleep(Duration::from_millis(5)).await;
        assert!(start.elapsed() >= Duration::from_millis(5));
        assert_eq!(other.await.unwrap(), "ran");
        // The copy never ends on its own.
        copier.abort();
        assert!(copier.await.unwrap_err().is_cancelled());
    });
}
