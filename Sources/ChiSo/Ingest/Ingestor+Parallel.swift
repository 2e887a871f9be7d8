import Foundation

/// The row that first named a dossier in a file read on its own: what a cross-file duplicate finding
/// points at when the files are merged.
struct FirstSeen: Sendable {
    let line: Int
    let unit: Int32
}

/// Where a file read on its own records, in store order, the row that first named each dossier.
final class FirstSeenLog {
    var rows: [FirstSeen] = []
}

extension Ingestor {
    /// Reads the dossier files on both cores (each file on its own, as many at a time as there are cores)
    /// and merges them in file order, so that dossiers, duplicates (the later file wins) and findings are
    /// exactly those of reading the files one after another. One file is read as before.
    /// - Parameter reserve: the dossier count to reserve room for (all files together).
    func ingestDossierFiles(_ paths: [String], into result: inout IngestResult, reserve: (count: Int, expected: Int)) {
        guard paths.count > 1 else {
            result.store.reserve(reserve.count, expected: reserve.expected)
            for path in paths { ingestDossiers(path, into: &result) }
            return
        }
        let base = result.nextFileID(.dossiers)
        let slots = Slots(count: paths.count)
        let me = self
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            var partial = IngestResult()
            // The first file's store becomes the merged one: room for every file's dossiers.
            if i == 0 { partial.store.reserve(reserve.count, expected: reserve.expected) }
            let first = FirstSeenLog()
            me.ingestDossiers(paths[i], into: &partial, fileIndex: base + i, firstSeen: first)
            slots.put(i, (partial, first.rows))
        }
        var merged = slots.take(0).result
        for k in 1..<paths.count {
            let (partial, first) = slots.take(k)
            merged.files += partial.files
            merged.fileIDs += partial.fileIDs
            merged.findings += partial.findings
            let display = partial.files[0].file
            for j in partial.store.dossiers.indices {
                partial.store.ids.withKey(j) { id in
                    guard let previous = merged.store.upsert(id: id, partial.store.dossiers[j]) else { return }
                    let key = String(decoding: id, as: UTF8.self)
                    merged.findings.append(Finding(.info, .duplicateReplaced, source: .dossiers, file: display, line: first[j].line,
                                                   column: "dossier_id", value: key, dossierID: key,
                                                   unitCode: registry.units[Int(first[j].unit)].code,
                                                   message: "Hồ sơ trùng mã; dòng này thay thế dòng \(previous.line) của tệp trước"))
                }
            }
        }
        result.store = merged.store
        result.files += merged.files
        result.fileIDs += merged.fileIDs
        result.findings += merged.findings
    }
}

/// The partial results, one slot per file, each written by one worker and taken once by the merge.
private final class Slots: @unchecked Sendable {
    private var slots: [(result: IngestResult, first: [FirstSeen])?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func put(_ i: Int, _ value: (result: IngestResult, first: [FirstSeen])) { lock.lock(); slots[i] = value; lock.unlock() }
    /// Moves the slot's value out (the merge frees each file's store as it goes).
    func take(_ i: Int) -> (result: IngestResult, first: [FirstSeen]) {
        lock.lock(); defer { lock.unlock() }
        let value = slots[i]!
        slots[i] = nil
        return value
    }
}
