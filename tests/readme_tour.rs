//! The README's tour, run: its test, as written there (keep the two the
//! same). The tour's server is `examples/echo.rs`, which `.ci/run` runs
//! with `--check`.

use groundup::time::{self, Duration, Instant};

#[groundup::test(start_paused = true)]
async fn an_hour_of_back_off_takes_no_time() {
    let start = Instant::now();
    let mut delay = Duration::from_secs(1);
    while start.elapsed() < Duration::from_secs(3_600) {
        time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(600));
    }
    assert_eq!(start.elapsed(), Duration::from_secs(4_023));
}
