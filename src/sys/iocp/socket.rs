//! The two things the backend asks of a socket itself: its base handle,
//! and non-blocking mode.

use std::io;
use std::ptr;

use groundup_ffi::windows as ffi;

use super::syscall::{self, Syscall};

static WSA_IOCTL: Syscall = Syscall::new("WSAIoctl");
static IOCTLSOCKET: Syscall = Syscall::new("ioctlsocket");

/// The socket's base service provider handle: the AFD endpoint an AFD poll
/// must name.
///
/// A layered service provider (LSP) may wrap sockets in handles of its own,
/// which AFD does not know. `SIO_BASE_HANDLE` sees through them and LSPs are
/// not supposed to intercept it, but some did; then, as wepoll and mio do,
/// try the `SIO_BSP_HANDLE*` requests a layered provider must answer, and
/// trust an answer only if it differs from the handle we started with.
pub(super) fn base_socket(socket: ffi::SOCKET) -> io::Result<ffi::SOCKET> {
    let error = match ioctl_handle(socket, ffi::SIO_BASE_HANDLE, "SIO_BASE_HANDLE") {
        Ok(base) => return Ok(base),
        Err(e) => e,
    };
    let fallbacks = [
        (ffi::SIO_BSP_HANDLE_SELECT, "SIO_BSP_HANDLE_SELECT"),
        (ffi::SIO_BSP_HANDLE_POLL, "SIO_BSP_HANDLE_POLL"),
        (ffi::SIO_BSP_HANDLE, "SIO_BSP_HANDLE"),
    ];
    for (code, name) in fallbacks {
        match ioctl_handle(socket, code, name) {
            Ok(base) if base != socket => return Ok(base),
            _ => {}
        }
    }
    Err(error)
}

/// One `WSAIoctl` whose output is a handle.
fn ioctl_handle(socket: ffi::SOCKET, code: ffi::DWORD, name: &str) -> io::Result<ffi::SOCKET> {
    let mut base: ffi::SOCKET = ffi::INVALID_SOCKET;
    let mut written: ffi::DWORD = 0;
    let len = size_of::<ffi::SOCKET>() as ffi::DWORD;
    syscall::socket_error(
        &WSA_IOCTL,
        format_args!("{socket:#x}, {name}, NULL, 0, _, {len}, _, NULL, NULL"),
        || {
            // SAFETY: the output buffer is `base`, a live SOCKET of `len`
            // bytes, and `written` a live DWORD; no input buffer, no
            // overlapped and no routine are passed, so the call is
            // synchronous and keeps no pointer. A bad `socket` is an error
            // (WSAENOTSOCK), not undefined behaviour.
            unsafe {
                ffi::WSAIoctl(
                    socket,
                    code,
                    ptr::null_mut(),
                    0,
                    (&raw mut base).cast(),
                    len,
                    &raw mut written,
                    ptr::null_mut(),
                    None,
                )
            }
        },
    )?;
    Ok(base)
}

/// Makes the socket non-blocking (`ioctlsocket(FIONBIO)`).
pub(crate) fn set_nonblocking(socket: std::os::windows::io::RawSocket) -> io::Result<()> {
    let socket = socket as ffi::SOCKET;
    let mut on: ffi::u_long = 1;
    syscall::socket_error(&IOCTLSOCKET, format_args!("{socket:#x}, FIONBIO, [1]"), || {
        // SAFETY: FIONBIO reads one u_long through `argp`, and `on` is a live
        // u_long for the call. A bad socket is an error, not UB.
        unsafe { ffi::ioctlsocket(socket, ffi::FIONBIO, &raw mut on) }
    })
    .map(drop)
}
