import CSystemCalls
import Foundation

/// The SHA-256 of export files that a run needs only once it has read them: on a run that plans every
/// stage whatever its inputs are (the period's first run, or `--force`), the fingerprints are recorded at
/// the end, so hashing the exports need not come first. They are hashed on a thread that runs only when
/// a core is idle (SCHED_IDLE): while the dossiers are read on both cores it waits, and it hashes while the
/// warehouse writer or the linked read leaves a core free. The run asks for the hashes once the exports
/// are read (``wait()``): the idle thread then stops after the 1 MiB it is on, and the asking thread, at
/// normal priority, finishes every file where it was left, so a machine busy with other work cannot hold
/// the run back behind a starved thread.
///
/// On the 5M benchmark's first run, hashing up front was the first 0.55 s, both cores busy, before a byte
/// was parsed; in the background the hashes were all done before the linked exports were read.
final class DeferredHashes: @unchecked Sendable {
    /// The files, biggest first (the idle thread takes them in this order).
    let paths: [String]
    private let condition = NSCondition()
    /// Each file's hash so far (guarded by `condition`), and whether a thread is on it.
    private var hashers: [Hashing.FileHasher]
    private var busy: [Bool]
    private var failures: [Int: Error] = [:]
    /// Set when the run asks for the hashes (or no longer wants them): the idle thread stops.
    private var stopping = false
    private var cancelled = false

    /// Starts hashing `paths` (with their sizes, for the order) on an idle-priority thread.
    init(_ paths: [String], sizes: [String: Int]) {
        self.paths = paths.sorted { (sizes[$0] ?? 0, $1) > (sizes[$1] ?? 0, $0) }
        hashers = self.paths.map(Hashing.FileHasher.init)
        busy = Array(repeating: false, count: paths.count)
        let thread = Thread { [self] in
            _ = chiso_run_when_idle()  // refused (a sandbox's seccomp): hashes at normal priority, still correct
            for i in self.paths.indices { while step(i, idle: true) {} }
        }
        thread.name = "chiso-hashes"
        thread.start()
    }

    /// Hashes the next chunk of file `i` unless another thread is on it, it is done or failed, or (for the
    /// idle thread) the run has asked; true while there is more to do on it.
    private func step(_ i: Int, idle: Bool) -> Bool {
        condition.lock()
        while busy[i] { condition.wait() }
        guard !cancelled, !(idle && stopping), failures[i] == nil, hashers[i].digest.isEmpty else {
            condition.unlock()
            return false
        }
        busy[i] = true
        var hasher = Hashing.FileHasher(paths[i])
        swap(&hasher, &hashers[i])  // moved out, so that reading into its buffer copies nothing
        condition.unlock()
        let outcome = Result { try hasher.step() }
        condition.lock()
        hashers[i] = hasher
        busy[i] = false
        if case let .failure(error) = outcome { failures[i] = error }
        condition.broadcast()
        condition.unlock()
        if case .success(false) = outcome { return true }
        if case .success(true) = outcome { StageRunner.trace("hashed later: \((paths[i] as NSString).lastPathComponent)") }
        return false
    }

    /// Every file's hash, by path. The idle thread stops after its chunk; what is left is hashed here.
    /// - Throws: the first failure to read a file (``EnvironmentError``), in the order of ``paths``.
    func wait() throws -> [String: String] {
        condition.lock()
        stopping = true
        condition.unlock()
        for i in paths.indices { while step(i, idle: false) {} }
        condition.lock()
        defer { condition.unlock() }
        var out: [String: String] = [:]
        for (i, path) in paths.enumerated() {
            if let error = failures[i] { throw error }
            guard !hashers[i].digest.isEmpty else { throw CancellationError() }
            out[path] = hashers[i].digest
        }
        return out
    }

    /// Stops the hashing (a run that ends before it needs the hashes): the open files are closed.
    func cancel() {
        condition.lock()
        cancelled = true
        stopping = true
        while busy.contains(true) { condition.wait() }
        for i in hashers.indices { hashers[i].abandon() }
        condition.unlock()
    }
}
