//! # groundup-ffi: the system interfaces groundup calls, written out by hand
//!
//! This crate is a reference manual you can link against. It declares, and
//! only declares, the C functions, structs and constants that groundup uses to
//! talk to the kernel: no wrappers, no logic, no dependencies (it is `no_std`).
//! Everything that *uses* these declarations lives in the `groundup` crate's
//! `src/sys/`, where each call is checked, counted and traced.
//!
//! Every item carries:
//! - its C prototype or definition, exactly as the system header has it;
//! - the header that declares it and the manual page (or Microsoft docs page)
//!   that specifies it;
//! - its error convention (which return value means failure, and where the
//!   error code is then found).
//!
//! Types are the C types, spelled the C way: `c_int` where C says `int`,
//! `usize` for `size_t`, `isize` for `ssize_t`; on Windows the SDK's own
//! names (`HANDLE`, `BOOL`, `DWORD`, `NTSTATUS`), declared with their exact
//! definitions. Struct layouts are asserted at
//! compile time (`const _: () = assert!(…)`), and `tests/abi.rs` compiles a C
//! file against the real system headers to check every size, field offset and
//! constant value here against what the C compiler sees.
//!
//! ## Modules, one per OS family
//!
//! | module | compiled for | what it declares |
//! |---|---|---|
//! | `unix` | every Unix | POSIX calls shared by all: `close`, `read`, `write`, `ioctl`, `fcntl`, `open`, `isatty` |
//! | `linux` | `groundup_os = "linux"` | epoll(7), eventfd(2) and the Linux values of POSIX constants |
//! | `bsd` | `groundup_os = "bsd"` | kqueue(2), the BSD socket addresses (with their length byte) and the BSD values of POSIX constants, with one file per system where they differ (`struct kevent` has five layouts, `AF_INET6` three values) |
//! | `libkqueue` | `groundup_libkqueue` | kqueue(2) as libkqueue declares it, for the kqueue backend on Linux (beside `linux`, which still gives everything else) |
//! | `windows` | `groundup_os = "windows"` | completion ports (kernel32), `\Device\Afd` polls (ntdll), Winsock (ws2_32) |
//!
//! Which module exists is decided by the workspace's single `build.rs`, which
//! maps the target OS to a family of headers (`groundup_os`) and a backend;
//! this crate never lists operating systems to choose what to compile.
//!
//! ## Why not `libc`?
//!
//! groundup exists to show the whole path from a Rust future down to the
//! kernel. `libc` would hide the most instructive part — what a
//! `struct epoll_event` really looks like and why it is packed on x86_64 only —
//! behind a dependency. Writing the bindings here keeps them small (only what
//! is used), reviewable, and testable against the headers.
#![no_std]
#![allow(non_camel_case_types)] // C names are kept as C spells them.

#[cfg(unix)]
pub mod unix;

#[cfg(groundup_os = "linux")]
pub mod linux;

#[cfg(groundup_libkqueue)]
pub mod libkqueue;

#[cfg(groundup_os = "bsd")]
pub mod bsd;
#[cfg(groundup_os = "windows")]
#[allow(non_snake_case)] // Windows parameter and field names are kept as the SDK spells them.
pub mod windows;

pub use core::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};
