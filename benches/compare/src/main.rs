//! groundup against mio, tokio and smol, in one run, as ratios.
//!
//! ```text
//! cargo run --release -- [--quick] [--rounds N] [--workload W]...   # the race
//! cargo run --release -- syscalls [--quick]                         # syscalls and context switches per op (perf)
//! ```
//!
//! Workloads 1–3 race the `Poll` layer against mio (`poll_layer.rs`), 4–8
//! the runtimes (`runtime.rs`), 9–10 an HTTP server: `examples/http` against
//! its tokio twin (`http.rs`, `bin/http_tokio.rs`), 11–12 the `mpsc`
//! channels against tokio's (`channels.rs`). Beside every figure
//! stands the server side's CPU time per operation (`cpu.rs` says how it is
//! measured): a faster result that burns more CPU shows as such.
//!
//! Every workload runs for every contender in the same process, interleaved
//! (A B C A B C …) over several rounds after one unrecorded warm-up round,
//! so a change in machine load hits every contender alike. Each row reports
//! the median and the spread (min–max) across rounds, and the ratio of
//! groundup's median to the contender's, oriented so that > 1 means groundup
//! is ahead. The table is printed, and written to `results/latest.md` and
//! `results/latest.csv`; a partial run (`--quick`, `--workload`, `--only`,
//! or a runtime knob set: `GROUNDUP_BENCH_SPIN_US`, `GROUNDUP_BENCH_HANDOFF_US`)
//! writes to `target/partial-results/` instead, so that only a full run
//! replaces the committed figures. The knobs reach the HTTP server too
//! (`examples/http --spin-us/--hand-off-us`).

mod channels;
mod client;
mod cpu;
mod http;
mod poll_layer;
mod runtime;

use std::fmt::Write as _;
use std::io;
use std::process::Command;
use std::time::{Duration, Instant};

use runtime::Runtime;

/// Workload sizes; `--quick` divides them.
#[derive(Clone, Debug)]
pub struct Size {
    pub ring: usize,
    pub ring_hops: usize,
    pub wake_rounds: usize,
    pub churn_ops: usize,
    pub pingpong_rounds: usize,
    pub connections: usize,
    pub messages: usize,
    pub tasks: usize,
    pub timers: usize,
    pub remote_wakes: usize,
    /// How long each HTTP load runs.
    pub http_secs: u64,
    /// Round trips of the channel ping-pong.
    pub channel_rounds: usize,
    /// Messages of the channel fan-in, over all producers.
    pub channel_messages: usize,
}

impl Size {
    fn full() -> Size {
        Size {
            ring: 1_000,
            ring_hops: 200_000,
            wake_rounds: 10_000,
            churn_ops: 200_000,
            pingpong_rounds: 10_000,
            connections: 100,
            messages: 50_000,
            tasks: 100_000,
            timers: 100_000,
            remote_wakes: 100_000,
            http_secs: 5,
            channel_rounds: 200_000,
            channel_messages: 1_000_000,
        }
    }

    fn quick() -> Size {
        Size {
            ring: 1_000,
            ring_hops: 10_000,
            wake_rounds: 500,
            churn_ops: 10_000,
            pingpong_rounds: 500,
            connections: 100,
            messages: 2_000,
            tasks: 10_000,
            timers: 10_000,
            remote_wakes: 5_000,
            http_secs: 1,
            channel_rounds: 10_000,
            channel_messages: 50_000,
        }
    }
}

/// Which way a figure is better.
#[derive(Clone, Copy)]
enum Better {
    Higher,
    Lower,
}

/// One workload: its number, title, unit, and a runner per contender.
struct Workload {
    number: u32,
    title: &'static str,
    unit: &'static str,
    better: Better,
    contenders: Vec<(&'static str, Runner)>,
}

/// A figure, with an optional secondary one (timer lateness), and the CPU
/// time the server side spent per operation.
#[derive(Clone, Copy, Debug)]
struct Measure {
    value: f64,
    extra: Option<f64>,
    /// Microseconds of server-side CPU per operation.
    cpu_us: f64,
    ops: u64,
    client_syscalls: u64,
}

/// What one round of a workload produced, before the CPU accounting.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub value: f64,
    pub extra: Option<f64>,
    /// Operations the CPU figure covers (warm-up included where the CPU
    /// clock runs over it).
    pub ops: u64,
    /// CPU time of this process's load threads (clients, the waker thread),
    /// to subtract from the process's CPU time.
    pub load_cpu: Duration,
    /// The server's CPU time, when the server is another process.
    pub server_cpu: Option<Duration>,
    /// System calls this process's load threads made (for `syscalls`).
    pub client_syscalls: u64,
}

impl Run {
    /// A run where every thread of this process is the work under test.
    pub fn all(value: f64, ops: u64) -> Run {
        Run {
            value,
            extra: None,
            ops,
            load_cpu: Duration::ZERO,
            server_cpu: None,
            client_syscalls: 0,
        }
    }

    /// A run driven by one of the shared clients on this thread.
    pub fn driven(load: client::Load) -> Run {
        Run {
            value: load.rate,
            extra: None,
            ops: load.ops,
            load_cpu: load.cpu,
            server_cpu: None,
            client_syscalls: load.syscalls,
        }
    }
}

/// Runs one round and turns its CPU time into CPU per operation: the
/// process's CPU time over the round minus the load threads' own, or the
/// server process's when it is another process.
fn measure(run: impl FnOnce() -> io::Result<Run>) -> io::Result<Measure> {
    let before = cpu::process();
    let run = run()?;
    let process = cpu::process() - before;
    let server = run.server_cpu.unwrap_or_else(|| process.saturating_sub(run.load_cpu));
    Ok(Measure {
        value: run.value,
        extra: run.extra,
        cpu_us: server.as_secs_f64() * 1e6 / run.ops.max(1) as f64,
        ops: run.ops,
        client_syscalls: run.client_syscalls,
    })
}

type Runner = Box<dyn Fn(&Size) -> io::Result<Measure>>;

fn workloads() -> Vec<Workload> {
    let rt = |f: fn(Runtime, &Size) -> io::Result<Run>| {
        Runtime::ALL
            .iter()
            .map(move |&r| {
                let run: Runner = Box::new(move |s| measure(|| f(r, s)));
                (r.name(), run)
            })
            .collect::<Vec<_>>()
    };
    let poll = |g: fn(&Size) -> io::Result<f64>,
                m: fn(&Size) -> io::Result<f64>,
                ops: fn(&Size) -> usize| {
        let g: Runner = Box::new(move |s| measure(|| Ok(Run::all(g(s)?, ops(s) as u64))));
        let m: Runner = Box::new(move |s| measure(|| Ok(Run::all(m(s)?, ops(s) as u64))));
        vec![("groundup::poll", g), ("mio", m)]
    };
    let http = |connections: usize| {
        http::Server::ALL
            .iter()
            .map(move |&server| {
                let run: Runner = Box::new(move |s| measure(|| http::run(server, connections, s)));
                (server.name(), run)
            })
            .collect::<Vec<_>>()
    };
    let channel = |f: fn(channels::Contender, &Size) -> io::Result<Run>| {
        channels::Contender::ALL
            .iter()
            .map(move |&c| {
                let run: Runner = Box::new(move |s| measure(|| f(c, s)));
                (c.name(), run)
            })
            .collect::<Vec<_>>()
    };
    vec![
        Workload {
            number: 1,
            title: "ring of 1,000 socket pairs passing one token",
            unit: "events/s",
            better: Better::Higher,
            contenders: poll(poll_layer::ring_groundup, poll_layer::ring_mio, |s| s.ring_hops),
        },
        Workload {
            number: 2,
            title: "cross-thread Waker::wake to event delivered",
            unit: "round trips/s",
            better: Better::Higher,
            contenders: poll(poll_layer::wake_groundup, poll_layer::wake_mio, |s| s.wake_rounds),
        },
        Workload {
            number: 3,
            title: "register/deregister churn",
            unit: "ops/s",
            better: Better::Higher,
            contenders: poll(poll_layer::churn_groundup, poll_layer::churn_mio, |s| s.churn_ops),
        },
        Workload {
            number: 4,
            title: "TCP echo, 1 connection, 64-byte ping-pong",
            unit: "round trips/s",
            better: Better::Higher,
            contenders: rt(runtime::echo_latency),
        },
        Workload {
            number: 5,
            title: "TCP echo, 100 connections, 1 KiB messages",
            unit: "messages/s",
            better: Better::Higher,
            contenders: rt(runtime::echo_throughput),
        },
        Workload {
            number: 6,
            title: "spawn and join 100,000 tasks",
            unit: "tasks/s",
            better: Better::Higher,
            contenders: rt(runtime::spawn_join),
        },
        Workload {
            number: 7,
            title: "100,000 timers over 100 ms: time to fire all (worst lateness)",
            unit: "ms",
            better: Better::Lower,
            contenders: rt(runtime::timers),
        },
        Workload {
            number: 8,
            title: "a task woken 100,000 times from another thread",
            unit: "wakes/s",
            better: Better::Higher,
            contenders: rt(runtime::remote_wakes),
        },
        Workload {
            number: 9,
            title: "HTTP/1.1 keep-alive, 1 connection (examples/http and its tokio twin)",
            unit: "requests/s",
            better: Better::Higher,
            contenders: http(1),
        },
        Workload {
            number: 10,
            title: "HTTP/1.1 keep-alive, 100 connections (examples/http and its tokio twin)",
            unit: "requests/s",
            better: Better::Higher,
            contenders: http(100),
        },
        Workload {
            number: 11,
            title: "mpsc ping-pong between two tasks, bounded(1) channels",
            unit: "round trips/s",
            better: Better::Higher,
            contenders: channel(channels::ping_pong),
        },
        Workload {
            number: 12,
            title: "mpsc fan-in, 100 producer tasks into one bounded(128) channel",
            unit: "messages/s",
            better: Better::Higher,
            contenders: channel(channels::fan_in),
        },
    ]
}

struct Args {
    quick: bool,
    rounds: usize,
    only_workloads: Vec<u32>,
    only_contender: Option<String>,
    warmup: bool,
    syscalls: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        quick: false,
        rounds: 0,
        only_workloads: Vec::new(),
        only_contender: None,
        warmup: true,
        syscalls: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => args.quick = true,
            "--rounds" => args.rounds = it.next().and_then(|n| n.parse().ok()).expect("--rounds N"),
            "--workload" => args
                .only_workloads
                .push(it.next().and_then(|n| n.parse().ok()).expect("--workload N")),
            "--only" => args.only_contender = it.next(),
            "--no-warmup" => args.warmup = false,
            "syscalls" => args.syscalls = true,
            "--bench" => {} // passed by `cargo bench`
            other => panic!("unknown argument {other:?}"),
        }
    }
    if args.rounds == 0 {
        args.rounds = if args.quick { 1 } else { 5 };
    }
    args
}

/// Median and spread of one contender's rounds.
struct Row {
    workload: u32,
    title: &'static str,
    unit: &'static str,
    contender: &'static str,
    median: f64,
    min: f64,
    max: f64,
    extra_median: Option<f64>,
    ratio: f64,
    /// Median server-side CPU per operation, in microseconds.
    cpu_us: f64,
    /// The contender's CPU per operation over groundup's: > 1 means
    /// groundup spends less.
    cpu_ratio: f64,
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
}

fn main() -> io::Result<()> {
    let args = parse_args();
    if args.syscalls {
        return syscalls(args.quick);
    }
    let size = if args.quick { Size::quick() } else { Size::full() };
    let started = Instant::now();
    let mut rows = Vec::new();
    for w in workloads() {
        if !args.only_workloads.is_empty() && !args.only_workloads.contains(&w.number) {
            continue;
        }
        let contenders: Vec<_> = w
            .contenders
            .iter()
            .filter(|(name, _)| args.only_contender.as_deref().is_none_or(|o| name.starts_with(o)))
            .collect();
        eprint!("workload {}: {} ", w.number, w.title);
        if args.warmup {
            for (_, run) in &contenders {
                run(&size)?;
            }
        }
        let mut samples: Vec<Vec<Measure>> = vec![Vec::new(); contenders.len()];
        for _ in 0..args.rounds {
            for (i, (_, run)) in contenders.iter().enumerate() {
                samples[i].push(run(&size)?);
                eprint!(".");
            }
        }
        eprintln!();
        let medians: Vec<f64> = samples
            .iter()
            .map(|s| median(&mut s.iter().map(|m| m.value).collect::<Vec<_>>()))
            .collect();
        let cpu_medians: Vec<f64> = samples
            .iter()
            .map(|s| median(&mut s.iter().map(|m| m.cpu_us).collect::<Vec<_>>()))
            .collect();
        let reference = medians[0]; // groundup is listed first
        for (i, (name, _)) in contenders.iter().enumerate() {
            let values: Vec<f64> = samples[i].iter().map(|m| m.value).collect();
            let extras: Vec<f64> = samples[i].iter().filter_map(|m| m.extra).collect();
            let ratio = match w.better {
                Better::Higher => reference / medians[i],
                Better::Lower => medians[i] / reference,
            };
            rows.push(Row {
                workload: w.number,
                title: w.title,
                unit: w.unit,
                contender: name,
                median: medians[i],
                min: values.iter().copied().fold(f64::INFINITY, f64::min),
                max: values.iter().copied().fold(0.0, f64::max),
                extra_median: (!extras.is_empty()).then(|| median(&mut extras.clone())),
                ratio,
                cpu_us: cpu_medians[i],
                cpu_ratio: cpu_medians[i] / cpu_medians[0],
            });
        }
        if args.only_contender.is_some() {
            // For `syscalls`: how many operations the run made, and how many
            // system calls the shared client made for them.
            let all = samples.iter().flatten();
            println!("OPS {}", all.clone().map(|m| m.ops).sum::<u64>());
            println!("CLIENT_SYSCALLS {}", all.map(|m| m.client_syscalls).sum::<u64>());
        }
    }
    print_table(&rows, args.rounds, started.elapsed().as_secs_f64());
    let full = !args.quick
        && args.only_workloads.is_empty()
        && args.only_contender.is_none()
        && !runtime::tuned();
    write_results(&rows, args.rounds, &results_dir(full)?)?;
    Ok(())
}

fn fmt_value(v: f64, unit: &str) -> String {
    if unit == "ms" {
        return format!("{v:.1}");
    }
    let s = format!("{v:.0}");
    let bytes = s.as_bytes();
    let mut out = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && (bytes.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(*b as char);
    }
    out
}

fn table_lines(rows: &[Row], markdown: bool) -> Vec<String> {
    let mut lines = Vec::new();
    if markdown {
        lines.push(
            "| # | workload | contender | median | spread (min–max) | groundup ahead by | \
             server CPU/op | groundup's CPU/op is lower by |"
                .into(),
        );
        lines.push("|---|---|---|---:|---:|---:|---:|---:|".into());
    }
    let mut last = 0;
    for r in rows {
        let extra = r.extra_median.map(|e| format!(" (worst {e:.1} ms late)")).unwrap_or_default();
        let (num, title) = if r.workload != last {
            (r.workload.to_string(), format!("{} ({})", r.title, r.unit))
        } else {
            (String::new(), String::new())
        };
        last = r.workload;
        let median = format!("{}{extra}", fmt_value(r.median, r.unit));
        let spread = format!("{}–{}", fmt_value(r.min, r.unit), fmt_value(r.max, r.unit));
        let ratio = format!("{:.2}×", r.ratio);
        let cpu = format!("{:.2} µs", r.cpu_us);
        let cpu_ratio = format!("{:.2}×", r.cpu_ratio);
        if markdown {
            lines.push(format!(
                "| {num} | {title} | {} | {median} | {spread} | {ratio} | {cpu} | {cpu_ratio} |",
                r.contender
            ));
        } else {
            if !num.is_empty() {
                lines.push(format!("{num}. {title}"));
            }
            lines.push(format!(
                "     {:<22} {:>32}  {:>25}  {:>7}  {:>11}  {:>7}",
                r.contender, median, spread, ratio, cpu, cpu_ratio
            ));
        }
    }
    lines
}

fn print_table(rows: &[Row], rounds: usize, secs: f64) {
    println!(
        "\ngroundup vs mio, tokio, smol — medians of {rounds} interleaved round(s), {secs:.0} s in all"
    );
    println!("ratio: > 1.00× means groundup is ahead of that contender, < 1.00× behind");
    println!(
        "cpu/op: server-side CPU per operation; its ratio > 1.00× means groundup spends less\n"
    );
    println!(
        "     {:<22} {:>32}  {:>25}  {:>7}  {:>11}  {:>7}",
        "contender", "median", "spread", "ratio", "cpu/op", "ratio"
    );
    for line in table_lines(rows, false) {
        println!("{line}");
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let kernel = Command::new("uname")
        .arg("-r")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, kernel {kernel}")
}

/// Where a run's tables go: `results/` (committed) for a full run,
/// `target/partial-results/` for anything less.
fn results_dir(full: bool) -> io::Result<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = if full { root.join("results") } else { root.join("target/partial-results") };
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn write_results(rows: &[Row], rounds: usize, dir: &std::path::Path) -> io::Result<()> {
    let mut md = String::new();
    writeln!(
        md,
        "Machine: {}. Medians of {rounds} interleaved round(s) after a warm-up round.",
        machine()
    )
    .unwrap();
    writeln!(md, "Ratio: groundup's median over the contender's (inverted for times), so > 1 means groundup is ahead.").unwrap();
    writeln!(md, "Server CPU/op: the server side's CPU time per operation (the process's CPU minus the load threads' own, or the server process's for HTTP), median over rounds; its ratio is the contender's over groundup's, so > 1 means groundup spends less.\n").unwrap();
    for line in table_lines(rows, true) {
        writeln!(md, "{line}").unwrap();
    }
    std::fs::write(dir.join("latest.md"), md)?;
    let mut csv = String::from(
        "workload,title,unit,contender,median,min,max,extra_median,ratio,cpu_us_per_op,cpu_ratio\n",
    );
    for r in rows {
        writeln!(
            csv,
            "{},\"{}\",{},{},{:.3},{:.3},{:.3},{},{:.4},{:.3},{:.4}",
            r.workload,
            r.title,
            r.unit,
            r.contender,
            r.median,
            r.min,
            r.max,
            r.extra_median.map(|e| format!("{e:.3}")).unwrap_or_default(),
            r.ratio,
            r.cpu_us,
            r.cpu_ratio
        )
        .unwrap();
    }
    std::fs::write(dir.join("latest.csv"), csv)?;
    eprintln!("written: {} and latest.csv", dir.join("latest.md").display());
    Ok(())
}

/// System calls and context switches per operation, under `perf stat`.
///
/// Workloads 4 and 5 run once per contender in a child process of this
/// harness (`--only`), counted for the whole process; the shared client
/// counts its own calls (it is our code), and they are subtracted, so the
/// syscall column is the server's alone. Context switches cannot be split
/// that way and cover the whole process. The HTTP workloads count the
/// server process alone (`perf stat -p`).
fn syscalls(quick: bool) -> io::Result<()> {
    let exe = std::env::current_exe()?;
    let size = if quick { Size::quick() } else { Size::full() };
    let mut out = String::new();
    writeln!(
        out,
        "| workload | contender | server syscalls/op | context switches/op (whole process) |"
    )
    .unwrap();
    writeln!(out, "|---|---|---:|---:|").unwrap();
    for workload in [4u32, 5] {
        for r in Runtime::ALL {
            let mut cmd = Command::new("perf");
            cmd.args(["stat", "-x", ",", "-e", "raw_syscalls:sys_enter,context-switches", "--"])
                .arg(&exe)
                .args(["--workload", &workload.to_string(), "--only", r.name()])
                .args(["--rounds", "1", "--no-warmup"]);
            if quick {
                cmd.arg("--quick");
            }
            let output = cmd.output()?;
            if !output.status.success() {
                return Err(io::Error::other(format!(
                    "perf failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                )));
            }
            let stdout = String::from_utf8_lossy(&output.stdout);
            let value = |key: &str| -> f64 {
                stdout
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(f64::NAN)
            };
            let (ops, client) = (value("OPS "), value("CLIENT_SYSCALLS "));
            let counts = perf_counts(&String::from_utf8_lossy(&output.stderr));
            writeln!(
                out,
                "| {workload} | {} | {:.2} | {:.2} |",
                r.name(),
                (counts.0 - client) / ops,
                counts.1 / ops
            )
            .unwrap();
        }
    }
    writeln!(out, "\n| workload | server | syscalls/op | context switches/op |").unwrap();
    writeln!(out, "|---|---|---:|---:|").unwrap();
    for (workload, connections) in [(9u32, 1usize), (10, 100)] {
        for server in http::Server::ALL {
            let (syscalls, switches, requests) = http::count(server, connections, &size)?;
            writeln!(
                out,
                "| {workload} | {} | {:.2} | {:.2} |",
                server.name(),
                syscalls / requests,
                switches / requests
            )
            .unwrap();
        }
    }
    println!("{out}");
    let dir = results_dir(!quick && !runtime::tuned())?;
    std::fs::write(dir.join("syscalls.md"), out)?;
    Ok(())
}

/// The `raw_syscalls:sys_enter` and `context-switches` counts in the CSV
/// output (`-x ,`) of `perf stat`.
fn perf_counts(stderr: &str) -> (f64, f64) {
    let count = |event: &str| -> f64 {
        stderr
            .lines()
            .find(|l| l.contains(event))
            .and_then(|l| l.split(',').next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(f64::NAN)
    };
    (count("raw_syscalls:sys_enter"), count("context-switches"))
}
