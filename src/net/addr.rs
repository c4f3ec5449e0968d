//! Turning what the caller wrote (`"localhost:80"`, `(ip, port)`, a
//! `SocketAddr`) into socket addresses, without blocking the runtime.
//!
//! std's `ToSocketAddrs` resolves host names with `getaddrinfo`, which blocks
//! for as long as DNS takes. groundup's trait accepts exactly the same
//! argument types, answers at once for anything that is already an address,
//! and sends a real host name to a short-lived thread, awaiting its answer.

use std::future::poll_fn;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;

/// Anything `std::net::ToSocketAddrs` accepts: `SocketAddr` and its V4/V6
/// forms, `(IpAddr, u16)` and friends, `"host:port"` as `&str` or `String`,
/// `(&str, u16)`, `(String, u16)`, and `&[SocketAddr]`.
///
/// Host names are resolved off the runtime's thread.
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
        Err(_) => Resolution::Lookup(host.to_string(), port),
    }
}

fn host_colon_port(text: &str) -> Resolution {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Resolution::Ready(Ok(vec![addr]));
    }
    let invalid = || io::Error::new(io::ErrorKind::InvalidInput, "invalid socket address");
    let Some((host, port)) = text.rsplit_once(':') else {
        return Resolution::Ready(Err(invalid()));
    };
    match port.parse::<u16>() {
        Ok(port) => host_and_port(host, port),
        Err(_) => Resolution::Ready(Err(invalid())),
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

/// The answer slot shared with the resolver thread.
#[derive(Default)]
struct Slot {
    answer: Option<io::Result<Vec<SocketAddr>>>,
    waker: Option<Waker>,
}

/// Runs `getaddrinfo` (through std) on a new thread and awaits the answer.
async fn lookup(host: String, port: u16) -> io::Result<Vec<SocketAddr>> {
    let slot = Arc::new(Mutex::new(Slot::default()));
    let thread_slot = Arc::clone(&slot);
    thread::Builder::new().name("groundup-resolve".into()).spawn(move || {
        let answer =
            std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port)).map(Iterator::collect);
        let waker = {
            let mut slot = thread_slot.lock().unwrap_or_else(|e| e.into_inner());
            slot.answer = Some(answer);
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    })?;
    poll_fn(|cx| {
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        match slot.answer.take() {
            Some(answer) => Poll::Ready(answer),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    })
    .await
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
