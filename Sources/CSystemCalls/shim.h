#ifndef CHISO_CSYSTEMCALLS_SHIM_H
#define CHISO_CSYSTEMCALLS_SHIM_H
// Linux system calls and glibc functions Swift's Glibc module does not expose (glibc declares them only
// under _GNU_SOURCE, or in headers the module leaves out).
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/// renameat2(RENAME_EXCHANGE): swaps two paths atomically (both must exist). Returns 0 or -1 with errno.
static inline int chiso_exchange_paths(const char *a, const char *b) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */);
}
/// Big blocks from the heap rather than one mapping each, and freed memory kept until exit (mallopt's
/// M_MMAP_MAX = 0 and the highest M_TRIM_THRESHOLD). Returns 1 when glibc took both, else 0.
static inline int chiso_keep_freed_memory(void) {
    return mallopt(M_MMAP_MAX, 0) && mallopt(M_TRIM_THRESHOLD, INT_MAX);
}
/// Gives back to the system the whole pages inside [p, p + n) (madvise MADV_DONTNEED), 8 MiB at a time so
/// that no other thread waits long on the address space: the memory of a buffer about to be freed, which
/// the kernel would otherwise take back at exit. The pages read as zeros if touched again.
static inline void chiso_release_pages(void *p, size_t n) {
    const uintptr_t page = 4096, piece = (uintptr_t)8 << 20;
    uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1), e = ((uintptr_t)p + n) & ~(page - 1);
    for (; a < e; a += piece) {
        madvise((void *)a, (e - a) < piece ? (e - a) : piece, MADV_DONTNEED);
    }
}
/// Moves the calling thread to SCHED_IDLE: it runs only on a core nothing else wants (background work
/// that must not slow the threads the run waits on). Returns 0, or -1 with errno (then nothing changed).
static inline int chiso_run_when_idle(void) {
    struct { int sched_priority; } param = {0};
    return (int)syscall(SYS_sched_setscheduler, 0, 5 /* SCHED_IDLE */, &param);
}
#endif
