import ChiSoCore
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

    /// Gives the memory of a run's dossier state back to the system, 8 MiB at a time so that no other
    /// thread waits long on the address space. The kernel takes a run's memory back at exit anyway, page by
    /// page (54 ms for the 670 MB of a night on a 5M history); a run calls this where it would otherwise
    /// wait on another thread, so that the work is off its path. `store` must be the state's only owner
    /// (another owner would make it a copy first).
    static func release(_ store: consuming DossierStore) {
        var store = consume store
        store.releaseStorage { chiso_release_pages($0.baseAddress, $0.count) }
    }

    /// Whether the environment sets any of glibc's allocator settings.
    static func operatorTuned(_ environment: [String: String]) -> Bool {
        environment.keys.contains { $0.hasPrefix("MALLOC_") && $0.hasSuffix("_") }
            || (environment["GLIBC_TUNABLES"] ?? "").contains("glibc.malloc.")
    }
}
