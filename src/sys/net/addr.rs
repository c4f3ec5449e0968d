//! [`SockAddr`]: a socket address in the kernel's own layout, shared by the
//! Unix and the Windows socket layers.
//!
//! Both speak the same 4.2BSD dialect: a `sockaddr_storage` big enough and
//! aligned enough for every address family, whose first field says which
//! family's struct it holds, passed to the kernel as a `struct sockaddr *`
//! and a length. What differs is small and comes from the platform module's
//! [`c`](super::c): the length's type (`socklen_t`, an unsigned 32-bit
//! integer, on Unix; `int` in Winsock), the type of the family field, and
//! the BSDs' extra length byte at the front of every address (4.4BSD's
//! `sa_len`), which `c::set_sin_len` and `c::set_sin6_len` fill in where it
//! exists. Unix-domain paths are Unix-only and live in `unix.rs`.

use std::fmt;
use std::mem;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use core::ffi::c_int;

use super::c;

/// A socket address as the kernel reads and writes it: a
/// `sockaddr_storage` and the number of its bytes in use.
#[derive(Clone, Copy)]
pub(crate) struct SockAddr {
    pub(super) storage: c::sockaddr_storage,
    pub(super) len: c::addr_len,
}

/// The size of `T` as the kernel's address-length type.
pub(super) fn len_of<T>() -> c::addr_len {
    // Every type measured here is a sockaddr type or an int, at most 256
    // bytes (OpenBSD's sockaddr_storage; 128 elsewhere): far below the range
    // of `socklen_t` or of Winsock's `int`.
    size_of::<T>() as c::addr_len
}

impl SockAddr {
    /// An empty buffer for the kernel to fill (`accept`, `getsockname`, …).
    pub(super) fn empty() -> SockAddr {
        // SAFETY: `sockaddr_storage` is plain old data (integers and byte
        // arrays), for which all-zero bytes are a valid value.
        let storage = unsafe { mem::zeroed::<c::sockaddr_storage>() };
        SockAddr { storage, len: len_of::<c::sockaddr_storage>() }
    }

    /// Copies a specific sockaddr type into the storage.
    pub(super) fn from_raw<T: Copy>(raw: T) -> SockAddr {
        const { assert!(size_of::<T>() <= size_of::<c::sockaddr_storage>()) };
        let mut addr = SockAddr::empty();
        // SAFETY: `T` fits in the storage (asserted above at compile time),
        // the storage is at least as aligned as any sockaddr type (that is
        // its purpose), and both are plain old data.
        unsafe { (&raw mut addr.storage).cast::<T>().write(raw) };
        addr.len = len_of::<T>();
        addr
    }

    pub(crate) fn from_std(addr: &SocketAddr) -> SockAddr {
        match addr {
            SocketAddr::V4(v4) => SockAddr::from_raw(sockaddr_in(v4)),
            SocketAddr::V6(v6) => SockAddr::from_raw(sockaddr_in6(v6)),
        }
    }

    pub(super) fn family(&self) -> c_int {
        c_int::from(self.storage.ss_family)
    }

    /// The address as an IP socket address, if it is one.
    pub(crate) fn as_std(&self) -> Option<SocketAddr> {
        match self.family() {
            c::AF_INET => {
                // SAFETY: the family says the storage holds a sockaddr_in,
                // and the storage is aligned for any sockaddr type.
                let sin = unsafe { &*(&raw const self.storage).cast::<c::sockaddr_in>() };
                let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                Some(SocketAddr::V4(SocketAddrV4::new(ip, u16::from_be(sin.sin_port))))
            }
            c::AF_INET6 => {
                // SAFETY: as above, for sockaddr_in6.
                let sin6 = unsafe { &*(&raw const self.storage).cast::<c::sockaddr_in6>() };
                let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                let port = u16::from_be(sin6.sin6_port);
                let flow = u32::from_be(sin6.sin6_flowinfo);
                Some(SocketAddr::V6(SocketAddrV6::new(ip, port, flow, sin6.sin6_scope_id)))
            }
            _ => None,
        }
    }

    /// The address and its length, for a call that reads an address
    /// (`bind`, `connect`, `sendto`).
    pub(super) fn as_parts(&self) -> (*const c::sockaddr, c::addr_len) {
        ((&raw const self.storage).cast(), self.len)
    }

    /// The buffer and its length in and out, for a call that writes an
    /// address (`accept`, `getsockname`, `recvfrom`): the kernel reads the
    /// length as the buffer's size and writes back the address's.
    pub(super) fn as_mut_parts(&mut self) -> (*mut c::sockaddr, *mut c::addr_len) {
        ((&raw mut self.storage).cast(), &raw mut self.len)
    }
}

fn sockaddr_in(addr: &SocketAddrV4) -> c::sockaddr_in {
    // SAFETY: plain old data; all zeroes is valid and zeroes `sin_zero`.
    let mut sin = unsafe { mem::zeroed::<c::sockaddr_in>() };
    sin.sin_family = c::AF_INET as c::sa_family_t;
    sin.sin_port = addr.port().to_be();
    sin.sin_addr.s_addr = u32::from(*addr.ip()).to_be();
    c::set_sin_len(&mut sin);
    sin
}

fn sockaddr_in6(addr: &SocketAddrV6) -> c::sockaddr_in6 {
    // SAFETY: plain old data; all zeroes is valid.
    let mut sin6 = unsafe { mem::zeroed::<c::sockaddr_in6>() };
    sin6.sin6_family = c::AF_INET6 as c::sa_family_t;
    sin6.sin6_port = addr.port().to_be();
    sin6.sin6_flowinfo = addr.flowinfo().to_be();
    sin6.sin6_addr.s6_addr = addr.ip().octets();
    sin6.sin6_scope_id = addr.scope_id();
    c::set_sin6_len(&mut sin6);
    sin6
}

impl fmt::Debug for SockAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(addr) = self.as_std() {
            return write!(f, "{addr}");
        }
        #[cfg(unix)]
        if let Some(path) = self.as_path() {
            return write!(f, "{}", path.display());
        }
        write!(f, "(unnamed, family {})", self.family())
    }
}
