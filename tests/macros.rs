//! `#[groundup::main]` and `#[groundup::test]` as an integration test uses
//! them: plain tests, `Result` tests, panicking tests, the arguments. (The
//! compile errors are checked in `tests/macro_errors.rs`.)

use std::cell::Cell;
use std::rc::Rc;

use groundup::time::{self, Duration, Instant};

#[groundup::test]
async fn a_test_runs_its_body_on_a_runtime() {
    let ran = Rc::new(Cell::new(false)); // !Send: the runtime is single-threaded
    let task = groundup::spawn({
        let ran = Rc::clone(&ran);
        async move { ran.set(true) }
    });
    task.await.unwrap();
    assert!(ran.get());
}

#[groundup::test]
async fn a_test_may_return_a_result() -> std::io::Result<()> {
    let listener = groundup::net::TcpListener::bind("127.0.0.1:0").await?;
    assert!(listener.local_addr()?.ip().is_loopback());
    Ok(())
}

#[groundup::test]
async fn question_mark_converts_errors_in_a_result_test() -> Result<(), Box<dyn std::error::Error>>
{
    let n: u32 = "42".parse()?; // a ParseIntError would become the Box
    assert_eq!(n, 42);
    Ok(())
}

#[groundup::test]
#[should_panic(expected = "a panic inside the test body")]
async fn a_panicking_test_fails_as_any_test_does() {
    time::sleep(Duration::from_millis(1)).await;
    panic!("a panic inside the test body");
}

#[groundup::test(start_paused = true)]
async fn start_paused_stops_the_clock_until_the_runtime_idles() {
    let start = Instant::now();
    groundup::task::yield_now().await;
    std::thread::sleep(std::time::Duration::from_millis(2));
    assert_eq!(Instant::now(), start, "paused: real time does not move it");
    time::sleep(Duration::from_secs(3_600)).await;
    assert_eq!(Instant::now() - start, Duration::from_secs(3_600));
}

#[groundup::test(flavor = "current_thread", start_paused = false)]
async fn tokio_s_flavor_argument_is_accepted() {
    let start = Instant::now();
    time::sleep(Duration::from_millis(2)).await;
    assert!(start.elapsed() >= Duration::from_millis(2), "not paused: real time");
}

/// groundup reached by another path, as after a rename in `Cargo.toml`.
mod renamed {
    pub use ::groundup as runtime_crate;
}

#[groundup::test(crate = "crate::renamed::runtime_crate", unhandled_panic = "ignore")]
async fn the_crate_argument_names_groundup_by_another_path() {
    assert_eq!(groundup::spawn(async { 2 }).await.unwrap(), 2);
}

#[groundup::main]
async fn a_main_attribute_on_another_function() -> u32 {
    time::sleep(Duration::from_millis(1)).await;
    7
}

#[test]
fn the_main_attribute_makes_a_plain_function() {
    assert_eq!(a_main_attribute_on_another_function(), 7);
    assert_eq!(a_main_attribute_on_another_function(), 7, "a new runtime each call");
}
