//! The task state word: six flags and a reference count in one `AtomicUsize`.
//!
//! Everything a waker on another thread may need to know about a task fits in
//! one word, so every decision it makes ("is this task already queued?", "was
//! this the last reference?") is a single atomic read-modify-write. The low
//! bits are flags; the bits from [`REF_SHIFT`] up count references.
//!
//! Who changes what:
//!
//! | bit | set by | cleared by |
//! |---|---|---|
//! | [`SCHEDULED`] | a wake (any thread), `spawn` | the executor, as it starts a poll |
//! | [`RUNNING`] | the executor, as it starts a poll | the executor, after the poll |
//! | [`COMPLETED`] | the executor, when the future returns `Ready` | never |
//! | [`CLOSED`] | `abort`, runtime shutdown, completion | never |
//! | [`JOIN_INTEREST`] | `spawn` | dropping the `JoinHandle` |
//! | [`OUTPUT_TAKEN`] | the `JoinHandle`, when it returns the output | never |
//!
//! Only wakes happen off the executor thread. They read the flags (to skip a
//! task that is finished or already queued) and set `SCHEDULED`; all other
//! transitions happen on the executor thread, but still through atomic
//! operations on this word because a waker may be reading it concurrently.

/// The task is in a run queue (local or remote), or is running and must be
/// polled again afterwards. A wake that finds it set does nothing: this bit
/// is what makes many wakes before one poll cost one poll.
///
/// While set and not `RUNNING`, it stands for one reference, owned by the
/// queue entry.
pub(crate) const SCHEDULED: usize = 1 << 0;

/// The executor is polling the future right now. A wake during the poll sets
/// `SCHEDULED` without queuing the task; the executor queues it once the poll
/// returns, so the task runs exactly once more.
pub(crate) const RUNNING: usize = 1 << 1;

/// The future returned `Ready`. The future has been dropped and the stage
/// holds the output (or held it until the `JoinHandle` took it).
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

/// The number of references in a state word.
pub(crate) const fn refs(state: usize) -> usize {
    state >> REF_SHIFT
}

/// Readable names of a state word's flags, for debugging output.
pub(crate) fn describe(state: usize) -> String {
    let names = [
        (SCHEDULED, "SCHEDULED"),
        (RUNNING, "RUNNING"),
        (COMPLETED, "COMPLETED"),
        (CLOSED, "CLOSED"),
        (JOIN_INTEREST, "JOIN_INTEREST"),
        (OUTPUT_TAKEN, "OUTPUT_TAKEN"),
    ];
    let mut out: Vec<&str> =
        names.iter().filter(|(b, _)| state & b != 0).map(|(_, n)| *n).collect();
    let refs = format!("refs={}", refs(state));
    out.push(&refs);
    out.join("|")
}
