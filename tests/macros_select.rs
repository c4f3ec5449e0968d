//! `select!`: fairness, `biased;`, preconditions, patterns, `else`, the
//! order things are evaluated in, what a handler may do, and hygiene.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::cell::{Cell, RefCell};
use std::future::{Future, IntoFuture, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use groundup::sync::oneshot;

/// A future that is always ready with `value`, counting its polls.
struct Counted<T: Clone> {
    value: T,
    polls: Rc<Cell<u32>>,
}

impl<T: Clone + Unpin> Future for Counted<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<T> {
        self.polls.set(self.polls.get() + 1);
        Poll::Ready(self.value.clone())
    }
}

fn counted<T: Clone>(value: T, polls: &Rc<Cell<u32>>) -> Counted<T> {
    Counted { value, polls: Rc::clone(polls) }
}

/// A future that is never ready and sets its flag when dropped.
struct PendingUntilDropped(Rc<Cell<bool>>);

impl Future for PendingUntilDropped {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl Drop for PendingUntilDropped {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

/// A future that must never be polled.
struct MustNotPoll;

impl Future for MustNotPoll {
    type Output = u32;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u32> {
        panic!("a disabled branch's future was polled");
    }
}

#[test]
fn two_always_ready_branches_each_win_often() {
    // Each of 1000 rounds is a fair coin; a side winning fewer than 300 has
    // a probability below 1e-35.
    let mut wins = [0u32; 2];
    groundup::block_on(async {
        for _ in 0..1000 {
            let winner = groundup::select! {
                _ = async {} => 0,
                _ = async {} => 1,
            };
            wins[winner] += 1;
        }
    });
    assert!(wins.iter().all(|&w| w >= 300), "unfair: {wins:?}");
}

#[test]
fn eight_always_ready_branches_all_win() {
    // Each branch expects 1000 wins of 8000; fewer than 600 has a
    // probability below 1e-30.
    let mut wins = [0u32; 8];
    groundup::block_on(async {
        for _ in 0..8000 {
            let winner = groundup::select! {
                _ = async {} => 0, _ = async {} => 1, _ = async {} => 2, _ = async {} => 3,
                _ = async {} => 4, _ = async {} => 5, _ = async {} => 6, _ = async {} => 7,
            };
            wins[winner] += 1;
        }
    });
    assert!(wins.iter().all(|&w| w >= 600), "unfair: {wins:?}");
}

#[test]
fn biased_polls_top_to_bottom_and_stops_at_the_first_ready() {
    let polls = [(); 3].map(|_| Rc::new(Cell::new(0)));
    groundup::block_on(async {
        for _ in 0..100 {
            let winner = groundup::select! {
                biased;
                v = counted(0, &polls[0]) => v,
                v = counted(1, &polls[1]) => v,
                v = counted(2, &polls[2]) => v,
            };
            assert_eq!(winner, 0);
        }
    });
    assert_eq!([polls[0].get(), polls[1].get(), polls[2].get()], [100, 0, 0]);
}

#[test]
fn biased_skips_pending_branches_in_order() {
    groundup::block_on(async {
        let dropped = Rc::new(Cell::new(false));
        let polls = Rc::new(Cell::new(0));
        let winner = groundup::select! {
            biased;
            _ = PendingUntilDropped(Rc::clone(&dropped)) => "pending",
            v = counted("second", &polls) => v,
            _ = async { unreachable!("the second branch was ready first") } => "third",
        };
        assert_eq!(winner, "second");
        assert!(dropped.get(), "the losing future was dropped");
    });
}

#[test]
fn preconditions_run_first_then_futures_in_order() {
    let log = RefCell::new(Vec::new());
    let step = |what: &'static str| {
        log.borrow_mut().push(what);
        true
    };
    let future = |what: &'static str| {
        log.borrow_mut().push(what);
        ready(what)
    };
    groundup::block_on(async {
        groundup::select! {
            biased;
            _ = future("future a"), if step("precondition a") => {}
            _ = future("future b"), if step("precondition b") => {}
            _ = future("future c") => {}
        }
    });
    assert_eq!(
        *log.borrow(),
        ["precondition a", "precondition b", "future a", "future b", "future c"]
    );
}

#[test]
fn a_false_precondition_disables_the_branch_but_evaluates_its_future() {
    let evaluated = Cell::new(false);
    let disabled = || {
        evaluated.set(true);
        MustNotPoll
    };
    for _ in 0..50 {
        let got = groundup::block_on(async {
            groundup::select! {
                v = disabled(), if false => v,
                v = ready(2) => v,
            }
        });
        assert_eq!(got, 2);
    }
    assert!(evaluated.get());
}

#[test]
fn a_mismatched_pattern_disables_the_branch_and_the_others_go_on() {
    let polls = Rc::new(Cell::new(0));
    let (tx, rx) = oneshot::channel();
    let got = groundup::block_on(async {
        groundup::spawn(async move {
            groundup::task::yield_now().await;
            tx.send(7).unwrap();
        });
        groundup::select! {
            biased;
            Some(v) = counted(None::<u32>, &polls) => v,
            Ok(v) = rx => v + 100,
        }
    });
    assert_eq!(got, 107);
    assert_eq!(polls.get(), 1, "the mismatched branch was not polled again");
}

#[test]
fn the_mismatched_value_is_dropped_at_once() {
    let value = Rc::new(());
    let got = groundup::block_on(async {
        let (_keep, later) = oneshot::channel::<u32>();
        groundup::select! {
            biased;
            Err(v) = ready(Ok::<_, u32>(Rc::clone(&value))) => v,
            _ = async {
                // The first branch's value is gone before this runs.
                assert_eq!(Rc::strong_count(&value), 1);
            } => 1,
            Ok(v) = later => v,
        }
    });
    assert_eq!(got, 1);
}

#[test]
fn else_runs_when_every_precondition_is_false() {
    let got = groundup::block_on(async {
        groundup::select! {
            v = MustNotPoll, if false => v,
            v = MustNotPoll, if 1 > 2 => v,
            else => 99,
        }
    });
    assert_eq!(got, 99);
}

#[test]
fn else_runs_when_every_value_mismatches() {
    let got = groundup::block_on(async {
        groundup::select! {
            Some(v) = ready(None::<u32>) => v,
            Ok(v) = ready(Err::<u32, ()>(())) => v,
            else => 7,
        }
    });
    assert_eq!(got, 7);
}

#[test]
fn else_alone_is_its_value() {
    let got = groundup::block_on(async {
        groundup::select! { else => 5 }
    });
    assert_eq!(got, 5);
    let got = groundup::block_on(async {
        groundup::select! { biased; else => 6, }
    });
    assert_eq!(got, 6);
}

#[test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
fn all_disabled_without_else_panics() {
    groundup::block_on(async {
        groundup::select! {
            Some(v) = ready(None::<u32>) => v,
            v = MustNotPoll, if false => v,
        }
    });
}

#[test]
fn a_select_in_a_loop_drains_two_sources_then_breaks_on_else() {
    groundup::block_on(async {
        let (tx1, mut rx1) = oneshot::channel();
        let (tx2, mut rx2) = oneshot::channel();
        groundup::spawn(async move { tx2.send("two").unwrap() });
        groundup::spawn(async move { tx1.send("one").unwrap() });
        let mut got = Vec::new();
        let (mut done1, mut done2) = (false, false);
        loop {
            groundup::select! {
                v = &mut rx1, if !done1 => { done1 = true; got.push(v.unwrap()) }
                v = &mut rx2, if !done2 => { done2 = true; got.push(v.unwrap()) }
                else => break,
            }
        }
        got.sort();
        assert_eq!(got, ["one", "two"]);
    });
}

#[test]
fn handlers_may_continue_break_and_await() {
    groundup::block_on(async {
        let mut turns = 0;
        let mut awaited = Vec::new();
        let last = loop {
            turns += 1;
            groundup::select! {
                v = ready(turns) => {
                    if v < 3 {
                        continue;
                    }
                    awaited.push(async { v * 10 }.await);
                    break v;
                }
            }
        };
        assert_eq!((last, turns, awaited), (3, 3, vec![30]));
    });
}

#[test]
fn handlers_may_return_and_use_the_question_mark() {
    async fn first_even(values: [u32; 2]) -> Result<u32, String> {
        groundup::select! {
            biased;
            v = ready(values[0]) => {
                if v % 2 == 0 {
                    return Ok(v);
                }
            }
            _ = ready(()) => {}
        }
        let checked: Result<u32, String> =
            if values[1] % 2 == 0 { Ok(values[1]) } else { Err("no even value".into()) };
        groundup::select! {
            v = ready(checked) => Ok(v?),
        }
    }
    groundup::block_on(async {
        assert_eq!(first_even([4, 1]).await, Ok(4));
        assert_eq!(first_even([3, 6]).await, Ok(6));
        assert_eq!(first_even([3, 5]).await, Err("no even value".into()));
    });
}

#[test]
fn the_futures_are_dropped_before_the_handler_runs() {
    groundup::block_on(async {
        let dropped = Rc::new(Cell::new(false));
        let mut buffer = vec![1, 2];
        groundup::select! {
            biased;
            n = async { buffer.push(3); buffer.len() } => {
                // The winning future borrowed `buffer` mutably; it is gone.
                buffer.push(n);
                assert!(dropped.get(), "the losing future is dropped too");
            }
            _ = PendingUntilDropped(Rc::clone(&dropped)) => {}
        }
        assert_eq!(buffer, [1, 2, 3, 3]);
    });
}

#[test]
fn a_branch_waits_for_a_wake_from_another_task() {
    groundup::block_on(async {
        let (tx, rx) = oneshot::channel();
        let (_keep, never) = oneshot::channel::<&str>();
        groundup::spawn(async move {
            for _ in 0..3 {
                groundup::task::yield_now().await;
            }
            tx.send("late").unwrap();
        });
        let got = groundup::select! {
            v = never => v.unwrap(),
            v = rx => v.unwrap(),
        };
        assert_eq!(got, "late");
    });
}

#[test]
fn patterns_with_ref_mut_and_references_work() {
    groundup::block_on(async {
        let number = 5;
        let got = groundup::select! { mut v = ready(1) => { v += 1; v } };
        assert_eq!(got, 2);
        let got = groundup::select! { Some(mut v) = ready(Some(String::from("a"))) => { v.push('b'); v } };
        assert_eq!(got, "ab");
        let got = groundup::select! { Some(ref v) = ready(Some(String::from("r"))) => v.clone() };
        assert_eq!(got, "r");
        let got = groundup::select! { &v = ready(&number) => v };
        assert_eq!(got, 5);
        let got = groundup::select! { Some(&v) = ready(Some(&number)) => v };
        assert_eq!(got, 5);
        let mut target = 1;
        groundup::select! { Some(&mut ref mut v) = ready(Some(&mut target)) => *v = 9 }
        assert_eq!(target, 9);
        let got = groundup::select! { (a, mut b) = ready((1, 2)) => { b += a; b } };
        assert_eq!(got, 3);
        let reference = &number;
        let got = groundup::select! { &&v = ready(&reference) => v };
        assert_eq!(got, 5);
    });
}

#[test]
fn refutable_patterns_of_every_kind_decide_the_branch() {
    #[derive(Clone, Copy)]
    struct Point {
        x: i32,
        y: i32,
    }
    enum Shape {
        Dot(Point),
        Line(Point, Point),
    }
    groundup::block_on(async {
        let got = groundup::select! {
            biased;
            v @ 1..=3 = ready(7) => v,
            1 | 7 = ready(7) => 70,
        };
        assert_eq!(got, 70);
        let got = groundup::select! {
            biased;
            Point { x: 0, y } = ready(Point { x: 1, y: 2 }) => y,
            Point { x, .. } = ready(Point { x: 3, y: 4 }) => x,
        };
        assert_eq!(got, 3);
        let got = groundup::select! {
            biased;
            Shape::Line(Point { x, .. }, _) = ready(Shape::Dot(Point { x: 1, y: 1 })) => x,
            Shape::Line(_, Point { mut y, .. }) = ready(Shape::Line(Point { x: 5, y: 6 }, Point { x: 7, y: 8 })) => { y += 1; y },
        };
        assert_eq!(got, 9);
        let got = groundup::select! { Shape::Dot(Point { y, .. }) = ready(Shape::Dot(Point { x: 0, y: 3 })) => y };
        assert_eq!(got, 3);
        let got = groundup::select! {
            biased;
            [first, .., 0] = ready([1, 2, 3]) => first,
            [_, rest @ ..] = ready([4, 5, 6]) => rest.iter().sum(),
        };
        assert_eq!(got, 11);
        let got = groundup::select! {
            biased;
            "no" | "nay" = ready("yes") => 0,
            "yes" = ready("yes") => 1,
        };
        assert_eq!(got, 1);
        let got = groundup::select! {
            biased;
            Some("no") = ready(Some("yes")) => 0,
            b"yes" = ready(b"yes") => 1,
        };
        assert_eq!(got, 1);
        let got = groundup::select! {
            biased;
            -1 = ready(1) => 0,
            1..=9 = ready(1) => 1,
        };
        assert_eq!(got, 1);
        let got = groundup::select! {
            biased;
            Some(Some(mut v)) = ready(Some(None::<u32>)) => { v += 1; v },
            Some(None) | None = ready(None::<Option<u32>>) => 42,
        };
        assert_eq!(got, 42);
    });
}

#[test]
fn into_future_values_are_accepted() {
    struct Later(u32);
    impl IntoFuture for Later {
        type Output = u32;
        type IntoFuture = Ready<u32>;
        fn into_future(self) -> Ready<u32> {
            ready(self.0)
        }
    }
    let got = groundup::block_on(async {
        groundup::select! { v = Later(3) => v }
    });
    assert_eq!(got, 3);
}

#[test]
fn a_temporary_in_a_future_expression_lives_through_the_select() {
    fn make() -> Ready<u32> {
        ready(4)
    }
    let got = groundup::block_on(async {
        groundup::select! { v = &mut make() => v }
    });
    assert_eq!(got, 4);
}

#[test]
fn sixty_four_branches_work() {
    macro_rules! sixty_four {
        ($($i:literal)*) => {
            groundup::block_on(async {
                let mut wins = [0u32; 64];
                for _ in 0..64 * 40 {
                    let winner = groundup::select! {
                        $( Some(v) = ready(if $i == 63 { None } else { Some($i) }) => v, )*
                    };
                    wins[winner] += 1;
                }
                wins
            })
        };
    }
    let wins = sixty_four!(
        0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
        32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63
    );
    // The last branch never matches; each other one expects about 41 of
    // 2560 wins, and winning none has a probability below 1e-17.
    assert_eq!(wins[63], 0);
    assert!(wins[..63].iter().all(|&w| w > 0), "{wins:?}");
}

/// The expansion names nothing the caller could have shadowed, and no
/// local of the caller can collide with its own.
#[allow(dead_code, non_camel_case_types)]
#[test]
fn the_expansion_is_hygienic() {
    // Shadow what a careless expansion would name.
    struct Some;
    struct Poll;
    struct Ok;
    enum Option {
        Nothing,
    }
    #[allow(clippy::disallowed_names)]
    let (slots, futures, future, cx, start, pending, index, output, slot, matches) =
        (1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    let got = groundup::block_on(async {
        groundup::select! {
            v = ready(slots + futures + future), if cx + start > 0 => v + pending + index,
            w = ready(output), if slot + matches < 0 => w,
        }
    });
    assert_eq!(got, 1 + 2 + 3 + 6 + 7);
}

#[allow(unused_imports)]
#[no_implicit_prelude]
mod without_prelude {
    #[test]
    fn select_join_and_pin_work_without_the_prelude() {
        ::groundup::block_on(async {
            let got = ::groundup::select! {
                ::std::option::Option::Some(v) = ::std::future::ready(::std::option::Option::Some(1)) => v,
                else => 0,
            };
            ::std::assert_eq!(got, 1);
            let (a, b) = ::groundup::join!(::std::future::ready(1), ::std::future::ready(2));
            ::std::assert_eq!(a + b, 3);
            let r: ::std::result::Result<(u8,), ()> =
                ::groundup::try_join!(::std::future::ready(::std::result::Result::Ok(1)));
            ::std::assert_eq!(r, ::std::result::Result::Ok((1,)));
            let fut = ::std::future::ready(5);
            ::groundup::pin!(fut);
            ::std::assert_eq!(fut.await, 5);
        });
    }
}
