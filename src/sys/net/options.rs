//! Socket options, written once for every platform.
//!
//! An option is a `(level, name)` pair and a value whose C type the man
//! page (or the Winsock docs) fixes, and that type is not the same
//! everywhere: `IP_MULTICAST_TTL` is an `int` on Linux, a `u_char` on the
//! BSDs (ip(4); OpenBSD refuses a longer value) and a `DWORD` on Windows.
//! Passing the wrong size is an `EINVAL` at best and a wrong value at
//! worst, so each platform's module `c` names the type of each kind of
//! value, and this file only ever says which kind an option is:
//!
//! | kind | Linux | BSDs, Apple | Windows |
//! |---|---|---|---|
//! | flags and sizes at `SOL_SOCKET`, `TCP_NODELAY` | `int` | `int` | `BOOL`, `int` (both `int`) |
//! | [`c::IpInt`]: `IP_TTL`, `IP_TOS`, `IPV6_TCLASS`, `IPV6_V6ONLY`, `IPV6_MULTICAST_HOPS` | `int` | `int` | `DWORD` |
//! | [`c::McastV4`]: `IP_MULTICAST_TTL`, `IP_MULTICAST_LOOP` | `int` | `u_char` | `DWORD` |
//! | [`c::McastLoopV6`]: `IPV6_MULTICAST_LOOP` | `int` | `u_int` | `DWORD` |
//! | `SO_LINGER` | `struct linger` of `int`s | the same | of `u_short`s |
//! | `SO_BINDTODEVICE` | `char[IFNAMSIZ]` | — | — |
//!
//! Values come in as Rust's `bool`, `u32` and `Duration` (tokio's
//! signatures) and are converted here, with the nonsense refused before any
//! system call where the C type cannot hold it: a TTL, hop limit, type of
//! service or traffic class above 255 (an 8-bit field of the IP header;
//! left to the kernel, `u32::MAX` would become -1, which Linux takes as
//! "the default") is `InvalidInput`, and so is an interface name that does
//! not fit `IFNAMSIZ` (Linux would cut it short and bind to another name).
//! Buffer sizes above `i32::MAX` become `i32::MAX` (every kernel clamps
//! them to its own maximum anyway), and a linger time is rounded *up* to
//! whole seconds and clamped to what the field holds: rounding 0.5 s down
//! would turn a graceful close into a reset.
//!
//! The platform files provide `Socket::getsockopt` and `Socket::setsockopt`,
//! generic over [`OptionValue`], each one counted and traced like every
//! other call.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use core::ffi::c_int;

use super::Socket;
use super::c;

/// A C type an option's value is read or written as.
///
/// # Safety
///
/// Implementors must be plain old data (integers, and structs of them)
/// for which every bit pattern, all zeroes included, is a valid value: the
/// getter starts from a zeroed value and lets the kernel write any bytes
/// into it (Windows writes a single byte for some `BOOL` options).
pub(super) unsafe trait OptionValue: Copy + fmt::Debug {}

/// An integer option value, converted from and to the `u32`s and `bool`s of
/// the public API.
pub(super) trait OptInt: OptionValue {
    /// `value` in this type, if it fits.
    fn exact(value: u32) -> Option<Self>;
    /// `value` in this type, or this type's maximum if it does not fit.
    fn saturating(value: u64) -> Self;
    /// The value as a `u32` (a negative one, which no option here reports,
    /// as 0).
    fn to_u32(self) -> u32;
}

macro_rules! opt_ints {
    ($($ty:ty),*) => {$(
        // SAFETY: a primitive integer: every bit pattern is a valid value.
        unsafe impl OptionValue for $ty {}

        impl OptInt for $ty {
            fn exact(value: u32) -> Option<$ty> {
                <$ty>::try_from(value).ok()
            }
            fn saturating(value: u64) -> $ty {
                <$ty>::try_from(value).unwrap_or(<$ty>::MAX)
            }
            fn to_u32(self) -> u32 {
                u32::try_from(self).unwrap_or(0)
            }
        }
    )*};
}

opt_ints!(u8, u16, i32, u32);

// SAFETY: `struct linger` is two integers; every bit pattern is valid.
unsafe impl OptionValue for c::linger {}
// SAFETY: two `in_addr`s, each a 32-bit integer.
unsafe impl OptionValue for c::ip_mreq {}
// SAFETY: 16 bytes and a 32-bit integer.
unsafe impl OptionValue for c::ipv6_mreq {}

/// The largest value of an 8-bit field of the IP header: a time-to-live,
/// hop limit, type of service or traffic class.
const MAX_HEADER_BYTE: u32 = 255;

/// `value`, for an 8-bit field of the IP header, in the option's C type;
/// `InvalidInput` above 255.
fn header_byte<T: OptInt>(value: u32, what: &str) -> io::Result<T> {
    T::exact(value).filter(|_| value <= MAX_HEADER_BYTE).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{what} is an 8-bit field of the IP header: {value} is more than {MAX_HEADER_BYTE}"
            ),
        )
    })
}

fn flag<T: OptInt>(on: bool) -> T {
    T::saturating(on.into())
}

/// Whole seconds, a partial second counting as one.
fn seconds_rounded_up(duration: Duration) -> u64 {
    duration.as_secs().saturating_add(u64::from(duration.subsec_nanos() > 0))
}

fn in_addr(ip: &Ipv4Addr) -> c::in_addr {
    c::in_addr { s_addr: u32::from(*ip).to_be() }
}

fn in6_addr(ip: &Ipv6Addr) -> c::in6_addr {
    c::in6_addr { s6_addr: ip.octets() }
}

/// Options at `SOL_SOCKET` and `IPPROTO_TCP`.
impl Socket {
    fn set_flag(&self, level: c_int, name: c_int, on: bool, names: &str) -> io::Result<()> {
        self.setsockopt(level, name, flag::<c_int>(on), names)
    }

    fn flag(&self, level: c_int, name: c_int, names: &str) -> io::Result<bool> {
        Ok(self.getsockopt::<c_int>(level, name, names)? != 0)
    }

    /// `SO_REUSEADDR`. Unix: a listener may bind a port whose old
    /// connections linger in `TIME_WAIT`. Windows: any socket may bind a
    /// port in active use (see `ffi::windows::SO_REUSEADDR`).
    pub(crate) fn set_reuseaddr(&self, on: bool) -> io::Result<()> {
        self.set_flag(c::SOL_SOCKET, c::SO_REUSEADDR, on, "SOL_SOCKET, SO_REUSEADDR")
    }

    pub(crate) fn reuseaddr(&self) -> io::Result<bool> {
        self.flag(c::SOL_SOCKET, c::SO_REUSEADDR, "SOL_SOCKET, SO_REUSEADDR")
    }

    /// `SO_REUSEPORT`, where the system has it (`build.rs`).
    #[cfg(groundup_reuseport)]
    pub(crate) fn set_reuseport(&self, on: bool) -> io::Result<()> {
        self.set_flag(c::SOL_SOCKET, c::SO_REUSEPORT, on, "SOL_SOCKET, SO_REUSEPORT")
    }

    #[cfg(groundup_reuseport)]
    pub(crate) fn reuseport(&self) -> io::Result<bool> {
        self.flag(c::SOL_SOCKET, c::SO_REUSEPORT, "SOL_SOCKET, SO_REUSEPORT")
    }

    pub(crate) fn set_keepalive(&self, on: bool) -> io::Result<()> {
        self.set_flag(c::SOL_SOCKET, c::SO_KEEPALIVE, on, "SOL_SOCKET, SO_KEEPALIVE")
    }

    pub(crate) fn keepalive(&self) -> io::Result<bool> {
        self.flag(c::SOL_SOCKET, c::SO_KEEPALIVE, "SOL_SOCKET, SO_KEEPALIVE")
    }

    pub(crate) fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.set_flag(c::SOL_SOCKET, c::SO_BROADCAST, on, "SOL_SOCKET, SO_BROADCAST")
    }

    pub(crate) fn broadcast(&self) -> io::Result<bool> {
        self.flag(c::SOL_SOCKET, c::SO_BROADCAST, "SOL_SOCKET, SO_BROADCAST")
    }

    pub(crate) fn set_nodelay(&self, on: bool) -> io::Result<()> {
        self.set_flag(c::IPPROTO_TCP, c::TCP_NODELAY, on, "IPPROTO_TCP, TCP_NODELAY")
    }

    pub(crate) fn nodelay(&self) -> io::Result<bool> {
        self.flag(c::IPPROTO_TCP, c::TCP_NODELAY, "IPPROTO_TCP, TCP_NODELAY")
    }

    /// `SO_SNDBUF`; sizes above `i32::MAX` are passed as `i32::MAX`.
    pub(crate) fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        let size = c_int::saturating(size.into());
        self.setsockopt(c::SOL_SOCKET, c::SO_SNDBUF, size, "SOL_SOCKET, SO_SNDBUF")
    }

    pub(crate) fn send_buffer_size(&self) -> io::Result<u32> {
        let size: c_int = self.getsockopt(c::SOL_SOCKET, c::SO_SNDBUF, "SOL_SOCKET, SO_SNDBUF")?;
        Ok(size.to_u32())
    }

    /// `SO_RCVBUF`, as [`set_send_buffer_size`](Socket::set_send_buffer_size).
    pub(crate) fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        let size = c_int::saturating(size.into());
        self.setsockopt(c::SOL_SOCKET, c::SO_RCVBUF, size, "SOL_SOCKET, SO_RCVBUF")
    }

    pub(crate) fn recv_buffer_size(&self) -> io::Result<u32> {
        let size: c_int = self.getsockopt(c::SOL_SOCKET, c::SO_RCVBUF, "SOL_SOCKET, SO_RCVBUF")?;
        Ok(size.to_u32())
    }

    /// `SO_LINGER` in seconds (`SO_LINGER_SEC` on the Apple systems, whose
    /// `SO_LINGER` counts clock ticks): `None` turns it off, `Some(d)`
    /// lingers `d` rounded up to whole seconds and clamped to the field.
    pub(crate) fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        let value = c::linger {
            l_onoff: OptInt::saturating(linger.is_some().into()),
            l_linger: OptInt::saturating(linger.map_or(0, seconds_rounded_up)),
        };
        self.setsockopt(c::SOL_SOCKET, c::SO_LINGER_SECONDS, value, c::SO_LINGER_NAMES)
    }

    pub(crate) fn linger(&self) -> io::Result<Option<Duration>> {
        let value: c::linger =
            self.getsockopt(c::SOL_SOCKET, c::SO_LINGER_SECONDS, c::SO_LINGER_NAMES)?;
        let on = value.l_onoff.to_u32() != 0;
        Ok(on.then(|| Duration::from_secs(value.l_linger.to_u32().into())))
    }
}

/// Options at `IPPROTO_IP` and `IPPROTO_IPV6`.
impl Socket {
    /// `IP_TTL`: 0 to 255 are passed to the kernel (Linux refuses 0 with
    /// `EINVAL`), more is `InvalidInput`.
    pub(crate) fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        let value: c::IpInt = header_byte(ttl, "a TTL")?;
        self.setsockopt(c::IPPROTO_IP, c::IP_TTL, value, "IPPROTO_IP, IP_TTL")
    }

    pub(crate) fn ttl(&self) -> io::Result<u32> {
        let value: c::IpInt = self.getsockopt(c::IPPROTO_IP, c::IP_TTL, "IPPROTO_IP, IP_TTL")?;
        Ok(value.to_u32())
    }

    /// `IP_TOS`: the type-of-service byte, 0 to 255 (more is
    /// `InvalidInput`). Linux keeps a TCP socket's two ECN bits as the
    /// stack sets them, whatever is passed.
    pub(crate) fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        let value: c::IpInt = header_byte(tos, "a type of service")?;
        self.setsockopt(c::IPPROTO_IP, c::IP_TOS, value, "IPPROTO_IP, IP_TOS")
    }

    pub(crate) fn tos_v4(&self) -> io::Result<u32> {
        let value: c::IpInt = self.getsockopt(c::IPPROTO_IP, c::IP_TOS, "IPPROTO_IP, IP_TOS")?;
        Ok(value.to_u32())
    }

    pub(crate) fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        let value: c::McastV4 = header_byte(ttl, "a multicast TTL")?;
        self.setsockopt(c::IPPROTO_IP, c::IP_MULTICAST_TTL, value, "IPPROTO_IP, IP_MULTICAST_TTL")
    }

    pub(crate) fn multicast_ttl_v4(&self) -> io::Result<u32> {
        let names = "IPPROTO_IP, IP_MULTICAST_TTL";
        let value: c::McastV4 = self.getsockopt(c::IPPROTO_IP, c::IP_MULTICAST_TTL, names)?;
        Ok(value.to_u32())
    }

    pub(crate) fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        let value: c::McastV4 = flag(on);
        self.setsockopt(c::IPPROTO_IP, c::IP_MULTICAST_LOOP, value, "IPPROTO_IP, IP_MULTICAST_LOOP")
    }

    pub(crate) fn multicast_loop_v4(&self) -> io::Result<bool> {
        let names = "IPPROTO_IP, IP_MULTICAST_LOOP";
        let value: c::McastV4 = self.getsockopt(c::IPPROTO_IP, c::IP_MULTICAST_LOOP, names)?;
        Ok(value.to_u32() != 0)
    }

    /// Joins `group` on the interface whose local address is `interface`
    /// (`0.0.0.0`: the one the routing table picks).
    pub(crate) fn join_multicast_v4(
        &self,
        group: &Ipv4Addr,
        interface: &Ipv4Addr,
    ) -> io::Result<()> {
        let mreq = c::ip_mreq { imr_multiaddr: in_addr(group), imr_interface: in_addr(interface) };
        self.setsockopt(c::IPPROTO_IP, c::IP_ADD_MEMBERSHIP, mreq, "IPPROTO_IP, IP_ADD_MEMBERSHIP")
    }

    pub(crate) fn leave_multicast_v4(
        &self,
        group: &Ipv4Addr,
        interface: &Ipv4Addr,
    ) -> io::Result<()> {
        let mreq = c::ip_mreq { imr_multiaddr: in_addr(group), imr_interface: in_addr(interface) };
        let names = "IPPROTO_IP, IP_DROP_MEMBERSHIP";
        self.setsockopt(c::IPPROTO_IP, c::IP_DROP_MEMBERSHIP, mreq, names)
    }

    /// `IPV6_V6ONLY`: only meaningful before `bind`.
    pub(crate) fn set_only_v6(&self, on: bool) -> io::Result<()> {
        let value: c::IpInt = flag(on);
        self.setsockopt(c::IPPROTO_IPV6, c::IPV6_V6ONLY, value, "IPPROTO_IPV6, IPV6_V6ONLY")
    }

    pub(crate) fn only_v6(&self) -> io::Result<bool> {
        let names = "IPPROTO_IPV6, IPV6_V6ONLY";
        let value: c::IpInt = self.getsockopt(c::IPPROTO_IPV6, c::IPV6_V6ONLY, names)?;
        Ok(value.to_u32() != 0)
    }

    /// `IPV6_TCLASS`: the traffic class byte, 0 to 255 (more is
    /// `InvalidInput`; the C API's -1, "the default", has no `u32`), where
    /// `build.rs` says tokio offers it.
    #[cfg(groundup_tclass)]
    pub(crate) fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        let value: c::IpInt = header_byte(tclass, "a traffic class")?;
        self.setsockopt(c::IPPROTO_IPV6, c::IPV6_TCLASS, value, "IPPROTO_IPV6, IPV6_TCLASS")
    }

    #[cfg(groundup_tclass)]
    pub(crate) fn tclass_v6(&self) -> io::Result<u32> {
        let names = "IPPROTO_IPV6, IPV6_TCLASS";
        let value: c::IpInt = self.getsockopt(c::IPPROTO_IPV6, c::IPV6_TCLASS, names)?;
        Ok(value.to_u32())
    }

    pub(crate) fn set_multicast_hops_v6(&self, hops_limit: u32) -> io::Result<()> {
        let value: c::IpInt = header_byte(hops_limit, "a hop limit")?;
        let names = "IPPROTO_IPV6, IPV6_MULTICAST_HOPS";
        self.setsockopt(c::IPPROTO_IPV6, c::IPV6_MULTICAST_HOPS, value, names)
    }

    pub(crate) fn multicast_hops_v6(&self) -> io::Result<u32> {
        let names = "IPPROTO_IPV6, IPV6_MULTICAST_HOPS";
        let value: c::IpInt = self.getsockopt(c::IPPROTO_IPV6, c::IPV6_MULTICAST_HOPS, names)?;
        Ok(value.to_u32())
    }

    pub(crate) fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        let value: c::McastLoopV6 = flag(on);
        let names = "IPPROTO_IPV6, IPV6_MULTICAST_LOOP";
        self.setsockopt(c::IPPROTO_IPV6, c::IPV6_MULTICAST_LOOP, value, names)
    }

    pub(crate) fn multicast_loop_v6(&self) -> io::Result<bool> {
        let names = "IPPROTO_IPV6, IPV6_MULTICAST_LOOP";
        let value: c::McastLoopV6 =
            self.getsockopt(c::IPPROTO_IPV6, c::IPV6_MULTICAST_LOOP, names)?;
        Ok(value.to_u32() != 0)
    }

    /// Joins `group` on the interface with index `interface` (0: the one
    /// the routing table picks).
    pub(crate) fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        let mreq = c::ipv6_mreq { ipv6mr_multiaddr: in6_addr(group), ipv6mr_interface: interface };
        let names = "IPPROTO_IPV6, IPV6_JOIN_GROUP";
        self.setsockopt(c::IPPROTO_IPV6, c::IPV6_JOIN_GROUP, mreq, names)
    }

    pub(crate) fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        let mreq = c::ipv6_mreq { ipv6mr_multiaddr: in6_addr(group), ipv6mr_interface: interface };
        let names = "IPPROTO_IPV6, IPV6_LEAVE_GROUP";
        self.setsockopt(c::IPPROTO_IPV6, c::IPV6_LEAVE_GROUP, mreq, names)
    }
}

/// An interface name as `SO_BINDTODEVICE` takes and gives it: a byte
/// string in a buffer of `IFNAMSIZ` bytes, NUL-padded (socket(7)). Bytes,
/// not C's `char`, whose signedness differs between architectures: the
/// kernel copies the name as bytes and compares it as a string.
#[cfg(groundup_bindtodevice)]
#[derive(Clone, Copy)]
#[repr(transparent)]
struct IfName([u8; c::IFNAMSIZ]);

// SAFETY: an array of bytes: every bit pattern is a valid value.
#[cfg(groundup_bindtodevice)]
unsafe impl OptionValue for IfName {}

#[cfg(groundup_bindtodevice)]
impl IfName {
    /// `name` (one trailing NUL allowed) in the buffer, or `InvalidInput`
    /// when it does not fit with its NUL or has a NUL inside: Linux would
    /// cut it at `IFNAMSIZ - 1` bytes, or at the NUL, and bind to the
    /// interface of that other name if there is one.
    fn new(name: &[u8]) -> io::Result<IfName> {
        let name = name.strip_suffix(&[0]).unwrap_or(name);
        let mut buf = [0; c::IFNAMSIZ];
        if name.len() >= buf.len() || name.contains(&0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "an interface name is at most {} bytes, with no NUL inside: {:?} is not",
                    c::IFNAMSIZ - 1,
                    name.escape_ascii().to_string()
                ),
            ));
        }
        buf[..name.len()].copy_from_slice(name);
        Ok(IfName(buf))
    }

    /// The name, up to its NUL; empty when the socket is bound to no
    /// interface (Linux then writes nothing and a length of 0, leaving the
    /// buffer zeroed).
    fn as_bytes(&self) -> &[u8] {
        self.0.split(|&b| b == 0).next().unwrap_or(&[])
    }
}

/// Traced as the name it holds.
#[cfg(groundup_bindtodevice)]
impl fmt::Debug for IfName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.as_bytes().escape_ascii())
    }
}

/// Options only Linux has.
#[cfg(groundup_bindtodevice)]
impl Socket {
    /// `SO_BINDTODEVICE`: the socket sends and receives through the
    /// interface named `interface` only; `None` or an empty name removes
    /// the binding. Changing a binding needs `CAP_NET_RAW` (`EPERM`).
    pub(crate) fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        let name = IfName::new(interface.unwrap_or_default())?;
        let names = "SOL_SOCKET, SO_BINDTODEVICE";
        self.setsockopt(c::SOL_SOCKET, c::SO_BINDTODEVICE, name, names)
    }

    /// The name of the interface the socket is bound to, if any.
    pub(crate) fn device(&self) -> io::Result<Option<Vec<u8>>> {
        let names = "SOL_SOCKET, SO_BINDTODEVICE";
        let name: IfName = self.getsockopt(c::SOL_SOCKET, c::SO_BINDTODEVICE, names)?;
        let name = name.as_bytes();
        Ok((!name.is_empty()).then(|| name.to_vec()))
    }
}
