//! groundup against mio, tokio and smol, in one run, as ratios.
//!
//! ```text
//! cargo run --release -- [--quick] [--rounds N] [--workload W]...   # the race
//! cargo run --release -- syscalls [--quick]                         # syscalls and context switches per op (perf)
//! ```
//!
//! Every workload runs for every contender in the same process, interleaved
//! (A B C A B C …) over several rounds after one unrecorded warm-up round,
//! so a change in machine load hits every contender alike. Each row reports
//! the median and the spread (min–max) across rounds, and the ratio of
//! groundup's median to the contender's, oriented so that > 1 means groundup
//! is ahead. The table is printed, and written to `results/latest.md` and
//! `results/latest.csv`; a partial run (`--quick`, `--workload`, `--only`,
//! or a non-default `GROUNDUP_BENCH_SPIN_US`) writes to `target/partial-results/`
//! instead, so that only a full run replaces the committed figures.

mod client;
mod poll_layer;
mod runtime;

use std::fmt::Write as _;
use std::io;
use std::process::Command;
use std::time::Instant;

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
    contenders: Vec<(&'static str, Box<dyn Fn(&Size) -> io::Result<Measure>>)>,
}

/// A figure, with an optional secondary one (timer lateness).
#[derive(Clone, Copy, Debug)]
struct Measure {
    value: f64,
    extra: Option<f64>,
}

fn figure(value: f64) -> Measure {
    Measure { value, extra: None }
}

fn workloads() -> Vec<Workload> {
    let rt = |f: fn(Runtime, &Size) -> io::Result<f64>| {
        Runtime::ALL
            .iter()
            .map(move |&r| {
                let run: Box<dyn Fn(&Size) -> io::Result<Measure>> =
                    Box::new(move |s| f(r, s).map(figure));
                (r.name(), run)
            })
            .collect::<Vec<_>>()
    };
    let poll = |g: fn(&Size) -> io::Result<f64>, m: fn(&Size) -> io::Result<f64>| {
        let g: Box<dyn Fn(&Size) -> io::Result<Measure>> = Box::new(move |s| g(s).map(figure));
        let m: Box<dyn Fn(&Size) -> io::Result<Measure>> = Box::new(move |s| m(s).map(figure));
        vec![("groundup::poll", g), ("mio", m)]
    };
    let timers = Runtime::ALL
        .iter()
        .map(|&r| {
            let run: Box<dyn Fn(&Size) -> io::Result<Measure>> = Box::new(move |s| {
                runtime::timers(r, s)
                    .map(|(total, worst)| Measure { value: total * 1e3, extra: Some(worst * 1e3) })
            });
            (r.name(), run)
        })
        .collect();
    vec![
        Workload {
            number: 1,
            title: "ring of 1,000 socket pairs passing one token",
            unit: "events/s",
            better: Better::Higher,
            contenders: poll(poll_layer::ring_groundup, poll_layer::ring_mio),
        },
        Workload {
            number: 2,
            title: "cross-thread Waker::wake to event delivered",
            unit: "round trips/s",
            better: Better::Higher,
            contenders: poll(poll_layer::wake_groundup, poll_layer::wake_mio),
        },
        Workload {
            number: 3,
            title: "register/deregister churn",
            unit: "ops/s",
            better: Better::Higher,
            contenders: poll(poll_layer::churn_groundup, poll_layer::churn_mio),
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
            contenders: timers,
        },
        Workload {
            number: 8,
            title: "a task woken 100,000 times from another thread",
            unit: "wakes/s",
            better: Better::Higher,
            contenders: rt(runtime::remote_wakes),
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
            });
        }
        if let Some(only) = &args.only_contender {
            // For `syscalls`: say how many operations the run made.
            println!("OPS {}", ops_of(w.number, &size, only));
        }
    }
    print_table(&rows, args.rounds, started.elapsed().as_secs_f64());
    let full = !args.quick
        && args.only_workloads.is_empty()
        && args.only_contender.is_none()
        && runtime::spin_override().is_none();
    write_results(&rows, args.rounds, &results_dir(full)?)?;
    Ok(())
}

/// The number of operations one round of workload `number` performs.
fn ops_of(number: u32, size: &Size, _contender: &str) -> usize {
    match number {
        4 => size.pingpong_rounds + 100,
        5 => size.messages,
        _ => 1,
    }
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
            "| # | workload | contender | median | spread (min–max) | groundup ahead by |".into(),
        );
        lines.push("|---|---|---|---:|---:|---:|".into());
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
        if markdown {
            lines.push(format!(
                "| {num} | {title} | {} | {median} | {spread} | {ratio} |",
                r.contender
            ));
        } else {
            if !num.is_empty() {
                lines.push(format!("{num}. {title}"));
            }
            lines.push(format!(
                "     {:<22} {:>32}  {:>25}  {:>7}",
                r.contender, median, spread, ratio
            ));
        }
    }
    lines
}

fn print_table(rows: &[Row], rounds: usize, secs: f64) {
    println!(
        "\ngroundup vs mio, tokio, smol — medians of {rounds} interleaved round(s), {secs:.0} s in all"
    );
    println!("ratio: > 1.00× means groundup is ahead of that contender, < 1.00× behind\n");
    println!("     {:<22} {:>32}  {:>25}  {:>7}", "contender", "median", "spread", "ratio");
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
    writeln!(md, "Ratio: groundup's median over the contender's (inverted for times), so > 1 means groundup is ahead.\n").unwrap();
    for line in table_lines(rows, true) {
        writeln!(md, "{line}").unwrap();
    }
    std::fs::write(dir.join("latest.md"), md)?;
    let mut csv = String::from("workload,title,unit,contender,median,min,max,extra_median,ratio\n");
    for r in rows {
        writeln!(
            csv,
            "{},\"{}\",{},{},{:.3},{:.3},{:.3},{},{:.4}",
            r.workload,
            r.title,
            r.unit,
            r.contender,
            r.median,
            r.min,
            r.max,
            r.extra_median.map(|e| format!("{e:.3}")).unwrap_or_default(),
            r.ratio
        )
        .unwrap();
    }
    std::fs::write(dir.join("latest.csv"), csv)?;
    eprintln!("written: {} and latest.csv", dir.join("latest.md").display());
    Ok(())
}

/// Runs workloads 4 and 5 once per contender under `perf stat`, counting
/// system calls (`raw_syscalls:sys_enter`) and context switches for the
/// whole process (server and the shared client), per operation.
fn syscalls(quick: bool) -> io::Result<()> {
    let exe = std::env::current_exe()?;
    let mut out = String::new();
    writeln!(out, "| workload | contender | syscalls/op | context switches/op |").unwrap();
    writeln!(out, "|---|---|---:|---:|").unwrap();
    for workload in [4u32, 5] {
        for r in Runtime::ALL {
            let mut cmd = Command::new("perf");
            cmd.args(["stat", "-x", ",", "-e", "raw_syscalls:sys_enter,context-switches", "--"])
                .arg(&exe)
                .args([
                    "--workload",
                    &workload.to_string(),
                    "--only",
                    r.name(),
                    "--rounds",
                    "1",
                    "--no-warmup",
                ]);
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
            let ops: f64 = stdout
                .lines()
                .find_map(|l| l.strip_prefix("OPS "))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or(1.0);
            let stderr = String::from_utf8_lossy(&output.stderr);
            let count = |event: &str| -> f64 {
                stderr
                    .lines()
                    .find(|l| l.contains(event))
                    .and_then(|l| l.split(',').next())
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(f64::NAN)
            };
            writeln!(
                out,
                "| {workload} | {} | {:.2} | {:.2} |",
                r.name(),
                count("raw_syscalls:sys_enter") / ops,
                count("context-switches") / ops
            )
            .unwrap();
        }
    }
    println!("{out}");
    let dir = results_dir(!quick && runtime::spin_override().is_none())?;
    std::fs::write(dir.join("syscalls.md"), out)?;
    Ok(())
}
