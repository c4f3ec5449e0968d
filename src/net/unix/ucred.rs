//! [`UCred`]: who is at the other end of a [`UnixStream`], from
//! [`UnixStream::peer_cred`], and the C id types it is given in, under
//! tokio's names.
//!
//! The kernel notes each end's credentials when the connection is made
//! (`connect(2)`, `listen(2)`, `socketpair(2)`), so a `UCred` describes the
//! peer as it was then: a server can trust it to name the client that
//! connected, even if that process has changed its ids since or passed the
//! socket on. The ids are the *effective* ones. How each system is asked is
//! told in `src/sys/net/peer_cred.rs`.
//!
//! [`UnixStream`]: super::UnixStream
//! [`UnixStream::peer_cred`]: super::UnixStream::peer_cred

use crate::sys::net::{Gid, PeerCred, Pid, Uid};

/// A user id, C's `uid_t`: 32 bits unsigned on every Unix groundup
/// supports (tokio's `tokio::net::unix::uid_t`).
#[allow(non_camel_case_types)] // C's name, as tokio spells it
pub type uid_t = u32;
/// A group id, C's `gid_t` (tokio's `tokio::net::unix::gid_t`).
#[allow(non_camel_case_types)] // C's name, as tokio spells it
pub type gid_t = u32;
/// A process id, C's `pid_t` (tokio's `tokio::net::unix::pid_t`).
#[allow(non_camel_case_types)] // C's name, as tokio spells it
pub type pid_t = i32;

// The public names are the system's own types, not merely the same size: a
// function from each one to the other compiles only if they are one type.
const _: fn(Uid) -> uid_t = |id| id;
const _: fn(Gid) -> gid_t = |id| id;
const _: fn(Pid) -> pid_t = |id| id;

/// The credentials of the process at the other end of a Unix-domain
/// stream, as they were when the connection was made.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// groundup::block_on(async {
///     let (a, b) = groundup::net::UnixStream::pair()?;
///     // Both ends belong to this process.
///     let (ours, theirs) = (a.peer_cred()?, b.peer_cred()?);
///     assert_eq!(ours, theirs);
///     if let Some(pid) = ours.pid() {
///         assert_eq!(pid, std::process::id() as groundup::net::unix::pid_t);
///     }
///     std::io::Result::Ok(())
/// })
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UCred {
    uid: uid_t,
    gid: gid_t,
    pid: Option<pid_t>,
}

impl UCred {
    pub(super) fn from_sys(cred: PeerCred) -> UCred {
        UCred { uid: cred.uid, gid: cred.gid, pid: cred.pid }
    }

    /// The peer's effective user id.
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// The peer's effective group id.
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// The peer's process id: on Linux, Android, OpenBSD and the Apple
    /// systems (there the *effective* pid, `LOCAL_PEEREPID`, as tokio's).
    /// `None` on FreeBSD, NetBSD and DragonFly, where groundup asks
    /// `getpeereid(3)`, which gives the ids only. Here groundup differs
    /// from tokio, which reads a pid on FreeBSD 13 and later
    /// (`LOCAL_PEERCRED`'s `xucred`) and on NetBSD (`LOCAL_PEEREID`):
    /// those two structures are not yet bound and checked in `ffi`.
    ///
    /// On Linux a peer in a pid namespace this process cannot see has pid
    /// 0 (unix(7)). A pid names a process only while it lives: the peer
    /// may have exited and the number been given to another.
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}
