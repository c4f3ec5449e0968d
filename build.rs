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
//!
//! ## Two questions, usually one answer
//!
//! `groundup_backend` says which readiness interface the crate drives;
//! `groundup_os` says whose system headers `groundup-ffi` declares for
//! everything else (socket addresses, `fcntl` and signal constants):
//! `"linux"`, `"bsd"` (the Apple systems and the BSDs) or `"windows"`. On
//! every real system the one follows from the other. They part in one
//! configuration only, chosen by hand:
//!
//! ## `GROUNDUP_BACKEND=kqueue` on Linux: the kqueue backend on libkqueue
//!
//! libkqueue is kqueue(2) in user space on top of epoll (see
//! `../shared/vendor/README.md`). With `GROUNDUP_BACKEND=kqueue` in the
//! environment of a Linux build, the crate drives `src/sys/kqueue.rs`
//! through libkqueue's `kqueue()` and `kevent()` while everything else stays
//! Linux (`groundup_os = "linux"`): it is how the kqueue backend runs on a
//! Linux machine. The build also sets `groundup_libkqueue`, which the few
//! places where libkqueue behaves unlike a kernel kqueue test for (the
//! backend's essay lists them), and needs `GROUNDUP_LIBKQUEUE`: the
//! installation prefix of a built libkqueue (`$prefix/lib/libkqueue.a`,
//! `$prefix/include/kqueue/sys/event.h`), which `.ci/libkqueue.sh` builds
//! from the vendored tarball. `groundup-ffi` links it statically, so the test
//! binaries run without a library path. `just test-kqueue` does all of it.

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

/// Systems where `UdpSocket` and `TcpSocket` offer `tclass_v6` and
/// `set_tclass_v6` (`IPV6_TCLASS`): tokio's list, less the systems groundup
/// does not run on. Not the Apple systems other than macOS (tokio leaves
/// them out) nor Windows (which has the option, but not in tokio).
const TCLASS: &[&str] = &["linux", "android", "macos", "freebsd", "netbsd", "openbsd", "dragonfly"];

/// Systems where `UdpSocket` and `TcpSocket` offer `bind_device` and
/// `device` (`SO_BINDTODEVICE`, Linux's own option; tokio also lists
/// Fuchsia).
const BINDTODEVICE: &[&str] = &["linux", "android"];

/// Systems whose `SO_LINGER` counts in clock ticks rather than seconds, so
/// a linger in seconds is set with `SO_LINGER_SEC` instead (XNU's
/// `sosetoptlock`).
const SO_LINGER_SEC: &[&str] = &["macos", "ios", "tvos", "watchos", "visionos"];

/// How `UnixStream::peer_cred` learns who is at the other end
/// (`groundup_peer_cred`):
///
/// - `so_peercred`: one `getsockopt(SOL_SOCKET, SO_PEERCRED)` gives the
///   pid, user and group (Linux's `struct ucred`, OpenBSD's `struct
///   sockpeercred`; unix(7), OpenBSD's getsockopt(2));
/// - `getpeereid_peerpid`: `getpeereid(3)` for the user and group, and
///   `getsockopt(SOL_LOCAL, LOCAL_PEEREPID)` for the pid (the Apple
///   systems, which have no `SO_PEERCRED`);
/// - `getpeereid`: `getpeereid(3)` alone, so no pid (the other BSDs;
///   tokio reads a pid on FreeBSD 13+ and NetBSD through structures not
///   bound here, and on DragonFly it has none either);
/// - `none`: Windows has no Unix-domain streams in groundup.
const PEER_CRED: &[(&str, &[&str])] = &[
    ("so_peercred", &["linux", "android", "openbsd"]),
    ("getpeereid_peerpid", &["macos", "ios", "tvos", "watchos", "visionos"]),
    ("getpeereid", &["freebsd", "netbsd", "dragonfly"]),
    ("none", &["windows"]),
];

/// Whose system headers `groundup-ffi` declares for each `target_os`
/// (`groundup_os`): sockets, `fcntl`, signals, resource limits.
const OS_FAMILIES: &[(&str, &[&str])] = &[
    ("linux", &["linux", "android"]),
    (
        "bsd",
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
    ("windows", &["windows"]),
];

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
    println!("cargo::rustc-check-cfg=cfg(groundup_tclass)");
    println!("cargo::rustc-check-cfg=cfg(groundup_bindtodevice)");
    println!(
        "cargo::rustc-check-cfg=cfg(groundup_peer_cred, values(\"so_peercred\", \"getpeereid_peerpid\", \"getpeereid\", \"none\", \"unsupported\"))"
    );
    println!(
        "cargo::rustc-check-cfg=cfg(groundup_sigpipe, values(\"msg_nosignal\", \"so_nosigpipe\", \"none\", \"unsupported\"))"
    );

    println!(
        "cargo::rustc-check-cfg=cfg(groundup_os, values(\"linux\", \"bsd\", \"windows\", \"unsupported\"))"
    );
    println!("cargo::rustc-check-cfg=cfg(groundup_libkqueue)");

    let family = lookup(OS_FAMILIES, &os);
    let (backend, waker) = match chosen_backend() {
        Some(Chosen::Libkqueue) if family == "linux" => {
            println!("cargo::rustc-cfg=groundup_libkqueue");
            link_libkqueue();
            // libkqueue implements EVFILT_USER (its event.h defines it).
            ("kqueue", "evfilt_user")
        }
        Some(Chosen::Libkqueue) => panic!(
            "GROUNDUP_BACKEND=kqueue selects libkqueue, which groundup supports on Linux only; \
             this target ({os}) has its own backend: unset GROUNDUP_BACKEND"
        ),
        None => (lookup(BACKENDS, &os), lookup(WAKERS, &os)),
    };
    println!("cargo::rustc-cfg=groundup_backend=\"{backend}\"");
    println!("cargo::rustc-cfg=groundup_waker=\"{waker}\"");
    println!("cargo::rustc-cfg=groundup_os=\"{family}\"");
    println!("cargo::rustc-cfg=groundup_sigpipe=\"{}\"", lookup(SIGPIPE, &os));
    println!("cargo::rustc-cfg=groundup_peer_cred=\"{}\"", lookup(PEER_CRED, &os));
    if ATOMIC_SOCKET_FLAGS.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=groundup_atomic_socket_flags");
    }
    if REUSEPORT.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=groundup_reuseport");
    }
    if SO_LINGER_SEC.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=groundup_so_linger_sec");
    }
    if TCLASS.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=groundup_tclass");
    }
    if BINDTODEVICE.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=groundup_bindtodevice");
    }
}

/// A backend chosen by hand instead of by the target.
enum Chosen {
    /// `GROUNDUP_BACKEND=kqueue` on Linux: the kqueue backend on libkqueue.
    Libkqueue,
}

/// `GROUNDUP_BACKEND`: unset or empty for the target's own backend,
/// `kqueue` for libkqueue; anything else is refused with the list.
fn chosen_backend() -> Option<Chosen> {
    println!("cargo::rerun-if-env-changed=GROUNDUP_BACKEND");
    match env::var("GROUNDUP_BACKEND").unwrap_or_default().as_str() {
        "" => None,
        "kqueue" => Some(Chosen::Libkqueue),
        other => panic!(
            "GROUNDUP_BACKEND={other:?} is not a backend groundup can be asked for: leave it \
             unset for the target's own, or set it to \"kqueue\" (libkqueue, on Linux)"
        ),
    }
}

/// Links libkqueue statically from the prefix `GROUNDUP_LIBKQUEUE` names,
/// and tells the ABI test where its `sys/event.h` is. Only `groundup-ffi`,
/// which declares `kqueue` and `kevent`, links it: the crate gets it from
/// there, once.
fn link_libkqueue() {
    println!("cargo::rerun-if-env-changed=GROUNDUP_LIBKQUEUE");
    let Some(prefix) = env::var_os("GROUNDUP_LIBKQUEUE").filter(|p| !p.is_empty()) else {
        panic!(
            "GROUNDUP_BACKEND=kqueue needs GROUNDUP_LIBKQUEUE, the install prefix of a built \
             libkqueue: `just test-kqueue` builds one, or run `.ci/libkqueue.sh` and set \
             GROUNDUP_LIBKQUEUE to the directory it prints"
        );
    };
    let prefix = std::path::PathBuf::from(prefix);
    let (lib, include) = (prefix.join("lib"), prefix.join("include").join("kqueue"));
    assert!(
        lib.join("libkqueue.a").is_file() && include.join("sys/event.h").is_file(),
        "GROUNDUP_LIBKQUEUE={} holds no lib/libkqueue.a and include/kqueue/sys/event.h",
        prefix.display()
    );
    println!("cargo::rerun-if-changed={}", lib.join("libkqueue.a").display());
    if env::var("CARGO_PKG_NAME").as_deref() == Ok("groundup-ffi") {
        println!("cargo::rustc-link-search=native={}", lib.display());
        println!("cargo::rustc-link-lib=static=kqueue");
        println!("cargo::rustc-env=GROUNDUP_LIBKQUEUE_INCLUDE={}", include.display());
    }
}
