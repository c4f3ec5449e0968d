//! The task state word under loom: wake, run, abort and `JoinHandle` drop
//! racing each other.
//!
//! The library's `src/task/state.rs` is included as it is, and a small task
//! is built around it the way `src/task/raw.rs` uses it: a stage cell
//! (future, then output, then nothing) that only the party the transitions
//! name may touch, a run queue of entries that each own one counted
//! reference, and a free when the count reaches zero. The executor thread
//! runs queue entries until the task completes; other threads wake it,
//! abort it and drop (or await) its `JoinHandle`. In the library the handle
//! lives on the executor thread; here it gets a thread of its own, a
//! superset of the real interleavings.
//!
//! What loom checks in every interleaving: no lost wake (the executor waits
//! on its queue, so a wake that queues nothing shows as a deadlock); every
//! access to the stage ordered after the one before it (the stage is a
//! loom `UnsafeCell`, so an access the state word does not order is a
//! causality error); and, asserted at the end, the future polled or
//! dropped as it should be, the output dropped exactly once, and the task
//! freed exactly once, with nothing left in it.

#![allow(dead_code)] // the included file is the library's, not all used here

use groundup_loom::loom;
use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::{Arc, Condvar, Mutex};

#[path = "../../../src/task/state.rs"]
mod state;

use state::{Abort, Completed, Idle, JoinDropped, Notified, Shutdown, Start, State};

/// What the task holds.
#[derive(Debug, PartialEq, Eq)]
enum Stage {
    /// The future: it completes once it sees the message.
    Future,
    /// Its result: the output, or the cancellation.
    Output,
    Cancelled,
    /// The `JoinHandle` took the result, or it was dropped.
    Taken,
}

/// One task, as `TaskCell` lays it out, plus what the model counts.
struct Task {
    state: State,
    stage: UnsafeCell<Stage>,
    /// What a waker publishes before waking (a channel message, say).
    message: AtomicBool,
    /// The run queue: how many entries (each owns a reference).
    queue: Mutex<usize>,
    queued: Condvar,
    polls: AtomicUsize,
    output_drops: AtomicUsize,
    frees: AtomicUsize,
}

impl Task {
    /// A spawned task: queued once, with a `JoinHandle`, and the live-task
    /// list's, the queue entry's and the handle's references, plus `extra`
    /// for wakers.
    fn spawn(extra: usize) -> Arc<Task> {
        let task = Task {
            state: State::new_spawned(3),
            stage: UnsafeCell::new(Stage::Future),
            message: AtomicBool::new(false),
            queue: Mutex::new(1),
            queued: Condvar::new(),
            polls: AtomicUsize::new(0),
            output_drops: AtomicUsize::new(0),
            frees: AtomicUsize::new(0),
        };
        for _ in 0..extra {
            task.state.ref_inc();
        }
        Arc::new(task)
    }

    /// `TaskRef::drop`.
    fn release(&self) {
        if self.state.ref_dec() {
            // `TaskCell::dealloc`: nothing may be left in the stage.
            self.stage.with(|stage| {
                // SAFETY: the last reference: nothing else uses the task.
                let stage = unsafe { &*stage };
                assert!(matches!(stage, Stage::Taken | Stage::Cancelled), "freed with {stage:?}");
            });
            self.frees.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `Schedule::schedule`: a queue entry, taking over a reference.
    fn submit(&self) {
        *self.queue.lock().unwrap() += 1;
        self.queued.notify_one();
    }

    /// A waker: publish, wake, then drop the waker (its reference).
    fn wake(&self) {
        self.message.store(true, Ordering::Relaxed);
        match self.state.transition_to_notified() {
            Notified::DoNothing => {}
            Notified::Submit => self.submit(),
        }
        self.release();
    }

    /// `JoinHandle::abort`.
    fn abort(&self) {
        match self.state.transition_to_closed() {
            Abort::AlreadyDone | Abort::Marked => {}
            Abort::Submit => self.submit(),
        }
    }

    /// `JoinHandle::drop`, then its reference.
    fn drop_join_handle(&self) {
        match self.state.unset_join_interest() {
            JoinDropped::Nothing => {}
            JoinDropped::DropOutput => self.drop_output(),
        }
        self.release();
    }

    /// The `JoinHandle`'s poll once the task completed: takes the result.
    fn take_output(&self) -> Option<Stage> {
        if !self.state.load().is_complete() {
            return None;
        }
        let result = self.stage.with_mut(|stage| {
            // SAFETY: COMPLETED (read with Acquire) hands the stage to the
            // handle, which alone takes the result.
            std::mem::replace(unsafe { &mut *stage }, Stage::Taken)
        });
        self.state.set_output_taken();
        Some(result)
    }

    fn drop_output(&self) {
        self.stage.with_mut(|stage| {
            // SAFETY: the transition that led here gave this party the stage.
            let stage = unsafe { &mut *stage };
            assert!(matches!(stage, Stage::Output | Stage::Cancelled), "dropped {stage:?}");
            if *stage == Stage::Output {
                self.output_drops.fetch_add(1, Ordering::Relaxed);
            }
            *stage = Stage::Taken;
        });
    }

    /// The executor: `TaskRef::run`, given a queue entry. Returns whether
    /// the task finished (the executor then drops the live-list reference).
    fn run(&self) -> bool {
        let finished = match self.state.transition_to_running() {
            Start::Cancel => self.cancel_and_complete(),
            Start::Poll if self.poll() => {
                self.complete();
                true
            }
            Start::Poll => match self.state.transition_to_idle() {
                Idle::Wait => false,
                Idle::Requeue => {
                    self.submit(); // the entry's reference goes back in
                    return false;
                }
                Idle::Cancel => self.cancel_and_complete(),
            },
        };
        self.release(); // the queue entry's reference
        finished
    }

    /// Polls the future: ready once the waker's message is visible.
    fn poll(&self) -> bool {
        self.polls.fetch_add(1, Ordering::Relaxed);
        self.stage.with_mut(|stage| {
            // SAFETY: RUNNING gives the executor the stage.
            let stage = unsafe { &mut *stage };
            assert_eq!(*stage, Stage::Future, "polled without a future");
            if self.message.load(Ordering::Relaxed) {
                *stage = Stage::Output;
                true
            } else {
                false
            }
        })
    }

    fn cancel_and_complete(&self) -> bool {
        self.stage.with_mut(|stage| {
            // SAFETY: RUNNING gives the executor the stage.
            let stage = unsafe { &mut *stage };
            assert_eq!(*stage, Stage::Future, "cancelled without a future");
            *stage = Stage::Cancelled;
        });
        self.complete();
        true
    }

    /// `TaskRef::complete`.
    fn complete(&self) {
        match self.state.transition_to_complete() {
            Completed::KeepOutput => {} // wakes the handle's waiter
            Completed::DropOutput => self.drop_output(),
        }
    }

    /// `Core::block_on` for this one task: runs queue entries until it
    /// finishes (waiting on the queue, as the executor parks), then drops
    /// the live-task list's reference.
    fn executor(&self) {
        loop {
            {
                let mut queue = self.queue.lock().unwrap();
                while *queue == 0 {
                    queue = self.queued.wait(queue).unwrap();
                }
                *queue -= 1;
            }
            if self.run() {
                break;
            }
        }
        assert_eq!(*self.queue.lock().unwrap(), 0, "a finished task is still queued");
        self.release();
    }
}

/// Runs `f` under loom with the search bounded to `preemptions` forced
/// thread switches (unless `LOOM_MAX_PREEMPTIONS` says otherwise): with
/// three or four threads, the unbounded search takes hours, and the bugs a
/// state word can have need few preemptions to show.
/// The default bound for these models.
const PREEMPTIONS: usize = 3;

fn check(preemptions: usize, f: impl Fn() + Sync + Send + 'static) {
    let mut builder = ::loom::model::Builder::new();
    builder.preemption_bound = builder.preemption_bound.or(Some(preemptions));
    builder.check(f);
}

fn spawn<T: 'static>(f: impl FnOnce() -> T + 'static) -> ::loom::thread::JoinHandle<T> {
    ::loom::thread::spawn(f)
}

#[test]
fn a_wake_before_during_or_after_a_poll_is_never_lost() {
    check(PREEMPTIONS, || {
        let task = Task::spawn(1);
        let waker = spawn({
            let task = Arc::clone(&task);
            move || task.wake()
        });
        let joiner = spawn({
            let task = Arc::clone(&task);
            move || task.drop_join_handle()
        });
        task.executor();
        waker.join().unwrap();
        joiner.join().unwrap();
        assert_eq!(task.output_drops.load(Ordering::Relaxed), 1);
        assert_eq!(task.frees.load(Ordering::Relaxed), 1);
    });
}

#[test]
fn two_wakes_race_each_other_and_the_run() {
    check(PREEMPTIONS, || {
        let task = Task::spawn(2);
        let wakers: Vec<_> = (0..2)
            .map(|_| {
                let task = Arc::clone(&task);
                spawn(move || task.wake())
            })
            .collect();
        task.executor();
        for waker in wakers {
            waker.join().unwrap();
        }
        // Two wakes cost at most two more polls after the first.
        assert!(task.polls.load(Ordering::Relaxed) <= 3);
        assert_eq!(task.take_output(), Some(Stage::Output));
        task.drop_join_handle();
        assert_eq!(task.frees.load(Ordering::Relaxed), 1);
    });
}

#[test]
fn abort_races_a_wake_and_the_run() {
    check(PREEMPTIONS, || {
        let task = Task::spawn(1);
        let waker = spawn({
            let task = Arc::clone(&task);
            move || task.wake()
        });
        let handle = spawn({
            let task = Arc::clone(&task);
            move || {
                task.abort();
                task.drop_join_handle();
            }
        });
        task.executor();
        waker.join().unwrap();
        handle.join().unwrap();
        // Completed or cancelled, the future went exactly once, and an
        // output (if it was produced) was dropped exactly once.
        assert!(task.output_drops.load(Ordering::Relaxed) <= 1);
        assert_eq!(task.frees.load(Ordering::Relaxed), 1);
    });
}

#[test]
fn the_join_handle_takes_the_output_while_the_task_completes() {
    check(PREEMPTIONS, || {
        let task = Task::spawn(1);
        let waker = spawn({
            let task = Arc::clone(&task);
            move || task.wake()
        });
        let handle = spawn({
            let task = Arc::clone(&task);
            move || {
                // One poll of the handle, which may find the task done.
                let taken = task.take_output();
                assert!(matches!(taken, None | Some(Stage::Output)), "{taken:?}");
                task.drop_join_handle();
                taken.is_some()
            }
        });
        task.executor();
        waker.join().unwrap();
        let taken = handle.join().unwrap();
        let dropped = task.output_drops.load(Ordering::Relaxed);
        assert_eq!(usize::from(taken) + dropped, 1, "the output went to one place");
        assert_eq!(task.frees.load(Ordering::Relaxed), 1);
    });
}

#[test]
fn shutdown_races_a_wake() {
    check(PREEMPTIONS, || {
        let task = Task::spawn(1);
        let waker = spawn({
            let task = Arc::clone(&task);
            move || task.wake()
        });
        // `Core::shutdown`: the executor drops the task's future without
        // running it, while a waker may be waking it.
        match task.state.transition_to_shutdown() {
            Shutdown::AlreadyComplete => unreachable!("never ran"),
            Shutdown::Cancel => {
                task.cancel_and_complete();
            }
        }
        task.release(); // the live-task list's reference
        // The queue entries (spawn's, and a wake's if it came first) are
        // dropped with the queue.
        waker.join().unwrap();
        let entries = std::mem::take(&mut *task.queue.lock().unwrap());
        for _ in 0..entries {
            task.release();
        }
        assert_eq!(task.take_output(), Some(Stage::Cancelled));
        task.drop_join_handle();
        assert_eq!(task.frees.load(Ordering::Relaxed), 1);
    });
}
