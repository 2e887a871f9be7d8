import CSystemCalls
import Foundation

/// How the C allocator treats big blocks, for a run that reads the stored dossier state back.
enum MemoryPolicy {
    /// From now on, big blocks come from the heap instead of a mapping of their own each, and freed memory
    /// stays with the process until it exits instead of going back to the system. Reading a stored state
    /// back allocates and frees hundreds of megabytes in chunk-sized blocks; as mappings, each one is
    /// faulted in page by page and unmapped again (measured: a new file on a 5M history 1.04 → 0.96 s,
    /// peak RSS +30–60 MiB). Only a run that reads the state back asks for it: a cold run would keep more
    /// memory for no gain (215 → 261 MiB at 1M dossiers, same time). An operator who tuned glibc's
    /// allocator in the environment (`MALLOC_…_` variables, `glibc.malloc.*` tunables) keeps their choice.
    static func keepFreedMemory(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard !operatorTuned(environment) else { return }
        _ = chiso_keep_freed_memory()
    }

    /// Gives the memory freed so far back to the system (glibc's `malloc_trim`). The kernel takes back a
    /// run's memory at exit anyway, page by page (54 ms for the 670 MB of a night on a 5M history); done
    /// while the run waits on another thread, that work is off the run's path.
    static func releaseFreedMemory() {
        _ = chiso_release_freed_memory()
    }

    /// Whether the environment sets any of glibc's allocator settings.
    static func operatorTuned(_ environment: [String: String]) -> Bool {
        environment.keys.contains { $0.hasPrefix("MALLOC_") && $0.hasSuffix("_") }
            || (environment["GLIBC_TUNABLES"] ?? "").contains("glibc.malloc.")
    }
}
