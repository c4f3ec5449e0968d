//! Checks groundup-ffi against the system's own C headers.
//!
//! Hand-written bindings are only as good as their agreement with the C
//! headers, so this test asks the C compiler. It generates one C file of
//! `_Static_assert`s from the values the Rust side has (sizes, alignments,
//! field offsets and sizes, constant values, and every function prototype),
//! `#include`s the real headers, and compiles it with the system C compiler
//! (`$CC`, else `cc`). Any disagreement is a compile error that names the item
//! and both values.
//!
//! Prototypes are checked by reading the `pub fn` declarations out of the
//! ffi sources, translating each Rust type to its C spelling (`c_int` → `int`,
//! `*mut epoll_event` → `struct epoll_event *`) and asking GCC/Clang's
//! `__builtin_types_compatible_p` whether the header's function has that
//! type. The test also fails if an item in the sources has no check here, so a
//! new binding cannot slip in unverified.
//!
//! Three refinements: integer types whose signedness matters (`rlim_t` is
//! signed on FreeBSD and unsigned on macOS; `struct kevent`'s `filter` is
//! signed except on NetBSD) are checked for it too; prototypes that
//! glibc only declares with `_GNU_SOURCE` (`pipe2`) are checked in a second
//! compile that defines it, so the main one keeps glibc's plain POSIX
//! declarations (with `_GNU_SOURCE`, `getrlimit` takes an enum); and a
//! function glibc declares `__attribute__((const))` (`pthread_self`), whose
//! type GCC then qualifies, is compared as a function type rather than
//! through a pointer to it.
//!
//! On macOS and the BSDs the same test runs against their headers (in the
//! GitHub workflow: no such machine exists where groundup is developed),
//! reading `bsd.rs` and the one file of `bsd/` compiled for that system.
//!
//! With `GROUNDUP_BACKEND=kqueue` on Linux (libkqueue, see `build.rs`) the
//! Linux checks run as always, and `libkqueue.rs` is checked as well against
//! the `sys/event.h` of the libkqueue the build links (`-I` its include
//! directory, which `build.rs` passes in as `GROUNDUP_LIBKQUEUE_INCLUDE`).
//!
//! ## Windows, and Wine
//!
//! On Windows the headers are mingw-w64's and the compiler is a mingw-w64
//! GCC (`$CC`, else `gcc`). Under Wine, where this test runs in CI, the test
//! is a Windows program and cannot run the Linux cross-compiler (Wine starts
//! a Unix program but cannot report its exit status). So the Wine runner
//! (`.ci/wine/run`, which `cargo test --target x86_64-pc-windows-gnu` goes
//! through) sets `GROUNDUP_ABI_C_FILE` to a fresh path; the test writes the
//! C file there instead of compiling it, and when the test program has
//! exited the runner compiles the file on the host with
//! `x86_64-w64-mingw32-gcc -fsyntax-only`, failing the run if the headers
//! disagree. Without that variable and without a compiler it can run, the
//! test fails: it never passes having checked nothing.
//!
//! The AFD poll interface (`AFD_POLL_INFO`, `IOCTL_AFD_POLL`, …) is
//! undocumented and in no header, so it cannot be checked here: it is
//! listed as such below, and its layout is asserted in `ffi/src/windows.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The C file being built: headers and assertions.
#[derive(Default)]
struct Checks {
    headers: Vec<&'static str>,
    /// C lines after the headers (typedefs the headers only give in some modes).
    prelude: Vec<&'static str>,
    asserts: Vec<String>,
    /// Rust item names that have a check, to find unchecked ones.
    covered: BTreeSet<String>,
    /// Functions glibc declares only under `_GNU_SOURCE`.
    gnu_only: Vec<&'static str>,
    /// Assertions about items glibc declares only under `_GNU_SOURCE`
    /// (`struct ucred`), made in the second compile with the GNU-only
    /// prototypes; [`Checks::gnu`] sends assertions here.
    gnu_asserts: Vec<String>,
    /// Whether [`Checks::assert`] is collecting for the `_GNU_SOURCE` compile.
    in_gnu: bool,
    /// Functions the sources declare behind a cfg that is off for this
    /// target, so this system's headers do not have them (`accept4` on the
    /// Apple systems). The source parser does not evaluate `#[cfg]`, so
    /// their prototypes are left out by name.
    absent: Vec<&'static str>,
    /// C lines before the first `#include` (feature macros).
    defines: Vec<&'static str>,
    /// Functions the headers declare `__attribute__((const))`, which GCC
    /// records as a qualifier on the function's type: a pointer to it is
    /// not compatible with a plain function pointer, so these are compared
    /// as function types, where `__builtin_types_compatible_p` ignores the
    /// top-level qualifier and still checks the return and argument types.
    const_functions: Vec<&'static str>,
    /// Directories to search for headers (`-I`), before the system's.
    include_dirs: Vec<String>,
    /// The C spelling of each type whose layout is checked, by Rust name
    /// (`epoll_event` → `struct epoll_event`, `OVERLAPPED` → `OVERLAPPED`),
    /// used to spell prototypes.
    c_names: BTreeMap<String, String>,
}

impl Checks {
    fn header(&mut self, h: &'static str) {
        self.headers.push(h);
    }

    fn prelude(&mut self, line: &'static str) {
        self.prelude.push(line);
    }

    #[allow(dead_code)] // only the Windows checks need it
    fn define(&mut self, line: &'static str) {
        self.defines.push(line);
    }

    /// An item no header declares, checked only by the Rust-side assertions
    /// next to its declaration.
    #[allow(dead_code)] // only the Windows checks have such items
    fn undocumented(&mut self, rust: &str) {
        self.covered.insert(rust.to_string());
    }

    fn assert(&mut self, cond: String, what: String) {
        let what = what.replace('"', "'");
        let line = format!("_Static_assert({cond}, \"{what}\");");
        if self.in_gnu { self.gnu_asserts.push(line) } else { self.asserts.push(line) }
    }

    /// Makes the checks `f` adds in the `_GNU_SOURCE` compile, for types
    /// glibc declares only there.
    #[allow(dead_code)] // only the Linux checks need it
    fn gnu(&mut self, f: impl FnOnce(&mut Checks)) {
        self.in_gnu = true;
        f(self);
        self.in_gnu = false;
    }

    /// Size and alignment of a type; `rust` is its name in groundup-ffi.
    fn layout<T>(&mut self, rust: &str, c: &str) {
        let (size, align) = (size_of::<T>(), align_of::<T>());
        self.assert(
            format!("sizeof({c}) == {size}"),
            format!("sizeof({c}): groundup-ffi has {size}"),
        );
        self.assert(
            format!("_Alignof({c}) == {align}"),
            format!("_Alignof({c}): groundup-ffi has {align}"),
        );
        self.covered.insert(rust.to_string());
        self.c_names.insert(rust.to_string(), c.to_string());
    }

    /// Offset and size of one field.
    fn field(&mut self, c: &str, field: &str, offset: usize, size: usize) {
        self.assert(
            format!("offsetof({c}, {field}) == {offset}"),
            format!("offsetof({c}, {field}): groundup-ffi has {offset}"),
        );
        self.assert(
            format!("sizeof((({c} *)0)->{field}) == {size}"),
            format!("sizeof({c}.{field}): groundup-ffi has {size}"),
        );
    }

    /// The value of a constant (compared as a 64-bit integer of the sign the
    /// Rust value has, so a signedness mismatch shows up too).
    fn constant(&mut self, name: &str, value: i128) {
        let cond = if value < 0 {
            format!("(long long)({name}) == {value}LL")
        } else {
            format!("(unsigned long long)({name}) == {value}ULL")
        };
        self.assert(cond, format!("{name}: groundup-ffi has {value}"));
        self.covered.insert(name.to_string());
    }

    /// The value of a constant after conversion to the C type `c_type`, for
    /// constants whose C expression has another type than the one they are
    /// used as (Winsock's `FIONBIO` is an `unsigned long` passed as a `long`).
    #[allow(dead_code)] // only the Windows checks need it
    fn constant_as(&mut self, name: &str, c_type: &str, value: i128) {
        self.assert(
            format!("({c_type})({name}) == {value}LL"),
            format!("({c_type}){name}: groundup-ffi has {value}"),
        );
        self.covered.insert(name.to_string());
    }

    /// Whether the C integer type `c` (a type, or an expression of the type)
    /// is signed, as groundup-ffi's is (`signed`).
    fn signedness(&mut self, c: &str, signed: bool) {
        self.assert(
            format!("(((__typeof__({c}))-1) < 0) == {}", i32::from(signed)),
            format!("signedness of {c}: groundup-ffi has signed={signed}"),
        );
    }

    /// The C file for the main compile (`gnu == false`) or for the
    /// `_GNU_SOURCE` one, which holds only the GNU-only prototypes.
    fn source(&self, prototypes: &[Prototype], gnu: bool) -> String {
        let mut c = String::new();
        if gnu {
            c.push_str("#define _GNU_SOURCE\n");
        }
        for line in &self.defines {
            writeln!(c, "{line}").unwrap();
        }
        c.push_str("#include <stddef.h>\n#include <stdint.h>\n");
        for h in &self.headers {
            if h.starts_with('#') {
                writeln!(c, "{h}").unwrap();
            } else {
                writeln!(c, "#include <{h}>").unwrap();
            }
        }
        for line in &self.prelude {
            writeln!(c, "{line}").unwrap();
        }
        for a in if gnu { &self.gnu_asserts } else { &self.asserts } {
            writeln!(c, "{a}").unwrap();
        }
        let wanted = |p: &&Prototype| {
            !self.absent.contains(&p.name.as_str())
                && self.gnu_only.contains(&p.name.as_str()) == gnu
        };
        for p in prototypes.iter().filter(wanted) {
            let (of, ty) = if self.const_functions.contains(&p.name.as_str()) {
                (p.name.clone(), p.c_function_type())
            } else {
                (format!("&{}", p.name), p.c_pointer_type())
            };
            writeln!(
                c,
                "_Static_assert(__builtin_types_compatible_p(__typeof__({of}), {ty}), \
                 \"prototype of {name}: groundup-ffi declares {ty}\");",
                name = p.name
            )
            .unwrap();
        }
        c
    }
}

/// Field offset and size, without reading the (possibly packed) field.
macro_rules! field {
    ($checks:expr, $ty:ty, $c:literal, $field:ident) => {{
        let uninit = core::mem::MaybeUninit::<$ty>::uninit();
        let base = uninit.as_ptr();
        // SAFETY: `&raw const` computes the field's address without reading
        // it or creating a reference, which is valid on uninitialised and
        // packed memory; `base` points into the live `uninit`.
        let field = unsafe { &raw const (*base).$field };
        $checks.field(
            $c,
            stringify!($field),
            core::mem::offset_of!($ty, $field),
            pointee_size(field),
        );
    }};
}

fn pointee_size<T>(_: *const T) -> usize {
    size_of::<T>()
}

/// The Rust integer types the bindings use, and whether each is signed.
trait Integer {
    const SIGNED: bool;
}

macro_rules! integers {
    ($($ty:ty => $signed:literal),*) => { $(impl Integer for $ty { const SIGNED: bool = $signed; })* };
}
integers!(u8 => false, i16 => true, u16 => false, i32 => true, u32 => false, i64 => true, u64 => false,
    isize => true, usize => false);

/// Whether `T` is signed.
fn signed<T: Integer>() -> bool {
    T::SIGNED
}

/// Whether the field `get` reads is of a signed type.
#[cfg(groundup_backend = "kqueue")]
fn signed_field<S, T: Integer>(_get: fn(&S) -> &T) -> bool {
    T::SIGNED
}

#[cfg(groundup_os = "linux")]
fn platform_checks(c: &mut Checks) -> Vec<&'static str> {
    use groundup_ffi::linux::*;
    use groundup_ffi::unix::socklen_t;

    for h in [
        "sys/epoll.h",
        "sys/eventfd.h",
        "sys/ioctl.h",
        "sys/socket.h",
        "sys/un.h",
        "netinet/tcp.h",
        "netinet/in.h",
        "net/if.h",
        "fcntl.h",
        "unistd.h",
        "errno.h",
        "signal.h",
        "pthread.h",
        "sys/resource.h",
        "time.h",
        "sys/wait.h",
        "sys/syscall.h",
    ] {
        c.header(h);
    }
    // glibc names the type of a signal handler `sighandler_t` only under
    // _GNU_SOURCE, which would also turn getrlimit's `int` into an enum.
    c.prelude("typedef void (*sighandler_t)(int);");

    c.layout::<epoll_event>("epoll_event", "struct epoll_event");
    field!(c, epoll_event, "struct epoll_event", events);
    field!(c, epoll_event, "struct epoll_event", data);
    c.layout::<epoll_data_t>("epoll_data_t", "epoll_data_t");
    c.layout::<sockaddr>("sockaddr", "struct sockaddr");
    field!(c, sockaddr, "struct sockaddr", sa_family);
    field!(c, sockaddr, "struct sockaddr", sa_data);
    c.layout::<in_addr>("in_addr", "struct in_addr");
    field!(c, in_addr, "struct in_addr", s_addr);
    c.layout::<sockaddr_in>("sockaddr_in", "struct sockaddr_in");
    field!(c, sockaddr_in, "struct sockaddr_in", sin_family);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_port);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_addr);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_zero);
    c.layout::<in6_addr>("in6_addr", "struct in6_addr");
    field!(c, in6_addr, "struct in6_addr", s6_addr);
    c.layout::<sockaddr_in6>("sockaddr_in6", "struct sockaddr_in6");
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_family);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_port);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_flowinfo);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_addr);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_scope_id);
    c.layout::<sockaddr_un>("sockaddr_un", "struct sockaddr_un");
    field!(c, sockaddr_un, "struct sockaddr_un", sun_family);
    field!(c, sockaddr_un, "struct sockaddr_un", sun_path);
    c.layout::<sockaddr_storage>("sockaddr_storage", "struct sockaddr_storage");
    field!(c, sockaddr_storage, "struct sockaddr_storage", ss_family);
    c.layout::<sa_family_t>("sa_family_t", "sa_family_t");
    c.layout::<socklen_t>("socklen_t", "socklen_t");
    vectored_io_structs(c);
    socket_option_structs(c);
    c.layout::<sighandler_t>("sighandler_t", "sighandler_t");
    c.layout::<pid_t>("pid_t", "pid_t");
    peer_id_types(c);
    // glibc and musl declare `struct ucred` only under _GNU_SOURCE.
    c.gnu(|c| {
        c.layout::<ucred>("ucred", "struct ucred");
        field!(c, ucred, "struct ucred", pid);
        field!(c, ucred, "struct ucred", uid);
        field!(c, ucred, "struct ucred", gid);
    });
    c.layout::<pthread_t>("pthread_t", "pthread_t");
    c.layout::<rlim_t>("rlim_t", "rlim_t");
    c.layout::<rlimit>("rlimit", "struct rlimit");
    field!(c, rlimit, "struct rlimit", rlim_cur);
    field!(c, rlimit, "struct rlimit", rlim_max);
    c.signedness("rlim_t", signed::<rlim_t>());
    c.layout::<timespec>("timespec", "struct timespec");
    field!(c, timespec, "struct timespec", tv_sec);
    field!(c, timespec, "struct timespec", tv_nsec);
    c.layout::<time_t>("time_t", "time_t");
    c.signedness("time_t", signed::<time_t>());
    c.layout::<sigset_t>("sigset_t", "sigset_t");
    field!(c, sigset_t, "sigset_t", __val);
    c.layout::<sigaction>("sigaction", "struct sigaction");
    field!(c, sigaction, "struct sigaction", sa_sigaction);
    field!(c, sigaction, "struct sigaction", sa_mask);
    field!(c, sigaction, "struct sigaction", sa_flags);
    field!(c, sigaction, "struct sigaction", sa_restorer);
    c.gnu_only.push("pipe2"); // glibc declares it only under _GNU_SOURCE
    c.gnu_only.push("accept4"); // likewise
    c.gnu_only.push("tgkill"); // likewise
    c.const_functions.push("pthread_self"); // glibc: __attribute__((__const__))

    let constants: &[(&str, i128)] = &[
        ("EPOLL_CTL_ADD", EPOLL_CTL_ADD.into()),
        ("EPOLL_CTL_DEL", EPOLL_CTL_DEL.into()),
        ("EPOLL_CTL_MOD", EPOLL_CTL_MOD.into()),
        ("EPOLLIN", EPOLLIN.into()),
        ("EPOLLPRI", EPOLLPRI.into()),
        ("EPOLLOUT", EPOLLOUT.into()),
        ("EPOLLERR", EPOLLERR.into()),
        ("EPOLLHUP", EPOLLHUP.into()),
        ("EPOLLRDHUP", EPOLLRDHUP.into()),
        ("EPOLLONESHOT", EPOLLONESHOT.into()),
        ("EPOLLET", EPOLLET.into()),
        ("EPOLL_CLOEXEC", EPOLL_CLOEXEC.into()),
        ("EFD_CLOEXEC", EFD_CLOEXEC.into()),
        ("EFD_NONBLOCK", EFD_NONBLOCK.into()),
        ("O_NONBLOCK", O_NONBLOCK.into()),
        ("O_CLOEXEC", O_CLOEXEC.into()),
        ("O_RDONLY", O_RDONLY.into()),
        ("O_WRONLY", O_WRONLY.into()),
        ("O_RDWR", O_RDWR.into()),
        ("O_ACCMODE", O_ACCMODE.into()),
        ("O_NOCTTY", O_NOCTTY.into()),
        ("F_DUPFD_CLOEXEC", F_DUPFD_CLOEXEC.into()),
        ("F_SETFD", F_SETFD.into()),
        ("FD_CLOEXEC", FD_CLOEXEC.into()),
        ("FIONBIO", FIONBIO.into()),
        ("AF_INET", AF_INET.into()),
        ("SOCK_STREAM", SOCK_STREAM.into()),
        ("SOCK_NONBLOCK", SOCK_NONBLOCK.into()),
        ("SOCK_CLOEXEC", SOCK_CLOEXEC.into()),
        ("EINPROGRESS", EINPROGRESS.into()),
        ("AF_UNIX", AF_UNIX.into()),
        ("AF_INET6", AF_INET6.into()),
        ("SOCK_DGRAM", SOCK_DGRAM.into()),
        ("SOL_SOCKET", SOL_SOCKET.into()),
        ("SO_REUSEADDR", SO_REUSEADDR.into()),
        ("SO_ERROR", SO_ERROR.into()),
        ("SO_PEERCRED", SO_PEERCRED.into()),
        ("IPPROTO_TCP", IPPROTO_TCP.into()),
        ("TCP_NODELAY", TCP_NODELAY.into()),
        ("IPPROTO_IPV6", IPPROTO_IPV6.into()),
        ("IPV6_V6ONLY", IPV6_V6ONLY.into()),
        ("SHUT_RD", SHUT_RD.into()),
        ("SHUT_WR", SHUT_WR.into()),
        ("SHUT_RDWR", SHUT_RDWR.into()),
        ("MSG_NOSIGNAL", MSG_NOSIGNAL.into()),
        ("MSG_PEEK", MSG_PEEK.into()),
        ("MSG_OOB", MSG_OOB.into()),
        ("MSG_DONTWAIT", MSG_DONTWAIT.into()),
        ("SIGUSR1", SIGUSR1.into()),
        ("SIGHUP", SIGHUP.into()),
        ("SIGINT", SIGINT.into()),
        ("SIGQUIT", SIGQUIT.into()),
        ("SIGILL", SIGILL.into()),
        ("SIGFPE", SIGFPE.into()),
        ("SIGKILL", SIGKILL.into()),
        ("SIGSEGV", SIGSEGV.into()),
        ("SIGPIPE", SIGPIPE.into()),
        ("SIGALRM", SIGALRM.into()),
        ("SIGTERM", SIGTERM.into()),
        ("SIGBUS", SIGBUS.into()),
        ("SIGUSR2", SIGUSR2.into()),
        ("SIGCHLD", SIGCHLD.into()),
        ("SIGSTOP", SIGSTOP.into()),
        ("SIGWINCH", SIGWINCH.into()),
        ("SIGIO", SIGIO.into()),
        ("SA_SIGINFO", SA_SIGINFO.into()),
        ("SA_RESTART", SA_RESTART.into()),
        ("SYS_pidfd_open", SYS_pidfd_open.into()),
        ("SYS_pidfd_send_signal", SYS_pidfd_send_signal.into()),
        ("WNOHANG", WNOHANG.into()),
        ("ESRCH", ESRCH.into()),
        ("RLIMIT_NOFILE", RLIMIT_NOFILE.into()),
        ("RLIM_INFINITY", RLIM_INFINITY.into()),
        ("F_GETFL", F_GETFL.into()),
        ("SO_BINDTODEVICE", SO_BINDTODEVICE.into()),
        ("IFNAMSIZ", IFNAMSIZ as i128),
    ];
    for &(name, value) in constants.iter().chain(socket_option_constants!()) {
        c.constant(name, value);
    }
    #[allow(unused_mut)] // pushed to in the libkqueue configuration only
    let mut files = vec!["unix.rs", "linux.rs"];
    #[cfg(groundup_libkqueue)]
    files.push(libkqueue_checks(c));
    files
}

/// libkqueue's `sys/event.h`, for the kqueue backend on Linux: its own
/// directory is searched first, so `<sys/event.h>` is libkqueue's (glibc
/// has none).
#[cfg(groundup_libkqueue)]
fn libkqueue_checks(c: &mut Checks) -> &'static str {
    use groundup_ffi::libkqueue::*;

    c.include_dirs.push(env!("GROUNDUP_LIBKQUEUE_INCLUDE").to_string());
    c.header("sys/event.h");
    // Exported by libkqueue (src/linux/platform.c, marked VISIBLE) but in
    // none of its installed headers: declared here as its source defines
    // it, so the prototype check compares groundup-ffi's with that.
    c.prelude("void libkqueue_drain_pending_close(void);");
    c.layout::<kevent>("kevent", "struct kevent");
    field!(c, kevent, "struct kevent", ident);
    field!(c, kevent, "struct kevent", filter);
    field!(c, kevent, "struct kevent", flags);
    field!(c, kevent, "struct kevent", fflags);
    field!(c, kevent, "struct kevent", data);
    field!(c, kevent, "struct kevent", udata);
    c.signedness("((struct kevent *)0)->filter", signed_field(|k: &kevent| &k.filter));
    c.signedness("((struct kevent *)0)->flags", signed_field(|k: &kevent| &k.flags));
    c.signedness("((struct kevent *)0)->data", signed_field(|k: &kevent| &k.data));
    let constants: &[(&str, i128)] = &[
        ("EVFILT_READ", EVFILT_READ.into()),
        ("EVFILT_WRITE", EVFILT_WRITE.into()),
        ("EVFILT_USER", EVFILT_USER.into()),
        ("EV_ADD", EV_ADD.into()),
        ("EV_DELETE", EV_DELETE.into()),
        ("EV_ENABLE", EV_ENABLE.into()),
        ("EV_CLEAR", EV_CLEAR.into()),
        ("EV_RECEIPT", EV_RECEIPT.into()),
        ("EV_ERROR", EV_ERROR.into()),
        ("EV_EOF", EV_EOF.into()),
        ("NOTE_TRIGGER", NOTE_TRIGGER.into()),
        ("EVFILT_PROC", EVFILT_PROC.into()),
        ("NOTE_EXIT", NOTE_EXIT.into()),
    ];
    for &(name, value) in constants {
        c.constant(name, value);
    }
    "libkqueue.rs"
}

/// The file of `bsd/` compiled for this system.
#[cfg(groundup_os = "bsd")]
const BSD_FILE: &str = if cfg!(target_vendor = "apple") {
    "bsd/apple.rs"
} else if cfg!(target_os = "freebsd") {
    "bsd/freebsd.rs"
} else if cfg!(target_os = "netbsd") {
    "bsd/netbsd.rs"
} else if cfg!(target_os = "openbsd") {
    "bsd/openbsd.rs"
} else {
    "bsd/dragonfly.rs"
};

/// macOS and the BSDs. On NetBSD 11 and later this compares the 40-byte
/// `struct kevent` of `__kevent50` with the header's new 72-byte one (which
/// `kevent` is renamed to `__kevent100` for) and fails; the old layout is
/// `struct kevent100` there. No NetBSD machine runs this test yet.
#[cfg(groundup_os = "bsd")]
fn platform_checks(c: &mut Checks) -> Vec<&'static str> {
    use groundup_ffi::bsd::*;
    use groundup_ffi::unix::socklen_t;

    for h in [
        "sys/types.h",
        "sys/event.h",
        "sys/time.h",
        "sys/ioctl.h",
        "sys/socket.h",
        "sys/un.h",
        "netinet/in.h",
        "netinet/tcp.h",
        "fcntl.h",
        "unistd.h",
        "errno.h",
        "signal.h",
        "pthread.h",
        "sys/resource.h",
        "limits.h",
        "time.h",
        "sys/wait.h",
    ] {
        c.header(h);
    }
    // The BSDs call a handler's type `sig_t`; groundup uses glibc's name.
    c.prelude("typedef void (*sighandler_t)(int);");

    c.layout::<kevent>("kevent", "struct kevent");
    field!(c, kevent, "struct kevent", ident);
    field!(c, kevent, "struct kevent", filter);
    field!(c, kevent, "struct kevent", flags);
    field!(c, kevent, "struct kevent", fflags);
    field!(c, kevent, "struct kevent", data);
    field!(c, kevent, "struct kevent", udata);
    #[cfg(target_os = "freebsd")]
    field!(c, kevent, "struct kevent", ext);
    c.signedness("((struct kevent *)0)->filter", signed_field(|k: &kevent| &k.filter));
    c.signedness("((struct kevent *)0)->flags", signed_field(|k: &kevent| &k.flags));
    c.signedness("((struct kevent *)0)->data", signed_field(|k: &kevent| &k.data));
    c.layout::<timespec>("timespec", "struct timespec");
    field!(c, timespec, "struct timespec", tv_sec);
    field!(c, timespec, "struct timespec", tv_nsec);
    c.layout::<time_t>("time_t", "time_t");
    c.signedness("time_t", signed::<time_t>());
    c.layout::<sockaddr>("sockaddr", "struct sockaddr");
    field!(c, sockaddr, "struct sockaddr", sa_len);
    field!(c, sockaddr, "struct sockaddr", sa_family);
    field!(c, sockaddr, "struct sockaddr", sa_data);
    c.layout::<in_addr>("in_addr", "struct in_addr");
    field!(c, in_addr, "struct in_addr", s_addr);
    c.layout::<sockaddr_in>("sockaddr_in", "struct sockaddr_in");
    field!(c, sockaddr_in, "struct sockaddr_in", sin_len);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_family);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_port);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_addr);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_zero);
    // `s6_addr` is a macro for `__u6_addr.__u6_addr8`, which offsetof and
    // sizeof accept.
    c.layout::<in6_addr>("in6_addr", "struct in6_addr");
    field!(c, in6_addr, "struct in6_addr", s6_addr);
    c.layout::<sockaddr_in6>("sockaddr_in6", "struct sockaddr_in6");
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_len);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_family);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_port);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_flowinfo);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_addr);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_scope_id);
    c.layout::<sockaddr_un>("sockaddr_un", "struct sockaddr_un");
    field!(c, sockaddr_un, "struct sockaddr_un", sun_len);
    field!(c, sockaddr_un, "struct sockaddr_un", sun_family);
    field!(c, sockaddr_un, "struct sockaddr_un", sun_path);
    c.layout::<sockaddr_storage>("sockaddr_storage", "struct sockaddr_storage");
    field!(c, sockaddr_storage, "struct sockaddr_storage", ss_len);
    field!(c, sockaddr_storage, "struct sockaddr_storage", ss_family);
    #[cfg(not(target_os = "openbsd"))]
    field!(c, sockaddr_storage, "struct sockaddr_storage", __ss_align);
    #[cfg(target_os = "openbsd")]
    field!(c, sockaddr_storage, "struct sockaddr_storage", __ss_pad2);
    c.layout::<sa_family_t>("sa_family_t", "sa_family_t");
    c.layout::<socklen_t>("socklen_t", "socklen_t");
    vectored_io_structs(c);
    socket_option_structs(c);
    c.layout::<u_char>("u_char", "u_char");
    c.signedness("u_char", signed::<u_char>());
    c.layout::<sighandler_t>("sighandler_t", "sighandler_t");
    c.layout::<pthread_t>("pthread_t", "pthread_t");
    c.layout::<rlim_t>("rlim_t", "rlim_t");
    c.signedness("rlim_t", signed::<rlim_t>());
    // Declared in `unix.rs` only where `groundup_atomic_socket_flags` is set.
    #[cfg(not(groundup_atomic_socket_flags))]
    c.absent.push("accept4");
    c.layout::<rlimit>("rlimit", "struct rlimit");
    field!(c, rlimit, "struct rlimit", rlim_cur);
    field!(c, rlimit, "struct rlimit", rlim_max);
    c.layout::<pid_t>("pid_t", "pid_t");
    peer_id_types(c);
    #[cfg(target_os = "openbsd")]
    {
        c.layout::<sockpeercred>("sockpeercred", "struct sockpeercred");
        field!(c, sockpeercred, "struct sockpeercred", uid);
        field!(c, sockpeercred, "struct sockpeercred", gid);
        field!(c, sockpeercred, "struct sockpeercred", pid);
    }
    c.layout::<sigset_t>("sigset_t", "sigset_t");
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd"))]
    field!(c, sigset_t, "sigset_t", __bits);
    c.layout::<sigaction>("sigaction", "struct sigaction");
    field!(c, sigaction, "struct sigaction", sa_sigaction);
    field!(c, sigaction, "struct sigaction", sa_mask);
    field!(c, sigaction, "struct sigaction", sa_flags);

    let constants: &[(&str, i128)] = &[
        ("EVFILT_READ", EVFILT_READ.into()),
        ("EVFILT_WRITE", EVFILT_WRITE.into()),
        ("EVFILT_USER", EVFILT_USER.into()),
        ("EV_ADD", EV_ADD.into()),
        ("EV_DELETE", EV_DELETE.into()),
        ("EV_ENABLE", EV_ENABLE.into()),
        ("EV_CLEAR", EV_CLEAR.into()),
        ("EV_RECEIPT", EV_RECEIPT.into()),
        ("EV_ERROR", EV_ERROR.into()),
        ("EV_EOF", EV_EOF.into()),
        ("NOTE_TRIGGER", NOTE_TRIGGER.into()),
        ("O_NONBLOCK", O_NONBLOCK.into()),
        ("O_CLOEXEC", O_CLOEXEC.into()),
        ("F_SETFD", F_SETFD.into()),
        ("FD_CLOEXEC", FD_CLOEXEC.into()),
        ("F_DUPFD_CLOEXEC", F_DUPFD_CLOEXEC.into()),
        ("FIONBIO", FIONBIO.into()),
        ("AF_INET", AF_INET.into()),
        ("MSG_DONTWAIT", MSG_DONTWAIT.into()),
        ("SOCK_STREAM", SOCK_STREAM.into()),
        ("EINPROGRESS", EINPROGRESS.into()),
        ("AF_UNIX", AF_UNIX.into()),
        ("AF_INET6", AF_INET6.into()),
        ("SOCK_DGRAM", SOCK_DGRAM.into()),
        ("SOL_SOCKET", SOL_SOCKET.into()),
        ("SO_REUSEADDR", SO_REUSEADDR.into()),
        ("SO_ERROR", SO_ERROR.into()),
        ("IPPROTO_TCP", IPPROTO_TCP.into()),
        ("TCP_NODELAY", TCP_NODELAY.into()),
        ("IPPROTO_IPV6", IPPROTO_IPV6.into()),
        ("IPV6_V6ONLY", IPV6_V6ONLY.into()),
        ("SHUT_RD", SHUT_RD.into()),
        ("SHUT_WR", SHUT_WR.into()),
        ("SHUT_RDWR", SHUT_RDWR.into()),
        ("SIGUSR1", SIGUSR1.into()),
        ("RLIMIT_NOFILE", RLIMIT_NOFILE.into()),
        ("RLIM_INFINITY", RLIM_INFINITY.into()),
        ("OPEN_MAX", OPEN_MAX.into()),
        ("F_GETFL", F_GETFL.into()),
        ("SIGHUP", SIGHUP.into()),
        ("SIGINT", SIGINT.into()),
        ("SIGQUIT", SIGQUIT.into()),
        ("SIGILL", SIGILL.into()),
        ("SIGFPE", SIGFPE.into()),
        ("SIGKILL", SIGKILL.into()),
        ("SIGBUS", SIGBUS.into()),
        ("SIGSEGV", SIGSEGV.into()),
        ("SIGPIPE", SIGPIPE.into()),
        ("SIGALRM", SIGALRM.into()),
        ("SIGTERM", SIGTERM.into()),
        ("SIGSTOP", SIGSTOP.into()),
        ("SIGCHLD", SIGCHLD.into()),
        ("SIGIO", SIGIO.into()),
        ("SIGWINCH", SIGWINCH.into()),
        ("SIGINFO", SIGINFO.into()),
        ("SIGUSR2", SIGUSR2.into()),
        ("SA_RESTART", SA_RESTART.into()),
        ("SA_SIGINFO", SA_SIGINFO.into()),
        ("EVFILT_PROC", EVFILT_PROC.into()),
        ("NOTE_EXIT", NOTE_EXIT.into()),
        ("WNOHANG", WNOHANG.into()),
        ("ESRCH", ESRCH.into()),
    ];
    // The Apple systems have no SOCK_NONBLOCK or SOCK_CLOEXEC, and groundup
    // declares SO_NOSIGPIPE for them where the BSDs get MSG_NOSIGNAL.
    #[cfg(not(target_vendor = "apple"))]
    let per_os: &[(&str, i128)] = &[
        ("SOCK_NONBLOCK", SOCK_NONBLOCK.into()),
        ("SOCK_CLOEXEC", SOCK_CLOEXEC.into()),
        ("MSG_NOSIGNAL", MSG_NOSIGNAL.into()),
    ];
    #[cfg(all(not(target_vendor = "apple"), not(target_os = "openbsd")))]
    let peer: &[(&str, i128)] = &[];
    // OpenBSD reads the peer's credentials with SO_PEERCRED, Apple the
    // peer's pid with LOCAL_PEEREPID (`<sys/un.h>`).
    #[cfg(target_os = "openbsd")]
    let peer: &[(&str, i128)] = &[("SO_PEERCRED", SO_PEERCRED.into())];
    #[cfg(target_vendor = "apple")]
    let per_os: &[(&str, i128)] =
        &[("SO_NOSIGPIPE", SO_NOSIGPIPE.into()), ("SO_LINGER_SEC", SO_LINGER_SEC.into())];
    #[cfg(target_vendor = "apple")]
    let peer: &[(&str, i128)] =
        &[("SOL_LOCAL", SOL_LOCAL.into()), ("LOCAL_PEEREPID", LOCAL_PEEREPID.into())];
    let per_os = per_os.iter().chain(peer);
    for &(name, value) in constants.iter().chain(per_os).chain(socket_option_constants!()) {
        c.constant(name, value);
    }
    vec!["unix.rs", "bsd.rs", BSD_FILE, "bsd/process.rs"]
}

#[cfg(windows)]
fn platform_checks(c: &mut Checks) -> Vec<&'static str> {
    use groundup_ffi::windows::*;

    // NTSTATUS values: <winnt.h> defines a few of them too (as DWORDs)
    // unless WIN32_NO_STATUS is set; then <ntstatus.h> gives them all.
    c.define("#define WIN32_NO_STATUS");
    for h in ["winsock2.h", "windows.h", "#undef WIN32_NO_STATUS", "ntstatus.h", "winternl.h"] {
        c.header(h);
    }
    c.header("mswsock.h");
    c.header("ws2tcpip.h"); // sockaddr_in6 and in6_addr
    // NtCancelIoFileEx is documented in the WDK's <ntifs.h> but absent from
    // mingw-w64's headers: declare it as the WDK docs give it, so our
    // declaration is checked against that (and a future mingw-w64
    // declaration that differed would be a compile error here).
    c.prelude(
        "NTSTATUS NTAPI NtCancelIoFileEx(HANDLE FileHandle, PIO_STATUS_BLOCK IoRequestToCancel, \
         PIO_STATUS_BLOCK IoStatusBlock);",
    );

    c.layout::<HANDLE>("HANDLE", "HANDLE");
    c.layout::<BOOL>("BOOL", "BOOL");
    c.layout::<BOOLEAN>("BOOLEAN", "BOOLEAN");
    c.layout::<UCHAR>("UCHAR", "UCHAR");
    c.layout::<USHORT>("USHORT", "USHORT");
    c.layout::<WCHAR>("WCHAR", "WCHAR");
    c.layout::<ULONG>("ULONG", "ULONG");
    c.layout::<DWORD>("DWORD", "DWORD");
    c.layout::<ULONG_PTR>("ULONG_PTR", "ULONG_PTR");
    c.layout::<NTSTATUS>("NTSTATUS", "NTSTATUS");
    c.layout::<ACCESS_MASK>("ACCESS_MASK", "ACCESS_MASK");
    c.layout::<LARGE_INTEGER>("LARGE_INTEGER", "LARGE_INTEGER");
    c.layout::<SOCKET>("SOCKET", "SOCKET");
    c.layout::<u_long>("u_long", "u_long");
    c.layout::<u_short>("u_short", "u_short");
    c.layout::<WORD>("WORD", "WORD");
    c.layout::<GROUP>("GROUP", "GROUP");
    c.signedness("GROUP", signed::<GROUP>());
    c.layout::<LPWSAPROTOCOL_INFOW>("LPWSAPROTOCOL_INFOW", "LPWSAPROTOCOL_INFOW");
    c.layout::<PIO_APC_ROUTINE>("PIO_APC_ROUTINE", "PIO_APC_ROUTINE");
    c.layout::<LPWSAOVERLAPPED_COMPLETION_ROUTINE>(
        "LPWSAOVERLAPPED_COMPLETION_ROUTINE",
        "LPWSAOVERLAPPED_COMPLETION_ROUTINE",
    );
    c.layout::<PHANDLER_ROUTINE>("PHANDLER_ROUTINE", "PHANDLER_ROUTINE");
    c.layout::<WAITORTIMERCALLBACK>("WAITORTIMERCALLBACK", "WAITORTIMERCALLBACK");
    c.layout::<FILE_INFORMATION_CLASS>("FILE_INFORMATION_CLASS", "FILE_INFORMATION_CLASS");
    c.layout::<FILE_MODE_INFORMATION>("FILE_MODE_INFORMATION", "FILE_MODE_INFORMATION");
    field!(c, FILE_MODE_INFORMATION, "FILE_MODE_INFORMATION", Mode);

    c.layout::<OVERLAPPED>("OVERLAPPED", "OVERLAPPED");
    field!(c, OVERLAPPED, "OVERLAPPED", Internal);
    field!(c, OVERLAPPED, "OVERLAPPED", InternalHigh);
    field!(c, OVERLAPPED, "OVERLAPPED", Pointer);
    field!(c, OVERLAPPED, "OVERLAPPED", hEvent);
    c.layout::<OVERLAPPED_ENTRY>("OVERLAPPED_ENTRY", "OVERLAPPED_ENTRY");
    field!(c, OVERLAPPED_ENTRY, "OVERLAPPED_ENTRY", lpCompletionKey);
    field!(c, OVERLAPPED_ENTRY, "OVERLAPPED_ENTRY", lpOverlapped);
    field!(c, OVERLAPPED_ENTRY, "OVERLAPPED_ENTRY", Internal);
    field!(c, OVERLAPPED_ENTRY, "OVERLAPPED_ENTRY", dwNumberOfBytesTransferred);
    c.layout::<IO_STATUS_BLOCK>("IO_STATUS_BLOCK", "IO_STATUS_BLOCK");
    field!(c, IO_STATUS_BLOCK, "IO_STATUS_BLOCK", Status);
    field!(c, IO_STATUS_BLOCK, "IO_STATUS_BLOCK", Information);
    c.layout::<UNICODE_STRING>("UNICODE_STRING", "UNICODE_STRING");
    field!(c, UNICODE_STRING, "UNICODE_STRING", Length);
    field!(c, UNICODE_STRING, "UNICODE_STRING", MaximumLength);
    field!(c, UNICODE_STRING, "UNICODE_STRING", Buffer);
    c.layout::<OBJECT_ATTRIBUTES>("OBJECT_ATTRIBUTES", "OBJECT_ATTRIBUTES");
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", Length);
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", RootDirectory);
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", ObjectName);
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", Attributes);
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", SecurityDescriptor);
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", SecurityQualityOfService);
    c.layout::<sockaddr>("sockaddr", "struct sockaddr");
    field!(c, sockaddr, "struct sockaddr", sa_family);
    field!(c, sockaddr, "struct sockaddr", sa_data);
    c.layout::<in_addr>("in_addr", "struct in_addr");
    field!(c, in_addr, "struct in_addr", s_addr);
    c.layout::<sockaddr_in>("sockaddr_in", "struct sockaddr_in");
    field!(c, sockaddr_in, "struct sockaddr_in", sin_family);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_port);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_addr);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_zero);
    c.layout::<in6_addr>("in6_addr", "struct in6_addr");
    field!(c, in6_addr, "struct in6_addr", s6_addr); // `s6_addr` is a macro for `u.Byte`
    c.layout::<sockaddr_in6>("sockaddr_in6", "struct sockaddr_in6");
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_family);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_port);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_flowinfo);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_addr);
    field!(c, sockaddr_in6, "struct sockaddr_in6", sin6_scope_id);
    c.layout::<sockaddr_storage>("sockaddr_storage", "struct sockaddr_storage");
    field!(c, sockaddr_storage, "struct sockaddr_storage", ss_family);
    field!(c, sockaddr_storage, "struct sockaddr_storage", __ss_pad1);
    field!(c, sockaddr_storage, "struct sockaddr_storage", __ss_align);
    field!(c, sockaddr_storage, "struct sockaddr_storage", __ss_pad2);
    socket_option_structs(c);
    c.layout::<WSABUF>("WSABUF", "WSABUF");
    field!(c, WSABUF, "WSABUF", len);
    field!(c, WSABUF, "WSABUF", buf);
    c.layout::<WSADATA>("WSADATA", "WSADATA");
    field!(c, WSADATA, "WSADATA", wVersion);
    field!(c, WSADATA, "WSADATA", wHighVersion);
    field!(c, WSADATA, "WSADATA", iMaxSockets);
    field!(c, WSADATA, "WSADATA", iMaxUdpDg);
    field!(c, WSADATA, "WSADATA", lpVendorInfo);
    field!(c, WSADATA, "WSADATA", szDescription);
    field!(c, WSADATA, "WSADATA", szSystemStatus);

    // Undocumented: no header declares the AFD poll interface. Its layout is
    // asserted in ffi/src/windows.rs, where its sources are cited.
    for item in [
        "AFD_POLL_HANDLE_INFO",
        "AFD_POLL_INFO",
        "IOCTL_AFD_POLL",
        "AFD_POLL_RECEIVE",
        "AFD_POLL_RECEIVE_EXPEDITED",
        "AFD_POLL_SEND",
        "AFD_POLL_DISCONNECT",
        "AFD_POLL_ABORT",
        "AFD_POLL_LOCAL_CLOSE",
        "AFD_POLL_CONNECT",
        "AFD_POLL_ACCEPT",
        "AFD_POLL_CONNECT_FAIL",
    ] {
        c.undocumented(item);
    }

    let constants: &[(&str, i128)] = &[
        ("INVALID_HANDLE_VALUE", (INVALID_HANDLE_VALUE as usize).try_into().unwrap()),
        ("INFINITE", INFINITE.into()),
        ("FILE_SKIP_COMPLETION_PORT_ON_SUCCESS", FILE_SKIP_COMPLETION_PORT_ON_SUCCESS.into()),
        ("FILE_SKIP_SET_EVENT_ON_HANDLE", FILE_SKIP_SET_EVENT_ON_HANDLE.into()),
        ("HANDLE_FLAG_INHERIT", HANDLE_FLAG_INHERIT.into()),
        ("ERROR_INVALID_HANDLE", ERROR_INVALID_HANDLE.into()),
        ("WAIT_TIMEOUT", WAIT_TIMEOUT.into()),
        ("ERROR_OPERATION_ABORTED", ERROR_OPERATION_ABORTED.into()),
        ("ERROR_IO_PENDING", ERROR_IO_PENDING.into()),
        ("ERROR_NOT_FOUND", ERROR_NOT_FOUND.into()),
        ("CTRL_C_EVENT", CTRL_C_EVENT.into()),
        ("CTRL_BREAK_EVENT", CTRL_BREAK_EVENT.into()),
        ("CTRL_CLOSE_EVENT", CTRL_CLOSE_EVENT.into()),
        ("CTRL_LOGOFF_EVENT", CTRL_LOGOFF_EVENT.into()),
        ("CTRL_SHUTDOWN_EVENT", CTRL_SHUTDOWN_EVENT.into()),
        ("ATTACH_PARENT_PROCESS", ATTACH_PARENT_PROCESS.into()),
        ("WT_EXECUTEINWAITTHREAD", WT_EXECUTEINWAITTHREAD.into()),
        ("WT_EXECUTEONLYONCE", WT_EXECUTEONLYONCE.into()),
        ("WAIT_OBJECT_0", WAIT_OBJECT_0.into()),
        ("WAIT_FAILED", WAIT_FAILED.into()),
        ("STILL_ACTIVE", STILL_ACTIVE.into()),
        ("ERROR_ACCESS_DENIED", ERROR_ACCESS_DENIED.into()),
        ("ERROR_HANDLE_EOF", ERROR_HANDLE_EOF.into()),
        ("ERROR_BROKEN_PIPE", ERROR_BROKEN_PIPE.into()),
        ("ERROR_NO_DATA", ERROR_NO_DATA.into()),
        ("FileModeInformation", FileModeInformation.into()),
        ("FILE_SYNCHRONOUS_IO_ALERT", FILE_SYNCHRONOUS_IO_ALERT.into()),
        ("FILE_SYNCHRONOUS_IO_NONALERT", FILE_SYNCHRONOUS_IO_NONALERT.into()),
        ("STATUS_SUCCESS", STATUS_SUCCESS.into()),
        ("STATUS_PENDING", STATUS_PENDING.into()),
        ("STATUS_CANCELLED", STATUS_CANCELLED.into()),
        ("STATUS_NOT_FOUND", STATUS_NOT_FOUND.into()),
        ("SYNCHRONIZE", SYNCHRONIZE.into()),
        ("FILE_SHARE_READ", FILE_SHARE_READ.into()),
        ("FILE_SHARE_WRITE", FILE_SHARE_WRITE.into()),
        ("FILE_OPEN", FILE_OPEN.into()),
        ("SOCKET_ERROR", SOCKET_ERROR.into()),
        ("INVALID_SOCKET", INVALID_SOCKET.try_into().unwrap()),
        ("SIO_BASE_HANDLE", SIO_BASE_HANDLE.into()),
        ("SIO_BSP_HANDLE", SIO_BSP_HANDLE.into()),
        ("SIO_BSP_HANDLE_SELECT", SIO_BSP_HANDLE_SELECT.into()),
        ("SIO_BSP_HANDLE_POLL", SIO_BSP_HANDLE_POLL.into()),
        ("AF_INET", AF_INET.into()),
        ("SOCK_STREAM", SOCK_STREAM.into()),
        ("IPPROTO_TCP", IPPROTO_TCP.into()),
        ("WSAEWOULDBLOCK", WSAEWOULDBLOCK.into()),
        ("WSAEMSGSIZE", WSAEMSGSIZE.into()),
        ("WSAESHUTDOWN", WSAESHUTDOWN.into()),
        ("AF_INET6", AF_INET6.into()),
        ("SOCK_DGRAM", SOCK_DGRAM.into()),
        ("SOL_SOCKET", SOL_SOCKET.into()),
        ("SO_ERROR", SO_ERROR.into()),
        ("TCP_NODELAY", TCP_NODELAY.into()),
        ("SD_RECEIVE", SD_RECEIVE.into()),
        ("SD_SEND", SD_SEND.into()),
        ("SD_BOTH", SD_BOTH.into()),
        ("WSA_FLAG_OVERLAPPED", WSA_FLAG_OVERLAPPED.into()),
        ("WSA_FLAG_NO_HANDLE_INHERIT", WSA_FLAG_NO_HANDLE_INHERIT.into()),
        ("SIO_UDP_CONNRESET", SIO_UDP_CONNRESET.into()),
        ("WINSOCK_VERSION", WINSOCK_VERSION.into()),
        ("SO_REUSEADDR", SO_REUSEADDR.into()),
        ("IPPROTO_IPV6", IPPROTO_IPV6.into()),
        ("IPV6_V6ONLY", IPV6_V6ONLY.into()),
    ];
    for &(name, value) in constants.iter().chain(socket_option_constants!()) {
        c.constant(name, value);
    }
    // `_IOW('f', 126, u_long)` is an unsigned long in C; ioctlsocket takes
    // it as a long, which is how groundup-ffi declares it.
    c.constant_as("FIONBIO", "long", FIONBIO.into());
    vec!["windows.rs"]
}

/// The socket-option constants every platform module declares under the
/// same names (their values differ: Linux numbers the `SOL_SOCKET` and
/// `IPPROTO_IP` options its own way). A macro, so each platform's `use …::*`
/// supplies the values.
macro_rules! socket_option_constants {
    () => {
        &[
            ("MSG_PEEK", MSG_PEEK.into()),
            ("SO_KEEPALIVE", SO_KEEPALIVE.into()),
            ("SO_BROADCAST", SO_BROADCAST.into()),
            ("SO_LINGER", SO_LINGER.into()),
            ("SO_SNDBUF", SO_SNDBUF.into()),
            ("SO_RCVBUF", SO_RCVBUF.into()),
            ("IPPROTO_IP", IPPROTO_IP.into()),
            ("IP_TTL", IP_TTL.into()),
            ("IP_TOS", IP_TOS.into()),
            ("IP_MULTICAST_TTL", IP_MULTICAST_TTL.into()),
            ("IP_MULTICAST_LOOP", IP_MULTICAST_LOOP.into()),
            ("IP_ADD_MEMBERSHIP", IP_ADD_MEMBERSHIP.into()),
            ("IP_DROP_MEMBERSHIP", IP_DROP_MEMBERSHIP.into()),
            ("IPV6_MULTICAST_HOPS", IPV6_MULTICAST_HOPS.into()),
            ("IPV6_MULTICAST_LOOP", IPV6_MULTICAST_LOOP.into()),
            ("IPV6_JOIN_GROUP", IPV6_JOIN_GROUP.into()),
            ("IPV6_LEAVE_GROUP", IPV6_LEAVE_GROUP.into()),
            ("IPV6_TCLASS", IPV6_TCLASS.into()),
            #[cfg(unix)]
            ("SO_REUSEPORT", SO_REUSEPORT.into()),
        ] as &[(&str, i128)]
    };
}
use socket_option_constants;

/// `uid_t` and `gid_t`, which every Unix module declares (32 bits unsigned
/// on all of them), for the peer credentials of a Unix-domain socket.
#[cfg(unix)]
fn peer_id_types(c: &mut Checks) {
    use groundup_ffi::unix::{gid_t, uid_t};
    c.layout::<uid_t>("uid_t", "uid_t");
    c.signedness("uid_t", signed::<uid_t>());
    c.layout::<gid_t>("gid_t", "gid_t");
    c.signedness("gid_t", signed::<gid_t>());
}

/// The layouts of the socket-option structs, declared under the same C
/// names on every platform (Windows' `struct linger` has 16-bit fields).
/// `struct iovec` (`<sys/uio.h>`) and `struct msghdr`, for `readv` and
/// `sendmsg`: the same fields on every Unix, with Linux's wider lengths.
#[cfg(unix)]
fn vectored_io_structs(c: &mut Checks) {
    use groundup_ffi::unix::{iovec, msghdr};
    c.header("sys/uio.h");
    c.layout::<iovec>("iovec", "struct iovec");
    field!(c, iovec, "struct iovec", iov_base);
    field!(c, iovec, "struct iovec", iov_len);
    c.layout::<msghdr>("msghdr", "struct msghdr");
    field!(c, msghdr, "struct msghdr", msg_name);
    field!(c, msghdr, "struct msghdr", msg_namelen);
    field!(c, msghdr, "struct msghdr", msg_iov);
    field!(c, msghdr, "struct msghdr", msg_iovlen);
    field!(c, msghdr, "struct msghdr", msg_control);
    field!(c, msghdr, "struct msghdr", msg_controllen);
    field!(c, msghdr, "struct msghdr", msg_flags);
}

fn socket_option_structs(c: &mut Checks) {
    #[cfg(groundup_os = "bsd")]
    use groundup_ffi::bsd::{ip_mreq, ipv6_mreq, linger};
    #[cfg(groundup_os = "linux")]
    use groundup_ffi::linux::{ip_mreq, ipv6_mreq, linger};
    #[cfg(windows)]
    use groundup_ffi::windows::{ip_mreq, ipv6_mreq, linger};

    c.layout::<linger>("linger", "struct linger");
    field!(c, linger, "struct linger", l_onoff);
    field!(c, linger, "struct linger", l_linger);
    c.layout::<ip_mreq>("ip_mreq", "struct ip_mreq");
    field!(c, ip_mreq, "struct ip_mreq", imr_multiaddr);
    field!(c, ip_mreq, "struct ip_mreq", imr_interface);
    c.layout::<ipv6_mreq>("ipv6_mreq", "struct ipv6_mreq");
    field!(c, ipv6_mreq, "struct ipv6_mreq", ipv6mr_multiaddr);
    field!(c, ipv6_mreq, "struct ipv6_mreq", ipv6mr_interface);
}

/// One `pub fn` from an `extern` block.
#[derive(Debug)]
struct Prototype {
    name: String,
    args: Vec<String>,
    ret: String,
    /// The C spelling of the types whose layout is checked (`Checks::c_names`).
    c_names: BTreeMap<String, String>,
}

impl Prototype {
    /// `int (*)(int, struct epoll_event *, int, int)`
    fn c_pointer_type(&self) -> String {
        format!("{} (*)({})", self.c_type(&self.ret), self.c_arguments())
    }

    /// `pthread_t (void)`: the function's own type (see `const_functions`).
    fn c_function_type(&self) -> String {
        format!("{} ({})", self.c_type(&self.ret), self.c_arguments())
    }

    /// `int, struct epoll_event *, int, int`, or `void` for none.
    fn c_arguments(&self) -> String {
        let args: Vec<String> = self.args.iter().map(|a| self.c_type(a)).collect();
        if args.is_empty() { "void".to_string() } else { args.join(", ") }
    }

    fn c_type(&self, rust: &str) -> String {
        let rust = rust.trim();
        if let Some(inner) = rust.strip_prefix("*mut ") {
            return format!("{} *", self.c_type(inner));
        }
        if let Some(inner) = rust.strip_prefix("*const ") {
            return format!("const {} *", self.c_type(inner));
        }
        let base = rust.rsplit("::").next().unwrap_or(rust);
        let c = match base {
            "" => "void",
            "..." => "...",
            "c_void" => "void",
            "c_char" => "char",
            "c_int" => "int",
            "c_uint" => "unsigned int",
            "c_long" => "long",
            "c_ulong" => "unsigned long",
            "usize" => "size_t",
            "isize" => "ssize_t",
            "u8" => "uint8_t",
            "u16" => "uint16_t",
            "u32" => "uint32_t",
            "u64" => "uint64_t",
            "i32" => "int32_t",
            "i64" => "int64_t",
            other if self.c_names.contains_key(other) => return self.c_names[other].clone(),
            other => other, // a C typedef groundup-ffi declares under the same name
        };
        c.to_string()
    }
}

/// What one ffi source file declares.
struct Declared {
    /// `(name, argument types, return type)` of each `pub fn`.
    fns: Vec<(String, Vec<String>, String)>,
    /// Names of every `pub const`, `pub struct` and `pub type`.
    items: Vec<String>,
}

/// Reads every `pub fn` prototype, `pub struct`, `pub type` and `pub const`
/// name out of one ffi source file.
fn parse_source(path: &Path) -> Declared {
    let text = std::fs::read_to_string(path).unwrap();
    // Drop comments so doc text never looks like code.
    let code: String =
        text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join(" ");
    let mut fns = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("pub fn ") {
        let decl = &rest[i + "pub fn ".len()..];
        let end = decl.find(';').expect("a prototype ends with ';'");
        let decl = decl[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        let open = decl.find('(').unwrap();
        let close = decl.rfind(')').unwrap();
        let name = decl[..open].trim().to_string();
        let args = decl[open + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| a.split_once(':').map_or(a, |(_, ty)| ty).trim().to_string())
            .collect();
        let ret = decl[close + 1..].trim().trim_start_matches("->").trim().to_string();
        fns.push((name, args, ret));
        rest = &rest[i + 1..];
    }
    let names_after = |kw: &str| -> Vec<String> {
        code.split(kw)
            .skip(1)
            .map(|s| {
                s.split(|ch: char| !ch.is_alphanumeric() && ch != '_').next().unwrap().to_string()
            })
            .collect()
    };
    let mut items = names_after("pub const ");
    items.extend(names_after("pub struct "));
    items.extend(names_after("pub type "));
    Declared { fns, items }
}

fn c_compiler() -> String {
    let default = if cfg!(windows) { "gcc" } else { "cc" };
    std::env::var("CC").unwrap_or_else(|_| default.to_string())
}

/// Compiles the C file, or (under Wine, see the module docs) hands it to
/// the script that will. Panics if the headers disagree or if nothing can
/// check them.
fn compile(c_file: &Path, source: &str, count: usize, include_dirs: &[String]) {
    if cfg!(windows) {
        if let Some(out) = std::env::var_os("GROUNDUP_ABI_C_FILE") {
            std::fs::write(&out, source).unwrap();
            eprintln!(
                "{count} checks written to {} for the host's mingw-w64 compiler \
                 (GROUNDUP_ABI_C_FILE); the Wine runner compiles them when this program exits",
                Path::new(&out).display()
            );
            return;
        }
    }
    let cc = c_compiler();
    let output = Command::new(&cc)
        .args(["-std=gnu11", "-fsyntax-only"])
        .args(include_dirs.iter().map(|dir| format!("-I{dir}")))
        .arg(c_file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the C compiler `{cc}` (set CC; under Wine run through \
                 .ci/wine/run, the runner .cargo/config.toml names, which sets \
                 GROUNDUP_ABI_C_FILE and compiles that file on the host): {e}"
            )
        });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the C headers disagree with groundup-ffi ({count} checks in {}):\n{stderr}",
        c_file.display()
    );
    eprintln!("{count} checks agree with the headers ({cc})");
}

#[test]
fn layouts_constants_and_prototypes_match_the_system_headers() {
    let mut checks = Checks::default();
    let files = platform_checks(&mut checks);

    let src_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut raw_fns = Vec::new();
    let mut unchecked = Vec::new();
    for file in &files {
        let declared = parse_source(&src_dir.join(file));
        raw_fns.extend(declared.fns);
        unchecked.extend(declared.items.into_iter().filter(|i| !checks.covered.contains(i)));
    }
    assert!(
        unchecked.is_empty(),
        "items in groundup-ffi with no ABI check in this test: {unchecked:?}"
    );
    let prototypes: Vec<Prototype> = raw_fns
        .into_iter()
        .map(|(name, args, ret)| Prototype { name, args, ret, c_names: checks.c_names.clone() })
        .collect();
    assert!(prototypes.len() >= 8, "expected to find the extern prototypes, got {prototypes:?}");

    let dir = std::env::temp_dir().join(format!("groundup-abi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The main compile, then (if any function needs it) the `_GNU_SOURCE` one.
    let gnu_pass = !checks.gnu_only.is_empty() || !checks.gnu_asserts.is_empty();
    let passes = if gnu_pass { &[false, true][..] } else { &[false][..] };
    let count = checks.asserts.len() + checks.gnu_asserts.len() + prototypes.len();
    for &gnu in passes {
        let c_file = dir.join(if gnu { "abi_gnu.c" } else { "abi.c" });
        let source = checks.source(&prototypes, gnu);
        std::fs::write(&c_file, &source).unwrap();
        compile(&c_file, &source, count, &checks.include_dirs);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
