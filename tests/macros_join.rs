//! `join!`, `try_join!` and `pin!`: outputs in order, concurrency, the
//! rotation and `biased;`, early drops, and `try_join!`'s short circuit.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::cell::{Cell, RefCell};
use std::future::{Future, IntoFuture, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use groundup::sync::oneshot;

/// Pending for `pendings` polls, then ready with `value`; logs each poll
/// under `name` and sets `dropped` when dropped.
struct Step<T> {
    name: &'static str,
    pendings: u32,
    value: Option<T>,
    log: Rc<RefCell<Vec<&'static str>>>,
    dropped: Rc<Cell<bool>>,
}

impl<T: Unpin> Future for Step<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.log.borrow_mut().push(self.name);
        if self.pendings > 0 {
            self.pendings -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(self.value.take().expect("polled after ready"))
    }
}

impl<T> Drop for Step<T> {
    fn drop(&mut self) {
        self.dropped.set(true);
    }
}

#[derive(Default)]
struct Steps {
    log: Rc<RefCell<Vec<&'static str>>>,
}

impl Steps {
    fn step<T>(&self, name: &'static str, pendings: u32, value: T) -> (Step<T>, Rc<Cell<bool>>) {
        let dropped = Rc::new(Cell::new(false));
        let step = Step {
            name,
            pendings,
            value: Some(value),
            log: Rc::clone(&self.log),
            dropped: Rc::clone(&dropped),
        };
        (step, dropped)
    }

    fn log(&self) -> Vec<&'static str> {
        self.log.borrow().clone()
    }
}

#[test]
fn join_gives_the_outputs_in_the_order_written() {
    let got = groundup::block_on(async {
        groundup::join!(async { 1 }, async { "two" }, ready(3.0), async { [4] })
    });
    assert_eq!(got, (1, "two", 3.0, [4]));
    let one = groundup::block_on(async { groundup::join!(async { 1 }) });
    assert_eq!(one, (1,));
    let trailing_comma = groundup::block_on(async { groundup::join!(async { 1 }, async { 2 },) });
    assert_eq!(trailing_comma, (1, 2));
}

#[test]
fn join_of_nothing_is_unit() {
    groundup::block_on(async {
        let () = groundup::join!();
        let () = groundup::join!(biased;);
    });
}

#[test]
fn join_runs_the_futures_concurrently() {
    // Each waits for the other: one after the other would never finish.
    let (a, b) = groundup::block_on(async {
        let (to_b, from_a) = oneshot::channel();
        let (to_a, from_b) = oneshot::channel();
        groundup::join!(
            async move {
                to_b.send(1).unwrap();
                from_b.await.unwrap()
            },
            async move {
                let got = from_a.await.unwrap();
                to_a.send(got + 1).unwrap();
                got
            },
        )
    });
    assert_eq!((a, b), (2, 1));
}

#[test]
fn join_rotates_the_first_future_polled() {
    let steps = Steps::default();
    let (a, _) = steps.step("a", 3, ());
    let (b, _) = steps.step("b", 3, ());
    let (c, _) = steps.step("c", 3, ());
    groundup::block_on(async { groundup::join!(a, b, c) });
    assert_eq!(
        steps.log(),
        ["a", "b", "c", "b", "c", "a", "c", "a", "b", "a", "b", "c"],
        "each poll starts one later"
    );
}

#[test]
fn join_biased_polls_in_the_order_written() {
    let steps = Steps::default();
    let (a, _) = steps.step("a", 2, ());
    let (b, _) = steps.step("b", 2, ());
    groundup::block_on(async { groundup::join!(biased; a, b) });
    assert_eq!(steps.log(), ["a", "b", "a", "b", "a", "b"]);
}

#[test]
fn join_drops_a_finished_future_at_once_and_polls_it_no_more() {
    let steps = Steps::default();
    let (quick, quick_dropped) = steps.step("quick", 0, 1);
    let (slow, _) = steps.step("slow", 5, 2);
    let got = groundup::block_on(async {
        let quick_dropped = Rc::clone(&quick_dropped);
        groundup::join!(biased; quick, async move {
            // The quick future finished in the first poll: it is gone
            // while this one still runs.
            groundup::task::yield_now().await;
            assert!(quick_dropped.get());
            slow.await
        })
    });
    assert_eq!(got, (1, 2));
    assert_eq!(steps.log().iter().filter(|&&n| n == "quick").count(), 1);
}

#[test]
fn join_and_try_join_accept_into_future_values() {
    struct Later<T>(T);
    impl<T> IntoFuture for Later<T> {
        type Output = T;
        type IntoFuture = Ready<T>;
        fn into_future(self) -> Ready<T> {
            ready(self.0)
        }
    }
    let got = groundup::block_on(async { groundup::join!(Later(1), Later(2)) });
    assert_eq!(got, (1, 2));
    let got =
        groundup::block_on(async { groundup::try_join!(Later(Ok::<_, ()>(1)), Later(Ok(2))) });
    assert_eq!(got, Ok((1, 2)));
}

#[test]
fn join_waits_for_every_future_even_after_an_err() {
    let steps = Steps::default();
    let (slow, _) = steps.step("slow", 3, Ok::<u32, &str>(1));
    let got = groundup::block_on(async { groundup::join!(async { Err::<u32, _>("early") }, slow) });
    assert_eq!(got, (Err("early"), Ok(1)));
}

#[test]
fn try_join_gives_the_ok_values_in_order() {
    let got = groundup::block_on(async {
        groundup::try_join!(async { Ok::<_, String>(1) }, async { Ok("two") }, ready(Ok(3)))
    });
    assert_eq!(got, Ok((1, "two", 3)));
    let got: Result<(), u8> = groundup::block_on(async { groundup::try_join!() });
    assert_eq!(got, Ok(()));
}

#[test]
fn try_join_stops_at_the_first_err_and_drops_the_others() {
    let steps = Steps::default();
    let (done, done_dropped) = steps.step("done", 0, Ok::<u32, &str>(1));
    let (running, running_dropped) = steps.step("running", 100, Ok::<u32, &str>(2));
    let (failing, failing_dropped) = steps.step("failing", 2, Err::<u32, &str>("failed"));
    let got = groundup::block_on(async {
        let got = groundup::try_join!(biased; done, running, failing);
        // The futures are gone by the time try_join! gives its result.
        assert!(done_dropped.get() && running_dropped.get() && failing_dropped.get());
        got
    });
    assert_eq!(got, Err("failed"));
    assert_eq!(
        steps.log(),
        ["done", "running", "failing", "running", "failing", "running", "failing"],
        "nothing was polled after the error"
    );
}

#[test]
fn try_join_gives_the_error_of_the_first_polled_when_two_fail_at_once() {
    let got = groundup::block_on(async {
        groundup::try_join!(biased; ready(Ok::<u32, &str>(0)), ready(Err::<u32, _>("second")), ready(Err::<u32, _>("third")))
    });
    assert_eq!(got, Err("second"));
}

#[test]
fn try_join_short_circuits_a_wait_that_would_never_end() {
    let got = groundup::block_on(async {
        let (_keep, never) = oneshot::channel::<u32>();
        groundup::try_join!(async { never.await.map_err(|_| "closed") }, async {
            groundup::task::yield_now().await;
            Err::<u32, _>("gave up")
        })
    });
    assert_eq!(got, Err("gave up"));
}

#[test]
fn try_join_rotates_like_join() {
    let steps = Steps::default();
    let (a, _) = steps.step("a", 2, Ok::<(), ()>(()));
    let (b, _) = steps.step("b", 2, Ok::<(), ()>(()));
    groundup::block_on(async { groundup::try_join!(a, b) }).unwrap();
    assert_eq!(steps.log(), ["a", "b", "b", "a", "a", "b"]);
}

#[test]
fn pin_pins_named_futures_so_they_survive_a_lost_select() {
    groundup::block_on(async {
        let steps = Steps::default();
        let (slow, _) = steps.step("slow", 3, "slow done");
        groundup::pin!(slow);
        let mut turns = 0;
        let got = loop {
            turns += 1;
            groundup::select! {
                biased;
                v = &mut slow => break v,
                _ = groundup::task::yield_now() => {}
            }
        };
        assert_eq!(got, "slow done");
        // Each turn polls `slow` twice (it and `yield_now` each wake the
        // task once): a fresh future per turn would never have finished.
        assert_eq!(turns, 2);
        assert_eq!(steps.log(), ["slow"; 4], "the same future went on across the turns");
    });
}

#[test]
fn pin_declares_pinned_futures() {
    groundup::block_on(async {
        groundup::pin! {
            let a = async { 1 };
            let b = async { 2 };
        }
        let got = (a.as_mut().await, (&mut b).await);
        assert_eq!(got, (1, 2));
    });
}

#[test]
fn pin_takes_several_names() {
    groundup::block_on(async {
        let (a, b) = (async { 'a' }, async { 'b' });
        groundup::pin!(a, b);
        assert_eq!(groundup::join!(&mut a, &mut b), ('a', 'b'));
    });
}
