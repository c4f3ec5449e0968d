//! Checks groundup-ffi against the system's own C headers.
//!
//! Hand-written bindings are only as good as their agreement with the C
//! headers, so this test asks the C compiler. It generates one C file of
//! `_Static_assert`s from the values the Rust side has (sizes, alignments,
//! field offsets and sizes, constant values, and every function prototype),
//! `#include`s the real headers, and compiles it with the system C compiler
//! (`$CC`, else `cc`). Any disagreement is a compile error that names the item
//! and both values.
//!
//! Prototypes are checked by reading the `pub fn` declarations out of the
//! ffi sources, translating each Rust type to its C spelling (`c_int` → `int`,
//! `*mut epoll_event` → `struct epoll_event *`) and asking GCC/Clang's
//! `__builtin_types_compatible_p` whether the header's function has that
//! type. The test also fails if an item in the sources has no check here, so a
//! new binding cannot slip in unverified.
//!
//! ## Windows, and Wine
//!
//! On Windows the headers are mingw-w64's and the compiler is a mingw-w64
//! GCC (`$CC`, else `gcc`). Under Wine, where this test runs in CI, the test
//! is a Windows program and cannot run the Linux cross-compiler (Wine starts
//! a Unix program but cannot report its exit status). So `.ci/windows.sh`
//! sets `GROUNDUP_ABI_C_FILE` to a path; the test writes the C file there
//! instead of compiling it, and the script compiles it on the host with
//! `x86_64-w64-mingw32-gcc -fsyntax-only`, failing if the file is missing.
//! Without that variable and without a compiler it can run, the test
//! fails: it never passes having checked nothing.
//!
//! The AFD poll interface (`AFD_POLL_INFO`, `IOCTL_AFD_POLL`, …) is
//! undocumented and in no header, so it cannot be checked here: it is
//! listed as such below, and its layout is asserted in `ffi/src/windows.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The C file being built: headers and assertions.
#[derive(Default)]
struct Checks {
    /// C lines before the first `#include` (feature macros).
    defines: Vec<&'static str>,
    /// Headers, in order; a name starting with `#` is emitted as a line.
    headers: Vec<&'static str>,
    /// C lines after the headers (typedefs the headers only give in some modes).
    prelude: Vec<&'static str>,
    asserts: Vec<String>,
    /// Rust item names that have a check, to find unchecked ones.
    covered: BTreeSet<String>,
    /// The C spelling of each type whose layout is checked, by Rust name
    /// (`epoll_event` → `struct epoll_event`, `OVERLAPPED` → `OVERLAPPED`),
    /// used to spell prototypes.
    c_names: BTreeMap<String, String>,
}

impl Checks {
    #[allow(dead_code)] // only the Windows checks need it
    fn define(&mut self, line: &'static str) {
        self.defines.push(line);
    }

    fn header(&mut self, h: &'static str) {
        self.headers.push(h);
    }

    /// An item no header declares, checked only by the Rust-side assertions
    /// next to its declaration.
    #[allow(dead_code)] // only the Windows checks have such items
    fn undocumented(&mut self, rust: &str) {
        self.covered.insert(rust.to_string());
    }

    fn prelude(&mut self, line: &'static str) {
        self.prelude.push(line);
    }

    fn assert(&mut self, cond: String, what: String) {
        let what = what.replace('"', "'");
        self.asserts.push(format!("_Static_assert({cond}, \"{what}\");"));
    }

    /// Size and alignment of a type; `rust` is its name in groundup-ffi.
    fn layout<T>(&mut self, rust: &str, c: &str) {
        let (size, align) = (size_of::<T>(), align_of::<T>());
        self.assert(
            format!("sizeof({c}) == {size}"),
            format!("sizeof({c}): groundup-ffi has {size}"),
        );
        self.assert(
            format!("_Alignof({c}) == {align}"),
            format!("_Alignof({c}): groundup-ffi has {align}"),
        );
        self.covered.insert(rust.to_string());
        self.c_names.insert(rust.to_string(), c.to_string());
    }

    /// Offset and size of one field.
    fn field(&mut self, c: &str, field: &str, offset: usize, size: usize) {
        self.assert(
            format!("offsetof({c}, {field}) == {offset}"),
            format!("offsetof({c}, {field}): groundup-ffi has {offset}"),
        );
        self.assert(
            format!("sizeof((({c} *)0)->{field}) == {size}"),
            format!("sizeof({c}.{field}): groundup-ffi has {size}"),
        );
    }

    /// The value of a constant (compared as a 64-bit integer of the sign the
    /// Rust value has, so a signedness mismatch shows up too).
    fn constant(&mut self, name: &str, value: i128) {
        let cond = if value < 0 {
            format!("(long long)({name}) == {value}LL")
        } else {
            format!("(unsigned long long)({name}) == {value}ULL")
        };
        self.assert(cond, format!("{name}: groundup-ffi has {value}"));
        self.covered.insert(name.to_string());
    }

    /// The value of a constant after conversion to the C type `c_type`, for
    /// constants whose C expression has another type than the one they are
    /// used as (Winsock's `FIONBIO` is an `unsigned long` passed as a `long`).
    #[allow(dead_code)] // only the Windows checks need it
    fn constant_as(&mut self, name: &str, c_type: &str, value: i128) {
        self.assert(
            format!("({c_type})({name}) == {value}LL"),
            format!("({c_type}){name}: groundup-ffi has {value}"),
        );
        self.covered.insert(name.to_string());
    }

    fn source(&self, prototypes: &[Prototype]) -> String {
        let mut c = String::new();
        for line in &self.defines {
            writeln!(c, "{line}").unwrap();
        }
        c.push_str("#include <stddef.h>\n#include <stdint.h>\n");
        for h in &self.headers {
            if h.starts_with('#') {
                writeln!(c, "{h}").unwrap();
            } else {
                writeln!(c, "#include <{h}>").unwrap();
            }
        }
        for line in &self.prelude {
            writeln!(c, "{line}").unwrap();
        }
        for a in &self.asserts {
            writeln!(c, "{a}").unwrap();
        }
        for p in prototypes {
            let ty = p.c_pointer_type();
            writeln!(
                c,
                "_Static_assert(__builtin_types_compatible_p(__typeof__(&{name}), {ty}), \
                 \"prototype of {name}: groundup-ffi declares {ty}\");",
                name = p.name
            )
            .unwrap();
        }
        c
    }
}

/// Field offset and size, without reading the (possibly packed) field.
macro_rules! field {
    ($checks:expr, $ty:ty, $c:literal, $field:ident) => {{
        let uninit = core::mem::MaybeUninit::<$ty>::uninit();
        let base = uninit.as_ptr();
        // SAFETY: `&raw const` computes the field's address without reading
        // it or creating a reference, which is valid on uninitialised and
        // packed memory; `base` points into the live `uninit`.
        let field = unsafe { &raw const (*base).$field };
        $checks.field(
            $c,
            stringify!($field),
            core::mem::offset_of!($ty, $field),
            pointee_size(field),
        );
    }};
}

fn pointee_size<T>(_: *const T) -> usize {
    size_of::<T>()
}

#[cfg(target_os = "linux")]
fn platform_checks(c: &mut Checks) -> Vec<&'static str> {
    use groundup_ffi::linux::*;
    use groundup_ffi::unix::socklen_t;

    for h in [
        "sys/epoll.h",
        "sys/eventfd.h",
        "sys/ioctl.h",
        "sys/socket.h",
        "netinet/in.h",
        "fcntl.h",
        "unistd.h",
        "errno.h",
        "signal.h",
        "pthread.h",
        "sys/resource.h",
    ] {
        c.header(h);
    }
    // glibc names the type of a signal handler `sighandler_t` only under
    // _GNU_SOURCE, which would also turn getrlimit's `int` into an enum.
    c.prelude("typedef void (*sighandler_t)(int);");

    c.layout::<epoll_event>("epoll_event", "struct epoll_event");
    field!(c, epoll_event, "struct epoll_event", events);
    field!(c, epoll_event, "struct epoll_event", data);
    c.layout::<epoll_data_t>("epoll_data_t", "epoll_data_t");
    c.layout::<sockaddr>("sockaddr", "struct sockaddr");
    field!(c, sockaddr, "struct sockaddr", sa_family);
    field!(c, sockaddr, "struct sockaddr", sa_data);
    c.layout::<in_addr>("in_addr", "struct in_addr");
    field!(c, in_addr, "struct in_addr", s_addr);
    c.layout::<sockaddr_in>("sockaddr_in", "struct sockaddr_in");
    field!(c, sockaddr_in, "struct sockaddr_in", sin_family);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_port);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_addr);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_zero);
    c.layout::<sa_family_t>("sa_family_t", "sa_family_t");
    c.layout::<socklen_t>("socklen_t", "socklen_t");
    c.layout::<sighandler_t>("sighandler_t", "sighandler_t");
    c.layout::<pthread_t>("pthread_t", "pthread_t");
    c.layout::<rlim_t>("rlim_t", "rlim_t");
    c.layout::<rlimit>("rlimit", "struct rlimit");
    field!(c, rlimit, "struct rlimit", rlim_cur);
    field!(c, rlimit, "struct rlimit", rlim_max);

    let constants: &[(&str, i128)] = &[
        ("EPOLL_CTL_ADD", EPOLL_CTL_ADD.into()),
        ("EPOLL_CTL_DEL", EPOLL_CTL_DEL.into()),
        ("EPOLL_CTL_MOD", EPOLL_CTL_MOD.into()),
        ("EPOLLIN", EPOLLIN.into()),
        ("EPOLLPRI", EPOLLPRI.into()),
        ("EPOLLOUT", EPOLLOUT.into()),
        ("EPOLLERR", EPOLLERR.into()),
        ("EPOLLHUP", EPOLLHUP.into()),
        ("EPOLLRDHUP", EPOLLRDHUP.into()),
        ("EPOLLONESHOT", EPOLLONESHOT.into()),
        ("EPOLLET", EPOLLET.into()),
        ("EPOLL_CLOEXEC", EPOLL_CLOEXEC.into()),
        ("EFD_CLOEXEC", EFD_CLOEXEC.into()),
        ("EFD_NONBLOCK", EFD_NONBLOCK.into()),
        ("O_NONBLOCK", O_NONBLOCK.into()),
        ("O_CLOEXEC", O_CLOEXEC.into()),
        ("F_DUPFD_CLOEXEC", F_DUPFD_CLOEXEC.into()),
        ("FIONBIO", FIONBIO.into()),
        ("AF_INET", AF_INET.into()),
        ("SOCK_STREAM", SOCK_STREAM.into()),
        ("SOCK_NONBLOCK", SOCK_NONBLOCK.into()),
        ("SOCK_CLOEXEC", SOCK_CLOEXEC.into()),
        ("EINPROGRESS", EINPROGRESS.into()),
        ("SIGUSR1", SIGUSR1.into()),
        ("RLIMIT_NOFILE", RLIMIT_NOFILE.into()),
        ("RLIM_INFINITY", RLIM_INFINITY.into()),
    ];
    for &(name, value) in constants {
        c.constant(name, value);
    }
    vec!["unix.rs", "linux.rs"]
}

#[cfg(windows)]
fn platform_checks(c: &mut Checks) -> Vec<&'static str> {
    use groundup_ffi::windows::*;

    // NTSTATUS values: <winnt.h> defines a few of them too (as DWORDs)
    // unless WIN32_NO_STATUS is set; then <ntstatus.h> gives them all.
    c.define("#define WIN32_NO_STATUS");
    for h in ["winsock2.h", "windows.h", "#undef WIN32_NO_STATUS", "ntstatus.h", "winternl.h"] {
        c.header(h);
    }
    c.header("mswsock.h");
    // NtCancelIoFileEx is documented in the WDK's <ntifs.h> but absent from
    // mingw-w64's headers: declare it as the WDK docs give it, so our
    // declaration is checked against that (and a future mingw-w64
    // declaration that differed would be a compile error here).
    c.prelude(
        "NTSTATUS NTAPI NtCancelIoFileEx(HANDLE FileHandle, PIO_STATUS_BLOCK IoRequestToCancel, \
         PIO_STATUS_BLOCK IoStatusBlock);",
    );

    c.layout::<HANDLE>("HANDLE", "HANDLE");
    c.layout::<BOOL>("BOOL", "BOOL");
    c.layout::<BOOLEAN>("BOOLEAN", "BOOLEAN");
    c.layout::<UCHAR>("UCHAR", "UCHAR");
    c.layout::<USHORT>("USHORT", "USHORT");
    c.layout::<WCHAR>("WCHAR", "WCHAR");
    c.layout::<ULONG>("ULONG", "ULONG");
    c.layout::<DWORD>("DWORD", "DWORD");
    c.layout::<ULONG_PTR>("ULONG_PTR", "ULONG_PTR");
    c.layout::<NTSTATUS>("NTSTATUS", "NTSTATUS");
    c.layout::<ACCESS_MASK>("ACCESS_MASK", "ACCESS_MASK");
    c.layout::<LARGE_INTEGER>("LARGE_INTEGER", "LARGE_INTEGER");
    c.layout::<SOCKET>("SOCKET", "SOCKET");
    c.layout::<u_long>("u_long", "u_long");
    c.layout::<u_short>("u_short", "u_short");
    c.layout::<PIO_APC_ROUTINE>("PIO_APC_ROUTINE", "PIO_APC_ROUTINE");
    c.layout::<LPWSAOVERLAPPED_COMPLETION_ROUTINE>(
        "LPWSAOVERLAPPED_COMPLETION_ROUTINE",
        "LPWSAOVERLAPPED_COMPLETION_ROUTINE",
    );

    c.layout::<OVERLAPPED>("OVERLAPPED", "OVERLAPPED");
    field!(c, OVERLAPPED, "OVERLAPPED", Internal);
    field!(c, OVERLAPPED, "OVERLAPPED", InternalHigh);
    field!(c, OVERLAPPED, "OVERLAPPED", Pointer);
    field!(c, OVERLAPPED, "OVERLAPPED", hEvent);
    c.layout::<OVERLAPPED_ENTRY>("OVERLAPPED_ENTRY", "OVERLAPPED_ENTRY");
    field!(c, OVERLAPPED_ENTRY, "OVERLAPPED_ENTRY", lpCompletionKey);
    field!(c, OVERLAPPED_ENTRY, "OVERLAPPED_ENTRY", lpOverlapped);
    field!(c, OVERLAPPED_ENTRY, "OVERLAPPED_ENTRY", Internal);
    field!(c, OVERLAPPED_ENTRY, "OVERLAPPED_ENTRY", dwNumberOfBytesTransferred);
    c.layout::<IO_STATUS_BLOCK>("IO_STATUS_BLOCK", "IO_STATUS_BLOCK");
    field!(c, IO_STATUS_BLOCK, "IO_STATUS_BLOCK", Status);
    field!(c, IO_STATUS_BLOCK, "IO_STATUS_BLOCK", Information);
    c.layout::<UNICODE_STRING>("UNICODE_STRING", "UNICODE_STRING");
    field!(c, UNICODE_STRING, "UNICODE_STRING", Length);
    field!(c, UNICODE_STRING, "UNICODE_STRING", MaximumLength);
    field!(c, UNICODE_STRING, "UNICODE_STRING", Buffer);
    c.layout::<OBJECT_ATTRIBUTES>("OBJECT_ATTRIBUTES", "OBJECT_ATTRIBUTES");
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", Length);
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", RootDirectory);
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", ObjectName);
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", Attributes);
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", SecurityDescriptor);
    field!(c, OBJECT_ATTRIBUTES, "OBJECT_ATTRIBUTES", SecurityQualityOfService);
    c.layout::<sockaddr>("sockaddr", "struct sockaddr");
    field!(c, sockaddr, "struct sockaddr", sa_family);
    field!(c, sockaddr, "struct sockaddr", sa_data);
    c.layout::<in_addr>("in_addr", "struct in_addr");
    field!(c, in_addr, "struct in_addr", s_addr);
    c.layout::<sockaddr_in>("sockaddr_in", "struct sockaddr_in");
    field!(c, sockaddr_in, "struct sockaddr_in", sin_family);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_port);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_addr);
    field!(c, sockaddr_in, "struct sockaddr_in", sin_zero);

    // Undocumented: no header declares the AFD poll interface. Its layout is
    // asserted in ffi/src/windows.rs, where its sources are cited.
    for item in [
        "AFD_POLL_HANDLE_INFO",
        "AFD_POLL_INFO",
        "IOCTL_AFD_POLL",
        "AFD_POLL_RECEIVE",
        "AFD_POLL_RECEIVE_EXPEDITED",
        "AFD_POLL_SEND",
        "AFD_POLL_DISCONNECT",
        "AFD_POLL_ABORT",
        "AFD_POLL_LOCAL_CLOSE",
        "AFD_POLL_CONNECT",
        "AFD_POLL_ACCEPT",
        "AFD_POLL_CONNECT_FAIL",
    ] {
        c.undocumented(item);
    }

    let constants: &[(&str, i128)] = &[
        ("INVALID_HANDLE_VALUE", (INVALID_HANDLE_VALUE as usize).try_into().unwrap()),
        ("INFINITE", INFINITE.into()),
        ("FILE_SKIP_COMPLETION_PORT_ON_SUCCESS", FILE_SKIP_COMPLETION_PORT_ON_SUCCESS.into()),
        ("FILE_SKIP_SET_EVENT_ON_HANDLE", FILE_SKIP_SET_EVENT_ON_HANDLE.into()),
        ("ERROR_INVALID_HANDLE", ERROR_INVALID_HANDLE.into()),
        ("WAIT_TIMEOUT", WAIT_TIMEOUT.into()),
        ("ERROR_OPERATION_ABORTED", ERROR_OPERATION_ABORTED.into()),
        ("ERROR_IO_PENDING", ERROR_IO_PENDING.into()),
        ("ERROR_NOT_FOUND", ERROR_NOT_FOUND.into()),
        ("STATUS_SUCCESS", STATUS_SUCCESS.into()),
        ("STATUS_PENDING", STATUS_PENDING.into()),
        ("STATUS_CANCELLED", STATUS_CANCELLED.into()),
        ("STATUS_NOT_FOUND", STATUS_NOT_FOUND.into()),
        ("SYNCHRONIZE", SYNCHRONIZE.into()),
        ("FILE_SHARE_READ", FILE_SHARE_READ.into()),
        ("FILE_SHARE_WRITE", FILE_SHARE_WRITE.into()),
        ("FILE_OPEN", FILE_OPEN.into()),
        ("SOCKET_ERROR", SOCKET_ERROR.into()),
        ("INVALID_SOCKET", INVALID_SOCKET.try_into().unwrap()),
        ("SIO_BASE_HANDLE", SIO_BASE_HANDLE.into()),
        ("SIO_BSP_HANDLE", SIO_BSP_HANDLE.into()),
        ("SIO_BSP_HANDLE_SELECT", SIO_BSP_HANDLE_SELECT.into()),
        ("SIO_BSP_HANDLE_POLL", SIO_BSP_HANDLE_POLL.into()),
        ("AF_INET", AF_INET.into()),
        ("SOCK_STREAM", SOCK_STREAM.into()),
        ("IPPROTO_TCP", IPPROTO_TCP.into()),
        ("WSAEWOULDBLOCK", WSAEWOULDBLOCK.into()),
    ];
    for &(name, value) in constants {
        c.constant(name, value);
    }
    // `_IOW('f', 126, u_long)` is an unsigned long in C; ioctlsocket takes
    // it as a long, which is how groundup-ffi declares it.
    c.constant_as("FIONBIO", "long", FIONBIO.into());
    vec!["windows.rs"]
}

/// One `pub fn` from an `extern` block.
#[derive(Debug)]
struct Prototype {
    name: String,
    args: Vec<String>,
    ret: String,
    /// The C spelling of the types whose layout is checked (`Checks::c_names`).
    c_names: BTreeMap<String, String>,
}

impl Prototype {
    /// `int (*)(int, struct epoll_event *, int, int)`
    fn c_pointer_type(&self) -> String {
        let args: Vec<String> = self.args.iter().map(|a| self.c_type(a)).collect();
        let args = if args.is_empty() { "void".to_string() } else { args.join(", ") };
        format!("{} (*)({args})", self.c_type(&self.ret))
    }

    fn c_type(&self, rust: &str) -> String {
        let rust = rust.trim();
        if let Some(inner) = rust.strip_prefix("*mut ") {
            return format!("{} *", self.c_type(inner));
        }
        if let Some(inner) = rust.strip_prefix("*const ") {
            return format!("const {} *", self.c_type(inner));
        }
        let base = rust.rsplit("::").next().unwrap_or(rust);
        let c = match base {
            "" => "void",
            "..." => "...",
            "c_void" => "void",
            "c_char" => "char",
            "c_int" => "int",
            "c_uint" => "unsigned int",
            "c_long" => "long",
            "c_ulong" => "unsigned long",
            "usize" => "size_t",
            "isize" => "ssize_t",
            "u8" => "uint8_t",
            "u16" => "uint16_t",
            "u32" => "uint32_t",
            "u64" => "uint64_t",
            "i32" => "int32_t",
            "i64" => "int64_t",
            other if self.c_names.contains_key(other) => return self.c_names[other].clone(),
            other => other, // a C typedef groundup-ffi declares under the same name
        };
        c.to_string()
    }
}

/// What one ffi source file declares.
struct Declared {
    /// `(name, argument types, return type)` of each `pub fn`.
    fns: Vec<(String, Vec<String>, String)>,
    /// Names of every `pub const`, `pub struct` and `pub type`.
    items: Vec<String>,
}

/// Reads every `pub fn` prototype, `pub struct`, `pub type` and `pub const`
/// name out of one ffi source file.
fn parse_source(path: &Path) -> Declared {
    let text = std::fs::read_to_string(path).unwrap();
    // Drop comments so doc text never looks like code.
    let code: String =
        text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join(" ");
    let mut fns = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("pub fn ") {
        let decl = &rest[i + "pub fn ".len()..];
        let end = decl.find(';').expect("a prototype ends with ';'");
        let decl = decl[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        let open = decl.find('(').unwrap();
        let close = decl.rfind(')').unwrap();
        let name = decl[..open].trim().to_string();
        let args = decl[open + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| a.split_once(':').map_or(a, |(_, ty)| ty).trim().to_string())
            .collect();
        let ret = decl[close + 1..].trim().trim_start_matches("->").trim().to_string();
        fns.push((name, args, ret));
        rest = &rest[i + 1..];
    }
    let names_after = |kw: &str| -> Vec<String> {
        code.split(kw)
            .skip(1)
            .map(|s| {
                s.split(|ch: char| !ch.is_alphanumeric() && ch != '_').next().unwrap().to_string()
            })
            .collect()
    };
    let mut items = names_after("pub const ");
    items.extend(names_after("pub struct "));
    items.extend(names_after("pub type "));
    Declared { fns, items }
}

fn c_compiler() -> String {
    let default = if cfg!(windows) { "gcc" } else { "cc" };
    std::env::var("CC").unwrap_or_else(|_| default.to_string())
}

/// Compiles the C file, or (under Wine, see the module docs) hands it to
/// the script that will. Panics if the headers disagree or if nothing can
/// check them.
fn compile(c_file: &Path, source: &str, count: usize) {
    if cfg!(windows) {
        if let Some(out) = std::env::var_os("GROUNDUP_ABI_C_FILE") {
            std::fs::write(&out, source).unwrap();
            eprintln!(
                "{count} checks written to {} for the host's mingw-w64 compiler \
                 (GROUNDUP_ABI_C_FILE); .ci/windows.sh compiles them",
                Path::new(&out).display()
            );
            return;
        }
    }
    let cc = c_compiler();
    let output = Command::new(&cc)
        .args(["-std=gnu11", "-fsyntax-only"])
        .arg(c_file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the C compiler `{cc}` (set CC; under Wine set GROUNDUP_ABI_C_FILE \
                 and compile that file on the host, as .ci/windows.sh does): {e}"
            )
        });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the C headers disagree with groundup-ffi ({count} checks in {}):\n{stderr}",
        c_file.display()
    );
    eprintln!("{count} checks agree with the headers ({cc})");
}

#[test]
fn layouts_constants_and_prototypes_match_the_system_headers() {
    let mut checks = Checks::default();
    let files = platform_checks(&mut checks);

    let src_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut raw_fns = Vec::new();
    let mut unchecked = Vec::new();
    for file in &files {
        let declared = parse_source(&src_dir.join(file));
        raw_fns.extend(declared.fns);
        unchecked.extend(declared.items.into_iter().filter(|i| !checks.covered.contains(i)));
    }
    assert!(
        unchecked.is_empty(),
        "items in groundup-ffi with no ABI check in this test: {unchecked:?}"
    );
    let prototypes: Vec<Prototype> = raw_fns
        .into_iter()
        .map(|(name, args, ret)| Prototype { name, args, ret, c_names: checks.c_names.clone() })
        .collect();
    assert!(prototypes.len() >= 8, "expected to find the extern prototypes, got {prototypes:?}");

    let dir = std::env::temp_dir().join(format!("groundup-abi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let c_file = dir.join("abi.c");
    let source = checks.source(&prototypes);
    std::fs::write(&c_file, &source).unwrap();
    compile(&c_file, &source, checks.asserts.len() + prototypes.len());
    let _ = std::fs::remove_dir_all(&dir);
}
