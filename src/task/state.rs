//! The task state word: six flags and a reference count in one atomic
//! word, and the named transitions that are the only code to change it.
//!
//! Everything a waker on another thread may need to know about a task fits in
//! one word, so every decision it makes ("is this task already queued?", "was
//! this the last reference?") is a single atomic read-modify-write. The low
//! bits are flags; the bits from [`REF_SHIFT`] up count references.
//!
//! Who changes what, and through which transition:
//!
//! | bit | set by | cleared by |
//! |---|---|---|
//! | [`SCHEDULED`] | a wake ([`State::transition_to_notified`]), abort, spawn | [`State::transition_to_running`]; [`State::transition_to_complete`] |
//! | [`RUNNING`] | [`State::transition_to_running`], [`State::transition_to_shutdown`] | [`State::transition_to_idle`], [`State::transition_to_complete`] |
//! | [`COMPLETED`] | [`State::transition_to_complete`] | never |
//! | [`CLOSED`] | abort ([`State::transition_to_closed`]), shutdown, completion | never |
//! | [`JOIN_INTEREST`] | spawn | [`State::unset_join_interest`] (the `JoinHandle` drops) |
//! | [`OUTPUT_TAKEN`] | [`State::set_output_taken`] (the `JoinHandle` returns the output) | never |
//!
//! Each transition is one atomic read-modify-write, checks in debug builds
//! that the word was in a state it may start from, and returns what the
//! caller must do next (the shape of tokio's `state.rs`): whether to queue
//! the task, poll it, drop its future, or free it. Only wakes happen off the
//! executor thread; every other transition happens on it, but still
//! atomically, because a waker may be changing the word at the same time.
//!
//! This file names nothing else in groundup and takes its atomics from
//! `crate::loom`, so the model checker (`checks/loom/tests/task_state.rs`)
//! runs these very transitions under every interleaving.

use crate::loom::sync::atomic::{AtomicUsize, Ordering};

/// The task is in a run queue (local or remote), or is running and must be
/// polled again afterwards. A wake that finds it set does nothing: this bit
/// is what makes many wakes before one poll cost one poll.
///
/// While set and not `RUNNING`, it stands for one reference, owned by the
/// queue entry.
pub(crate) const SCHEDULED: usize = 1 << 0;

/// The executor owns the future right now: it is polling it, or about to
/// drop it. A wake meanwhile sets `SCHEDULED` without queuing the task (and
/// without counting a reference); the executor queues it once the poll
/// returns, so the task runs exactly once more.
pub(crate) const RUNNING: usize = 1 << 1;

/// The future is gone and the stage holds the result (or held it until the
/// `JoinHandle` took it).
pub(crate) const COMPLETED: usize = 1 << 2;

/// The task will never be polled again: it completed, was aborted, or its
/// runtime shut down. Wakes are ignored from then on.
pub(crate) const CLOSED: usize = 1 << 3;

/// A `JoinHandle` exists. Without one, the output is dropped as soon as it is
/// produced, on the executor thread, because nobody can ever read it.
pub(crate) const JOIN_INTEREST: usize = 1 << 4;

/// The `JoinHandle` has returned the output (or the cancellation error); a
/// second poll of the handle is a bug in the caller and panics.
pub(crate) const OUTPUT_TAKEN: usize = 1 << 5;

/// References are counted from this bit up.
pub(crate) const REF_SHIFT: u32 = 6;

/// One reference.
pub(crate) const REF_ONE: usize = 1 << REF_SHIFT;

/// More references than this mean billions of leaked wakers; counting on
/// would wrap around to a count that frees a live task.
const MAX_REFS: usize = usize::MAX >> (REF_SHIFT + 1);

/// What a wake must do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notified {
    /// Nothing: the task is finished, closed, already queued, or running
    /// (the executor queues it again after the poll).
    DoNothing,
    /// Queue the task: one reference was counted for the queue entry.
    Submit,
}

/// What the executor must do with a task it took from a run queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// Poll the future.
    Poll,
    /// It was aborted while queued: drop the future instead.
    Cancel,
}

/// What the executor must do after a poll that returned `Pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idle {
    /// Nothing: release the queue entry's reference.
    Wait,
    /// It was woken during its poll: queue it again, reusing the entry's
    /// reference.
    Requeue,
    /// It was aborted during its poll: drop the future (the task is still
    /// `RUNNING`, so no wake queues it meanwhile).
    Cancel,
}

/// What an abort must do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Abort {
    /// Nothing: the task had finished or was already closed.
    AlreadyDone,
    /// Nothing more: the task is queued or running, and the executor drops
    /// its future when it next takes it (or when the poll returns).
    Marked,
    /// Queue the task so the executor drops its future: one reference was
    /// counted for the queue entry.
    Submit,
}

/// What a shutdown must do with a live task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shutdown {
    /// Nothing: it has completed.
    AlreadyComplete,
    /// Drop the future (the task is now `RUNNING` and `CLOSED`), then
    /// complete it.
    Cancel,
}

/// A task that has just completed: who gets the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Completed {
    /// A `JoinHandle` exists: keep the result for it and wake its waiter.
    KeepOutput,
    /// Nobody can read the result: drop it.
    DropOutput,
}

/// What dropping the `JoinHandle` must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JoinDropped {
    /// Nothing: the task has not completed (it drops its result itself), or
    /// the handle already took it.
    Nothing,
    /// The task completed and kept its result for the handle: drop it.
    DropOutput,
}

/// One task's state word.
pub(crate) struct State {
    word: AtomicUsize,
}

/// A copy of the word at one moment.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot(usize);

impl Snapshot {
    fn has(self, flag: usize) -> bool {
        self.0 & flag != 0
    }

    pub(crate) fn is_complete(self) -> bool {
        self.has(COMPLETED)
    }

    pub(crate) fn is_output_taken(self) -> bool {
        self.has(OUTPUT_TAKEN)
    }

    /// The number of references.
    pub(crate) fn refs(self) -> usize {
        self.0 >> REF_SHIFT
    }
}

impl State {
    /// A new task, queued once (spawn), with a `JoinHandle`, and `refs`
    /// references: the live-task list's, the queue entry's and the
    /// handle's.
    pub(crate) fn new_spawned(refs: usize) -> State {
        State { word: AtomicUsize::new(SCHEDULED | JOIN_INTEREST | (refs * REF_ONE)) }
    }

    /// The word, with Acquire: a `COMPLETED` seen here makes the output the
    /// executor stored before completing visible (it pairs with the Release
    /// in [`transition_to_complete`](Self::transition_to_complete)).
    pub(crate) fn load(&self) -> Snapshot {
        Snapshot(self.word.load(Ordering::Acquire))
    }

    /// A wake, from any thread: queue the task unless it is finished,
    /// closed, already queued or running.
    pub(crate) fn transition_to_notified(&self) -> Notified {
        // AcqRel: Release publishes what the waking thread wrote before the
        // wake (a channel message, readiness) to the executor, whose
        // `transition_to_running` or `transition_to_idle` reads the word
        // with Acquire; Acquire lets the decision see the executor's latest
        // transitions.
        //
        // A task that is already queued gets an exchange that writes the
        // word unchanged: without a write there would be no Release, and
        // the poll the earlier wake queued need not see what *this* waker
        // wrote (the model checker finds that interleaving:
        // `checks/loom/tests/task_state.rs`). The write makes it part of
        // the word's history, which the executor's next Acquire
        // transition synchronises with (async-task does the same).
        let prev = self.update(|s| {
            if s & (COMPLETED | CLOSED) != 0 {
                None
            } else if s & SCHEDULED != 0 {
                Some(s)
            } else if s & RUNNING != 0 {
                Some(s | SCHEDULED)
            } else {
                Some((s | SCHEDULED) + REF_ONE)
            }
        });
        match prev {
            Ok(s) if s & (SCHEDULED | RUNNING) == 0 => Notified::Submit,
            _ => Notified::DoNothing,
        }
    }

    /// Abort (the `JoinHandle`'s thread): close the task, and queue it if no
    /// queue entry or poll will see the `CLOSED` flag otherwise.
    pub(crate) fn transition_to_closed(&self) -> Abort {
        // AcqRel, as for a wake.
        let prev = self.update(|s| {
            if s & (COMPLETED | CLOSED) != 0 {
                None
            } else if s & (SCHEDULED | RUNNING) != 0 {
                Some(s | CLOSED)
            } else {
                Some((s | CLOSED | SCHEDULED) + REF_ONE)
            }
        });
        match prev {
            Err(_) => Abort::AlreadyDone,
            Ok(s) if s & (SCHEDULED | RUNNING) != 0 => Abort::Marked,
            Ok(_) => Abort::Submit,
        }
    }

    /// The executor takes the task from a run queue (with the entry's
    /// reference): `SCHEDULED` becomes `RUNNING`.
    pub(crate) fn transition_to_running(&self) -> Start {
        // Acquire pairs with the Release of the wake that queued the task:
        // what the waker wrote is visible to the poll. Release publishes the
        // previous poll's writes to whoever reads the word next.
        let prev = self.word.fetch_xor(SCHEDULED | RUNNING, Ordering::AcqRel);
        debug_assert!(
            prev & SCHEDULED != 0 && prev & (RUNNING | COMPLETED) == 0,
            "transition_to_running from {}",
            describe(prev)
        );
        if prev & CLOSED != 0 { Start::Cancel } else { Start::Poll }
    }

    /// The poll returned `Pending`: clear `RUNNING`, unless the task was
    /// aborted meanwhile (then it stays `RUNNING` until its future is
    /// dropped and it completes).
    pub(crate) fn transition_to_idle(&self) -> Idle {
        // AcqRel: Release makes the poll's writes to the future
        // happen-before any later poll, even one that starts from a remote
        // wake; Acquire sees what a waker published.
        let prev = self.update(|s| if s & CLOSED != 0 { None } else { Some(s & !RUNNING) });
        match prev {
            Err(s) => {
                debug_assert!(s & RUNNING != 0, "transition_to_idle from {}", describe(s));
                Idle::Cancel
            }
            Ok(s) => {
                debug_assert!(
                    s & RUNNING != 0 && s & COMPLETED == 0,
                    "transition_to_idle from {}",
                    describe(s)
                );
                if s & SCHEDULED != 0 { Idle::Requeue } else { Idle::Wait }
            }
        }
    }

    /// The future is gone and the stage holds the result: `COMPLETED` and
    /// `CLOSED` are set, `RUNNING` and any `SCHEDULED` a wake set during the
    /// final poll (which counted no reference) cleared.
    pub(crate) fn transition_to_complete(&self) -> Completed {
        // AcqRel: Release publishes the result to the `JoinHandle`, which
        // reads the word with Acquire (`load`).
        let prev = self.update(|s| Some((s | COMPLETED | CLOSED) & !(RUNNING | SCHEDULED)));
        let prev = prev.unwrap_or_else(|s| s);
        debug_assert!(
            prev & RUNNING != 0 && prev & COMPLETED == 0,
            "transition_to_complete from {}",
            describe(prev)
        );
        if prev & JOIN_INTEREST != 0 { Completed::KeepOutput } else { Completed::DropOutput }
    }

    /// Runtime shutdown, for a task in the live-task list: claim its future
    /// (`RUNNING`, `CLOSED`) unless it has completed.
    pub(crate) fn transition_to_shutdown(&self) -> Shutdown {
        // AcqRel, as for any transition that leads to touching the stage.
        let prev =
            self.update(|s| if s & COMPLETED != 0 { None } else { Some(s | RUNNING | CLOSED) });
        match prev {
            Err(_) => Shutdown::AlreadyComplete,
            Ok(s) => {
                debug_assert!(s & RUNNING == 0, "shut down during a poll: {}", describe(s));
                Shutdown::Cancel
            }
        }
    }

    /// The `JoinHandle` is dropped.
    pub(crate) fn unset_join_interest(&self) -> JoinDropped {
        // AcqRel: Acquire makes the result visible if the task completed;
        // Release orders the handle's last look at the task before the
        // executor's decision to drop the result itself.
        let prev = self.word.fetch_and(!JOIN_INTEREST, Ordering::AcqRel);
        debug_assert!(prev & JOIN_INTEREST != 0, "two JoinHandles: {}", describe(prev));
        if prev & COMPLETED != 0 && prev & OUTPUT_TAKEN == 0 {
            JoinDropped::DropOutput
        } else {
            JoinDropped::Nothing
        }
    }

    /// The `JoinHandle` has moved the result out.
    pub(crate) fn set_output_taken(&self) {
        // Relaxed: only the handle's own thread reads this flag.
        let prev = self.word.fetch_or(OUTPUT_TAKEN, Ordering::Relaxed);
        debug_assert!(
            prev & COMPLETED != 0 && prev & OUTPUT_TAKEN == 0,
            "set_output_taken from {}",
            describe(prev)
        );
    }

    /// Counts one more reference (a waker clone).
    pub(crate) fn ref_inc(&self) {
        // Relaxed, as in `Arc::clone`: a new reference can only be made from
        // an existing one, which already keeps the task alive and whose owner
        // already synchronised with everything it needs.
        let prev = self.word.fetch_add(REF_ONE, Ordering::Relaxed);
        if Snapshot(prev).refs() >= MAX_REFS {
            std::process::abort();
        }
    }

    /// Gives up one reference. Returns `true` if it was the last: the caller
    /// must then free the task.
    pub(crate) fn ref_dec(&self) -> bool {
        // Release: everything this owner did with the task happens-before the
        // free, on whichever thread drops the last reference (the pattern of
        // `Arc::drop`).
        let prev = self.word.fetch_sub(REF_ONE, Ordering::Release);
        debug_assert!(Snapshot(prev).refs() > 0, "task reference count underflow");
        if Snapshot(prev).refs() != 1 {
            return false;
        }
        // Acquire: synchronise with every earlier Release decrement, so all
        // other owners' uses of the task happen-before the free. A load
        // rather than `Arc`'s fence: the same guarantee here, and
        // ThreadSanitizer understands loads but not fences.
        self.word.load(Ordering::Acquire);
        true
    }

    /// Applies `f` to the word until the exchange succeeds (`Ok(previous)`)
    /// or `f` declines to change it (`Err(current)`). AcqRel on success,
    /// Acquire on failure (see each caller).
    fn update(&self, mut f: impl FnMut(usize) -> Option<usize>) -> Result<usize, usize> {
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            let Some(next) = f(current) else { return Err(current) };
            match self.word.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(prev) => return Ok(prev),
                Err(actual) => current = actual,
            }
        }
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&describe(self.word.load(Ordering::Relaxed)))
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&describe(self.0))
    }
}

/// Readable names of a state word's flags, for debugging output.
fn describe(state: usize) -> String {
    let names = [
        (SCHEDULED, "SCHEDULED"),
        (RUNNING, "RUNNING"),
        (COMPLETED, "COMPLETED"),
        (CLOSED, "CLOSED"),
        (JOIN_INTEREST, "JOIN_INTEREST"),
        (OUTPUT_TAKEN, "OUTPUT_TAKEN"),
    ];
    let mut out: Vec<String> =
        names.iter().filter(|(b, _)| state & b != 0).map(|(_, n)| n.to_string()).collect();
    out.push(format!("refs={}", state >> REF_SHIFT));
    out.join("|")
}
