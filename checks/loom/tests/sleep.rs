//! The executor's sleep in the reactor's driver under loom: the park word,
//! the hand-off and a remote waker together, with and without the
//! driver's poll failing.
//!
//! `park.rs` and `handoff.rs` model those two protocols one at a time.
//! Here they run together, the way the executor uses them: it takes the
//! driver (`Handoff::drive`), parks in it (`ParkState::park`, whose sleep
//! is `Turn::sleep`: a blocking turn of the driver, or, once the reactor
//! has failed, a sleep on the handback site), lets go and looks again; a
//! remote waker publishes its news and, if it read `PARKED`, wakes the
//! executor with `Handle::unpark_executor` (kick the driver's poll, and
//! once failed also the handback site). The failure is the driver's
//! poll returning an error inside a turn, under the driver's lock: the
//! executor's own turn, or the reactor thread's after a hand-off.
//!
//! `src/executor/park.rs` and `src/reactor/handoff.rs` are included as they
//! are (with `crate::loom` naming loom's types). `src/reactor/driver.rs`
//! cannot be (it holds a real `Poll`), so the few lines of it the protocol
//! rests on are mirrored in `Runtime`, each with the source lines it
//! mirrors: `Turn::sleep`, `Handle::unpark_executor`, `Inner::turn`,
//! `Inner::thread_should_stop`, `Handle::hand_off`, and of
//! `src/reactor/mod.rs` the part of `Inner::fail` that touches the flag and
//! the sites. The sites are binary semaphores (`src/site.rs`), as in
//! `handoff.rs`'s model (a sticky wake, consumed by the sleep); a turn that does not fail
//! blocks until kicked (no events arrive). A lost wake leaves the
//! executor asleep with the news published, which loom reports as a
//! deadlock; the driver is a count of turns in loom's cell, so two
//! threads turning it at once would be a reported data race. Each model
//! also counts, over all its executions, where the failure happened and
//! where the executor slept, and asserts that the paths it is about were
//! explored at all.
//!
//! The models without a reactor thread run unbounded. With one (three
//! threads), the unbounded search of the hand-off model ran over 10
//! minutes here and was stopped, so those are bounded (3 or 4
//! preemptions, overridden by `LOOM_MAX_PREEMPTIONS`): 4 costs about 10 s
//! without a failure and 105 s with one, 3 about 10 s with one. The
//! whole file takes about 30 s in `--release` on this loaded 2-core
//! machine (2026-12-02).
//!
//! ## Loom and the fence after the `PARKED` exchange
//!
//! In the library nothing but a closure call separates the park word's
//! `RUNNING → PARKED` exchange from the `SeqCst` fence at the top of
//! `Turn::sleep`. loom switches threads only at its own operations, so it
//! never runs the waker between the two; and it orders `SeqCst` fences by
//! the schedule (each joins one global clock). So a waker whose swap reads
//! that `PARKED` always has its fence after the executor's, and learns
//! of the failure through the fences alone: the exchange's `Release`
//! would be invisible to the model. The C++ model gives no such
//! guarantee (the fences' order need not follow a relaxed write and the
//! read of it), so that `Release` is what the protocol rests on, as
//! `park.rs` and `Turn::sleep` say. One model therefore puts a
//! `yield_now` there (`preempt_before_fence`), a scheduling point that
//! lets the waker's fence come first.
//!
//! ## Broken once each, then restored
//!
//! 2026-12-02, `cargo test --release --test sleep -- --exact NAME`, each
//! test alone:
//!
//! - `unpark_executor` without its handback wake when failed: every model
//!   with a failure deadlocks (the executor blocked on the handback site,
//!   the other threads done): `..._after_its_own_turn_failed`,
//!   `..._and_a_failed_turn`, `..._preempted_before_the_fence` and
//!   `..._and_a_later_failed_turn`. The two without a failure pass.
//! - `Turn::sleep` without reading `failed` (always a turn): the executor's
//!   turns return at once on a failed reactor and it loops, awake, for
//!   ever; loom reports "Model exceeded maximum number of branches" in the
//!   three failing models that have no `yield_now`. The preempted one
//!   passes the search (loom accepts a loop that yields) and fails only
//!   its coverage assertion (it never slept on handback). Not a lost wake
//!   then, a busy loop; caught either way.
//! - The park word's `Release` on `PARKED` made `Relaxed` (in
//!   `src/executor/park.rs`): only
//!   `..._and_a_failed_turn_preempted_before_the_fence` catches it, a
//!   deadlock (executor on handback, the waker read `PARKED` but not the
//!   reactor thread's failure). The five others pass, for the reason
//!   above. With the two fences also removed it is caught everywhere a
//!   failure is modelled (deadlocks in all four).
//! - Both `SeqCst` fences removed (the `Release` kept): all six pass, which
//!   agrees with the library's comments that the fences are margin only.
//! - `unpark_executor` without its kick: `..._asleep_in_the_driver`,
//!   `..._after_a_hand_off` and `..._and_a_later_failed_turn` deadlock
//!   (the executor asleep in the driver's turn). The three where the first
//!   turn fails pass: there the executor never sleeps in the driver.
//! - `Inner::fail` without its handback wake: not caught, all six pass.
//!   In the paths modelled it is redundant: `serve` wakes the handback
//!   site anyway when it lets go of the driver after the failed turn, and
//!   an executor whose own turn failed is not on the handback site.

use std::sync::atomic::AtomicUsize as StdCounter;
use std::sync::atomic::Ordering::Relaxed as CountOrder;

use ::loom::sync::Arc;
use ::loom::sync::atomic::{AtomicBool, Ordering, fence};
use ::loom::thread;
use groundup_loom::loom;
use groundup_loom::site::Semaphore;

#[path = "../../../src/reactor/handoff.rs"]
mod handoff;
#[path = "../../../src/executor/park.rs"]
#[allow(dead_code, reason = "the spin before a park is modelled in tests/park.rs")]
mod park;

use handoff::{Handoff, Held, Sites};
use park::ParkState;

/// The reactor's sites (`Inner`'s `waker`, `handback`, `idle`).
#[derive(Default)]
struct Model {
    /// The driver's waker: makes a blocking turn return.
    kick: Semaphore,
    handback: Semaphore,
    idle: Semaphore,
}

impl Sites for Model {
    fn kick_poll(&self) {
        self.kick.wake();
    }
    fn sleep_handback(&self) {
        self.handback.sleep();
    }
    fn wake_handback(&self) {
        self.handback.wake();
    }
    fn sleep_idle(&self) {
        self.idle.sleep();
    }
    fn wake_idle(&self) {
        self.idle.wake();
    }
}

/// The driver in the model: the number of turns made on it, through
/// loom's cell (two threads turning it at once is a reported race).
type Driver = usize;

/// Which thread makes a turn (for the coverage counts).
#[derive(Clone, Copy, PartialEq)]
enum Who {
    Executor,
    Reactor,
}

/// What the executions of one model did, counted over all of them, so a
/// test can check that the paths it is about were explored at all.
#[derive(Default)]
struct Coverage {
    executions: StdCounter,
    failed_in_executor: StdCounter,
    failed_in_reactor: StdCounter,
    slept_in_driver: StdCounter,
    slept_on_handback: StdCounter,
}

impl Coverage {
    fn count(counter: &StdCounter) {
        counter.fetch_add(1, CountOrder);
    }
    fn get(counter: &StdCounter) -> usize {
        counter.load(CountOrder)
    }
}

/// The reactor's `Inner` and the executor's `Shared`, reduced to what the
/// sleep protocol touches.
struct Runtime {
    handoff: Handoff<Driver>,
    sites: Model,
    /// `Inner::failed`.
    failed: AtomicBool,
    /// `Inner::shutdown`.
    shutdown: AtomicBool,
    /// `Shared::park`.
    park: ParkState,
    /// The remote queue, reduced to "something was pushed".
    news: AtomicBool,
    case: Case,
    coverage: std::sync::Arc<Coverage>,
}

/// What a model varies.
#[derive(Clone, Copy, Default)]
struct Case {
    /// The executor hands the driver to a reactor thread first.
    hand_off: bool,
    /// The driver's poll fails on this turn (1 = the first), and every
    /// turn after it would too.
    fail_on_turn: Option<usize>,
    /// A scheduling point (a `yield_now`) at the start of `Turn::sleep`,
    /// between the park word's exchange and the fence. The library has no
    /// atomic operation there, so loom would otherwise never run another
    /// thread between the two; see the module docs for what this shows.
    preempt_before_fence: bool,
}

impl Runtime {
    fn new(case: Case, coverage: std::sync::Arc<Coverage>) -> Runtime {
        Runtime {
            handoff: Handoff::new(0),
            sites: Model::default(),
            failed: AtomicBool::new(false),
            shutdown: AtomicBool::new(false),
            park: ParkState::new(),
            news: AtomicBool::new(false),
            case,
            coverage,
        }
    }

    /// `Inner::turn` (driver.rs) with the poll as a wait for the kick (no
    /// events arrive in the model), or, on the failing turn, an error at once: then `Inner::fail`.
    fn turn(&self, turns: &mut Driver, who: Who) -> bool {
        if self.failed.load(Ordering::Relaxed) {
            return false;
        }
        *turns += 1;
        if Some(*turns) == self.case.fail_on_turn {
            Coverage::count(match who {
                Who::Executor => &self.coverage.failed_in_executor,
                Who::Reactor => &self.coverage.failed_in_reactor,
            });
            self.fail();
            return false;
        }
        self.sites.kick.sleep();
        true
    }

    /// `Inner::fail` (reactor/mod.rs), what it does with the flag and the
    /// sites.
    fn fail(&self) {
        self.failed.store(true, Ordering::SeqCst);
        self.sites.handback.wake();
        self.sites.idle.wake();
    }

    /// `Inner::thread_should_stop` (driver.rs), without `idle_broken` (the
    /// idle site never fails here).
    fn thread_should_stop(&self) -> bool {
        self.shutdown.load(Ordering::Acquire) || self.failed.load(Ordering::Relaxed)
    }

    /// `Turn::sleep` (driver.rs): the fence, then the handback site once
    /// the reactor failed, else a blocking turn.
    fn turn_sleep(&self, held: &mut Held<'_, Driver>) {
        if self.case.preempt_before_fence {
            thread::yield_now();
        }
        fence(Ordering::SeqCst);
        if self.failed.load(Ordering::Relaxed) {
            Coverage::count(&self.coverage.slept_on_handback);
            self.sites.handback.sleep();
            return;
        }
        Coverage::count(&self.coverage.slept_in_driver);
        held.with(|turns| self.turn(turns, Who::Executor));
    }

    /// `Handle::unpark_executor` (driver.rs): kick the driver's poll, the
    /// fence, then the handback site if failed.
    fn unpark_executor(&self) {
        self.sites.kick_poll();
        fence(Ordering::SeqCst);
        if self.failed.load(Ordering::Relaxed) {
            self.sites.handback.wake();
        }
    }

    /// `Handle::hand_off` (driver.rs).
    fn hand_off(&self, held: Held<'_, Driver>) -> bool {
        if self.thread_should_stop() {
            return false;
        }
        self.handoff.hand_off(held, &self.sites);
        true
    }

    /// A remote wake: the push, then `Shared::unpark` (executor/mod.rs).
    fn wake(&self) {
        self.news.store(true, Ordering::Release);
        if self.park.unpark() {
            self.unpark_executor();
        }
    }

    /// The executor, from `Core::block_on` with nothing to run until the
    /// remote wake: look at the queue (`collect_remote`'s Relaxed
    /// emptiness check; the park's Acquire swap made the push visible), and
    /// if empty `sleep_in_driver` (executor/mod.rs) with no spin: take the
    /// driver, park in it, let go, look again.
    fn run_executor(&self) {
        while !self.news.load(Ordering::Relaxed) {
            let mut held = self.handoff.drive(&self.sites);
            self.park.park(|| self.turn_sleep(&mut held));
            drop(held);
        }
    }

    /// `between_batches` handing the driver off (executor/mod.rs): a batch
    /// ran long, the driver goes to the reactor thread.
    fn busy_then_hand_off(&self) {
        let held = self.handoff.try_drive().expect("the executor owns the driver at first");
        // Refused only once failed or shut down; neither can have happened
        // before the first turn. (Refused, the executor would look itself.)
        assert!(self.hand_off(held), "a hand-off refused before any turn");
    }
}

/// Starts the reactor thread: `run` (reactor/mod.rs), `serve` with
/// `thread_should_stop` and a turn that blocks until kicked.
fn start_reactor(rt: &Arc<Runtime>) -> thread::JoinHandle<()> {
    let rt = Arc::clone(rt);
    thread::spawn(move || {
        rt.handoff.serve(
            &rt.sites,
            || rt.thread_should_stop(),
            |turns| rt.turn(turns, Who::Reactor),
        );
    })
}

/// Stops the reactor thread as `Thread::shutdown` does, and joins it.
fn stop_reactor(rt: &Runtime, reactor: thread::JoinHandle<()>) {
    rt.shutdown.store(true, Ordering::Release);
    rt.sites.wake_idle();
    rt.sites.kick_poll();
    reactor.join().unwrap();
}

/// The model: an executor (handing the driver off first if
/// `case.hand_off`, with a reactor thread then) and one remote waker.
fn sleep_and_wake(case: Case, coverage: &std::sync::Arc<Coverage>) {
    let rt = Arc::new(Runtime::new(case, std::sync::Arc::clone(coverage)));
    Coverage::count(&coverage.executions);
    let reactor = case.hand_off.then(|| start_reactor(&rt));
    let waker = thread::spawn({
        let rt = Arc::clone(&rt);
        move || rt.wake()
    });
    if case.hand_off {
        rt.busy_then_hand_off();
    }
    rt.run_executor();
    waker.join().unwrap();
    if let Some(reactor) = reactor {
        stop_reactor(&rt, reactor);
    }
}

/// Runs the model under loom, preemptions bounded at `preemptions` unless
/// `LOOM_MAX_PREEMPTIONS` says otherwise; prints and returns what it
/// explored (`--nocapture` shows it).
fn check(name: &str, preemptions: Option<usize>, case: Case) -> std::sync::Arc<Coverage> {
    let coverage = std::sync::Arc::new(Coverage::default());
    let mut builder = ::loom::model::Builder::new();
    builder.preemption_bound = builder.preemption_bound.or(preemptions);
    let model_coverage = std::sync::Arc::clone(&coverage);
    builder.check(move || sleep_and_wake(case, &model_coverage));
    eprintln!(
        "{name}: {} executions: failed in the executor {}, in the reactor thread {}; \
         slept in the driver {}, on handback {}",
        Coverage::get(&coverage.executions),
        Coverage::get(&coverage.failed_in_executor),
        Coverage::get(&coverage.failed_in_reactor),
        Coverage::get(&coverage.slept_in_driver),
        Coverage::get(&coverage.slept_on_handback),
    );
    coverage
}

#[test]
fn a_remote_wake_reaches_the_executor_asleep_in_the_driver() {
    let name = "a_remote_wake_reaches_the_executor_asleep_in_the_driver";
    let c = check(name, None, Case::default());
    assert!(Coverage::get(&c.slept_in_driver) > 0);
}

#[test]
fn a_remote_wake_reaches_the_executor_after_its_own_turn_failed() {
    let name = "a_remote_wake_reaches_the_executor_after_its_own_turn_failed";
    let c = check(name, None, Case { fail_on_turn: Some(1), ..Case::default() });
    assert!(Coverage::get(&c.failed_in_executor) > 0);
    assert!(Coverage::get(&c.slept_on_handback) > 0);
}

#[test]
fn a_remote_wake_after_a_hand_off() {
    let name = "a_remote_wake_after_a_hand_off";
    let c = check(name, Some(4), Case { hand_off: true, ..Case::default() });
    assert!(Coverage::get(&c.slept_in_driver) > 0);
}

/// The first turn fails: the reactor thread's (the executor then waits in
/// `drive`, or is already back in it), or the executor's own, when it took
/// the driver back before the thread turned it.
#[test]
fn a_remote_wake_after_a_hand_off_and_a_failed_turn() {
    let name = "a_remote_wake_after_a_hand_off_and_a_failed_turn";
    let c = check(name, Some(3), Case { hand_off: true, fail_on_turn: Some(1), ..Case::default() });
    assert!(Coverage::get(&c.failed_in_executor) > 0);
    assert!(Coverage::get(&c.failed_in_reactor) > 0);
    assert!(Coverage::get(&c.slept_on_handback) > 0);
}

/// The same, with the executor descheduled between its `PARKED` exchange
/// and the fence of `Turn::sleep`: only here does loom let the waker's
/// fence come first, so only here is the park word's `Release` what tells
/// the waker of a failure (see the module docs).
#[test]
fn a_remote_wake_after_a_hand_off_and_a_failed_turn_preempted_before_the_fence() {
    let name = "a_remote_wake_after_a_hand_off_and_a_failed_turn_preempted_before_the_fence";
    let case = Case { hand_off: true, fail_on_turn: Some(1), preempt_before_fence: true };
    let c = check(name, Some(3), case);
    assert!(Coverage::get(&c.failed_in_reactor) > 0);
    assert!(Coverage::get(&c.slept_on_handback) > 0);
}

/// The second turn fails: always the executor's (the reactor thread's
/// first turn ends only by the kick of `drive`, after which it lets go),
/// after a turn by the thread or by itself.
#[test]
fn a_remote_wake_after_a_hand_off_and_a_later_failed_turn() {
    let name = "a_remote_wake_after_a_hand_off_and_a_later_failed_turn";
    let c = check(name, Some(3), Case { hand_off: true, fail_on_turn: Some(2), ..Case::default() });
    assert!(Coverage::get(&c.failed_in_executor) > 0);
    assert!(Coverage::get(&c.slept_on_handback) > 0);
}
