import Foundation

/// A value computed on another core, taken once it is there: how a stage's pure computation starts while
/// the run is still busy with the one before it (normalize while the ingest commits).
final class Ahead<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var value: Value?

    /// Computes `body` on a global queue.
    func start(_ body: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async(group: done) { self.value = body() }
    }

    /// The value, waiting for it.
    func take() -> Value? {
        done.wait()
        defer { value = nil }
        return value
    }
}
