/*
 * A one-function bcryptprimitives.dll for Wine 8, which lacks it.
 *
 * Rust's std (1.78 and later) fills its random seeds, e.g. the keys of every
 * HashMap, with `ProcessPrng` from bcryptprimitives.dll, the documented
 * successor of `RtlGenRandom`. Wine added that DLL in Wine 9; under Wine 8
 * every Rust program fails to start (STATUS_DLL_NOT_FOUND, exit code 53).
 *
 * This shim exports the one function std needs and answers it with
 * `RtlGenRandom`, which Wine has always had (exported by advapi32.dll under
 * its real name, `SystemFunction036`). It is built by .ci/windows.sh with
 *
 *     x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *         bcryptprimitives.c -ladvapi32
 *
 * and copied into the Wine prefix's C:\windows\system32. It exists only so
 * the test suite can run under Wine; nothing in groundup links to it.
 *
 * ProcessPrng: https://learn.microsoft.com/en-us/windows/win32/seccng/processprng
 * RtlGenRandom: https://learn.microsoft.com/en-us/windows/win32/api/ntsecapi/nf-ntsecapi-rtlgenrandom
 */
#include <windows.h>

/* BOOLEAN RtlGenRandom(PVOID RandomBuffer, ULONG RandomBufferLength);
 * Declared here because <ntsecapi.h> only offers it under a macro alias. */
__declspec(dllimport) BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* BOOL ProcessPrng(PBYTE pbData, SIZE_T cbData);
 * Documented to always return TRUE; a failure of the underlying generator is
 * fatal, so this one aborts the process rather than return unrandom bytes. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            ExitProcess(0xC0000001); /* STATUS_UNSUCCESSFUL */
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
