//! Windows: I/O completion ports (kernel32), the NT calls that open and poll
//! the AFD driver (ntdll), and the Winsock calls groundup needs (ws2_32).
//!
//! ## Readiness on Windows in one paragraph
//!
//! Windows has no epoll. Its scalable event interface is the *I/O completion
//! port*: you start an operation, and when the kernel finishes it, a
//! completion packet is queued on the port, which
//! `GetQueuedCompletionStatusEx` dequeues. That reports *completion*, not
//! *readiness*. The bridge is the Ancillary Function Driver (AFD, the kernel
//! half of Winsock): its `IOCTL_AFD_POLL` request is an operation that
//! "completes when one of these sockets is ready", exactly what `WSAPoll`
//! uses internally. Sent overlapped on a handle to `\Device\Afd` that is
//! associated with a completion port, each poll becomes one completion packet
//! when its socket becomes ready. groundup's IOCP backend
//! (`src/sys/iocp/`) is built on that.
//!
//! ## Documented and undocumented
//!
//! Everything from kernel32 and ws2_32 is documented by Microsoft and
//! declared in the Windows SDK and the mingw-w64 headers, against which
//! `tests/abi.rs` checks it. `NtCreateFile`, `NtDeviceIoControlFile` and
//! `RtlNtStatusToDosError` are documented too (winternl.h); `NtCancelIoFileEx`
//! is documented in the WDK (ntifs.h) but missing from mingw-w64. The AFD
//! poll interface — `IOCTL_AFD_POLL`, `AFD_POLL_INFO`, the `AFD_POLL_*` bits —
//! is **not documented by Microsoft**. Its layout is known from three
//! independent sources that agree: wepoll's
//! [`src/afd.h`](https://github.com/piscisaureus/wepoll/blob/master/src/afd.h)
//! (the basis of libuv's, mio's and polling's Windows backends), ReactOS's
//! re-implementation of the driver
//! (`sdk/include/reactos/drivers/afd/shared.h`, `AFD_POLL_INFO` and the
//! `AFD_EVENT_*` bits), and Wine's (`include/wine/afd.h`, `struct
//! afd_poll_params` and `AFD_POLL_*`), under which groundup's Windows tests
//! run. No header can check it, so its sizes are asserted here only.
//!
//! ## Types
//!
//! The Windows type names are kept, with their exact definitions from
//! [Windows Data Types](https://learn.microsoft.com/en-us/windows/win32/winprog/windows-data-types):
//! Windows is LLP64, so `LONG`/`ULONG`/`DWORD` are 32 bits while pointers,
//! `ULONG_PTR` and `SOCKET` are 64. `BOOL` is an `int` (not a Rust `bool`:
//! only 0 means false), `NTSTATUS` a signed 32-bit code whose sign bit means
//! error, `HANDLE` an untyped pointer.
//!
//! ## Error conventions
//!
//! Four families, each with its function in groundup's
//! `src/sys/syscall.rs` (ws2_32 has two return types, and `WSAStartup` a
//! convention of its own, so six functions in all):
//!
//! - kernel32 `BOOL` functions: 0 means failure, reason in `GetLastError()`.
//! - kernel32 functions returning a `HANDLE`: `NULL` means failure, reason in
//!   `GetLastError()` (some others, such as `CreateFileW`, use
//!   `INVALID_HANDLE_VALUE` instead; groundup calls none of those).
//! - ntdll: the `NTSTATUS` is the result. Negative values are errors,
//!   translated to a Win32 error code by `RtlNtStatusToDosError`;
//!   `STATUS_PENDING` means an overlapped operation was started.
//! - ws2_32: `SOCKET_ERROR` (-1) or `INVALID_SOCKET` means failure, reason in
//!   `WSAGetLastError()`. The one exception is `WSAStartup`, which returns
//!   its error code (0 for success), as Winsock may not be loaded to keep a
//!   last error.

use core::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};

// ---------------------------------------------------------------------------
// Basic types
// ---------------------------------------------------------------------------

/// `typedef void *HANDLE;` — `<winnt.h>`. A reference to a kernel object
/// (file, port, process…), opaque to user code.
pub type HANDLE = *mut c_void;
/// `typedef int BOOL;` — `<minwindef.h>`. 0 is false, anything else true.
pub type BOOL = c_int;
/// `typedef unsigned char BOOLEAN;` — `<winnt.h>`. The NT flavour of a
/// boolean: one byte, 0 or 1.
pub type BOOLEAN = u8;
/// `typedef unsigned char UCHAR;` — `<minwindef.h>`.
pub type UCHAR = u8;
/// `typedef unsigned short USHORT;` — `<minwindef.h>`.
pub type USHORT = u16;
/// `typedef wchar_t WCHAR;` — `<winnt.h>`. A UTF-16 code unit (`wchar_t` is
/// 16 bits on Windows).
pub type WCHAR = u16;
/// `typedef unsigned long ULONG;` — `<minwindef.h>`. 32 bits (LLP64).
pub type ULONG = c_ulong;
/// `typedef unsigned long DWORD;` — `<minwindef.h>`. 32 bits (LLP64).
pub type DWORD = c_ulong;
/// `typedef unsigned __int64 ULONG_PTR;` — `<basetsd.h>` (on 64-bit
/// Windows). An unsigned integer as wide as a pointer.
pub type ULONG_PTR = usize;
/// `typedef LONG NTSTATUS;` — `<ntdef.h>`. An NT status code: bits 31–30
/// are the severity (`11` error, `10` warning, `01` informational, `00`
/// success), so negative means error.
pub type NTSTATUS = i32;
/// `typedef ULONG ACCESS_MASK;` — `<winnt.h>`. Requested access rights.
pub type ACCESS_MASK = ULONG;
/// `typedef union _LARGE_INTEGER { …; LONGLONG QuadPart; } LARGE_INTEGER;` —
/// `<winnt.h>`. A signed 64-bit integer, declared in C as a union so 32-bit
/// compilers can reach its halves; groundup only uses the whole
/// (`QuadPart`), so it is declared as the integer it always is in memory.
pub type LARGE_INTEGER = i64;
/// `typedef UINT_PTR SOCKET;` — `<winsock2.h>`. A socket is a kernel handle
/// (an AFD endpoint) typed as an unsigned pointer-sized integer.
pub type SOCKET = usize;
/// `typedef unsigned long u_long;` — `<winsock2.h>`. What `ioctlsocket`
/// reads and writes.
pub type u_long = c_ulong;
/// `typedef unsigned short u_short;` — `<winsock2.h>`.
pub type u_short = u16;
/// `typedef unsigned short WORD;` — `<minwindef.h>`. What `WSAStartup` takes
/// its version in.
pub type WORD = u16;
/// `typedef unsigned int GROUP;` — `<winsock2.h>`. A socket group; groups
/// were never implemented, and 0 means none.
pub type GROUP = c_uint;
/// `typedef WSAPROTOCOL_INFOW *LPWSAPROTOCOL_INFOW;` — `<winsock2.h>`. A
/// pointer to a protocol description `WSASocketW` may take instead of
/// `af`/`type`/`protocol`. groundup always passes null, so the structure
/// itself (628 bytes of provider details) is not declared: the pointer is
/// an untyped one, of the same size and with the same C name.
pub type LPWSAPROTOCOL_INFOW = *mut c_void;

// ---------------------------------------------------------------------------
// Structures
// ---------------------------------------------------------------------------

/// ```c
/// typedef struct _OVERLAPPED {
///   ULONG_PTR Internal; ULONG_PTR InternalHigh;
///   union { struct { DWORD Offset; DWORD OffsetHigh; }; PVOID Pointer; };
///   HANDLE hEvent;
/// } OVERLAPPED, *LPOVERLAPPED;
/// ```
///
/// Header `<minwinbase.h>`; docs
/// [OVERLAPPED](https://learn.microsoft.com/en-us/windows/win32/api/minwinbase/ns-minwinbase-overlapped).
/// The per-operation record of Win32 overlapped I/O. groundup never builds
/// one: it appears here because completion packets and some prototypes are
/// typed with it, while groundup's own operations (AFD polls) are NT calls
/// whose "overlapped" is an opaque context pointer. The anonymous union is
/// declared by its pointer-sized member.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct OVERLAPPED {
    /// The NTSTATUS of the operation (`STATUS_PENDING` while it runs).
    pub Internal: ULONG_PTR,
    /// The number of bytes transferred.
    pub InternalHigh: ULONG_PTR,
    /// The file offset (`Offset`/`OffsetHigh`), or a pointer.
    pub Pointer: *mut c_void,
    /// An event to signal on completion, or null.
    pub hEvent: HANDLE,
}

/// ```c
/// typedef struct _OVERLAPPED_ENTRY {
///   ULONG_PTR lpCompletionKey; LPOVERLAPPED lpOverlapped;
///   ULONG_PTR Internal; DWORD dwNumberOfBytesTransferred;
/// } OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;
/// ```
///
/// Header `<minwinbase.h>`; docs
/// [OVERLAPPED_ENTRY](https://learn.microsoft.com/en-us/windows/win32/api/minwinbase/ns-minwinbase-overlapped_entry).
/// One dequeued completion packet, as `GetQueuedCompletionStatusEx` writes
/// it. For an operation on a file associated with the port,
/// `lpCompletionKey` is the key given to `CreateIoCompletionPort` and
/// `lpOverlapped` the operation's `OVERLAPPED` (for NT calls: their
/// `ApcContext`); for `PostQueuedCompletionStatus`, both are whatever the
/// poster passed.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct OVERLAPPED_ENTRY {
    /// The completion key.
    pub lpCompletionKey: ULONG_PTR,
    /// The overlapped pointer or context of the operation.
    pub lpOverlapped: *mut OVERLAPPED,
    /// Reserved (the operation's status).
    pub Internal: ULONG_PTR,
    /// Bytes transferred, or the poster's value.
    pub dwNumberOfBytesTransferred: DWORD,
}

/// ```c
/// typedef struct _IO_STATUS_BLOCK {
///   union { NTSTATUS Status; PVOID Pointer; };
///   ULONG_PTR Information;
/// } IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;
/// ```
///
/// Header `<winternl.h>` (WDK `<wdm.h>`); docs
/// [IO_STATUS_BLOCK](https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_io_status_block).
/// Where an NT I/O call stores its final status and result size. For an
/// asynchronous operation the kernel writes it *when the operation
/// completes*, so it must stay at the same address until the completion has
/// been dequeued. It also names the operation to `NtCancelIoFileEx`. The
/// union's `Pointer` member is reserved; `Status` is declared alone and the
/// padding after it stands for the union's other four bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IO_STATUS_BLOCK {
    /// The final status of the operation.
    pub Status: NTSTATUS,
    /// Operation-dependent: usually the number of bytes transferred.
    pub Information: ULONG_PTR,
}

/// ```c
/// typedef struct _UNICODE_STRING {
///   USHORT Length; USHORT MaximumLength; PWSTR Buffer;
/// } UNICODE_STRING, *PUNICODE_STRING;
/// ```
///
/// Header `<winternl.h>` (`<ntdef.h>`); docs
/// [UNICODE_STRING](https://learn.microsoft.com/en-us/windows/win32/api/ntdef/ns-ntdef-_unicode_string).
/// A counted UTF-16 string. Both lengths are in **bytes**; `Length` excludes
/// any terminating NUL, which NT does not need.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct UNICODE_STRING {
    /// Bytes in use.
    pub Length: USHORT,
    /// Bytes allocated.
    pub MaximumLength: USHORT,
    /// The UTF-16 text.
    pub Buffer: *mut WCHAR,
}

/// ```c
/// typedef struct _OBJECT_ATTRIBUTES {
///   ULONG Length; HANDLE RootDirectory; PUNICODE_STRING ObjectName;
///   ULONG Attributes; PVOID SecurityDescriptor; PVOID SecurityQualityOfService;
/// } OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;
/// ```
///
/// Header `<winternl.h>` (`<ntdef.h>`); docs
/// [OBJECT_ATTRIBUTES](https://learn.microsoft.com/en-us/windows/win32/api/ntdef/ns-ntdef-_object_attributes).
/// Names the object `NtCreateFile` opens. `Length` must be the size of this
/// struct.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct OBJECT_ATTRIBUTES {
    /// `sizeof(OBJECT_ATTRIBUTES)`.
    pub Length: ULONG,
    /// Directory `ObjectName` is relative to, or null for an absolute name.
    pub RootDirectory: HANDLE,
    /// The object's name in the NT namespace (`\Device\Afd\…`).
    pub ObjectName: *mut UNICODE_STRING,
    /// `OBJ_*` flags.
    pub Attributes: ULONG,
    /// Security descriptor for a new object, or null.
    pub SecurityDescriptor: *mut c_void,
    /// Security quality of service, or null.
    pub SecurityQualityOfService: *mut c_void,
}

/// `typedef VOID (NTAPI *PIO_APC_ROUTINE)(PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG Reserved);`
///
/// Header `<winternl.h>`. A routine an NT I/O call may queue as an APC when
/// it completes. groundup passes none (`None`, a null pointer): completions
/// go to the completion port instead.
pub type PIO_APC_ROUTINE =
    Option<unsafe extern "system" fn(*mut c_void, *mut IO_STATUS_BLOCK, ULONG)>;

/// `typedef void (CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags);`
///
/// Header `<winsock2.h>`. Winsock's completion callback; groundup passes
/// none.
pub type LPWSAOVERLAPPED_COMPLETION_ROUTINE =
    Option<unsafe extern "system" fn(DWORD, DWORD, *mut OVERLAPPED, DWORD)>;

/// ```c
/// typedef struct _AFD_POLL_HANDLE_INFO {
///   HANDLE Handle; ULONG Events; NTSTATUS Status;
/// } AFD_POLL_HANDLE_INFO;
/// ```
///
/// **Undocumented** (see the module docs: wepoll `src/afd.h`, ReactOS
/// `AFD_HANDLE` in `drivers/afd/shared.h`, Wine's `struct afd_poll_params`).
/// One socket of an AFD poll. In the request, `Handle` is the socket's
/// *base* handle (see [`SIO_BASE_HANDLE`]) and `Events` the `AFD_POLL_*`
/// bits to wait for; in the reply the driver rewrites `Events` with the bits
/// that are set, and `Status` with a per-socket status.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AFD_POLL_HANDLE_INFO {
    /// The base socket handle.
    pub Handle: HANDLE,
    /// `AFD_POLL_*` bits: wanted (request), observed (reply).
    pub Events: ULONG,
    /// Per-socket status in the reply.
    pub Status: NTSTATUS,
}

/// ```c
/// typedef struct _AFD_POLL_INFO {
///   LARGE_INTEGER Timeout; ULONG NumberOfHandles; ULONG Exclusive;
///   AFD_POLL_HANDLE_INFO Handles[1];
/// } AFD_POLL_INFO;
/// ```
///
/// **Undocumented** (see the module docs). The input *and* output buffer of
/// `IOCTL_AFD_POLL`. `Timeout` is an NT time: negative is relative, in 100 ns
/// units; `i64::MAX` means "never". `NumberOfHandles` counts `Handles` (the
/// array may be longer than one; groundup always polls one socket per
/// request). On completion the driver rewrites `NumberOfHandles` with the
/// number of sockets it reports on (0 if it completed for no socket, e.g. on
/// timeout). `Exclusive`, when non-zero, cancels other polls on the same
/// sockets; groundup passes 0. (Wine declares it as a `BOOLEAN` and three
/// bytes of padding: the same layout, little-endian.)
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AFD_POLL_INFO {
    /// NT timeout; `i64::MAX` for none.
    pub Timeout: LARGE_INTEGER,
    /// Entries used in `Handles`.
    pub NumberOfHandles: ULONG,
    /// Non-zero to cancel other polls of the same sockets.
    pub Exclusive: ULONG,
    /// The sockets polled.
    pub Handles: [AFD_POLL_HANDLE_INFO; 1],
}

// The AFD structs cannot be checked against any header (none declares them):
// these assertions are their only check. The values agree with wepoll's and
// Wine's declarations on x86_64 and aarch64.
const _: () = assert!(size_of::<AFD_POLL_HANDLE_INFO>() == 16);
const _: () = assert!(align_of::<AFD_POLL_HANDLE_INFO>() == 8);
const _: () = assert!(core::mem::offset_of!(AFD_POLL_HANDLE_INFO, Events) == 8);
const _: () = assert!(core::mem::offset_of!(AFD_POLL_HANDLE_INFO, Status) == 12);
const _: () = assert!(size_of::<AFD_POLL_INFO>() == 32);
const _: () = assert!(core::mem::offset_of!(AFD_POLL_INFO, NumberOfHandles) == 8);
const _: () = assert!(core::mem::offset_of!(AFD_POLL_INFO, Exclusive) == 12);
const _: () = assert!(core::mem::offset_of!(AFD_POLL_INFO, Handles) == 16);
// The documented structs are also checked against the headers by tests/abi.rs.
const _: () = assert!(size_of::<OVERLAPPED>() == 32 && align_of::<OVERLAPPED>() == 8);
const _: () = assert!(size_of::<OVERLAPPED_ENTRY>() == 32);
const _: () = assert!(size_of::<IO_STATUS_BLOCK>() == 16);
const _: () = assert!(size_of::<UNICODE_STRING>() == 16);
const _: () = assert!(size_of::<OBJECT_ATTRIBUTES>() == 48);
const _: () = assert!(size_of::<PIO_APC_ROUTINE>() == size_of::<usize>());

// ---------------------------------------------------------------------------
// kernel32: completion ports and handles
// ---------------------------------------------------------------------------

#[link(name = "kernel32")]
unsafe extern "system" {
    /// `HANDLE CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort, ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads);`
    ///
    /// Header `<ioapiset.h>` (`<windows.h>`); docs
    /// [CreateIoCompletionPort](https://learn.microsoft.com/en-us/windows/win32/fileio/createiocompletionport).
    /// With `FileHandle = INVALID_HANDLE_VALUE` and no existing port, creates
    /// a new port; with a file handle and a port, associates them, so every
    /// overlapped operation on the file queues its completion on the port
    /// tagged with `CompletionKey` (an association cannot be undone; it ends
    /// when the file is closed). `NumberOfConcurrentThreads` 0 means one per
    /// processor. Returns the port, or **NULL** with `GetLastError()`.
    pub fn CreateIoCompletionPort(
        FileHandle: HANDLE,
        ExistingCompletionPort: HANDLE,
        CompletionKey: ULONG_PTR,
        NumberOfConcurrentThreads: DWORD,
    ) -> HANDLE;

    /// `BOOL GetQueuedCompletionStatusEx(HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpCompletionPortEntries, ULONG ulCount, PULONG ulNumEntriesRemoved, DWORD dwMilliseconds, BOOL fAlertable);`
    ///
    /// Header `<ioapiset.h>`; docs
    /// [GetQueuedCompletionStatusEx](https://learn.microsoft.com/en-us/windows/win32/fileio/getqueuedcompletionstatusex-func).
    /// Waits up to `dwMilliseconds` ([`INFINITE`]: forever, 0: do not block)
    /// for packets and dequeues up to `ulCount` (> 0) of them into the array,
    /// writing how many into `*ulNumEntriesRemoved`. Returns non-zero, or 0
    /// with `GetLastError()`: [`WAIT_TIMEOUT`] when none arrived in time,
    /// `WAIT_IO_COMPLETION` when `fAlertable` and an APC ran.
    pub fn GetQueuedCompletionStatusEx(
        CompletionPort: HANDLE,
        lpCompletionPortEntries: *mut OVERLAPPED_ENTRY,
        ulCount: ULONG,
        ulNumEntriesRemoved: *mut ULONG,
        dwMilliseconds: DWORD,
        fAlertable: BOOL,
    ) -> BOOL;

    /// `BOOL PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred, ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped);`
    ///
    /// Header `<ioapiset.h>`; docs
    /// [PostQueuedCompletionStatus](https://learn.microsoft.com/en-us/windows/win32/fileio/postqueuedcompletionstatus).
    /// Queues a packet made of the three values on the port, waking one
    /// waiting thread. The system does not look at `lpOverlapped`: it is
    /// returned as is. Returns non-zero, or 0 with `GetLastError()`.
    pub fn PostQueuedCompletionStatus(
        CompletionPort: HANDLE,
        dwNumberOfBytesTransferred: DWORD,
        dwCompletionKey: ULONG_PTR,
        lpOverlapped: *mut OVERLAPPED,
    ) -> BOOL;

    /// `BOOL CloseHandle(HANDLE hObject);`
    ///
    /// Header `<handleapi.h>`; docs
    /// [CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle).
    /// Closes a handle. Returns non-zero, or 0 with `GetLastError()`
    /// (`ERROR_INVALID_HANDLE`). Sockets must be closed with `closesocket`
    /// instead.
    pub fn CloseHandle(hObject: HANDLE) -> BOOL;

    /// `BOOL SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags);`
    ///
    /// Header `<winbase.h>`; docs
    /// [SetFileCompletionNotificationModes](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-setfilecompletionnotificationmodes).
    /// Sets [`FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`] and/or
    /// [`FILE_SKIP_SET_EVENT_ON_HANDLE`] on a file. Returns non-zero, or 0
    /// with `GetLastError()`.
    pub fn SetFileCompletionNotificationModes(FileHandle: HANDLE, Flags: UCHAR) -> BOOL;

    /// `DWORD GetLastError(void);`
    ///
    /// Header `<errhandlingapi.h>`; docs
    /// [GetLastError](https://learn.microsoft.com/en-us/windows/win32/api/errhandlingapi/nf-errhandlingapi-getlasterror).
    /// The calling thread's last error code, set by the failing call. Never
    /// fails.
    pub fn GetLastError() -> DWORD;

    /// `BOOL SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags);`
    ///
    /// Header `<handleapi.h>`; docs
    /// [SetHandleInformation](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-sethandleinformation).
    /// Sets the flags of `hObject` selected by `dwMask` to those in
    /// `dwFlags`; groundup clears [`HANDLE_FLAG_INHERIT`] on accepted
    /// sockets. Returns non-zero, or 0 with `GetLastError()`
    /// (`ERROR_INVALID_HANDLE` for a socket of a non-IFS layered provider,
    /// which is not a kernel handle).
    pub fn SetHandleInformation(hObject: HANDLE, dwMask: DWORD, dwFlags: DWORD) -> BOOL;
}

/// `INVALID_HANDLE_VALUE`, `<handleapi.h>`: `((HANDLE)(LONG_PTR)-1)`. Passed
/// to `CreateIoCompletionPort` to create a port rather than associate a
/// file; also the failure value of `CreateFileW` (not called by groundup)
/// and, confusingly, the pseudo-handle `GetCurrentProcess()` returns for
/// "this process".
pub const INVALID_HANDLE_VALUE: HANDLE = usize::MAX as HANDLE;
/// `INFINITE`, `<winbase.h>`: wait without a timeout.
pub const INFINITE: DWORD = 0xFFFF_FFFF;
/// `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`, `<winbase.h>`: an operation that
/// succeeds at once queues no completion packet. groundup does **not** set
/// it, so that every AFD poll it starts completes through the port.
pub const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: UCHAR = 0x1;
/// `FILE_SKIP_SET_EVENT_ON_HANDLE`, `<winbase.h>`: do not signal the file
/// handle itself when an operation on it completes (nobody waits on it; the
/// port is what is waited on).
pub const FILE_SKIP_SET_EVENT_ON_HANDLE: UCHAR = 0x2;

/// `HANDLE_FLAG_INHERIT`, `<winbase.h>`: child processes created with
/// handle inheritance on get a copy of the handle.
pub const HANDLE_FLAG_INHERIT: DWORD = 0x1;

/// `ERROR_INVALID_HANDLE` (6), `<winerror.h>`: the handle is not open.
pub const ERROR_INVALID_HANDLE: DWORD = 6;
/// `WAIT_TIMEOUT` (258), `<winerror.h>`: a wait ended because its timeout
/// elapsed. Set by `GetQueuedCompletionStatusEx` when no packet arrived.
pub const WAIT_TIMEOUT: DWORD = 258;
/// `ERROR_OPERATION_ABORTED` (995), `<winerror.h>`: the I/O was cancelled
/// (the Win32 translation of [`STATUS_CANCELLED`]).
pub const ERROR_OPERATION_ABORTED: DWORD = 995;
/// `ERROR_IO_PENDING` (997), `<winerror.h>`: an overlapped operation is in
/// progress (the Win32 translation of [`STATUS_PENDING`]).
pub const ERROR_IO_PENDING: DWORD = 997;
/// `ERROR_NOT_FOUND` (1168), `<winerror.h>`: the element was not found
/// (the Win32 translation of [`STATUS_NOT_FOUND`]).
pub const ERROR_NOT_FOUND: DWORD = 1168;

// ---------------------------------------------------------------------------
// kernel32: console control events, child processes, pipes
// ---------------------------------------------------------------------------

/// `typedef BOOL (WINAPI *PHANDLER_ROUTINE)(DWORD CtrlType);`
///
/// Header `<consoleapi.h>` (`<wincon.h>` in mingw-w64); docs
/// [HandlerRoutine](https://learn.microsoft.com/en-us/windows/console/handlerroutine).
/// A console control handler. The system calls it **on a new thread it
/// creates** for each event, so, unlike a Unix signal handler, it may take
/// locks and wake threads. Returning `TRUE` says the event was handled; for
/// `CTRL_CLOSE_EVENT`, `CTRL_LOGOFF_EVENT` and `CTRL_SHUTDOWN_EVENT` the
/// process is terminated when the handler returns, whatever it returns.
pub type PHANDLER_ROUTINE = Option<unsafe extern "system" fn(DWORD) -> BOOL>;

/// `typedef VOID (NTAPI *WAITORTIMERCALLBACK)(PVOID lpParameter, BOOLEAN TimerOrWaitFired);`
///
/// Header `<winnt.h>`; docs
/// [WaitOrTimerCallback](https://learn.microsoft.com/en-us/previous-versions/windows/desktop/legacy/ms687066(v=vs.85)).
/// Called on a thread-pool thread when a wait registered with
/// `RegisterWaitForSingleObject` is satisfied (`TimerOrWaitFired` FALSE) or
/// times out (TRUE).
pub type WAITORTIMERCALLBACK = Option<unsafe extern "system" fn(*mut c_void, BOOLEAN)>;

#[link(name = "kernel32")]
unsafe extern "system" {
    /// `BOOL SetConsoleCtrlHandler(PHANDLER_ROUTINE HandlerRoutine, BOOL Add);`
    ///
    /// Header `<consoleapi.h>`; docs
    /// [SetConsoleCtrlHandler](https://learn.microsoft.com/en-us/windows/console/setconsolectrlhandler).
    /// Adds (`Add` non-zero) or removes a handler of console control events
    /// for the whole process. Handlers are called last-added first until
    /// one returns `TRUE`; if none does, the default handler calls
    /// `ExitProcess`. Returns non-zero, or 0 with `GetLastError()`.
    pub fn SetConsoleCtrlHandler(HandlerRoutine: PHANDLER_ROUTINE, Add: BOOL) -> BOOL;

    /// `BOOL GenerateConsoleCtrlEvent(DWORD dwCtrlEvent, DWORD dwProcessGroupId);`
    ///
    /// Header `<consoleapi.h>`; docs
    /// [GenerateConsoleCtrlEvent](https://learn.microsoft.com/en-us/windows/console/generateconsolectrlevent).
    /// Sends `CTRL_C_EVENT` or `CTRL_BREAK_EVENT` to the processes of the
    /// calling process's console in group `dwProcessGroupId` (0: all of
    /// them, the caller included). A process started with
    /// `CREATE_NEW_PROCESS_GROUP` ignores `CTRL_C_EVENT`. Returns non-zero,
    /// or 0 with `GetLastError()` (a process without a console cannot send
    /// any). The tests use it to deliver Ctrl-C to themselves.
    pub fn GenerateConsoleCtrlEvent(dwCtrlEvent: DWORD, dwProcessGroupId: DWORD) -> BOOL;

    /// `BOOL FreeConsole(void);`
    ///
    /// Header `<consoleapi.h>`; docs
    /// [FreeConsole](https://learn.microsoft.com/en-us/windows/console/freeconsole).
    /// Detaches the calling process from its console. Returns non-zero, or
    /// 0 with `GetLastError()`. With `AttachConsole`, how one process sends
    /// Ctrl-C to another that has a console of its own (the graceful
    /// shutdown example does).
    pub fn FreeConsole() -> BOOL;

    /// `BOOL AttachConsole(DWORD dwProcessId);`
    ///
    /// Header `<consoleapi.h>`; docs
    /// [AttachConsole](https://learn.microsoft.com/en-us/windows/console/attachconsole).
    /// Attaches the calling process (which must have no console) to the
    /// console of process `dwProcessId`, or of its parent with
    /// [`ATTACH_PARENT_PROCESS`]. Returns non-zero, or 0 with
    /// `GetLastError()`.
    pub fn AttachConsole(dwProcessId: DWORD) -> BOOL;

    /// `BOOL RegisterWaitForSingleObject(PHANDLE phNewWaitObject, HANDLE hObject, WAITORTIMERCALLBACK Callback, PVOID Context, ULONG dwMilliseconds, ULONG dwFlags);`
    ///
    /// Header `<winbase.h>`; docs
    /// [RegisterWaitForSingleObject](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-registerwaitforsingleobject).
    /// Asks the thread pool to wait for `hObject` (a process handle
    /// becomes signaled when the process exits) and call `Callback(Context,
    /// …)` then. One pool thread waits for up to 63 registered objects at
    /// once (`MAXIMUM_WAIT_OBJECTS` less one for its own use), so waiting
    /// for many children costs a thread per 63, not per child. The handle
    /// written to `*phNewWaitObject` must be passed to `UnregisterWaitEx`
    /// even after a `WT_EXECUTEONLYONCE` wait has fired. Returns non-zero,
    /// or 0 with `GetLastError()`.
    pub fn RegisterWaitForSingleObject(
        phNewWaitObject: *mut HANDLE,
        hObject: HANDLE,
        Callback: WAITORTIMERCALLBACK,
        Context: *mut c_void,
        dwMilliseconds: ULONG,
        dwFlags: ULONG,
    ) -> BOOL;

    /// `BOOL UnregisterWaitEx(HANDLE WaitHandle, HANDLE CompletionEvent);`
    ///
    /// Header `<winbase.h>`; docs
    /// [UnregisterWaitEx](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-unregisterwaitex).
    /// Cancels a registered wait. With `CompletionEvent =
    /// INVALID_HANDLE_VALUE` it returns only once a callback already
    /// running has finished, so afterwards the callback has either run to
    /// its end or will never run; it must therefore not be called from the
    /// callback itself. Returns non-zero, or 0 with `GetLastError()`.
    pub fn UnregisterWaitEx(WaitHandle: HANDLE, CompletionEvent: HANDLE) -> BOOL;

    /// `DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);`
    ///
    /// Header `<synchapi.h>`; docs
    /// [WaitForSingleObject](https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-waitforsingleobject).
    /// Waits up to `dwMilliseconds` for `hHandle` to be signaled; groundup
    /// only ever asks with 0 (is the process gone?). Returns
    /// [`WAIT_OBJECT_0`], [`WAIT_TIMEOUT`], or **[`WAIT_FAILED`]** with
    /// `GetLastError()`: a convention of its own.
    pub fn WaitForSingleObject(hHandle: HANDLE, dwMilliseconds: DWORD) -> DWORD;

    /// `BOOL GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode);`
    ///
    /// Header `<processthreadsapi.h>`; docs
    /// [GetExitCodeProcess](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-getexitcodeprocess).
    /// Writes the process's exit code, or [`STILL_ACTIVE`] while it runs
    /// (which a process may also exit with, hence `WaitForSingleObject`
    /// first). Returns non-zero, or 0 with `GetLastError()`.
    pub fn GetExitCodeProcess(hProcess: HANDLE, lpExitCode: *mut DWORD) -> BOOL;

    /// `BOOL TerminateProcess(HANDLE hProcess, UINT uExitCode);`
    ///
    /// Header `<processthreadsapi.h>`; docs
    /// [TerminateProcess](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-terminateprocess).
    /// Ends the process at once with exit code `uExitCode`; asynchronous:
    /// the process handle is signaled when it is gone. Returns non-zero, or
    /// 0 with `GetLastError()` (`ERROR_ACCESS_DENIED` once it has exited).
    pub fn TerminateProcess(hProcess: HANDLE, uExitCode: c_uint) -> BOOL;

    /// `BOOL ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead, LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);`
    ///
    /// Header `<fileapi.h>`; docs
    /// [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile).
    /// On a handle opened for overlapped I/O, with an `OVERLAPPED`, starts a
    /// read: returns 0 with `ERROR_IO_PENDING` (or non-zero if it finished
    /// at once) and, the handle being associated with a port, queues one
    /// packet when it is done, either way. `lpNumberOfBytesRead` should be
    /// null then. A read from a pipe whose writer has closed fails with
    /// [`ERROR_BROKEN_PIPE`]: end of file.
    pub fn ReadFile(
        hFile: HANDLE,
        lpBuffer: *mut c_void,
        nNumberOfBytesToRead: DWORD,
        lpNumberOfBytesRead: *mut DWORD,
        lpOverlapped: *mut OVERLAPPED,
    ) -> BOOL;

    /// `BOOL WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite, LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);`
    ///
    /// Header `<fileapi.h>`; docs
    /// [WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile).
    /// As `ReadFile`, for writing: the packet comes when the pipe has taken
    /// all the bytes. Fails with `ERROR_NO_DATA` or `ERROR_BROKEN_PIPE` once
    /// the reader has closed.
    pub fn WriteFile(
        hFile: HANDLE,
        lpBuffer: *const c_void,
        nNumberOfBytesToWrite: DWORD,
        lpNumberOfBytesWritten: *mut DWORD,
        lpOverlapped: *mut OVERLAPPED,
    ) -> BOOL;

    /// `BOOL CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);`
    ///
    /// Header `<ioapiset.h>`; docs
    /// [CancelIoEx](https://learn.microsoft.com/en-us/windows/win32/fileio/cancelioex-func).
    /// Requests the cancellation of the operation `lpOverlapped` on `hFile`
    /// (from any thread). Asynchronous: the operation's packet still comes,
    /// with `ERROR_OPERATION_ABORTED` (or with its result, if it finished
    /// first). Returns non-zero, or 0 with `GetLastError()`
    /// ([`ERROR_NOT_FOUND`]: nothing to cancel).
    pub fn CancelIoEx(hFile: HANDLE, lpOverlapped: *mut OVERLAPPED) -> BOOL;
}

/// `CTRL_C_EVENT` (0), `<wincon.h>`: Ctrl-C, or `GenerateConsoleCtrlEvent`.
pub const CTRL_C_EVENT: DWORD = 0;
/// `CTRL_BREAK_EVENT` (1), `<wincon.h>`: Ctrl-Break, or
/// `GenerateConsoleCtrlEvent`.
pub const CTRL_BREAK_EVENT: DWORD = 1;
/// `CTRL_CLOSE_EVENT` (2), `<wincon.h>`: the console is being closed.
pub const CTRL_CLOSE_EVENT: DWORD = 2;
/// `CTRL_LOGOFF_EVENT` (5), `<wincon.h>`: a user is logging off (services
/// only receive it).
pub const CTRL_LOGOFF_EVENT: DWORD = 5;
/// `CTRL_SHUTDOWN_EVENT` (6), `<wincon.h>`: the system is shutting down
/// (services only receive it).
pub const CTRL_SHUTDOWN_EVENT: DWORD = 6;

/// `ATTACH_PARENT_PROCESS`, `<consoleapi.h>`: `((DWORD)-1)`, the console of
/// the parent process, for `AttachConsole`.
pub const ATTACH_PARENT_PROCESS: DWORD = 0xFFFF_FFFF;

/// `WT_EXECUTEINWAITTHREAD`, `<winnt.h>`: run the callback on the waiting
/// thread itself, for short callbacks (groundup's posts one packet).
pub const WT_EXECUTEINWAITTHREAD: ULONG = 0x4;
/// `WT_EXECUTEONLYONCE`, `<winnt.h>`: the wait ends after its callback
/// has run once.
pub const WT_EXECUTEONLYONCE: ULONG = 0x8;

/// `WAIT_OBJECT_0` (0), `<winbase.h>`: the object waited for is signaled.
pub const WAIT_OBJECT_0: DWORD = 0;
/// `WAIT_FAILED`, `<winbase.h>`: `((DWORD)0xFFFFFFFF)`, the wait failed.
pub const WAIT_FAILED: DWORD = 0xFFFF_FFFF;
/// `STILL_ACTIVE` (259, `STATUS_PENDING`), `<minwinbase.h>`: the exit code
/// `GetExitCodeProcess` reports for a process still running.
pub const STILL_ACTIVE: DWORD = 259;

/// `ERROR_ACCESS_DENIED` (5), `<winerror.h>`: what `TerminateProcess`
/// says once the process has exited.
pub const ERROR_ACCESS_DENIED: DWORD = 5;
/// `ERROR_HANDLE_EOF` (38), `<winerror.h>`: end of file.
pub const ERROR_HANDLE_EOF: DWORD = 38;
/// `ERROR_BROKEN_PIPE` (109), `<winerror.h>`: the other end of the pipe is
/// closed (for a reader: end of file).
pub const ERROR_BROKEN_PIPE: DWORD = 109;
/// `ERROR_NO_DATA` (232), `<winerror.h>`: "the pipe is being closed", what
/// a write says once the reader has gone.
pub const ERROR_NO_DATA: DWORD = 232;

/// `typedef enum _FILE_INFORMATION_CLASS { … } FILE_INFORMATION_CLASS;`
/// — `<winternl.h>`. Which information `NtQueryInformationFile` returns;
/// an `enum`, so an `int`.
pub type FILE_INFORMATION_CLASS = c_int;

/// `FileModeInformation` (16), `<winternl.h>`: a `FILE_MODE_INFORMATION`.
#[allow(non_upper_case_globals)] // the C enumerator's spelling
pub const FileModeInformation: FILE_INFORMATION_CLASS = 16;

/// `typedef struct _FILE_MODE_INFORMATION { ULONG Mode; } FILE_MODE_INFORMATION;`
///
/// Header `<winternl.h>` (`<ntifs.h>` in the WDK); docs
/// [FILE_MODE_INFORMATION](https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ntifs/ns-ntifs-_file_mode_information).
/// How a handle was opened: `FILE_SYNCHRONOUS_IO_*` set means the handle is
/// *not* overlapped (every operation on it waits), which would make an
/// "asynchronous" read block the thread that starts it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct FILE_MODE_INFORMATION {
    /// `FILE_*` mode flags.
    pub Mode: ULONG,
}

/// `FILE_SYNCHRONOUS_IO_ALERT`, `<winternl.h>`: the handle does
/// synchronous, alertable I/O.
pub const FILE_SYNCHRONOUS_IO_ALERT: ULONG = 0x10;
/// `FILE_SYNCHRONOUS_IO_NONALERT`, `<winternl.h>`: the handle does
/// synchronous I/O (what `CreateFileW` without `FILE_FLAG_OVERLAPPED` gives).
pub const FILE_SYNCHRONOUS_IO_NONALERT: ULONG = 0x20;

#[link(name = "ntdll")]
unsafe extern "system" {
    /// `NTSTATUS NtQueryInformationFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock, PVOID FileInformation, ULONG Length, FILE_INFORMATION_CLASS FileInformationClass);`
    ///
    /// Header `<winternl.h>`; docs
    /// [NtQueryInformationFile](https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ntifs/nf-ntifs-ntqueryinformationfile).
    /// Writes the information of class `FileInformationClass` about the
    /// handle into the `Length` bytes at `FileInformation`. groundup asks
    /// for `FileModeInformation`, to check that a pipe handle it is given
    /// is overlapped. Returns an `NTSTATUS`.
    pub fn NtQueryInformationFile(
        FileHandle: HANDLE,
        IoStatusBlock: *mut IO_STATUS_BLOCK,
        FileInformation: *mut c_void,
        Length: ULONG,
        FileInformationClass: FILE_INFORMATION_CLASS,
    ) -> NTSTATUS;
}

// ---------------------------------------------------------------------------
// ntdll: opening \Device\Afd and polling through it
// ---------------------------------------------------------------------------

#[link(name = "ntdll")]
unsafe extern "system" {
    /// `NTSTATUS NtCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock, PLARGE_INTEGER AllocationSize, ULONG FileAttributes, ULONG ShareAccess, ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer, ULONG EaLength);`
    ///
    /// Header `<winternl.h>`; docs
    /// [NtCreateFile](https://learn.microsoft.com/en-us/windows/win32/api/winternl/nf-winternl-ntcreatefile).
    /// Opens (or creates) the object named by `ObjectAttributes` in the NT
    /// namespace, which unlike `CreateFileW` reaches devices such as
    /// `\Device\Afd`. Without `FILE_SYNCHRONOUS_IO_*` in `CreateOptions` the
    /// handle is asynchronous (overlapped). Returns `STATUS_SUCCESS` and
    /// writes `*FileHandle`, or an error status.
    pub fn NtCreateFile(
        FileHandle: *mut HANDLE,
        DesiredAccess: ACCESS_MASK,
        ObjectAttributes: *mut OBJECT_ATTRIBUTES,
        IoStatusBlock: *mut IO_STATUS_BLOCK,
        AllocationSize: *mut LARGE_INTEGER,
        FileAttributes: ULONG,
        ShareAccess: ULONG,
        CreateDisposition: ULONG,
        CreateOptions: ULONG,
        EaBuffer: *mut c_void,
        EaLength: ULONG,
    ) -> NTSTATUS;

    /// `NTSTATUS NtDeviceIoControlFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode, PVOID InputBuffer, ULONG InputBufferLength, PVOID OutputBuffer, ULONG OutputBufferLength);`
    ///
    /// Header `<winternl.h>`; docs
    /// [NtDeviceIoControlFile](https://learn.microsoft.com/en-us/windows/win32/api/winternl/nf-winternl-ntdeviceiocontrolfile).
    /// Sends a control request to the driver behind `FileHandle`. On an
    /// asynchronous handle associated with a completion port, when the
    /// request completes the kernel writes `*IoStatusBlock` and the output
    /// buffer, then queues a packet whose `lpOverlapped` is `ApcContext`
    /// (with `ApcRoutine` null). Returns `STATUS_PENDING` if the request is in
    /// progress, a success status if it completed at once (a packet is still
    /// queued unless [`FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`] is set), or an
    /// error status if it failed at once (no packet is queued).
    pub fn NtDeviceIoControlFile(
        FileHandle: HANDLE,
        Event: HANDLE,
        ApcRoutine: PIO_APC_ROUTINE,
        ApcContext: *mut c_void,
        IoStatusBlock: *mut IO_STATUS_BLOCK,
        IoControlCode: ULONG,
        InputBuffer: *mut c_void,
        InputBufferLength: ULONG,
        OutputBuffer: *mut c_void,
        OutputBufferLength: ULONG,
    ) -> NTSTATUS;

    /// `NTSTATUS NtCancelIoFileEx(HANDLE FileHandle, PIO_STATUS_BLOCK IoRequestToCancel, PIO_STATUS_BLOCK IoStatusBlock);`
    ///
    /// WDK header `<ntifs.h>` (absent from mingw-w64's headers; `tests/abi.rs`
    /// checks this declaration against the prototype as the WDK docs give
    /// it); docs
    /// [NtCancelIoFileEx](https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ntifs/nf-ntifs-ntcanceliofileex).
    /// Requests cancellation of the operation on `FileHandle` whose status
    /// block is `IoRequestToCancel` (or of all of this process's operations
    /// on the handle when it is null), from any thread. Cancellation is
    /// asynchronous: the operation still completes, normally with
    /// [`STATUS_CANCELLED`], through the port. Returns `STATUS_SUCCESS`, or
    /// [`STATUS_NOT_FOUND`] if no such operation is pending (it has already
    /// completed), or another error.
    pub fn NtCancelIoFileEx(
        FileHandle: HANDLE,
        IoRequestToCancel: *mut IO_STATUS_BLOCK,
        IoStatusBlock: *mut IO_STATUS_BLOCK,
    ) -> NTSTATUS;

    /// `ULONG RtlNtStatusToDosError(NTSTATUS Status);`
    ///
    /// Header `<winternl.h>`; docs
    /// [RtlNtStatusToDosError](https://learn.microsoft.com/en-us/windows/win32/api/winternl/nf-winternl-rtlntstatustodoserror).
    /// The Win32 error code for an NT status (`ERROR_MR_MID_NOT_FOUND`, 317,
    /// if there is none), so NT failures read like every other `io::Error`.
    /// A table lookup in ntdll, not a system call; never fails.
    pub fn RtlNtStatusToDosError(Status: NTSTATUS) -> ULONG;
}

/// `STATUS_SUCCESS`, `<ntstatus.h>`.
pub const STATUS_SUCCESS: NTSTATUS = 0;
/// `STATUS_PENDING`, `<ntstatus.h>`: the operation was started and will
/// complete later. A success code (non-negative).
pub const STATUS_PENDING: NTSTATUS = 0x0000_0103;
/// `STATUS_CANCELLED`, `<ntstatus.h>`: the operation was cancelled.
pub const STATUS_CANCELLED: NTSTATUS = 0xC000_0120_u32 as NTSTATUS;
/// `STATUS_NOT_FOUND`, `<ntstatus.h>`: for `NtCancelIoFileEx`, no pending
/// operation matched.
pub const STATUS_NOT_FOUND: NTSTATUS = 0xC000_0225_u32 as NTSTATUS;

/// `SYNCHRONIZE`, `<winnt.h>`: the right to wait on the object. The only
/// right an AFD helper handle needs.
pub const SYNCHRONIZE: ACCESS_MASK = 0x0010_0000;
/// `FILE_SHARE_READ`, `<winnt.h>`.
pub const FILE_SHARE_READ: ULONG = 0x1;
/// `FILE_SHARE_WRITE`, `<winnt.h>`.
pub const FILE_SHARE_WRITE: ULONG = 0x2;
/// `FILE_OPEN`, `<winternl.h>`: open an existing object, fail if absent.
pub const FILE_OPEN: ULONG = 0x1;

// AFD: undocumented, see the module docs.

/// `IOCTL_AFD_POLL` (undocumented): poll sockets for the `AFD_POLL_*`
/// events in an [`AFD_POLL_INFO`]. wepoll writes it as
/// `_AFD_CONTROL_CODE(AFD_POLL = 9, METHOD_BUFFERED)`
/// (`FILE_DEVICE_NETWORK << 12 | 9 << 2`), Wine as
/// `CTL_CODE(FILE_DEVICE_BEEP, 0x809, METHOD_BUFFERED, FILE_ANY_ACCESS)`:
/// both are `0x12024`.
pub const IOCTL_AFD_POLL: ULONG = 0x0001_2024;
/// `AFD_POLL_RECEIVE` (undocumented): data to read (Wine: `AFD_POLL_READ`).
pub const AFD_POLL_RECEIVE: ULONG = 0x0001;
/// `AFD_POLL_RECEIVE_EXPEDITED`: out-of-band data to read (Wine: `AFD_POLL_OOB`).
pub const AFD_POLL_RECEIVE_EXPEDITED: ULONG = 0x0002;
/// `AFD_POLL_SEND`: writing will not block (Wine: `AFD_POLL_WRITE`).
pub const AFD_POLL_SEND: ULONG = 0x0004;
/// `AFD_POLL_DISCONNECT`: the peer shut down its sending half (a FIN
/// arrived; Wine: `AFD_POLL_HUP`).
pub const AFD_POLL_DISCONNECT: ULONG = 0x0008;
/// `AFD_POLL_ABORT`: the connection was reset (Wine: `AFD_POLL_RESET`).
pub const AFD_POLL_ABORT: ULONG = 0x0010;
/// `AFD_POLL_LOCAL_CLOSE`: the socket was closed by this process while the
/// poll was pending (Wine: `AFD_POLL_CLOSE`).
pub const AFD_POLL_LOCAL_CLOSE: ULONG = 0x0020;
/// `AFD_POLL_CONNECT`: an outgoing connection was established. groundup
/// does not wait for it: a connected socket also becomes writable.
pub const AFD_POLL_CONNECT: ULONG = 0x0040;
/// `AFD_POLL_ACCEPT`: a listening socket has a connection to accept.
pub const AFD_POLL_ACCEPT: ULONG = 0x0080;
/// `AFD_POLL_CONNECT_FAIL`: an outgoing connection failed (refused,
/// unreachable, timed out; Wine: `AFD_POLL_CONNECT_ERR`).
pub const AFD_POLL_CONNECT_FAIL: ULONG = 0x0100;

// ---------------------------------------------------------------------------
// ws2_32: sockets
// ---------------------------------------------------------------------------

/// ```c
/// struct sockaddr { u_short sa_family; char sa_data[14]; };
/// ```
///
/// Header `<winsock2.h>`; docs
/// [sockaddr](https://learn.microsoft.com/en-us/windows/win32/winsock/sockaddr-2).
/// The generic address `connect` takes a pointer to.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr {
    /// Address family (`AF_INET`, …).
    pub sa_family: u_short,
    /// Family-specific bytes.
    pub sa_data: [c_char; 14],
}

/// `struct in_addr { union { …; u_long S_addr; } S_un; };` with
/// `#define s_addr S_un.S_addr` — `<winsock2.h>`. An IPv4 address in network
/// byte order; the union's byte and word views are not used.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct in_addr {
    /// The address, big-endian.
    pub s_addr: u_long,
}

/// ```c
/// struct sockaddr_in { short sin_family; u_short sin_port; struct in_addr sin_addr; char sin_zero[8]; };
/// ```
///
/// Header `<winsock2.h>` (`<ws2def.h>`, where the family is an
/// `ADDRESS_FAMILY`, also 16 bits); docs
/// [sockaddr_in](https://learn.microsoft.com/en-us/windows/win32/api/ws2def/ns-ws2def-sockaddr_in).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_in {
    /// Always `AF_INET`.
    pub sin_family: i16,
    /// Port, big-endian.
    pub sin_port: u_short,
    /// Address.
    pub sin_addr: in_addr,
    /// Padding; must be zero.
    pub sin_zero: [c_char; 8],
}

/// `typedef struct in6_addr { union { u_char Byte[16]; u_short Word[8]; } u; } IN6_ADDR;`
/// with `#define s6_addr u.Byte` — `<in6addr.h>`. An IPv6 address in network
/// byte order. Declared by its byte view; the union's `u_short` view gives it
/// an alignment of 2.
#[repr(C, align(2))]
#[derive(Clone, Copy, Debug)]
pub struct in6_addr {
    /// The 16 address bytes.
    pub s6_addr: [u8; 16],
}

/// ```c
/// struct sockaddr_in6 { short sin6_family; u_short sin6_port; u_long sin6_flowinfo;
///   struct in6_addr sin6_addr; union { u_long sin6_scope_id; SCOPE_ID sin6_scope_struct; }; };
/// ```
///
/// Header `<ws2ipdef.h>` (through `<ws2tcpip.h>`; the SDK spells the family
/// `ADDRESS_FAMILY`, also 16 bits); docs
/// [SOCKADDR_IN6](https://learn.microsoft.com/en-us/windows/win32/api/ws2ipdef/ns-ws2ipdef-sockaddr_in6_lh).
/// The anonymous union is declared by its `u_long` member (`SCOPE_ID` is a
/// 32-bit bit field view of the same value).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_in6 {
    /// Always `AF_INET6`.
    pub sin6_family: i16,
    /// Port, big-endian.
    pub sin6_port: u_short,
    /// Flow label, big-endian.
    pub sin6_flowinfo: u_long,
    /// Address.
    pub sin6_addr: in6_addr,
    /// Interface index for link-local addresses, else 0.
    pub sin6_scope_id: u_long,
}

/// ```c
/// struct sockaddr_storage { short ss_family; char __ss_pad1[6]; __int64 __ss_align; char __ss_pad2[112]; };
/// ```
///
/// Header `<winsock2.h>` (mingw-w64's spelling; the SDK's `<ws2def.h>` has
/// the same layout with `ADDRESS_FAMILY ss_family`); docs
/// [SOCKADDR_STORAGE](https://learn.microsoft.com/en-us/windows/win32/api/ws2def/ns-ws2def-sockaddr_storage_lh).
/// Room and alignment for any socket address: what `accept`,
/// `getsockname` and `recvfrom` are given to write into.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_storage {
    /// The family of the address stored.
    pub ss_family: i16,
    /// Padding up to the 8-byte aligned member.
    pub __ss_pad1: [c_char; 6],
    /// Forces 8-byte alignment.
    pub __ss_align: i64,
    /// Padding to 128 bytes.
    pub __ss_pad2: [c_char; 112],
}

/// ```c
/// typedef struct WSAData {
///   WORD wVersion; WORD wHighVersion;
///   unsigned short iMaxSockets; unsigned short iMaxUdpDg; char *lpVendorInfo;
///   char szDescription[WSADESCRIPTION_LEN+1]; char szSystemStatus[WSASYS_STATUS_LEN+1];
/// } WSADATA, *LPWSADATA;
/// ```
///
/// Header `<winsock2.h>` (`<psdk_inc/_wsadata.h>` in mingw-w64); docs
/// [WSADATA](https://learn.microsoft.com/en-us/windows/win32/api/winsock/ns-winsock-wsadata).
/// What `WSAStartup` reports about the Winsock implementation. This is the
/// **64-bit** layout: on 32-bit Windows the two strings come first. (groundup
/// is 64-bit only on Windows; the AFD assertions above already say so.)
/// `iMaxSockets`, `iMaxUdpDg` and `lpVendorInfo` are obsolete since Winsock
/// 2 and are not to be read.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSADATA {
    /// The version the caller is expected to use.
    pub wVersion: WORD,
    /// The highest version this implementation supports.
    pub wHighVersion: WORD,
    /// Obsolete.
    pub iMaxSockets: u16,
    /// Obsolete.
    pub iMaxUdpDg: u16,
    /// Obsolete.
    pub lpVendorInfo: *mut c_char,
    /// A NUL-terminated description of the implementation.
    pub szDescription: [c_char; 257],
    /// A NUL-terminated status or configuration string.
    pub szSystemStatus: [c_char; 129],
}

const _: () = assert!(size_of::<sockaddr>() == 16 && size_of::<sockaddr_in>() == 16);
const _: () = assert!(size_of::<in6_addr>() == 16 && align_of::<in6_addr>() == 2);
const _: () = assert!(size_of::<sockaddr_in6>() == 28 && align_of::<sockaddr_in6>() == 4);
const _: () = assert!(size_of::<sockaddr_storage>() == 128 && align_of::<sockaddr_storage>() == 8);
const _: () = assert!(size_of::<WSADATA>() == 408);

/// `typedef struct _WSABUF { ULONG len; CHAR *buf; } WSABUF;`
///
/// Header `<ws2def.h>` (through `<winsock2.h>`); docs
/// [WSABUF](https://learn.microsoft.com/en-us/windows/win32/api/ws2def/ns-ws2def-wsabuf).
/// One buffer of a scattering or gathering Winsock call. std's
/// `IoSlice`/`IoSliceMut` are documented to be ABI-compatible with it on
/// Windows.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSABUF {
    /// Length of the buffer in bytes.
    pub len: ULONG,
    /// Start of the buffer.
    pub buf: *mut c_char,
}

const _: () = assert!(size_of::<WSABUF>() == 16 && align_of::<WSABUF>() == 8);

#[link(name = "ws2_32")]
unsafe extern "system" {
    /// `int WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [WSASend](https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsasend).
    /// Sends the bytes of the `dwBufferCount` buffers, in order (a
    /// gathering write). groundup calls it without an overlapped, so on a
    /// non-blocking socket it completes at once: 0 with the count in
    /// `*lpNumberOfBytesSent`, or `SOCKET_ERROR` with `WSAGetLastError()`
    /// ([`WSAEWOULDBLOCK`] when the send buffer is full).
    pub fn WSASend(
        s: SOCKET,
        lpBuffers: *mut WSABUF,
        dwBufferCount: DWORD,
        lpNumberOfBytesSent: *mut DWORD,
        dwFlags: DWORD,
        lpOverlapped: *mut OVERLAPPED,
        lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> c_int;

    /// `int WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [WSARecv](https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsarecv).
    /// Receives into the buffers in order (a scattering read); `*lpFlags`
    /// goes in (`MSG_PEEK`, …) and comes back (`MSG_PARTIAL`). Without an
    /// overlapped: 0 with the count in `*lpNumberOfBytesRecvd` (0 bytes:
    /// the peer closed gracefully), or `SOCKET_ERROR` with
    /// `WSAGetLastError()` ([`WSAEWOULDBLOCK`] with nothing to read,
    /// [`WSAESHUTDOWN`] after `shutdown(SD_RECEIVE)`).
    pub fn WSARecv(
        s: SOCKET,
        lpBuffers: *mut WSABUF,
        dwBufferCount: DWORD,
        lpNumberOfBytesRecvd: *mut DWORD,
        lpFlags: *mut DWORD,
        lpOverlapped: *mut OVERLAPPED,
        lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> c_int;

    /// `int WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [WSAIoctl](https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaioctl).
    /// Controls a socket. groundup uses it, synchronously (null overlapped),
    /// for [`SIO_BASE_HANDLE`]. Returns 0, or `SOCKET_ERROR` with
    /// `WSAGetLastError()`.
    pub fn WSAIoctl(
        s: SOCKET,
        dwIoControlCode: DWORD,
        lpvInBuffer: *mut c_void,
        cbInBuffer: DWORD,
        lpvOutBuffer: *mut c_void,
        cbOutBuffer: DWORD,
        lpcbBytesReturned: *mut DWORD,
        lpOverlapped: *mut OVERLAPPED,
        lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> c_int;

    /// `int ioctlsocket(SOCKET s, long cmd, u_long *argp);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [ioctlsocket](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-ioctlsocket).
    /// With [`FIONBIO`], `*argp != 0` makes the socket non-blocking. Returns
    /// 0, or `SOCKET_ERROR` with `WSAGetLastError()`.
    pub fn ioctlsocket(s: SOCKET, cmd: c_long, argp: *mut u_long) -> c_int;

    /// `int WSAGetLastError(void);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [WSAGetLastError](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-wsagetlasterror).
    /// The calling thread's last Winsock error (`WSAE*`, in the same number
    /// space as Win32 errors). Never fails.
    pub fn WSAGetLastError() -> c_int;

    /// `SOCKET socket(int af, int type, int protocol);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [socket](https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-socket).
    /// Returns a new overlapped-capable socket, or [`INVALID_SOCKET`] with
    /// `WSAGetLastError()` (`WSANOTINITIALISED` if no `WSAStartup` was made).
    /// Used by the tests; groundup creates its sockets with `WSASocketW`,
    /// which can also make them non-inheritable.
    pub fn socket(af: c_int, ty: c_int, protocol: c_int) -> SOCKET;

    /// `int connect(SOCKET s, const struct sockaddr *name, int namelen);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [connect](https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-connect).
    /// Returns 0, or `SOCKET_ERROR` with `WSAGetLastError()`; on a
    /// non-blocking socket [`WSAEWOULDBLOCK`] means the attempt has started
    /// (not `WSAEINPROGRESS`, which Winsock reserves for blocking calls in
    /// progress). On a datagram socket it sets the default peer at once.
    pub fn connect(s: SOCKET, name: *const sockaddr, namelen: c_int) -> c_int;

    /// `int WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [WSAStartup](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-wsastartup).
    /// Initialises Winsock for the process; every other Winsock call fails
    /// with `WSANOTINITIALISED` before it. May be called more than once (each
    /// call is counted, to be matched by `WSACleanup`). **Returns 0, or the
    /// error code itself** (`WSASYSNOTREADY`, `WSAVERNOTSUPPORTED`, …): not
    /// `SOCKET_ERROR`, and `WSAGetLastError()` must not be asked, since
    /// Winsock may not be loaded to answer.
    pub fn WSAStartup(wVersionRequested: WORD, lpWSAData: *mut WSADATA) -> c_int;

    /// `SOCKET WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [WSASocketW](https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsasocketw).
    /// `socket` with flags: [`WSA_FLAG_OVERLAPPED`] and
    /// [`WSA_FLAG_NO_HANDLE_INHERIT`] (Windows 7 SP1 and later). Returns a
    /// new socket, or [`INVALID_SOCKET`] with `WSAGetLastError()`.
    pub fn WSASocketW(
        af: c_int,
        ty: c_int,
        protocol: c_int,
        lpProtocolInfo: LPWSAPROTOCOL_INFOW,
        g: GROUP,
        dwFlags: DWORD,
    ) -> SOCKET;

    /// `int closesocket(SOCKET s);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [closesocket](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket).
    /// Closes a socket (`CloseHandle` must not be used on one). Returns 0, or
    /// `SOCKET_ERROR` with `WSAGetLastError()`; the socket is released even
    /// then, except for `WSAEWOULDBLOCK` on a blocking socket with a linger
    /// time, which groundup never sets.
    pub fn closesocket(s: SOCKET) -> c_int;

    /// `int bind(SOCKET s, const struct sockaddr *name, int namelen);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [bind](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-bind).
    /// Returns 0, or `SOCKET_ERROR` with `WSAGetLastError()`
    /// (`WSAEADDRINUSE` when the address is taken).
    pub fn bind(s: SOCKET, name: *const sockaddr, namelen: c_int) -> c_int;

    /// `int listen(SOCKET s, int backlog);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [listen](https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-listen).
    /// Returns 0, or `SOCKET_ERROR` with `WSAGetLastError()`.
    pub fn listen(s: SOCKET, backlog: c_int) -> c_int;

    /// `SOCKET accept(SOCKET s, struct sockaddr *addr, int *addrlen);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [accept](https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-accept).
    /// Returns the new connection's socket, which "has the same properties as
    /// socket s" (its non-blocking mode included, say the remarks), or
    /// [`INVALID_SOCKET`] with `WSAGetLastError()`;
    /// [`WSAEWOULDBLOCK`] on a non-blocking socket with nothing to accept.
    pub fn accept(s: SOCKET, addr: *mut sockaddr, addrlen: *mut c_int) -> SOCKET;

    /// `int getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [getsockopt](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-getsockopt).
    /// Reads an option into `optval` (`*optlen` bytes at most; the length
    /// used is written back). Returns 0, or `SOCKET_ERROR` with
    /// `WSAGetLastError()`.
    pub fn getsockopt(
        s: SOCKET,
        level: c_int,
        optname: c_int,
        optval: *mut c_char,
        optlen: *mut c_int,
    ) -> c_int;

    /// `int setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [setsockopt](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-setsockopt).
    /// Returns 0, or `SOCKET_ERROR` with `WSAGetLastError()`.
    pub fn setsockopt(
        s: SOCKET,
        level: c_int,
        optname: c_int,
        optval: *const c_char,
        optlen: c_int,
    ) -> c_int;

    /// `int getsockname(SOCKET s, struct sockaddr *name, int *namelen);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [getsockname](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-getsockname).
    /// Writes the local address (at most `*namelen` bytes; the length used
    /// is written back). Returns 0, or `SOCKET_ERROR` with
    /// `WSAGetLastError()` (`WSAEINVAL` for an unbound socket).
    pub fn getsockname(s: SOCKET, name: *mut sockaddr, namelen: *mut c_int) -> c_int;

    /// `int getpeername(SOCKET s, struct sockaddr *name, int *namelen);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [getpeername](https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-getpeername).
    /// Like `getsockname`, for the peer. `WSAENOTCONN` if not connected.
    pub fn getpeername(s: SOCKET, name: *mut sockaddr, namelen: *mut c_int) -> c_int;

    /// `int shutdown(SOCKET s, int how);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [shutdown](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown).
    /// `how` is [`SD_RECEIVE`], [`SD_SEND`] (a FIN to the peer) or
    /// [`SD_BOTH`]. Returns 0, or `SOCKET_ERROR` with `WSAGetLastError()`.
    pub fn shutdown(s: SOCKET, how: c_int) -> c_int;

    /// `int recv(SOCKET s, char *buf, int len, int flags);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [recv](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recv).
    /// Returns the bytes received (0: the peer closed gracefully), or
    /// `SOCKET_ERROR` with `WSAGetLastError()`: [`WSAEWOULDBLOCK`] with
    /// nothing to read, [`WSAESHUTDOWN`] after `shutdown(SD_RECEIVE)`,
    /// [`WSAEMSGSIZE`] when a datagram was longer than `len` (the buffer is
    /// filled with its start, the rest is lost), `WSAECONNRESET`.
    pub fn recv(s: SOCKET, buf: *mut c_char, len: c_int, flags: c_int) -> c_int;

    /// `int send(SOCKET s, const char *buf, int len, int flags);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [send](https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-send).
    /// Returns the bytes sent (on a non-blocking socket possibly fewer than
    /// `len`), or `SOCKET_ERROR` with `WSAGetLastError()`
    /// ([`WSAEWOULDBLOCK`] when the send buffer is full). Never raises a
    /// signal: Windows has none.
    pub fn send(s: SOCKET, buf: *const c_char, len: c_int, flags: c_int) -> c_int;

    /// `int recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [recvfrom](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recvfrom).
    /// `recv` that also writes the sender's address. Same returns; on a UDP
    /// socket also `WSAECONNRESET` when an earlier `sendto` drew an ICMP
    /// "port unreachable", unless [`SIO_UDP_CONNRESET`] turned that off.
    pub fn recvfrom(
        s: SOCKET,
        buf: *mut c_char,
        len: c_int,
        flags: c_int,
        from: *mut sockaddr,
        fromlen: *mut c_int,
    ) -> c_int;

    /// `int sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to, int tolen);`
    ///
    /// Header `<winsock2.h>`; docs
    /// [sendto](https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-sendto).
    /// Sends one datagram to `to`. Returns the bytes sent, or `SOCKET_ERROR`
    /// with `WSAGetLastError()`.
    pub fn sendto(
        s: SOCKET,
        buf: *const c_char,
        len: c_int,
        flags: c_int,
        to: *const sockaddr,
        tolen: c_int,
    ) -> c_int;
}

/// `SOCKET_ERROR`, `<winsock2.h>`: the failure return of most Winsock calls.
pub const SOCKET_ERROR: c_int = -1;
/// `INVALID_SOCKET`, `<winsock2.h>`: `(SOCKET)(~0)`, the failure return of
/// `socket`.
pub const INVALID_SOCKET: SOCKET = !0;
/// `FIONBIO`, `<winsock2.h>`: `_IOW('f', 126, u_long)`, set or clear
/// non-blocking mode. The macro's arithmetic makes it an unsigned long
/// (0x8004667E); `ioctlsocket` takes it as a `long`, hence the negative
/// value here with the same bits.
pub const FIONBIO: c_long = 0x8004_667E_u32 as c_long;
/// `SIO_BASE_HANDLE`, `<mswsock.h>`: `_WSAIOR(IOC_WS2, 34)`. Writes the
/// socket's *base service provider* handle: the AFD endpoint itself, below
/// any layered service provider (LSP) that may wrap the handle an
/// application sees. AFD polls must name that handle. Docs
/// [Winsock IOCTLs](https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls).
pub const SIO_BASE_HANDLE: DWORD = 0x4800_0022;
/// `SIO_BSP_HANDLE`, `<mswsock.h>`: `_WSAIOR(IOC_WS2, 27)`, the base handle
/// as seen by the provider. A fallback when an LSP (wrongly) intercepts
/// `SIO_BASE_HANDLE`.
pub const SIO_BSP_HANDLE: DWORD = 0x4800_001B;
/// `SIO_BSP_HANDLE_SELECT`, `<mswsock.h>`: `_WSAIOR(IOC_WS2, 28)`, the base
/// handle `select` would use. The first fallback.
pub const SIO_BSP_HANDLE_SELECT: DWORD = 0x4800_001C;
/// `SIO_BSP_HANDLE_POLL`, `<mswsock.h>`: `_WSAIOR(IOC_WS2, 29)`, the base
/// handle `WSAPoll` would use. The second fallback.
pub const SIO_BSP_HANDLE_POLL: DWORD = 0x4800_001D;

/// `AF_INET`, `<winsock2.h>`: IPv4.
pub const AF_INET: c_int = 2;
/// `SOCK_STREAM`, `<winsock2.h>`: a reliable byte stream.
pub const SOCK_STREAM: c_int = 1;
/// `IPPROTO_TCP`, `<winsock2.h>`.
pub const IPPROTO_TCP: c_int = 6;
/// `AF_INET6`, `<winsock2.h>`: IPv6 (23 on Windows; 10 on Linux).
pub const AF_INET6: c_int = 23;
/// `SOCK_DGRAM`, `<winsock2.h>`: datagrams.
pub const SOCK_DGRAM: c_int = 2;
/// `SOL_SOCKET`, `<winsock2.h>`: the level of socket-generic options.
pub const SOL_SOCKET: c_int = 0xffff;
/// `SO_ERROR`, `<winsock2.h>`: read and clear the pending error (an `int`).
/// After a failed non-blocking `connect`, it holds why it failed.
pub const SO_ERROR: c_int = 0x1007;
/// `TCP_NODELAY`, `<winsock2.h>` (level `IPPROTO_TCP`): disable Nagle's
/// algorithm. Read and written as a `BOOL` (an `int`).
pub const TCP_NODELAY: c_int = 0x0001;
/// `SD_RECEIVE`, `<winsock2.h>`: `shutdown` the receiving half.
pub const SD_RECEIVE: c_int = 0x00;
/// `SD_SEND`, `<winsock2.h>`: `shutdown` the sending half (sends a FIN).
pub const SD_SEND: c_int = 0x01;
/// `SD_BOTH`, `<winsock2.h>`: `shutdown` both halves.
pub const SD_BOTH: c_int = 0x02;
/// `WSA_FLAG_OVERLAPPED`, `<winsock2.h>`: the socket can be used for
/// overlapped I/O. Without it the socket's handle is a *synchronous* file
/// object, on which the I/O manager serialises every operation.
pub const WSA_FLAG_OVERLAPPED: DWORD = 0x01;
/// `WSA_FLAG_NO_HANDLE_INHERIT`, `<winsock2.h>`: child processes do not
/// inherit the socket (the `SOCK_CLOEXEC` of Windows). Windows 7 SP1 and
/// later.
pub const WSA_FLAG_NO_HANDLE_INHERIT: DWORD = 0x80;
/// `SIO_UDP_CONNRESET`, `<mswsock.h>`: `_WSAIOW(IOC_VENDOR, 12)`. With a
/// `BOOL` input of `FALSE`, a UDP socket stops reporting an ICMP "port
/// unreachable" for an earlier datagram as `WSAECONNRESET` on its next
/// receive. Docs
/// [Winsock IOCTLs](https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls).
pub const SIO_UDP_CONNRESET: DWORD = 0x9800_000C;
/// `WINSOCK_VERSION`, `<winsock2.h>`: `MAKEWORD(2, 2)`, Winsock 2.2, the
/// version every Windows since 98 implements (minor version in the high
/// byte).
pub const WINSOCK_VERSION: WORD = 0x0202;
/// `WSAEWOULDBLOCK` (10035), `<winerror.h>`: a non-blocking operation
/// cannot complete now; for `connect`, the attempt has started.
pub const WSAEWOULDBLOCK: c_int = 10035;
/// `WSAEMSGSIZE` (10040), `<winerror.h>`: a datagram did not fit the
/// buffer; the buffer holds its first bytes.
pub const WSAEMSGSIZE: c_int = 10040;
/// `WSAESHUTDOWN` (10058), `<winerror.h>`: the receiving (or sending) half
/// was shut down.
pub const WSAESHUTDOWN: c_int = 10058;

/// `MSG_PEEK`, `<winsock2.h>`: `recv` returns the data without removing it
/// from the socket's queue.
pub const MSG_PEEK: c_int = 0x2;

// Socket options. The Winsock docs give each value's type
// ([SOL_SOCKET](https://learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options),
// [IPPROTO_IP](https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ip-socket-options),
// [IPPROTO_IPV6](https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ipv6-socket-options)):
// `BOOL` for the flags at `SOL_SOCKET`, `int` for the buffer sizes, `DWORD`
// for every `IPPROTO_IP` and `IPPROTO_IPV6` value (TTLs, hop limits, loop
// flags, `IPV6_V6ONLY`), `struct linger` (two `u_short`s) for `SO_LINGER`.
// The numbers are 4.2BSD's, as on the BSDs. Windows has no `SO_REUSEPORT`.

/// `SO_REUSEADDR`, `<winsock2.h>`: a `BOOL`. On Windows it lets a socket
/// bind an address and port that another socket is *actively using*, even
/// listening on ("port hijacking"; `SO_EXCLUSIVEADDRUSE` forbids that),
/// which is more than the Unix option of that name allows.
pub const SO_REUSEADDR: c_int = 0x0004;
/// `SO_KEEPALIVE`, `<winsock2.h>`: send keep-alive probes (a `BOOL`).
pub const SO_KEEPALIVE: c_int = 0x0008;
/// `SO_BROADCAST`, `<winsock2.h>`: a datagram socket may send to a
/// broadcast address (a `BOOL`).
pub const SO_BROADCAST: c_int = 0x0020;
/// `SO_LINGER`, `<winsock2.h>`: what `closesocket` does with unsent data
/// (a `struct linger`, in seconds).
pub const SO_LINGER: c_int = 0x0080;
/// `SO_SNDBUF`, `<winsock2.h>`: the send buffer's size in bytes (an
/// `int`; 0 turns the buffer off, so sends go straight from the caller's
/// memory).
pub const SO_SNDBUF: c_int = 0x1001;
/// `SO_RCVBUF`, `<winsock2.h>`: the receive buffer's size in bytes (an `int`).
pub const SO_RCVBUF: c_int = 0x1002;
/// `IPPROTO_IP`, `<winsock2.h>`: the level of IPv4 options.
pub const IPPROTO_IP: c_int = 0;
/// `IP_TTL`, `<ws2ipdef.h>`: the time-to-live of unicast packets sent (a
/// `DWORD`).
pub const IP_TTL: c_int = 4;
/// `IP_TOS`, `<ws2ipdef.h>`: the type-of-service byte of the IPv4 packets
/// sent (a `DWORD`). The
/// [IPPROTO_IP docs](https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ip-socket-options)
/// list it as supported from Windows 8 and Windows Server 2012 (and say to
/// prefer the QoS API).
pub const IP_TOS: c_int = 3;
/// `IP_MULTICAST_TTL`, `<ws2ipdef.h>`: the time-to-live of multicast
/// packets sent (a `DWORD`, default 1).
pub const IP_MULTICAST_TTL: c_int = 10;
/// `IP_MULTICAST_LOOP`, `<ws2ipdef.h>`: whether multicast packets sent are
/// looped back to this host (a `DWORD` flag, default on).
pub const IP_MULTICAST_LOOP: c_int = 11;
/// `IP_ADD_MEMBERSHIP`, `<ws2ipdef.h>`: join a multicast group on an
/// interface (a `struct ip_mreq`).
pub const IP_ADD_MEMBERSHIP: c_int = 12;
/// `IP_DROP_MEMBERSHIP`, `<ws2ipdef.h>`: leave a group (a `struct ip_mreq`).
pub const IP_DROP_MEMBERSHIP: c_int = 13;
/// `IPPROTO_IPV6`, `<ws2def.h>`: the level of IPv6 options.
pub const IPPROTO_IPV6: c_int = 41;
/// `IPV6_V6ONLY`, `<ws2ipdef.h>`: an IPv6 socket does not accept IPv4
/// (mapped) traffic (a `DWORD`; **on** by default on Windows, off on Linux).
pub const IPV6_V6ONLY: c_int = 27;
/// `IPV6_MULTICAST_HOPS`, `<ws2ipdef.h>`: the hop limit of multicast
/// packets sent (a `DWORD`).
pub const IPV6_MULTICAST_HOPS: c_int = 10;
/// `IPV6_MULTICAST_LOOP`, `<ws2ipdef.h>`: whether multicast packets sent
/// are looped back to this host (a `DWORD` flag).
pub const IPV6_MULTICAST_LOOP: c_int = 11;
/// `IPV6_JOIN_GROUP`, `<ws2ipdef.h>` (`IPV6_ADD_MEMBERSHIP`): join a
/// multicast group on the interface with the given index (a `struct
/// ipv6_mreq`).
pub const IPV6_JOIN_GROUP: c_int = 12;
/// `IPV6_LEAVE_GROUP`, `<ws2ipdef.h>` (`IPV6_DROP_MEMBERSHIP`): leave a
/// group (a `struct ipv6_mreq`).
pub const IPV6_LEAVE_GROUP: c_int = 13;
/// `IPV6_TCLASS`, `<ws2ipdef.h>`: the traffic class byte of the IPv6
/// packets sent (a `DWORD`). Declared and checked for completeness only:
/// tokio offers `tclass_v6` on Unix alone, and so does groundup.
pub const IPV6_TCLASS: c_int = 39;

/// `struct linger { u_short l_onoff; u_short l_linger; };`
///
/// Header `<winsock2.h>` (`<psdk_inc/_ip_types.h>` in mingw-w64); docs
/// [LINGER](https://learn.microsoft.com/en-us/windows/win32/api/winsock/ns-winsock-linger).
/// The value of `SO_LINGER`: 16-bit fields, where Unix has `int`s.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct linger {
    /// Non-zero: linger on close.
    pub l_onoff: u_short,
    /// How long to linger, in seconds.
    pub l_linger: u_short,
}

/// `typedef struct ip_mreq { struct in_addr imr_multiaddr; struct in_addr imr_interface; } IP_MREQ;`
///
/// Header `<ws2ipdef.h>` (`<psdk_inc/_ip_mreq1.h>` in mingw-w64); docs
/// [IP_MREQ](https://learn.microsoft.com/en-us/windows/win32/api/ws2ipdef/ns-ws2ipdef-ip_mreq).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ip_mreq {
    /// The group's address.
    pub imr_multiaddr: in_addr,
    /// The local address of the interface.
    pub imr_interface: in_addr,
}

/// `typedef struct ipv6_mreq { struct in6_addr ipv6mr_multiaddr; unsigned int ipv6mr_interface; } IPV6_MREQ;`
///
/// Header `<ws2ipdef.h>` (the SDK spells the index `ULONG`, also 32 bits);
/// docs [IPV6_MREQ](https://learn.microsoft.com/en-us/windows/win32/api/ws2ipdef/ns-ws2ipdef-ipv6_mreq).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ipv6_mreq {
    /// The group's address.
    pub ipv6mr_multiaddr: in6_addr,
    /// The interface's index.
    pub ipv6mr_interface: c_uint,
}

const _: () = assert!(size_of::<linger>() == 4 && size_of::<ip_mreq>() == 8);
const _: () = assert!(size_of::<ipv6_mreq>() == 20 && align_of::<ipv6_mreq>() == 4);
