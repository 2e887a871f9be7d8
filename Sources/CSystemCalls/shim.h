#ifndef CHISO_CSYSTEMCALLS_SHIM_H
#define CHISO_CSYSTEMCALLS_SHIM_H
// Linux system calls and glibc functions Swift's Glibc module does not expose (glibc declares them only
// under _GNU_SOURCE, or in headers the module leaves out).
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
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
/// Gives the heap's free memory back to the system now (malloc_trim): what a run that kept freed memory
/// calls once the dossier state is dropped, while it waits on another thread, so that the exit has less
/// to take back. Returns 1 when memory was released.
static inline int chiso_release_freed_memory(void) {
    return malloc_trim(0);
}
#endif
