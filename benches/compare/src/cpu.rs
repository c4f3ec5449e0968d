//! CPU time, for "CPU per operation" beside every throughput figure.
//!
//! A result bought by burning a core is not a win, so every workload reports
//! the CPU its *server side* spent per operation: for the in-process
//! workloads, the process's CPU time over the run minus what the load
//! threads (the shared clients, the waker thread of workload 8) spent
//! themselves, each thread measuring its own clock; for the HTTP workloads,
//! the server process's CPU time from `/proc/PID/stat`.

use std::io;
use std::time::Duration;

fn clock(id: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; both clock ids exist on
    // every Linux this harness runs on, so the call cannot fail.
    let rc = unsafe { libc::clock_gettime(id, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime: {}", io::Error::last_os_error());
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// CPU time of every thread of this process, exited ones included.
pub fn process() -> Duration {
    clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time of the calling thread.
pub fn thread() -> Duration {
    clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// User plus system CPU time of another process, from `/proc/PID/stat`
/// (fields 14 and 15, in clock ticks: 10 ms resolution, so use it over
/// seconds, not milliseconds).
pub fn of_pid(pid: u32) -> io::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| -> io::Result<u64> {
        fields.get(i).and_then(|f| f.parse().ok()).ok_or_else(|| io::Error::other("bad stat"))
    };
    // `after` starts at field 3, so fields 14 and 15 are at 11 and 12.
    let total = ticks(11)? + ticks(12)?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Ok(Duration::from_nanos(total * 1_000_000_000 / hz))
}
