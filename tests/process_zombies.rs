//! Children dropped without being waited for are reaped in the background:
//! 1,000 of them leave no zombie behind. Linux only, where `/proc` shows
//! each process's parent and state.
//!
//! In a binary of its own, so that no other test's children are counted.
#![cfg(target_os = "linux")]

mod util;

use std::process::Stdio;
use std::time::Instant;

use groundup::process::Command;

/// The pids of this process's children that are zombies named `name`.
fn zombies(name: &str) -> Vec<u32> {
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap() {
        let entry = entry.unwrap();
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        // `/proc/<pid>/stat` is `pid (comm) state ppid …`; comm may hold
        // spaces, so split after its closing parenthesis.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let Some((head, rest)) = stat.rsplit_once(") ") else { continue };
        let comm = head.split_once(" (").map_or("", |(_, comm)| comm);
        let mut fields = rest.split(' ');
        let (state, ppid) = (fields.next(), fields.next().and_then(|p| p.parse::<u32>().ok()));
        if state == Some("Z") && ppid == Some(me) && comm == name {
            found.push(pid);
        }
    }
    found
}

/// Whether this process has a thread named `name`.
fn has_thread(name: &str) -> bool {
    std::fs::read_dir("/proc/self/task").unwrap().any(|task| {
        let comm = task.unwrap().path().join("comm");
        std::fs::read_to_string(comm).is_ok_and(|c| c.trim_end() == name)
    })
}

#[test]
fn a_thousand_children_dropped_unwaited_leave_no_zombie() {
    groundup::block_on(async {
        for _ in 0..1000 {
            let child = Command::new("true")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .expect("spawn `true`");
            drop(child);
        }
    });
    // Most were still starting when dropped: the reaper has them.
    assert!(has_thread("groundup-reaper"), "no child needed the reaper?");
    let deadline = Instant::now() + util::PATIENCE;
    loop {
        let left = zombies("true");
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "{} zombies left: {left:?}", left.len());
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// The same with the `SIGCHLD` fallback, in a run of this binary of its own
/// (the mechanism is chosen once per process).
#[test]
fn the_same_with_the_sigchld_fallback_forced() {
    if std::env::var_os("GROUNDUP_PROCESS_SIGCHLD").is_some() {
        return; // this is the run below
    }
    let (program, lead) = util::child::this_binary();
    let output = std::process::Command::new(program)
        .args(lead)
        .args(["--exact", "a_thousand_children_dropped_unwaited_leave_no_zombie"])
        .env("GROUNDUP_PROCESS_SIGCHLD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
