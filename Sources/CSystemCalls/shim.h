#ifndef CHISO_CSYSTEMCALLS_SHIM_H
#define CHISO_CSYSTEMCALLS_SHIM_H
// Linux system calls Swift's Glibc module does not expose (glibc declares them only under _GNU_SOURCE).
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

/// renameat2(RENAME_EXCHANGE): swaps two paths atomically (both must exist). Returns 0 or -1 with errno.
static inline int chiso_exchange_paths(const char *a, const char *b) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */);
}
#endif
