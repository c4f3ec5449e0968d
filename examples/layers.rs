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
//!    the wake are done by the reactor and the executor (which, idle,
//!    waits in the reactor's poll itself).

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
        println!("Async::new() made it non-blocking and registered it with the reactor");
        let mut socket = AsyncSocket(socket);
        let mut buf = [0u8; 16];
        println!("read().await: the task waits; the reactor wakes it when data arrives");
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
#[cfg(groundup_backend = "epoll")]
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
            let (bits, data) = (event.events, event.data); // copies: the struct is packed on x86
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

/// Layer 1 on kqueue (macOS and the BSDs; on Linux, libkqueue's kqueue
/// with `GROUNDUP_BACKEND=kqueue`).
#[cfg(groundup_backend = "kqueue")]
mod raw {
    use std::io;
    use std::os::fd::AsRawFd;

    use super::check;
    #[cfg(groundup_os = "bsd")]
    use groundup::groundup_ffi::{bsd as ffi, bsd as os, unix};
    #[cfg(groundup_libkqueue)]
    use groundup::groundup_ffi::{libkqueue as ffi, linux as os, unix};

    pub fn wait_and_read() -> io::Result<()> {
        let (socket, peer) = super::pair_with_delayed_hi()?;
        let fd = socket.as_raw_fd();

        // SAFETY: kqueue takes no arguments.
        let rc = unsafe { ffi::kqueue() };
        let kq = check("kqueue()", rc as isize)? as i32;

        let on: core::ffi::c_int = 1;
        // SAFETY: FIONBIO reads one int through the pointer, alive for the call.
        let rc = unsafe { unix::ioctl(fd, os::FIONBIO, &raw const on) };
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

/// Layer 1 on Windows: a completion port and one AFD poll, by hand (what
/// `src/sys/iocp/` does for every socket; its `mod.rs` explains why).
#[cfg(windows)]
mod raw {
    use std::io;
    use std::os::windows::io::AsRawSocket;
    use std::ptr::null_mut;

    use groundup::groundup_ffi::windows as ffi;

    fn report(what: &str, ok: bool, value: impl std::fmt::Debug) -> io::Result<()> {
        if ok {
            println!("{what} = {value:?}");
            Ok(())
        } else {
            let e = io::Error::last_os_error();
            println!("{what} failed ({e})");
            Err(e)
        }
    }

    pub fn wait_and_read() -> io::Result<()> {
        let (socket, peer) = super::pair_with_delayed_hi()?;
        let sock = socket.as_raw_socket() as ffi::SOCKET;

        // The completion port: the "epoll instance".
        // SAFETY: no handle is associated yet (INVALID_HANDLE_VALUE asks for
        // a new port); no pointers are passed.
        let port =
            unsafe { ffi::CreateIoCompletionPort(ffi::INVALID_HANDLE_VALUE, null_mut(), 0, 0) };
        report("CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0)", !port.is_null(), port)?;

        // A helper handle on the AFD driver, associated with the port.
        let mut name: Vec<u16> = "\\Device\\Afd\\groundup-layers".encode_utf16().collect();
        let bytes = (name.len() * 2) as u16;
        let mut unicode =
            ffi::UNICODE_STRING { Length: bytes, MaximumLength: bytes, Buffer: name.as_mut_ptr() };
        let mut attributes = ffi::OBJECT_ATTRIBUTES {
            Length: size_of::<ffi::OBJECT_ATTRIBUTES>() as ffi::ULONG,
            RootDirectory: null_mut(),
            ObjectName: &raw mut unicode,
            Attributes: 0,
            SecurityDescriptor: null_mut(),
            SecurityQualityOfService: null_mut(),
        };
        let mut afd: ffi::HANDLE = null_mut();
        let mut iosb = ffi::IO_STATUS_BLOCK { Status: 0, Information: 0 };
        let (share, open) = (ffi::FILE_SHARE_READ | ffi::FILE_SHARE_WRITE, ffi::FILE_OPEN);
        // SAFETY: every pointer refers to a live local of the right type for
        // the call; the name buffer outlives it.
        let status = unsafe {
            ffi::NtCreateFile(
                &raw mut afd,
                ffi::SYNCHRONIZE,
                &raw mut attributes,
                &raw mut iosb,
                null_mut(),
                0,
                share,
                open,
                0,
                null_mut(),
                0,
            )
        };
        report("NtCreateFile(\\Device\\Afd\\groundup-layers)", status >= 0, afd)?;
        // SAFETY: `afd` and `port` are open handles owned here.
        let associated = unsafe { ffi::CreateIoCompletionPort(afd, port, 0, 0) };
        report("CreateIoCompletionPort(afd, port)", !associated.is_null(), associated)?;

        // The socket's base handle, which AFD polls must name.
        let mut base: ffi::SOCKET = ffi::INVALID_SOCKET;
        let mut returned: ffi::DWORD = 0;
        let out = (&raw mut base).cast();
        let out_len = size_of::<ffi::SOCKET>() as ffi::DWORD;
        // SAFETY: `out` points to a SOCKET-sized local the call writes;
        // `returned` is a live DWORD; no overlapped I/O.
        let rc = unsafe {
            ffi::WSAIoctl(
                sock,
                ffi::SIO_BASE_HANDLE,
                null_mut(),
                0,
                out,
                out_len,
                &raw mut returned,
                null_mut(),
                None,
            )
        };
        report(&format!("WSAIoctl({sock}, SIO_BASE_HANDLE)"), rc == 0, base)?;

        // The poll: completes when the socket is readable.
        let mut poll = ffi::AFD_POLL_INFO {
            Timeout: i64::MAX,
            NumberOfHandles: 1,
            Exclusive: 0,
            Handles: [ffi::AFD_POLL_HANDLE_INFO {
                Handle: base as ffi::HANDLE,
                Events: ffi::AFD_POLL_RECEIVE | ffi::AFD_POLL_DISCONNECT | ffi::AFD_POLL_ABORT,
                Status: 0,
            }],
        };
        let mut poll_iosb = ffi::IO_STATUS_BLOCK { Status: 0, Information: 0 };
        let info = (&raw mut poll).cast();
        let len = size_of::<ffi::AFD_POLL_INFO>() as ffi::ULONG;
        // SAFETY: `poll` and `poll_iosb` stay alive and unmoved until the
        // completion is dequeued below: the kernel writes both then.
        let status = unsafe {
            ffi::NtDeviceIoControlFile(
                afd,
                null_mut(),
                None,
                (&raw mut poll_iosb).cast(),
                &raw mut poll_iosb,
                ffi::IOCTL_AFD_POLL,
                info,
                len,
                info,
                len,
            )
        };
        println!(
            "NtDeviceIoControlFile(afd, IOCTL_AFD_POLL, RECEIVE|DISCONNECT|ABORT) = {status:#x} (STATUS_PENDING = {:#x})",
            ffi::STATUS_PENDING
        );

        println!("GetQueuedCompletionStatusEx(port, _, 1, INFINITE): waiting…");
        let mut entries = [ffi::OVERLAPPED_ENTRY {
            lpCompletionKey: 0,
            lpOverlapped: null_mut(),
            Internal: 0,
            dwNumberOfBytesTransferred: 0,
        }];
        let mut removed: ffi::ULONG = 0;
        // SAFETY: `entries` has room for the one entry asked for; `removed`
        // is a live ULONG.
        let ok = unsafe {
            ffi::GetQueuedCompletionStatusEx(
                port,
                entries.as_mut_ptr(),
                1,
                &raw mut removed,
                ffi::INFINITE,
                0,
            )
        };
        report("GetQueuedCompletionStatusEx", ok != 0, removed)?;
        println!(
            "the poll reports events {:#x} (AFD_POLL_RECEIVE = {:#x})",
            poll.Handles[0].Events,
            ffi::AFD_POLL_RECEIVE
        );

        let mut buf = [0u8; 16];
        // SAFETY: `buf` is 16 writable bytes for the call.
        let got = unsafe { ffi::recv(sock, buf.as_mut_ptr().cast(), buf.len() as i32, 0) };
        report(&format!("recv({sock}, _, 16)"), got != ffi::SOCKET_ERROR, got)?;
        println!("read {got} bytes: {:?}", String::from_utf8_lossy(&buf[..got as usize]));

        // SAFETY: the AFD handle is ours and closed once, here; the poll has
        // completed, so the kernel no longer uses `poll` or `poll_iosb`.
        let closed = unsafe { ffi::CloseHandle(afd) };
        report("CloseHandle(afd)", closed != 0, ())?;
        // SAFETY: the port is ours, closed once, after the handle on it.
        let closed = unsafe { ffi::CloseHandle(port) };
        report("CloseHandle(port)", closed != 0, ())?;
        drop(socket);
        peer.join().expect("peer thread panicked")
    }
}
