//! Echo load for a while; descriptors and resident memory must not grow.
//!
//! Short by default (3 seconds, part of every `cargo test`, checking
//! descriptors only: resident memory is still settling after 3 seconds);
//! set `GROUNDUP_SOAK=1` for the real soak (60 seconds, or
//! `GROUNDUP_SOAK_SECS`), which checks memory too, as `just soak` does.
//! Under a sanitizer the memory check is skipped (`GROUNDUP_SANITIZER`):
//! its quarantine and shadow memory grow by design, and it checks leaks
//! itself. Alone in its binary, so the counts are its own.
#![cfg(target_os = "linux")]

mod util;

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::TcpStream;
use groundup::time;

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn soak_duration() -> Duration {
    if std::env::var_os("GROUNDUP_SOAK").is_none() {
        return Duration::from_secs(3);
    }
    let secs = std::env::var("GROUNDUP_SOAK_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    Duration::from_secs(secs)
}

#[test]
fn echo_load_leaves_descriptors_and_memory_where_they_were() {
    let duration = soak_duration();
    let warm_up = (duration / 10).max(Duration::from_millis(500));
    groundup::block_on(async move {
        let addr = util::echo_server().await;
        let fds_before = util::open_fds();
        let requests = Rc::new(Cell::new(0u64));
        let end = Instant::now() + duration;
        // 100 clients; each reconnects every 200 requests, so connections,
        // reactor slots, tasks and timers are created and freed all along.
        let clients: Vec<_> = (0..100)
            .map(|c| {
                let requests = Rc::clone(&requests);
                groundup::spawn(async move {
                    while Instant::now() < end {
                        let mut stream = TcpStream::connect(addr).await?;
                        for n in 0..200u32 {
                            let msg = (c * 1_000_000 + n).to_be_bytes();
                            stream.write_all(&msg).await?;
                            let mut back = [0u8; 4];
                            stream.read_exact(&mut back).await?;
                            assert_eq!(back, msg);
                            requests.set(requests.get() + 1);
                            if n % 50 == 0 {
                                time::sleep(Duration::from_millis(1)).await;
                            }
                        }
                    }
                    std::io::Result::Ok(())
                })
            })
            .collect();

        // Resident memory once the load is steady, and again near the end,
        // still under the same load.
        time::sleep(warm_up).await;
        let rss_start = resident_kib();
        let mut samples = vec![rss_start];
        let step = (duration - warm_up) / 8;
        while Instant::now() + step < end {
            time::sleep(step).await;
            samples.push(resident_kib());
        }
        let rss_end = *samples.last().unwrap();
        println!("resident memory samples (KiB): {samples:?}");
        for c in clients {
            c.await.unwrap().unwrap();
        }
        // Let the server side notice the last closes.
        let deadline = Instant::now() + util::PATIENCE;
        while util::open_fds() > fds_before && Instant::now() < deadline {
            time::sleep(Duration::from_millis(10)).await;
        }
        let fds_after = util::open_fds();
        println!(
            "soak of {duration:?}: {} requests; descriptors {fds_before} before the load, \
             {fds_after} after; resident memory {rss_start} KiB after warm-up, {rss_end} KiB \
             near the end",
            requests.get()
        );
        assert_eq!(fds_after, fds_before, "descriptors leaked");
        let real_soak = std::env::var_os("GROUNDUP_SOAK").is_some();
        if real_soak && std::env::var_os("GROUNDUP_SANITIZER").is_none() {
            let margin = rss_start / 20 + 1024;
            assert!(rss_end <= rss_start + margin, "memory grew: {rss_start} -> {rss_end} KiB");
        }
    });
}
