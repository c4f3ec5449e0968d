//! The one place where a target operating system is mapped to what groundup
//! does on it.
//!
//! Both packages of the workspace run this script (`ffi/Cargo.toml` points its
//! `build` key here), so `groundup` and `groundup-ffi` always agree. Every other
//! file asks a question of the cfgs emitted below (`groundup_backend = "epoll"`,
//! `groundup_waker = "pipe"`, …) and never lists operating systems itself. The
//! only exception is `ffi/src/bsd.rs`, which names each BSD to declare the C
//! layouts in which they differ: that is a fact about each OS's headers, not a
//! choice of ours.
//!
//! An unsupported target gets `groundup_backend = "unsupported"`, and
//! `src/sys/mod.rs` turns that into a `compile_error!` naming the supported
//! systems (a build script cannot raise a compile error in the crate itself).

use std::env;

/// The readiness backend for each supported `target_os`.
const BACKENDS: &[(&str, &[&str])] = &[
    ("epoll", &["linux", "android"]),
    (
        "kqueue",
        &[
            "macos",
            "ios",
            "tvos",
            "watchos",
            "visionos",
            "freebsd",
            "netbsd",
            "openbsd",
            "dragonfly",
        ],
    ),
    ("iocp", &["windows"]),
];

/// How `Waker` interrupts a blocked poll on each target.
///
/// - `eventfd`: an eventfd(2) counter registered edge-triggered (Linux).
/// - `evfilt_user`: a kqueue `EVFILT_USER` event fired with `NOTE_TRIGGER`
///   (macOS family and FreeBSD; see kqueue(2)).
/// - `pipe`: a non-blocking pipe whose read end is registered (the other BSDs,
///   where `EVFILT_USER` is missing or too new to rely on).
/// - `iocp`: `PostQueuedCompletionStatus` on the completion port (Windows).
const WAKERS: &[(&str, &[&str])] = &[
    ("eventfd", &["linux", "android"]),
    ("evfilt_user", &["macos", "ios", "tvos", "watchos", "visionos", "freebsd"]),
    ("pipe", &["netbsd", "openbsd", "dragonfly"]),
    ("iocp", &["windows"]),
];

/// Unix systems whose `socket(2)` and `accept4(2)` take `SOCK_NONBLOCK |
/// SOCK_CLOEXEC`, so a socket is born non-blocking in one call. The Apple
/// systems lack both and need `fcntl` afterwards.
const ATOMIC_SOCKET_FLAGS: &[&str] =
    &["linux", "android", "freebsd", "netbsd", "openbsd", "dragonfly"];

/// How a write to a socket whose peer has gone is kept from raising
/// `SIGPIPE` (which would kill the process by default):
///
/// - `msg_nosignal`: pass `MSG_NOSIGNAL` to every `send` (Linux, the BSDs);
/// - `so_nosigpipe`: set the `SO_NOSIGPIPE` option once per socket (the Apple
///   systems, which have no `MSG_NOSIGNAL`);
/// - `none`: Windows has no signals.
const SIGPIPE: &[(&str, &[&str])] = &[
    ("msg_nosignal", &["linux", "android", "freebsd", "netbsd", "openbsd", "dragonfly"]),
    ("so_nosigpipe", &["macos", "ios", "tvos", "watchos", "visionos"]),
    ("none", &["windows"]),
];

/// Systems with `SO_REUSEPORT` (several sockets bound to one address and
/// port). Windows has none (its `SO_REUSEADDR` is the nearest thing);
/// `TcpSocket::set_reuseport` exists only where this cfg is set.
const REUSEPORT: &[&str] = &[
    "linux",
    "android",
    "macos",
    "ios",
    "tvos",
    "watchos",
    "visionos",
    "freebsd",
    "netbsd",
    "openbsd",
    "dragonfly",
];

/// Systems whose `SO_LINGER` counts in clock ticks rather than seconds, so
/// a linger in seconds is set with `SO_LINGER_SEC` instead (XNU's
/// `sosetoptlock`).
const SO_LINGER_SEC: &[&str] = &["macos", "ios", "tvos", "watchos", "visionos"];

fn lookup(table: &[(&'static str, &[&str])], os: &str) -> &'static str {
    table.iter().find(|(_, systems)| systems.contains(&os)).map_or("unsupported", |(name, _)| name)
}

fn main() {
    // This one script serves two packages: the crate (`build.rs` beside its
    // manifest) and `ffi/` (`build = "../build.rs"`). `rerun-if-changed` is
    // relative to the package's directory, where the script runs; naming a
    // path that does not exist would rebuild the package every time.
    let me = if std::path::Path::new("build.rs").exists() { "build.rs" } else { "../build.rs" };
    println!("cargo::rerun-if-changed={me}");
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();

    let backends = BACKENDS.iter().map(|(name, _)| format!("\"{name}\""));
    let wakers = WAKERS.iter().map(|(name, _)| format!("\"{name}\""));
    println!(
        "cargo::rustc-check-cfg=cfg(groundup_backend, values({}, \"unsupported\"))",
        backends.collect::<Vec<_>>().join(", ")
    );
    println!(
        "cargo::rustc-check-cfg=cfg(groundup_waker, values({}, \"unsupported\"))",
        wakers.collect::<Vec<_>>().join(", ")
    );
    println!("cargo::rustc-check-cfg=cfg(groundup_atomic_socket_flags)");
    println!("cargo::rustc-check-cfg=cfg(groundup_reuseport)");
    println!("cargo::rustc-check-cfg=cfg(groundup_so_linger_sec)");
    println!(
        "cargo::rustc-check-cfg=cfg(groundup_sigpipe, values(\"msg_nosignal\", \"so_nosigpipe\", \"none\", \"unsupported\"))"
    );

    println!("cargo::rustc-cfg=groundup_backend=\"{}\"", lookup(BACKENDS, &os));
    println!("cargo::rustc-cfg=groundup_waker=\"{}\"", lookup(WAKERS, &os));
    println!("cargo::rustc-cfg=groundup_sigpipe=\"{}\"", lookup(SIGPIPE, &os));
    if ATOMIC_SOCKET_FLAGS.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=groundup_atomic_socket_flags");
    }
    if REUSEPORT.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=groundup_reuseport");
    }
    if SO_LINGER_SEC.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=groundup_so_linger_sec");
    }
}
