//! Turning what the caller wrote (`"localhost:80"`, `(ip, port)`, a
//! `SocketAddr`) into socket addresses, without blocking the runtime.
//!
//! std's `ToSocketAddrs` resolves host names with `getaddrinfo`, which blocks
//! for as long as DNS takes. groundup's trait accepts exactly the same
//! argument types, answers at once for anything that is already an address,
//! and sends a real host name to the blocking pool (`spawn_blocking`), as
//! tokio does, awaiting its answer. [`lookup_host`] is the same resolution,
//! public.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Anything `std::net::ToSocketAddrs` accepts: `SocketAddr` and its V4/V6
/// forms, `(IpAddr, u16)` and friends, `"host:port"` as `&str` or `String`,
/// `(&str, u16)`, `(String, u16)`, and `&[SocketAddr]`.
///
/// Host names are resolved on the blocking pool, off the runtime's thread.
pub trait ToSocketAddrs: sealed::Sealed {}

mod sealed {
    /// What an argument needs before it is a list of addresses.
    pub trait Sealed {
        #[doc(hidden)]
        fn resolution(&self) -> super::Resolution;
    }
}

/// Either the addresses already, or a host name and port to look up.
#[doc(hidden)]
#[derive(Debug)]
pub enum Resolution {
    Ready(io::Result<Vec<SocketAddr>>),
    Lookup(String, u16),
}

macro_rules! ready_addr {
    ($($ty:ty),*) => {$(
        impl ToSocketAddrs for $ty {}
        impl sealed::Sealed for $ty {
            fn resolution(&self) -> Resolution {
                Resolution::Ready(Ok(vec![SocketAddr::from(*self)]))
            }
        }
    )*};
}

ready_addr!(
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16)
);

fn host_and_port(host: &str, port: u16) -> Resolution {
    match host.parse::<IpAddr>() {
        Ok(ip) => Resolution::Ready(Ok(vec![SocketAddr::new(ip, port)])),
        // A bracket belongs to an IPv6 literal, never to a host name: one
        // that did not parse above is a typo (`"[::1:80"`), refused here
        // rather than sent to the resolver (std sends it).
        Err(_) if host.contains(['[', ']']) => Resolution::Ready(Err(invalid_address())),
        Err(_) => Resolution::Lookup(host.to_string(), port),
    }
}

fn invalid_address() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "invalid socket address")
}

fn host_colon_port(text: &str) -> Resolution {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Resolution::Ready(Ok(vec![addr]));
    }
    let Some((host, port)) = text.rsplit_once(':') else {
        return Resolution::Ready(Err(invalid_address()));
    };
    match port.parse::<u16>() {
        Ok(port) => host_and_port(host, port),
        Err(_) => Resolution::Ready(Err(invalid_address())),
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl sealed::Sealed for (&str, u16) {
    fn resolution(&self) -> Resolution {
        host_and_port(self.0, self.1)
    }
}

impl ToSocketAddrs for (String, u16) {}
impl sealed::Sealed for (String, u16) {
    fn resolution(&self) -> Resolution {
        host_and_port(&self.0, self.1)
    }
}

impl ToSocketAddrs for str {}
impl sealed::Sealed for str {
    fn resolution(&self) -> Resolution {
        host_colon_port(self)
    }
}

impl ToSocketAddrs for String {}
impl sealed::Sealed for String {
    fn resolution(&self) -> Resolution {
        host_colon_port(self)
    }
}

impl ToSocketAddrs for [SocketAddr] {}
impl sealed::Sealed for [SocketAddr] {
    fn resolution(&self) -> Resolution {
        Resolution::Ready(Ok(self.to_vec()))
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: sealed::Sealed + ?Sized> sealed::Sealed for &T {
    fn resolution(&self) -> Resolution {
        (**self).resolution()
    }
}

/// The addresses `addr` stands for, in the order the resolver gave them.
///
/// # Errors
///
/// `InvalidInput` for text that is not `host:port`; the resolver's error
/// for a name that does not resolve; an error if the name resolves to no
/// address at all.
pub(crate) async fn resolve(addr: impl ToSocketAddrs) -> io::Result<Vec<SocketAddr>> {
    let addrs = match sealed::Sealed::resolution(&addr) {
        Resolution::Ready(addrs) => addrs?,
        Resolution::Lookup(host, port) => lookup(host, port).await?,
    };
    if addrs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any addresses",
        ));
    }
    Ok(addrs)
}

/// Runs `getaddrinfo` (through std) on the blocking pool and awaits the
/// answer.
async fn lookup(host: String, port: u16) -> io::Result<Vec<SocketAddr>> {
    let resolve = move || {
        std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port)).map(Vec::from_iter)
    };
    crate::task::spawn_blocking(resolve).await?
}

/// Resolves `host` to the socket addresses it stands for, as
/// [`TcpStream::connect`](crate::net::TcpStream::connect) would: at once
/// for an address, on the blocking pool for a host name. tokio's
/// `net::lookup_host`.
///
/// # Errors
///
/// As `connect`'s resolution: `InvalidInput` for text that is not
/// `host:port`, the resolver's error for a name that does not resolve, and
/// an error for a name with no address.
///
/// # Panics
///
/// For a host name outside a runtime (it needs the runtime's blocking
/// pool), as in tokio.
///
/// ```
/// # groundup::block_on(async {
/// let addrs: Vec<_> = groundup::net::lookup_host("127.0.0.1:8080").await.unwrap().collect();
/// assert_eq!(addrs, ["127.0.0.1:8080".parse().unwrap()]);
/// // `localhost` comes from the hosts file; no packet leaves the machine.
/// let local = groundup::net::lookup_host(("localhost", 80)).await.unwrap();
/// assert!(local.into_iter().all(|addr| addr.ip().is_loopback()));
/// # });
/// ```
pub async fn lookup_host(host: impl ToSocketAddrs) -> io::Result<impl Iterator<Item = SocketAddr>> {
    Ok(resolve(host).await?.into_iter())
}

/// Tries `attempt` on each address in turn; returns the first success, or
/// the last error.
pub(crate) async fn each_addr<T, F, Fut>(addrs: Vec<SocketAddr>, mut attempt: F) -> io::Result<T>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: std::future::Future<Output = io::Result<T>>,
{
    let mut last = None;
    for addr in addrs {
        match attempt(addr).await {
            Ok(value) => return Ok(value),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no addresses to try")))
}
