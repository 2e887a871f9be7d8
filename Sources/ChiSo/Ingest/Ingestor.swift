extension PipelineConfig {
    /// The files of each configured export source, in byte-wise order; a glob that matches nothing, or
    /// more files than a dossier's 16-bit file index can tell apart, is a configuration error.
    public func exportFiles() throws -> [(SourceKind, [String])] {
        var result: [(SourceKind, [String])] = []
        for kind in [SourceKind.dossiers, .late, .postal, .digitized] {
            guard let pattern = sources.exports[kind] else { continue }
            let files = files(matching: pattern)
            if files.count > FileIDs.perSource {
                let mark = sources.marks[kind]
                throw ConfigError(file: path, line: mark?.line, column: mark?.column,
                                  "sources.\(kind.rawValue): mẫu '\(pattern)' khớp \(files.count) tệp, nhiều hơn mức tối đa \(FileIDs.perSource); gộp bớt tệp")
            }
            if files.isEmpty {
                let mark = sources.marks[kind]
                throw ConfigError(file: path, line: mark?.line, column: mark?.column,
                                  "sources.\(kind.rawValue): mẫu '\(pattern)' không khớp tệp nào (đã tìm: \(PipelineLoader.absolutePath(resolve(pattern))))")
            }
            for file in files { try requireRegularFile(kind, file) }
            result.append((kind, files))
        }
        return result
    }
}

/// Reads the four exports in order (dossiers first, so that the others can be linked as they stream).
public struct Ingestor: Sendable {
    let config: PipelineConfig
    let registry: UnitRegistry
    /// SHA-256 by path of files whose hash is known and whose size, mtime and inode have not changed since.
    public var knownHashes: [String: String] = [:]
    /// By path, the line a file read in two parts resumes on at its cut, when it was counted beforehand
    /// (while the inputs were hashed, on a core that had finished its share): the tail then starts at once.
    var knownLines: [String: (cut: Int, line: Int)] = [:]

    init(config: PipelineConfig, registry: UnitRegistry) {
        self.config = config
        self.registry = registry
    }

    /// The files of each configured export source; a glob that matches nothing is a configuration error.
    public func sourceFiles() throws -> [(SourceKind, [String])] { try config.exportFiles() }

    func run() throws -> IngestResult {
        var result = IngestResult()
        for (kind, files) in try sourceFiles() {
            result.configured.insert(kind)
            for path in files {
                if kind == .dossiers { ingestDossiers(path, into: &result) } else { ingestLinked(kind, path, into: &result) }
            }
        }
        return result
    }

    func reader(_ kind: SourceKind) -> ExportFileReader {
        ExportFileReader(source: kind, specs: ColumnCatalog.columns(for: kind),
                         aliases: config.sources.aliases[kind] ?? [:],
                         delimiter: config.sources.delimiter, maxBadRowRatio: config.sources.maxBadRowRatio,
                         knownHashes: knownHashes)
    }

    /// Reads one dossier file into `result`.
    /// - Parameters:
    ///   - fileIndex: the file's id (default: the next dossier file's in `result`, see ``FileIDs``).
    ///   - firstSeen: when given, receives for each new dossier (in store order) the line and unit of the
    ///     row that first named it, which merging files read apart needs (see `ingestDossierFiles`).
    ///   - part: a part of the file to read instead of the whole (see `ingestDossierFileInParts`).
    /// - Returns: for a head, the line the next record starts on when it ended between records.
    @discardableResult
    func ingestDossiers(_ path: String, into result: inout IngestResult, fileIndex: Int? = nil,
                        firstSeen: FirstSeenLog? = nil, part: ExportPart? = nil) -> Int? {
        let display = config.display(path)
        let fileIndex = fileIndex ?? result.nextFileID(.dossiers)
        var parser: DossierParser?
        var store = result.store
        result.store = DossierStore()  // moved out so that the closure can mutate it without copying
        var findings: [Finding] = []
        let registry = self.registry
        let (report, readFindings, nextLine) = reader(.dossiers).read(path: path, display: display, part: part, begin: { map, _ in
            parser = DossierParser(columns: map)
        }, row: { row in
            let ref = RowRef(file: fileIndex, line: row.line)
            let dossier = try parser!.parse(row, registry: registry, ref: ref)
            let id = parser!.idCell(row)
            if parser!.receivedUnderInactiveCode {
                let code = registry.units[Int(dossier.unit)]
                findings.append(Finding(.warning, .unitInactiveOnDate, source: .dossiers, file: display, line: row.line,
                                        column: "unit_code", value: parser!.unitRaw(row), dossierID: ByteText.string(id),
                                        unitCode: code.code,
                                        message: "Mã đơn vị \(code.code) không có đơn vị nào giữ vào ngày tiếp nhận \(PortalDate.iso(dossier.received)); hồ sơ được gán cho \(code.name)\(code.validTo.map { " (hiệu lực đến \(PortalDate.iso($0)))" } ?? "")"))
            }
            let previous = store.upsert(id: id, dossier)
            if previous == nil { firstSeen?.rows.append(FirstSeen(line: row.line, unit: dossier.unit)) }
            if let previous {
                findings.append(Finding(.info, .duplicateReplaced, source: .dossiers, file: display, line: row.line,
                                        column: "dossier_id", value: ByteText.string(id), dossierID: ByteText.string(id),
                                        unitCode: registry.units[Int(dossier.unit)].code,
                                        message: "Hồ sơ trùng mã; dòng này thay thế dòng \(previous.line)\(previous.file == ref.file ? "" : " của tệp trước")"))
            }
        })
        result.store = store
        result.append(report, id: fileIndex)
        result.findings.append(contentsOf: readFindings)
        result.findings.append(contentsOf: findings)
        return nextLine
    }

    /// Reads one linked export into `result`, linking each row as it streams.
    func ingestLinked(_ kind: SourceKind, _ path: String, into result: inout IngestResult) {
        let display = config.display(path)
        let fileIndex = result.nextFileID(kind)
        var parser: LinkedParser?
        var linker = LinkedRowLinker(kind: kind, display: display, fileIndex: fileIndex, registry: registry)
        var store = result.store
        result.store = DossierStore()  // moved out so that the closure can mutate it without copying
        // Rows are linked a batch at a time (their dossiers looked up side by side), in file order.
        var batch = LinkedRowBatch()
        func link() {
            batch.lookUp(in: store)
            batch.drain { parsed, found, id, unit, unitRaw, line in
                linker.link(parsed, found: found, id: id, unit: unit, unitRaw: unitRaw, line: line, in: &store)
            }
        }
        let (report, readFindings) = reader(kind).read(path: path, display: display, begin: { map, _ in
            parser = LinkedParser(kind: kind, columns: map)
        }, row: { row in
            let parsed = try parser!.parse(row)
            batch.append(parsed, id: parser!.idCell(row), unit: parser!.unitCell(row), unitRaw: parser!.unitRawCell(row), line: row.line)
            if batch.isFull { link() }
        })
        link()
        result.store = store
        result.append(report, id: fileIndex)
        result.findings.append(contentsOf: readFindings)
        result.findings.append(contentsOf: linker.findings)
    }
}
