//! POSIX calls that every Unix groundup supports declares the same way.
//!
//! Only the prototypes live here. The *values* of the constants these calls
//! take (`FIONBIO`, `F_DUPFD_CLOEXEC`, `O_NONBLOCK`, …) differ between Linux
//! and the BSDs, so each OS family's module declares its own.
//!
//! Error convention for everything in this module: the return value `-1`
//! means failure and the reason is in `errno`, which Rust's
//! `std::io::Error::last_os_error()` reads for us (errno is a thread-local
//! reached through a libc function whose name differs per OS: `__errno_location`
//! on Linux, `__error` on the BSDs and macOS; std already knows each).

use core::ffi::{c_char, c_int, c_ulong, c_void};

unsafe extern "C" {
    /// `int close(int fd);`
    ///
    /// Header `<unistd.h>`; man page [close(2)](https://man7.org/linux/man-pages/man2/close.2.html).
    /// Returns 0, or -1 with errno. On Linux the descriptor is released even
    /// when `EINTR` is returned, so a close must never be retried: retrying
    /// could close a descriptor another thread has just been given.
    pub fn close(fd: c_int) -> c_int;

    /// `ssize_t read(int fd, void *buf, size_t count);`
    ///
    /// Header `<unistd.h>`; man page [read(2)](https://man7.org/linux/man-pages/man2/read.2.html).
    /// Returns the number of bytes read (0 at end of file), or -1 with errno;
    /// `EAGAIN`/`EWOULDBLOCK` on a non-blocking descriptor with nothing to read.
    pub fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize;

    /// `ssize_t write(int fd, const void *buf, size_t count);`
    ///
    /// Header `<unistd.h>`; man page [write(2)](https://man7.org/linux/man-pages/man2/write.2.html).
    /// Returns the number of bytes written, or -1 with errno; `EAGAIN` on a
    /// non-blocking descriptor whose buffer is full.
    pub fn write(fd: c_int, buf: *const c_void, count: usize) -> isize;

    /// `int ioctl(int fd, unsigned long request, ...);`
    ///
    /// Header `<sys/ioctl.h>`; man page [ioctl(2)](https://man7.org/linux/man-pages/man2/ioctl.2.html).
    /// Returns 0 (for the requests groundup makes), or -1 with errno.
    /// groundup uses it for `FIONBIO`, which sets or clears non-blocking mode
    /// in one call where `fcntl` needs a `F_GETFL` and a `F_SETFL`. glibc and
    /// the BSDs declare `request` as `unsigned long`; musl declares `int`,
    /// which is passed in the same register on every 64-bit ABI Rust supports.
    pub fn ioctl(fd: c_int, request: c_ulong, ...) -> c_int;

    /// `int fcntl(int fd, int cmd, ...);`
    ///
    /// Header `<fcntl.h>`; man page [fcntl(2)](https://man7.org/linux/man-pages/man2/fcntl.2.html).
    /// Returns a value that depends on `cmd` (a new descriptor for
    /// `F_DUPFD_CLOEXEC`, the flags for `F_GETFL`), or -1 with errno.
    pub fn fcntl(fd: c_int, cmd: c_int, ...) -> c_int;

    /// `int open(const char *pathname, int flags, ...);`
    ///
    /// Header `<fcntl.h>`; man page [open(2)](https://man7.org/linux/man-pages/man2/open.2.html).
    /// Returns a new descriptor (the lowest free number), or -1 with errno.
    /// The third argument, a `mode_t`, is read only with `O_CREAT` or
    /// `O_TMPFILE`; groundup never passes either. groundup opens one kind
    /// of path with it: `/proc/self/fd/N`, which on Linux opens the file
    /// behind descriptor `N` *anew*, with an open file description of its
    /// own (proc(5), `/proc/pid/fd/`), for the standard streams.
    pub fn open(pathname: *const c_char, flags: c_int, ...) -> c_int;

    /// `int isatty(int fd);`
    ///
    /// Header `<unistd.h>`; man page [isatty(3)](https://man7.org/linux/man-pages/man3/isatty.3.html).
    /// Returns 1 if `fd` is an open descriptor for a terminal, else 0 with
    /// errno (`ENOTTY`, or `EBADF` for a closed descriptor). Never -1.
    pub fn isatty(fd: c_int) -> c_int;
}

/// `struct iovec { void *iov_base; size_t iov_len; };`
///
/// Header `<sys/uio.h>`; man page [readv(2)](https://man7.org/linux/man-pages/man2/readv.2.html).
/// One buffer of a scattering read or gathering write. The same on every
/// Unix; std's `IoSlice`/`IoSliceMut` are documented to be ABI-compatible
/// with it, so a slice of them can be passed where an array of `iovec` is
/// expected.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct iovec {
    /// Start of the buffer.
    pub iov_base: *mut c_void,
    /// Its length in bytes.
    pub iov_len: usize,
}

const _: () = assert!(size_of::<iovec>() == 2 * size_of::<usize>());

/// `typedef uint32_t socklen_t;` — `<sys/socket.h>`. The byte length of a
/// socket address; 32 bits unsigned on every Unix groundup supports.
pub type socklen_t = u32;

#[cfg(groundup_os = "bsd")]
pub use crate::bsd::{msghdr, pthread_t, sa_family_t, sighandler_t, sockaddr, socket};
/// `typedef unsigned short sa_family_t;` on Linux, `uint8_t` on the BSDs;
/// each OS family module declares it (and `socket`, whose symbol NetBSD
/// renames). Re-exported here for the prototypes.
#[cfg(groundup_os = "linux")]
pub use crate::linux::{msghdr, pthread_t, sa_family_t, sighandler_t, sockaddr, socket};

unsafe extern "C" {
    /// `int socketpair(int domain, int type, int protocol, int sv[2]);`
    ///
    /// Header `<sys/socket.h>`; man page [socketpair(2)](https://man7.org/linux/man-pages/man2/socketpair.2.html).
    /// Returns 0 and two connected sockets in `sv`, or -1 with errno.
    /// `AF_UNIX` only, in practice.
    pub fn socketpair(domain: c_int, ty: c_int, protocol: c_int, sv: *mut c_int) -> c_int;

    /// `int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);`
    ///
    /// Header `<sys/socket.h>`; man page [bind(2)](https://man7.org/linux/man-pages/man2/bind.2.html).
    /// Returns 0, or -1 with errno (`EADDRINUSE` when the address is taken).
    pub fn bind(sockfd: c_int, addr: *const sockaddr, addrlen: socklen_t) -> c_int;

    /// `int listen(int sockfd, int backlog);`
    ///
    /// Header `<sys/socket.h>`; man page [listen(2)](https://man7.org/linux/man-pages/man2/listen.2.html).
    /// Returns 0, or -1 with errno. `backlog` is capped by the system
    /// (`net.core.somaxconn` on Linux, `kern.ipc.somaxconn` on the BSDs).
    pub fn listen(sockfd: c_int, backlog: c_int) -> c_int;

    /// `int accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen);`
    ///
    /// Header `<sys/socket.h>`; man page [accept(2)](https://man7.org/linux/man-pages/man2/accept.2.html).
    /// Returns a new socket for the next pending connection, or -1 with
    /// errno (`EAGAIN` when none is pending on a non-blocking listener).
    /// `*addrlen` is in-out: the buffer's size in, the address's size out.
    /// The new socket does *not* inherit `O_NONBLOCK` on Linux; groundup uses
    /// `accept4` where it exists and this plus `ioctl`/`fcntl` elsewhere.
    pub fn accept(sockfd: c_int, addr: *mut sockaddr, addrlen: *mut socklen_t) -> c_int;

    /// `int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);`
    ///
    /// Header `<sys/socket.h>`; man page [accept4(2)](https://man7.org/linux/man-pages/man2/accept.2.html).
    /// As `accept`, with `SOCK_NONBLOCK | SOCK_CLOEXEC` applied to the new
    /// socket atomically. Linux 2.6.28, FreeBSD 10, NetBSD 8, OpenBSD 5.7,
    /// DragonFly 4.3; not on the Apple systems.
    #[cfg(groundup_atomic_socket_flags)]
    pub fn accept4(
        sockfd: c_int,
        addr: *mut sockaddr,
        addrlen: *mut socklen_t,
        flags: c_int,
    ) -> c_int;

    /// `int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);`
    ///
    /// Header `<sys/socket.h>`; man page [getsockopt(2)](https://man7.org/linux/man-pages/man2/getsockopt.2.html).
    /// Returns 0, or -1 with errno. `*optlen` is in-out, like `accept`'s.
    pub fn getsockopt(
        sockfd: c_int,
        level: c_int,
        optname: c_int,
        optval: *mut c_void,
        optlen: *mut socklen_t,
    ) -> c_int;

    /// `int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);`
    ///
    /// Header `<sys/socket.h>`; man page [setsockopt(2)](https://man7.org/linux/man-pages/man2/getsockopt.2.html).
    /// Returns 0, or -1 with errno.
    pub fn setsockopt(
        sockfd: c_int,
        level: c_int,
        optname: c_int,
        optval: *const c_void,
        optlen: socklen_t,
    ) -> c_int;

    /// `int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);`
    ///
    /// Header `<sys/socket.h>`; man page [getsockname(2)](https://man7.org/linux/man-pages/man2/getsockname.2.html).
    /// Returns 0, or -1 with errno. The local address the socket is bound to.
    pub fn getsockname(sockfd: c_int, addr: *mut sockaddr, addrlen: *mut socklen_t) -> c_int;

    /// `int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);`
    ///
    /// Header `<sys/socket.h>`; man page [getpeername(2)](https://man7.org/linux/man-pages/man2/getpeername.2.html).
    /// Returns 0, or -1 with errno (`ENOTCONN` on an unconnected socket).
    pub fn getpeername(sockfd: c_int, addr: *mut sockaddr, addrlen: *mut socklen_t) -> c_int;

    /// `int shutdown(int sockfd, int how);`
    ///
    /// Header `<sys/socket.h>`; man page [shutdown(2)](https://man7.org/linux/man-pages/man2/shutdown.2.html).
    /// Returns 0, or -1 with errno. `SHUT_WR` sends a FIN: the peer reads end
    /// of file, and may go on writing (a half-close).
    pub fn shutdown(sockfd: c_int, how: c_int) -> c_int;

    /// `ssize_t recv(int sockfd, void *buf, size_t len, int flags);`
    ///
    /// Header `<sys/socket.h>`; man page [recv(2)](https://man7.org/linux/man-pages/man2/recv.2.html).
    /// Returns the bytes received (0: the peer shut down, or a zero-length
    /// datagram), or -1 with errno.
    pub fn recv(sockfd: c_int, buf: *mut c_void, len: usize, flags: c_int) -> isize;

    /// `ssize_t send(int sockfd, const void *buf, size_t len, int flags);`
    ///
    /// Header `<sys/socket.h>`; man page [send(2)](https://man7.org/linux/man-pages/man2/send.2.html).
    /// Returns the bytes sent, or -1 with errno (`EPIPE` after the peer
    /// closed, with `SIGPIPE` raised unless `MSG_NOSIGNAL` or `SO_NOSIGPIPE`).
    pub fn send(sockfd: c_int, buf: *const c_void, len: usize, flags: c_int) -> isize;

    /// `ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags, struct sockaddr *src_addr, socklen_t *addrlen);`
    ///
    /// Header `<sys/socket.h>`; man page [recvfrom(2)](https://man7.org/linux/man-pages/man2/recv.2.html).
    /// As `recv`, also writing the sender's address. A datagram longer than
    /// `len` is truncated.
    pub fn recvfrom(
        sockfd: c_int,
        buf: *mut c_void,
        len: usize,
        flags: c_int,
        src_addr: *mut sockaddr,
        addrlen: *mut socklen_t,
    ) -> isize;

    /// `ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *dest_addr, socklen_t addrlen);`
    ///
    /// Header `<sys/socket.h>`; man page [sendto(2)](https://man7.org/linux/man-pages/man2/send.2.html).
    /// As `send`, to `dest_addr` (a datagram socket need not be connected).
    pub fn sendto(
        sockfd: c_int,
        buf: *const c_void,
        len: usize,
        flags: c_int,
        dest_addr: *const sockaddr,
        addrlen: socklen_t,
    ) -> isize;

    /// `ssize_t readv(int fd, const struct iovec *iov, int iovcnt);`
    ///
    /// Header `<sys/uio.h>`; man page [readv(2)](https://man7.org/linux/man-pages/man2/readv.2.html).
    /// Reads into the `iovcnt` buffers in order, filling each before the
    /// next; returns the bytes read (0 at end of file), or -1 with errno
    /// (`EAGAIN` with nothing to read; `EINVAL` if `iovcnt` exceeds
    /// `IOV_MAX`, 1024 on every system groundup supports).
    pub fn readv(fd: c_int, iov: *const iovec, iovcnt: c_int) -> isize;

    /// `ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);`
    ///
    /// Header `<sys/socket.h>`; man page [sendmsg(2)](https://man7.org/linux/man-pages/man2/sendmsg.2.html).
    /// Sends the bytes of `msg->msg_iov`'s buffers, in order, as one
    /// transfer (a gathering write); returns the bytes sent, or -1 with
    /// errno. groundup uses it instead of `writev(2)` because it takes
    /// `flags`: `MSG_NOSIGNAL` keeps a write to a closed connection from
    /// raising `SIGPIPE`, which `writev` would.
    pub fn sendmsg(sockfd: c_int, msg: *const msghdr, flags: c_int) -> isize;

    /// `int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);`
    ///
    /// Header `<sys/socket.h>`; man page [connect(2)](https://man7.org/linux/man-pages/man2/connect.2.html).
    /// Returns 0, or -1 with errno. On a non-blocking stream socket it fails
    /// with `EINPROGRESS`; the socket then becomes writable when the attempt
    /// ends, and `getsockopt(SOL_SOCKET, SO_ERROR)` tells how it ended.
    pub fn connect(sockfd: c_int, addr: *const sockaddr, addrlen: socklen_t) -> c_int;

    /// `sighandler_t signal(int signum, sighandler_t handler);`
    ///
    /// Header `<signal.h>`; man page [signal(2)](https://man7.org/linux/man-pages/man2/signal.2.html).
    /// Returns the previous handler, or `SIG_ERR` (-1) with errno. groundup
    /// itself installs no handler; the tests use this to interrupt a poll.
    pub fn signal(signum: c_int, handler: sighandler_t) -> sighandler_t;

    /// `int pthread_kill(pthread_t thread, int sig);`
    ///
    /// Header `<signal.h>`; man page [pthread_kill(3)](https://man7.org/linux/man-pages/man3/pthread_kill.3.html).
    /// Returns 0, or **an error number** (it does not set errno, unlike the
    /// calls above). Delivers `sig` to one thread of this process.
    pub fn pthread_kill(thread: pthread_t, sig: c_int) -> c_int;

    /// `pthread_t pthread_self(void);`
    ///
    /// Header `<pthread.h>`; man page [pthread_self(3)](https://man7.org/linux/man-pages/man3/pthread_self.3.html).
    /// The calling thread's ID; it always succeeds. The tests aim a signal
    /// at their own thread with it (`pthread_kill(pthread_self(), sig)`).
    pub fn pthread_self() -> pthread_t;
}

#[cfg(groundup_os = "bsd")]
pub use crate::bsd::{rlim_t, rlimit};
#[cfg(groundup_os = "linux")]
pub use crate::linux::{rlim_t, rlimit};

unsafe extern "C" {
    /// `int getrlimit(int resource, struct rlimit *rlim);`
    ///
    /// Header `<sys/resource.h>`; man page [getrlimit(2)](https://man7.org/linux/man-pages/man2/getrlimit.2.html).
    /// Returns 0, or -1 with errno. (glibc spells the first parameter as an
    /// enum, `__rlimit_resource_t`, which has the size and passing of `int`.)
    pub fn getrlimit(resource: c_int, rlim: *mut rlimit) -> c_int;

    /// `int setrlimit(int resource, const struct rlimit *rlim);`
    ///
    /// Header `<sys/resource.h>`; man page [setrlimit(2)](https://man7.org/linux/man-pages/man2/getrlimit.2.html).
    /// Returns 0, or -1 with errno: `EPERM` when raising the hard limit
    /// without privilege, `EINVAL` when the soft limit exceeds the hard one.
    pub fn setrlimit(resource: c_int, rlim: *const rlimit) -> c_int;
}

#[cfg(groundup_os = "bsd")]
pub use crate::bsd::{gid_t, pid_t, sigaction, uid_t};
/// `pid_t` and `struct sigaction` differ per system (the struct has a
/// different field order on nearly every one); each OS family module
/// declares them, and `uid_t` and `gid_t` (32 bits unsigned everywhere,
/// spelled `unsigned int` by glibc and `__uint32_t` by the BSDs) with
/// them. Re-exported here for the prototypes.
#[cfg(groundup_os = "linux")]
pub use crate::linux::{gid_t, pid_t, sigaction, uid_t};

unsafe extern "C" {
    /// `int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact);`
    ///
    /// Header `<signal.h>`; man page [sigaction(2)](https://man7.org/linux/man-pages/man2/sigaction.2.html),
    /// [on FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=sigaction&sektion=2).
    /// Installs `*act` (if not null) as the disposition of `signum` for the
    /// whole process, and stores the one it replaces in `*oldact` (if not
    /// null). Returns 0, or -1 with errno (`EINVAL` for `SIGKILL`, `SIGSTOP`
    /// or a number out of range). NetBSD's header renames it to
    /// `__sigaction14` (the `struct sigaction` of NetBSD 1.4).
    #[cfg_attr(target_os = "netbsd", link_name = "__sigaction14")]
    pub fn sigaction(signum: c_int, act: *const sigaction, oldact: *mut sigaction) -> c_int;

    /// `int kill(pid_t pid, int sig);`
    ///
    /// Header `<signal.h>`; man page [kill(2)](https://man7.org/linux/man-pages/man2/kill.2.html).
    /// Sends `sig` to process `pid`. Returns 0, or -1 with errno (`ESRCH`:
    /// no such process; a zombie, exited but not yet reaped, still counts as
    /// a process and the call succeeds).
    pub fn kill(pid: pid_t, sig: c_int) -> c_int;

    /// `pid_t waitpid(pid_t pid, int *wstatus, int options);`
    ///
    /// Header `<sys/wait.h>`; man page [waitpid(2)](https://man7.org/linux/man-pages/man2/wait.2.html).
    /// Reaps the child `pid` if it has exited, storing its wait status
    /// (exit code or signal, decoded by the `W*` macros; std's
    /// `ExitStatusExt::from_raw` takes it as is). With `WNOHANG` returns 0
    /// at once if it has not exited. Returns the pid reaped, 0, or -1 with
    /// errno (`ECHILD`: not a child of ours, or already reaped; `EINTR`).
    pub fn waitpid(pid: pid_t, wstatus: *mut c_int, options: c_int) -> pid_t;
}

unsafe extern "C" {
    /// `uid_t geteuid(void);`
    ///
    /// Header `<unistd.h>`; man page [geteuid(2)](https://man7.org/linux/man-pages/man2/geteuid.2.html).
    /// The effective user id of the calling process: the one the kernel
    /// records for the peer of a Unix-domain socket. Always succeeds. The
    /// tests compare `UnixStream::peer_cred` with it.
    pub fn geteuid() -> uid_t;

    /// `gid_t getegid(void);`
    ///
    /// Header `<unistd.h>`; man page [getegid(2)](https://man7.org/linux/man-pages/man2/getgid.2.html).
    /// The effective group id of the calling process. Always succeeds.
    pub fn getegid() -> gid_t;
}
