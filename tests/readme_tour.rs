//! The README's tour, run: its test, as written there (the last test here
//! checks the two stay the same, and that each line of the tour's groundup
//! column ports to its tokio column by renaming the crate alone). The
//! tour's server is `examples/echo.rs`, which `.ci/run` runs with `--check`.

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

/// The README's two tour blocks, split into their columns: the groundup
/// column must port to the tokio column by renaming the crate alone, and
/// the test's groundup column must be this file's test, as written here.
#[test]
fn the_readme_tour_ports_by_renaming_and_matches_this_file() {
    let readme = include_str!("../README.md");
    let blocks: Vec<Vec<String>> = readme
        .split("```rust,ignore\n// groundup")
        .skip(1)
        .map(|rest| groundup_column(&rest[..rest.find("```").expect("an unclosed block")]))
        .collect();
    assert_eq!(blocks.len(), 2, "the tour has a program and a test, side by side");
    let this_file = include_str!("readme_tour.rs");
    let test_start = this_file.find("use groundup::time").unwrap();
    let test_end = this_file[test_start..].find("\n}\n").unwrap() + test_start + 2;
    let here: Vec<&str> = this_file[test_start..test_end].lines().collect();
    assert_eq!(blocks[1], here, "README's tour test differs from tests/readme_tour.rs");
}

/// The left column of a side-by-side block (its first line, the column
/// titles, skipped), checking each line's right column is the left one with
/// `groundup` renamed `tokio`.
fn groundup_column(block: &str) -> Vec<String> {
    block
        .lines()
        .skip(1)
        .map(|line| {
            let split = (0..=line.len()).filter(|&n| line.is_char_boundary(n)).find(|&n| {
                let (left, right) = line.split_at(n);
                let left = left.trim_end();
                right.trim_start() == left.trim_start().replace("groundup", "tokio")
                    && (left.is_empty() || right.starts_with(' '))
            });
            let n = split.unwrap_or_else(|| panic!("does not port by renaming: {line}"));
            line[..n].trim_end().to_string()
        })
        .collect()
}
