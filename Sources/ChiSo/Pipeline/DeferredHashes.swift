import CSystemCalls
import Foundation

/// The SHA-256 of export files that a run needs only once it has read them: on a run that plans every
/// stage whatever its inputs are (the period's first run, or `--force`), the fingerprints are recorded at
/// the end, so hashing the exports need not come first. They are hashed on a thread that runs only when
/// a core is idle (SCHED_IDLE): while the dossiers are read on both cores it waits, and it hashes while the
/// warehouse writer or the linked read leaves a core free. The run asks for the hashes once the exports
/// are read (``wait()``); what is left then is hashed by the asking thread too.
///
/// On the 5M benchmark's first run hashing up front was the first 0.55 s, both cores busy, before a byte
/// was parsed.
final class DeferredHashes: @unchecked Sendable {
    /// The files, biggest first (the idle thread takes them in this order).
    let paths: [String]
    private let condition = NSCondition()
    private var next = 0
    private var done = 0
    private var results: [String: Result<String, Error>] = [:]
    private var cancelled = false

    /// Starts hashing `paths` (with their sizes, for the order) on an idle-priority thread.
    init(_ paths: [String], sizes: [String: Int]) {
        self.paths = paths.sorted { (sizes[$0] ?? 0, $1) > (sizes[$1] ?? 0, $0) }
        let thread = Thread { [self] in
            _ = chiso_run_when_idle()  // refused (a sandbox's seccomp): hashes at normal priority, still correct
            work()
        }
        thread.name = "chiso-hashes"
        thread.start()
    }

    /// Hashes files not yet taken until none is left.
    private func work() {
        while let path = take() {
            let result = Result { try Hashing.sha256(file: path) }
            StageRunner.trace("hashed later: \((path as NSString).lastPathComponent)")
            condition.lock()
            results[path] = result
            done += 1
            condition.broadcast()
            condition.unlock()
        }
    }

    private func take() -> String? {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled, next < paths.count else { return nil }
        next += 1
        return paths[next - 1]
    }

    /// Every file's hash, by path: the files no thread has started are hashed here, then the others waited for.
    /// - Throws: the first failure to read a file (``EnvironmentError``), in the order of ``paths``.
    func wait() throws -> [String: String] {
        work()
        condition.lock()
        while done < paths.count && !cancelled { condition.wait() }
        let results = self.results
        condition.unlock()
        var out: [String: String] = [:]
        for path in paths {
            guard let result = results[path] else { throw CancellationError() }
            out[path] = try result.get()
        }
        return out
    }

    /// Stops taking files (a run that ends before it needs the hashes); the file being hashed is finished.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
