import Foundation

/// The row that first named a dossier in a file read on its own: what a cross-file duplicate finding
/// points at when the files are merged.
struct FirstSeen: Sendable {
    let line: Int
    let unit: Int32
}

/// A dossier file read on its own store (``Ingestor/readApart(_:firstFileID:)``): its result and the row
/// that first named each of its dossiers, in its store's order.
struct DossierFileApart: Sendable {
    let result: IngestResult
    let first: [FirstSeen]
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
            if let path = paths.first, ingestDossierFileInParts(path, into: &result, reserve: reserve) != .notSplit { return }
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
            mergeFile(DossierFileApart(result: partial, first: first), into: &merged)
        }
        result.store = merged.store
        result.files += merged.files
        result.fileIDs += merged.fileIDs
        result.findings += merged.findings
    }

    /// Reads each of `paths` on its own store, in order, numbering them from `firstFileID`: what a night
    /// reads on the other core while this one decodes the stored state, then adds after that state's files
    /// with ``mergeApart(_:into:)``.
    func readApart(_ paths: [String], firstFileID: Int) -> [DossierFileApart] {
        paths.enumerated().map { i, path in
            var partial = IngestResult()
            let first = FirstSeenLog()
            ingestDossiers(path, into: &partial, fileIndex: firstFileID + i, firstSeen: first)
            return DossierFileApart(result: partial, first: first.rows)
        }
    }

    /// Adds dossier files read apart after `result`'s files, in order: the dossiers, duplicates (the later
    /// file wins) and findings of reading them after its files, one after another (``readApart(_:firstFileID:)``
    /// numbered them as such).
    func mergeApart(_ files: [DossierFileApart], into result: inout IngestResult) {
        for file in files { mergeFile(file, into: &result) }
    }

    /// One file read apart added after `merged`'s files.
    private func mergeFile(_ file: DossierFileApart, into merged: inout IngestResult) {
        merged.files += file.result.files
        merged.fileIDs += file.result.fileIDs
        merged.findings += file.result.findings
        merge(file.result.store, firstSeen: file.first, display: file.result.files[0].file, sameFile: false, into: &merged)
    }

    /// Upserts the dossiers of a store read apart into `merged`, in their order, as reading their rows
    /// after `merged`'s would: each id already there is replaced, with the finding the first row that named
    /// it again gives ("of the earlier file" unless it is the same file's).
    /// The id table's work (looking the ids up, filling the new ones' slots) is split on both cores.
    private func merge(_ partial: DossierStore, firstSeen first: [FirstSeen], display: String, sameFile: Bool,
                       into merged: inout IngestResult) {
        let replaced = merged.store.merge(partial, parts: 2) { parts, part in DispatchQueue.concurrentPerform(iterations: parts, execute: part) }
        for (j, previous) in replaced {
            partial.ids.withKey(j) { id in
                let key = String(decoding: id, as: UTF8.self)
                merged.findings.append(Finding(.info, .duplicateReplaced, source: .dossiers, file: display, line: first[j].line,
                                               column: "dossier_id", value: key, dossierID: key,
                                               unitCode: registry.units[Int(first[j].unit)].code,
                                               message: "Hồ sơ trùng mã; dòng này thay thế dòng \(previous.line)\(sameFile ? "" : " của tệp trước")"))
            }
        }
    }

    /// Below this size a lone dossier file is read on one core: splitting it would not pay.
    static let partsFromBytes = 8 << 20

    /// Reads one big dossier file on both cores: the head (its start to the end of a line near the middle)
    /// here, the tail (from there) on the other core at the same time, numbering its lines from a count of
    /// the head's line ends and reading the file's header itself. The tail is then merged into the head as
    /// a later file would be, as the same file. Where a record begins is only known by parsing from the
    /// start, so the tail is a guess: when the head does not end between records (a quoted field spans the
    /// cut) or at the line the tail began with, when a part fails to read, or when the whole has more bad
    /// rows than allowed, both parts are dropped and the file is read whole. What comes out is always what
    /// reading it whole gives (tested).
    /// - Returns: `.notSplit`, with `result` untouched, when the file is not read in parts: under
    ///   `minimumBytes`, UTF-16, its hash unknown (a part is not hashed) or no line end near its middle.
    func ingestDossierFileInParts(_ path: String, into result: inout IngestResult, reserve: (count: Int, expected: Int),
                                  minimumBytes: Int = Ingestor.partsFromBytes) -> PartsOutcome {
        guard knownHashes[path] != nil, let cut = Ingestor.cut(path, minimumBytes: minimumBytes) else { return .notSplit }
        let fileIndex = result.nextFileID(.dossiers)
        let tail = TailSlot()
        let group = DispatchGroup()
        let me = self
        let counted = knownLines[path].flatMap { $0.cut == cut ? $0.line : nil }
        DispatchQueue.global().async(group: group) {
            guard let firstLine = counted ?? LineCount.line(at: cut, of: path) else { return }
            StageRunner.trace("tail of \(path.utf8.count > 60 ? "…" : "")\(String(path.suffix(60))): lines counted up to byte \(cut)\(counted == nil ? "" : " (beside the hashing)"), the tail begins")
            var partial = IngestResult()
            partial.store.reserve(reserve.count / 2 + 1024, expected: reserve.expected / 2 + 1024)
            let first = FirstSeenLog()
            me.ingestDossiers(path, into: &partial, fileIndex: fileIndex, firstSeen: first,
                              part: .tail(cut: cut, firstLine: firstLine))
            tail.value = (partial, first.rows, firstLine)
            StageRunner.trace("tail read")
        }
        var head = IngestResult()
        head.store.reserve(reserve.count, expected: reserve.expected)
        let nextLine = ingestDossiers(path, into: &head, fileIndex: fileIndex, part: .head(cut: cut))
        StageRunner.trace("head read")
        group.wait()
        guard let (partial, first, firstLine) = tail.value, nextLine == firstLine,
              var report = head.files.first, let tailReport = partial.files.first, !report.failed, !tailReport.failed
        else {
            StageRunner.trace("\(config.display(path)): the parts did not fit together (a record over the cut, or a part failed); read whole")
            return readWhole(path, into: &result, reserve: reserve)
        }
        report.rows += tailReport.rows
        report.quarantined += tailReport.quarantined
        report.size = tailReport.size
        if reader(.dossiers).tooManyBadRows(report) != nil { return readWhole(path, into: &result, reserve: reserve) }
        head.files[0] = report
        head.findings += partial.findings
        merge(partial.store, firstSeen: first, display: report.file, sameFile: true, into: &head)
        result.store = head.store
        result.files += head.files
        result.fileIDs += head.fileIDs
        result.findings += head.findings
        return .inParts
    }

    /// How a file offered to ``ingestDossierFileInParts`` was read.
    enum PartsOutcome: Equatable {
        /// Not at all: it is not one to split.
        case notSplit
        /// In two parts, merged.
        case inParts
        /// In two parts that did not fit together, then whole.
        case readWhole
    }

    private func readWhole(_ path: String, into result: inout IngestResult, reserve: (count: Int, expected: Int)) -> PartsOutcome {
        result.store.reserve(reserve.count, expected: reserve.expected)
        ingestDossiers(path, into: &result)
        return .readWhole
    }

    /// The offset just after the first LF from the middle of `path`, when the file is at least
    /// `minimumBytes`, not UTF-16 (by its BOM) and has one within a megabyte there; else nil.
    static func cut(_ path: String, minimumBytes: Int) -> Int? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) >= max(minimumBytes, 2) else { return nil }
        let size = Int(st.st_size)
        var bom = [UInt8](repeating: 0, count: 2)
        guard pread(fd, &bom, 2, 0) == 2, bom != [0xFF, 0xFE], bom != [0xFE, 0xFF] else { return nil }
        let window = 1 << 20
        var bytes = [UInt8](repeating: 0, count: window)
        // The middle: the tail counts the head's lines first (24–60 ms for 1M dossiers), and cuts at 15/32
        // and at 52% of the file were no faster in alternating runs.
        let from = size / 2
        let n = pread(fd, &bytes, window, off_t(from))
        guard n > 0, let lf = bytes[0..<n].firstIndex(of: 0x0A), from + lf + 1 < size else { return nil }
        return from + lf + 1
    }
}

/// What the tail of a file read in two parts hands back: its result, the first row of each of its
/// dossiers, the line it began on. Written once by the tail's worker, read after it is done.
private final class TailSlot: @unchecked Sendable {
    var value: (result: IngestResult, first: [FirstSeen], firstLine: Int)?
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
