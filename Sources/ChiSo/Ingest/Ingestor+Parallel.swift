import Foundation

/// The row that first named a dossier in a file read on its own: what a cross-file duplicate finding
/// points at when the files are merged.
struct FirstSeen: Sendable {
    let line: Int
    let unit: Int32
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
        let base = result.files.count
        let slots = UnsafeMutableBufferPointer<(result: IngestResult, first: [FirstSeen])>.allocate(capacity: paths.count)
        slots.initialize(repeating: (IngestResult(), []))
        defer {
            _ = slots.deinitialize()
            slots.deallocate()
        }
        let shared = Slots(pointer: slots)
        let me = self
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            var partial = IngestResult()
            // The first file's store becomes the merged one: room for every file's dossiers.
            if i == 0 { partial.store.reserve(reserve.count, expected: reserve.expected) }
            var first: [FirstSeen] = []
            withUnsafeMutablePointer(to: &first) { me.ingestDossiers(paths[i], into: &partial, fileIndex: base + i, firstSeen: $0) }
            shared.pointer[i] = (partial, first)
        }
        var merged = slots[0].result
        slots[0].result = IngestResult()
        for k in 1..<paths.count {
            let partial = slots[k].result
            let first = slots[k].first
            slots[k] = (IngestResult(), [])
            merged.files += partial.files
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
        result.findings += merged.findings
    }
}

/// The partial results' slots, each written by one worker only.
private struct Slots: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<(result: IngestResult, first: [FirstSeen])>
}
