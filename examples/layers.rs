//! One small job done three times, once at each layer of groundup, printing
//! what happens at each step: **wait until a socket has data, then read
//! it**. Another thread sends `"hi"` a few milliseconds after we start
//! waiting.
//!
//! ```text
//! cargo run --example layers
//! GROUNDUP_TRACE=1 cargo run --example layers    # and every system call, layer 2 and 3
//! ```
//!
//! 1. **Raw FFI** — the kernel's own interface through `groundup-ffi`
//!    declarations, every call an `unsafe` block: create the event queue,
//!    register the socket, wait, read, close. What each backend file in
//!    `src/sys/` does, with nothing in between.
//! 2. **The `Poll` layer** (`groundup::poll`) — the same steps through a
//!    portable, safe API: no `unsafe`, no descriptor numbers, errors as
//!    `io::Result`, and the same code on every OS.
//! 3. **The runtime** — one `read().await`. The registration, the wait and
//!    the wake are done by the reactor thread and the executor.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// A connected pair of loopback sockets; the peer writes "hi" after a
/// short pause, from its own thread.
fn pair_with_delayed_hi() -> io::Result<(TcpStream, thread::JoinHandle<io::Result<()>>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let ours = TcpStream::connect(listener.local_addr()?)?;
    let (mut theirs, _) = listener.accept()?;
    let peer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        theirs.write_all(b"hi")
    });
    Ok((ours, peer))
}

fn main() -> io::Result<()> {
    println!("== 1. raw system calls ==");
    raw::wait_and_read()?;
    println!("\n== 2. the Poll layer ==");
    with_poll()?;
    println!("\n== 3. the runtime ==");
    with_runtime()?;
    Ok(())
}

/// Layer 2: `Poll`, `Registry`, `Events`, `IoSource`.
fn with_poll() -> io::Result<()> {
    use groundup::poll::{Events, Interest, IoSource, Poll, Token};

    let (socket, peer) = pair_with_delayed_hi()?;
    let mut poll = Poll::new()?;
    println!("Poll::new() made the kernel queue");
    let mut socket = IoSource::new(socket)?;
    println!("IoSource::new() made the socket non-blocking");
    poll.registry().register(&mut socket, Token(1), Interest::READABLE)?;
    println!("registered the socket as Token(1), READABLE, edge-triggered");

    let mut events = Events::with_capacity(8);
    let mut buf = [0u8; 16];
    loop {
        println!("poll(None): waiting…");
        poll.poll(&mut events, None)?;
        for event in events.iter() {
            println!("event: {:?} readable={}", event.token(), event.is_readable());
        }
        // Edge-triggered: read until WouldBlock.
        match socket.read(&mut buf) {
            Ok(n) => {
                println!("read {n} bytes: {:?}", String::from_utf8_lossy(&buf[..n]));
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => println!("WouldBlock: wait again"),
            Err(e) => return Err(e),
        }
    }
    poll.registry().deregister(&mut socket)?;
    println!("deregistered; dropping Poll and IoSource closes both");
    peer.join().expect("peer thread panicked")
}

/// Layer 3: the runtime.
fn with_runtime() -> io::Result<()> {
    use groundup::io::AsyncReadExt;

    let (socket, peer) = pair_with_delayed_hi()?;
    groundup::block_on(async move {
        let socket = groundup::io::Async::new(socket)?;
        println!("Async::new() made it non-blocking and registered it with the reactor thread");
        let mut socket = AsyncSocket(socket);
        let mut buf = [0u8; 16];
        println!("read().await: the task parks; the reactor wakes it when data arrives");
        let n = socket.read(&mut buf).await?;
        println!("read {n} bytes: {:?}", String::from_utf8_lossy(&buf[..n]));
        io::Result::Ok(())
    })?;
    peer.join().expect("peer thread panicked")
}

/// `Async<TcpStream>` as an `AsyncRead`, for `read().await`.
struct AsyncSocket(groundup::io::Async<TcpStream>);

impl groundup::io::AsyncRead for AsyncSocket {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> std::task::Poll<io::Result<usize>> {
        self.0.poll_read_with(cx, &mut |s: &TcpStream| (&*s).read(buf))
    }
}

/// Prints a raw call's result and turns C's "-1 and errno" into an
/// `io::Result` (what `src/sys/syscall.rs` does for all of groundup).
#[cfg(unix)]
fn check(what: &str, ret: isize) -> io::Result<isize> {
    if ret == -1 {
        let e = io::Error::last_os_error();
        println!("{what} = -1 ({e})");
        return Err(e);
    }
    println!("{what} = {ret}");
    Ok(ret)
}

/// Layer 1 on epoll (Linux).
#[cfg(target_os = "linux")]
mod raw {
    use std::io;
    use std::os::fd::AsRawFd;

    use super::check;
    use groundup::groundup_ffi::{linux as ffi, unix};

    pub fn wait_and_read() -> io::Result<()> {
        let (socket, peer) = super::pair_with_delayed_hi()?;
        let fd = socket.as_raw_fd();

        // SAFETY: epoll_create1 takes no pointers.
        let ep =
            check(
                "epoll_create1(EPOLL_CLOEXEC)",
                unsafe { ffi::epoll_create1(ffi::EPOLL_CLOEXEC) } as isize,
            )? as i32;

        let on: core::ffi::c_int = 1;
        // SAFETY: FIONBIO reads one int through the pointer, which points
        // to `on`, alive for the call.
        let rc = unsafe { unix::ioctl(fd, ffi::FIONBIO, &raw const on) };
        check(&format!("ioctl({fd}, FIONBIO, [1])"), rc as isize)?;

        let mut interest = ffi::epoll_event { events: ffi::EPOLLIN | ffi::EPOLLET, data: 1 };
        // SAFETY: `interest` is a live epoll_event for the call; `ep` and
        // `fd` are open descriptors.
        let rc = unsafe { ffi::epoll_ctl(ep, ffi::EPOLL_CTL_ADD, fd, &raw mut interest) };
        let what = format!("epoll_ctl({ep}, EPOLL_CTL_ADD, {fd}, {{EPOLLIN|EPOLLET, data=1}})");
        check(&what, rc as isize)?;

        let mut events = [ffi::epoll_event { events: 0, data: 0 }; 8];
        println!("epoll_wait({ep}, _, 8, -1): waiting…");
        // SAFETY: `events` has room for the 8 entries the kernel may write.
        let rc = unsafe { ffi::epoll_wait(ep, events.as_mut_ptr(), 8, -1) };
        let n = check("epoll_wait", rc as isize)?;
        for event in &events[..n as usize] {
            let (bits, data) = (event.events, event.data); // copies: the struct is packed on x86_64
            println!("event: data={data} events={bits:#x} (EPOLLIN={:#x})", ffi::EPOLLIN);
        }

        let mut buf = [0u8; 16];
        // SAFETY: `buf` is 16 writable bytes for the call.
        let rc = unsafe { unix::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        let got = check(&format!("read({fd}, _, 16)"), rc)?;
        println!("read {got} bytes: {:?}", String::from_utf8_lossy(&buf[..got as usize]));

        // SAFETY: `ep` is ours and closed once, here.
        let rc = unsafe { unix::close(ep) };
        check(&format!("close({ep})"), rc as isize)?;
        drop(socket); // std closes the socket
        peer.join().expect("peer thread panicked")
    }
}

/// Layer 1 on kqueue (macOS and the BSDs).
#[cfg(all(unix, not(target_os = "linux")))]
mod raw {
    use std::io;
    use std::os::fd::AsRawFd;

    use super::check;
    use groundup::groundup_ffi::{bsd as ffi, unix};

    pub fn wait_and_read() -> io::Result<()> {
        let (socket, peer) = super::pair_with_delayed_hi()?;
        let fd = socket.as_raw_fd();

        // SAFETY: kqueue takes no arguments.
        let rc = unsafe { ffi::kqueue() };
        let kq = check("kqueue()", rc as isize)? as i32;

        let on: core::ffi::c_int = 1;
        // SAFETY: FIONBIO reads one int through the pointer, alive for the call.
        let rc = unsafe { unix::ioctl(fd, ffi::FIONBIO, &raw const on) };
        check(&format!("ioctl({fd}, FIONBIO, [1])"), rc as isize)?;

        // SAFETY: `kevent` is plain old data; all zeroes is a valid value.
        let mut change: ffi::kevent = unsafe { std::mem::zeroed() };
        change.ident = fd as _;
        change.filter = ffi::EVFILT_READ as _;
        change.flags = (ffi::EV_ADD | ffi::EV_CLEAR) as _;
        change.udata = std::ptr::without_provenance_mut(1);
        let (none, no_timeout) = (std::ptr::null_mut(), std::ptr::null());
        // SAFETY: one change from a live kevent, no event buffer, and a null
        // timeout that is never used (nevents is 0).
        let rc = unsafe { ffi::kevent(kq, &raw const change, 1 as _, none, 0 as _, no_timeout) };
        check(&format!("kevent({kq}, [EVFILT_READ {fd} EV_ADD|EV_CLEAR], 1, _, 0)"), rc as isize)?;

        // SAFETY: as above, zeroes are a valid kevent.
        let mut events: [ffi::kevent; 8] = unsafe { std::mem::zeroed() };
        println!("kevent({kq}, _, 0, _, 8, NULL): waiting…");
        let buffer = events.as_mut_ptr();
        // SAFETY: `events` has room for the 8 entries the kernel may write;
        // a null timeout waits without limit.
        let rc = unsafe { ffi::kevent(kq, std::ptr::null(), 0 as _, buffer, 8 as _, no_timeout) };
        let n = check("kevent", rc as isize)?;
        for event in &events[..n as usize] {
            println!("event: ident={} filter={} data={}", event.ident, event.filter, event.data);
        }

        let mut buf = [0u8; 16];
        // SAFETY: `buf` is 16 writable bytes for the call.
        let rc = unsafe { unix::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        let got = check(&format!("read({fd}, _, 16)"), rc)?;
        println!("read {got} bytes: {:?}", String::from_utf8_lossy(&buf[..got as usize]));

        // SAFETY: `kq` is ours and closed once, here.
        let rc = unsafe { unix::close(kq) };
        check(&format!("close({kq})"), rc as isize)?;
        drop(socket);
        peer.join().expect("peer thread panicked")
    }
}
