//! Who is at the other end of a Unix-domain stream: the peer's effective
//! user and group ids and, where the system says, its process id.
//!
//! The kernel records the credentials of each end when the connection is
//! made (`connect(2)`, `listen(2)`, `socketpair(2)`) and hands them out on
//! request, so the answer describes the peer as it was then, whatever it
//! has become since. Each system asks its own way, and `build.rs` maps the
//! target to one of them (`groundup_peer_cred`):
//!
//! | `groundup_peer_cred` | call | pid |
//! |---|---|---|
//! | `so_peercred` (Linux, OpenBSD) | `getsockopt(SOL_SOCKET, SO_PEERCRED)`: a `struct ucred` (Linux) or `struct sockpeercred` (OpenBSD) | yes |
//! | `getpeereid_peerpid` (Apple) | `getpeereid(3)`, then `getsockopt(SOL_LOCAL, LOCAL_PEEREPID)` | yes |
//! | `getpeereid` (FreeBSD, NetBSD, DragonFly) | `getpeereid(3)` | no |
//!
//! Every call goes through `sys::syscall`, counted and traced like the
//! rest: `getsockopt` by [`Socket::getsockopt`], `getpeereid` here.

use std::io;

use super::Socket;
#[cfg(groundup_peer_cred = "so_peercred")]
use super::options::OptionValue;
use groundup_ffi::unix as posix;

/// A user id (`uid_t`): 32 bits unsigned on every Unix groundup supports.
pub(crate) type Uid = posix::uid_t;
/// A group id (`gid_t`).
pub(crate) type Gid = posix::gid_t;
/// A process id (`pid_t`).
pub(crate) type Pid = posix::pid_t;

/// The credentials of a socket's peer, as the kernel recorded them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PeerCred {
    /// The peer's effective user id.
    pub(crate) uid: Uid,
    /// Its effective group id.
    pub(crate) gid: Gid,
    /// Its process id, where the system gives it.
    pub(crate) pid: Option<Pid>,
}

/// The value of `SO_PEERCRED`: Linux's `struct ucred`.
#[cfg(all(groundup_peer_cred = "so_peercred", groundup_os = "linux"))]
type SoPeerCred = groundup_ffi::linux::ucred;
/// The value of `SO_PEERCRED`: OpenBSD's `struct sockpeercred`, the same
/// three fields in another order.
#[cfg(all(groundup_peer_cred = "so_peercred", groundup_os = "bsd"))]
type SoPeerCred = groundup_ffi::bsd::sockpeercred;

// SAFETY: three 32-bit integers (`pid_t`, `uid_t`, `gid_t`): every bit
// pattern, all zeroes included, is a valid value.
#[cfg(groundup_peer_cred = "so_peercred")]
unsafe impl OptionValue for SoPeerCred {}

#[cfg(groundup_peer_cred = "so_peercred")]
impl Socket {
    /// The peer's credentials, from one `SO_PEERCRED`.
    pub(crate) fn peer_cred(&self) -> io::Result<PeerCred> {
        #[cfg(groundup_os = "bsd")]
        use groundup_ffi::bsd::{SO_PEERCRED, SOL_SOCKET};
        #[cfg(groundup_os = "linux")]
        use groundup_ffi::linux::{SO_PEERCRED, SOL_SOCKET};

        let cred: SoPeerCred =
            self.getsockopt(SOL_SOCKET, SO_PEERCRED, "SOL_SOCKET, SO_PEERCRED")?;
        Ok(PeerCred { uid: cred.uid, gid: cred.gid, pid: Some(cred.pid) })
    }
}

#[cfg(groundup_peer_cred = "getpeereid_peerpid")]
impl Socket {
    /// The peer's credentials: its ids from `getpeereid`, its pid from
    /// `LOCAL_PEEREPID`.
    pub(crate) fn peer_cred(&self) -> io::Result<PeerCred> {
        use groundup_ffi::bsd::{LOCAL_PEEREPID, SOL_LOCAL};

        let (uid, gid) = self.peer_eid()?;
        let pid: Pid = self.getsockopt(SOL_LOCAL, LOCAL_PEEREPID, "SOL_LOCAL, LOCAL_PEEREPID")?;
        Ok(PeerCred { uid, gid, pid: Some(pid) })
    }
}

#[cfg(groundup_peer_cred = "getpeereid")]
impl Socket {
    /// The peer's credentials: its ids from `getpeereid`; these systems
    /// give no pid.
    pub(crate) fn peer_cred(&self) -> io::Result<PeerCred> {
        let (uid, gid) = self.peer_eid()?;
        Ok(PeerCred { uid, gid, pid: None })
    }
}

#[cfg(any(groundup_peer_cred = "getpeereid", groundup_peer_cred = "getpeereid_peerpid"))]
static GETPEEREID: crate::sys::syscall::Syscall = crate::sys::syscall::Syscall::new("getpeereid");

#[cfg(any(groundup_peer_cred = "getpeereid", groundup_peer_cred = "getpeereid_peerpid"))]
impl Socket {
    /// The peer's effective user and group ids (`getpeereid(3)`).
    fn peer_eid(&self) -> io::Result<(Uid, Gid)> {
        use std::os::fd::AsRawFd;

        let (mut uid, mut gid): (Uid, Gid) = (0, 0);
        let fd = self.as_raw_fd();
        let (uptr, gptr) = (&raw mut uid, &raw mut gid);
        crate::sys::syscall::minus_one(
            &GETPEEREID,
            format_args!("{fd}, {uptr:p}, {gptr:p}"),
            || {
                // SAFETY: `uptr` and `gptr` point to a live `uid_t` and `gid_t`,
                // which getpeereid only writes; `fd` is this socket's, open for
                // as long as `self` is borrowed.
                unsafe { groundup_ffi::bsd::getpeereid(fd, uptr, gptr) }
            },
        )?;
        Ok((uid, gid))
    }
}
