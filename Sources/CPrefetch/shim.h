#ifndef CHISO_PREFETCH_H
#define CHISO_PREFETCH_H

/* A hint to the CPU that `address` will be read soon: it starts loading its cache line and goes on.
   Nothing is read or written (an address outside any mapping is not an error), so the core's hash
   lookups can ask for several lines at once instead of waiting for each in turn. */
static inline void chiso_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
