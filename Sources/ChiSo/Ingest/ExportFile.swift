/// The cells of one data row, trimmed on demand, by column index.
public struct ExportRow {
    let record: CSVRecord
    /// The cell at `column`, trimmed; empty when the column is absent.
    @inline(__always)
    func cell(_ column: Int?) -> FieldBytes {
        guard let column else { return .empty }
        return ByteText.trimmed(record[column])
    }

    /// The cell as read (untrimmed), for findings.
    public func raw(_ column: Int?) -> String {
        guard let column else { return "" }
        return record.string(column)
    }

    /// The cell's bytes as read (untrimmed); empty when the column is absent.
    func rawCell(_ column: Int?) -> FieldBytes {
        guard let column else { return .empty }
        return record[column]
    }

    var line: Int { record.line }
}

/// A part of an export read on its own (see ``FilePart``).
enum ExportPart {
    /// The file's start to `cut`.
    case head(cut: Int)
    /// From `cut` to the end, lines numbered from `firstLine`. The tail reads the file's header itself (from
    /// the file's start, up to its first record): waiting for the head's would be no faster, and handing it
    /// over from the head's per-record closure cost retains on every record.
    case tail(cut: Int, firstLine: Int)
}

/// Reads one export or reference file the way every source does (SPEC 2.1): header, column
/// lookup, field counts, one rejection per bad row, the bad-row ratio.
struct ExportFileReader {
    let source: SourceKind
    let specs: [ColumnSpec]
    let aliases: [String: [String]]
    let delimiter: Delimiter?
    let maxBadRowRatio: Double
    var maxFieldBytes = 1 << 20
    /// The last line number a row may start on (rows keep it in 32 bits); past it the file fails.
    var maxLine = Int(UInt32.max)
    /// Hashes already computed by path (see ``CSVRecordReader/knownSHA256``).
    var knownHashes: [String: String] = [:]

    /// Reads `path`; `begin` gets the header's column map (and may reject the file by throwing a
    /// ``RowRejection`` for a header problem), `row` parses one data row or throws its rejection.
    /// Returns the file's report and its file-level and quarantine findings.
    func read(path: String, display: String,
              begin: (ColumnMap, [String]) throws -> Void = { _, _ in },
              row: (ExportRow) throws -> Void) -> (FileReport, [Finding]) {
        let result = read(path: path, display: display, part: nil, begin: begin, row: row)
        return (result.report, result.findings)
    }

    /// Reads `path`, or with `part` one part of it (see ``FilePart``). A part's report counts its own rows
    /// and its bad-row ratio is not checked: the caller adds the parts up and checks the whole
    /// (``tooManyBadRows(_:)``). `nextLine` is the head's ``CSVFileInfo/nextLine``.
    func read(path: String, display: String, part: ExportPart?,
              begin: (ColumnMap, [String]) throws -> Void = { _, _ in },
              row: (ExportRow) throws -> Void) -> (report: FileReport, findings: [Finding], nextLine: Int?) {
        var report = FileReport(source: source, file: display, size: 0, sha256: "", encoding: .utf8,
                                delimiter: "", rows: 0, quarantined: 0, failed: false)
        /// The header's width once it is read (-1 before): what every data row is checked against, kept
        /// apart so that a row does not copy the column map (a retain of each of its parts, per row).
        var headerCount = -1
        var nextLine: Int?
        let reader = CSVRecordReader(delimiter: delimiter, maxFieldBytes: maxFieldBytes, knownSHA256: knownHashes[path])
        // What the per-record closure reads beyond its counters is in one object it reaches through an
        // unretained reference, and only off the common path: capturing the display name, the specs and the
        // aliases themselves made Swift retain and release each of them around every record (an `unowned`
        // capture still cost a count per record). `context` keeps the object alive to the end.
        let context = ExportReadContext(source: source, display: display, specs: specs, aliases: aliases)
        let unretained = Unmanaged.passUnretained(context)
        let maxLine = self.maxLine
        defer { withExtendedLifetime(context) {} }
        var csvPart: FilePart?
        do {
            switch part {
            case nil: csvPart = nil
            case let .head(cut)?: csvPart = .head(cut: cut)
            case let .tail(cut, firstLine)?:
                // The header as the head reads it; its problems are the head's to report.
                let header = try CSVRecordReader(delimiter: delimiter, maxFieldBytes: maxFieldBytes, chunkSize: 1 << 16,
                                                 knownSHA256: "").header(path: path)
                let m = ColumnMap(header: header.names, specs: specs, extraAliases: aliases)
                guard m.missing.isEmpty else { throw StopReading() }
                context.map = m
                headerCount = m.headerCount
                csvPart = .tail(cut: cut, delimiter: header.delimiter, encoding: header.encoding, firstLine: firstLine)
                try begin(m, header.names)
            }
            let info = try reader.read(path: path, part: csvPart) { record in
                guard headerCount >= 0 else {
                    headerCount = try unretained.takeUnretainedValue().header(record, begin: begin)
                    return
                }
                if record.line > maxLine { try unretained.takeUnretainedValue().tooManyLines(maxLine) }
                report.rows += 1
                if let rejection = ExportFileReader.fieldCountProblem(record, expected: headerCount) {
                    // Column positions mean nothing in a row of the wrong width: no dossier or unit is named.
                    report.quarantined += 1
                    unretained.takeUnretainedValue().reject(rejection, record: record, columns: nil)
                    return
                }
                do {
                    try row(ExportRow(record: record))
                } catch let rejection as RowRejection {
                    report.quarantined += 1
                    let shared = unretained.takeUnretainedValue()
                    shared.reject(rejection, record: record, columns: shared.map!)
                }
            }
            report.size = info.size
            report.sha256 = info.sha256
            report.encoding = info.encoding
            report.delimiter = String(UnicodeScalar(info.delimiter.rawValue))
            nextLine = info.nextLine
        } catch is StopReading {
            report.failed = true
        } catch let error as CSVReadError {
            report.failed = true
            let code: FindingCode
            switch error {
            case .encoding: code = .encoding
            case .syntax, .tooLong: code = .syntax
            case .noHeader: code = .noHeader
            case .io: code = .encoding
            }
            var message = error.message
            if case let .syntax(_, _, offset?, _) = error { message += " (byte \(offset))" }
            context.local.append(Finding(.error, code, source: source, file: display, line: error.line, message: message))
        } catch let rejection as RowRejection {
            // A header-level rejection from `begin`.
            report.failed = true
            context.local.append(Finding(.error, rejection.code, source: source, file: display, line: 1,
                                 column: rejection.column, value: rejection.value, message: rejection.message))
        } catch {
            report.failed = true
            context.local.append(Finding(.error, .encoding, source: source, file: display, line: nil, message: "\(error)"))
        }
        if part == nil && !context.rejectedFile, let finding = tooManyBadRows(report) {
            report.failed = true
            context.local.append(finding)
        }
        return (report, context.local, nextLine)
    }

    /// The file-level error of a file that read but has more bad rows than `max_bad_row_ratio` allows.
    func tooManyBadRows(_ report: FileReport) -> Finding? {
        guard !report.failed && report.rows > 0 && Double(report.quarantined) > maxBadRowRatio * Double(report.rows) else { return nil }
        let pct = Double(report.quarantined) * 100 / Double(report.rows)
        return Finding(.error, .tooManyBadRows, source: source, file: report.file, line: nil,
                       value: "\(report.quarantined)/\(report.rows)",
                       message: "Tệp có \(report.quarantined) trên \(report.rows) dòng lỗi (\(Format.fixed2(pct))%), vượt ngưỡng max_bad_row_ratio = \(maxBadRowRatio); sửa dữ liệu rồi chạy lại")
    }

    private static func fieldCountProblem(_ record: CSVRecord, expected: Int) -> RowRejection? {
        if record.count < expected {
            return RowRejection(code: .badFieldCount, column: "", value: "\(record.count)",
                                message: "Dòng có \(record.count) cột, dòng tiêu đề có \(expected) cột")
        }
        if record.count > expected {
            for i in expected..<record.count where record[i].count > 0 {
                return RowRejection(code: .badFieldCount, column: "", value: "\(record.count)",
                                    message: "Dòng có \(record.count) cột, nhiều hơn \(expected) cột của dòng tiêu đề")
            }
        }
        return nil
    }
}

private struct StopReading: Error {}

/// The state of one file's read that rows seldom touch (the header's column map, the findings, the names
/// a finding quotes) and what to do with it: the header, a rejected row, a file too long.
private final class ExportReadContext {
    let source: SourceKind
    let display: String
    let specs: [ColumnSpec]
    let aliases: [String: [String]]
    var map: ColumnMap?
    var local: [Finding] = []
    /// The header lacked a required column: the file is rejected whole (no bad-row ratio then).
    var rejectedFile = false

    init(source: SourceKind, display: String, specs: [ColumnSpec], aliases: [String: [String]]) {
        self.source = source
        self.display = display
        self.specs = specs
        self.aliases = aliases
    }

    /// Reads the header `record`: its column map, the missing and conflicting columns' findings; `begin`
    /// gets the map. Returns the header's width; throws `StopReading` when a required column is missing.
    func header(_ record: CSVRecord, begin: (ColumnMap, [String]) throws -> Void) throws -> Int {
        let header = (0..<record.count).map { record.string($0) }
        let m = ColumnMap(header: header, specs: specs, extraAliases: aliases)
        map = m
        if !m.missing.isEmpty {
            rejectedFile = true
            for key in m.missing {
                local.append(Finding(.error, .missingColumn, source: source, file: display, line: record.line,
                                     column: key, message: "Thiếu cột bắt buộc '\(key)' (tên cột chấp nhận: \(names(key))); không nạp tệp này"))
            }
            throw StopReading()
        }
        for c in m.conflicts {
            let others = c.ignored.map { "'\(header[$0])' (cột \($0 + 1))" }.joined(separator: ", ")
            local.append(Finding(.warning, .conflictingColumns, source: source, file: display, line: record.line,
                                 column: c.key, value: c.ignored.map { header[$0] }.joined(separator: "; "),
                                 message: "Nhiều cột cùng là '\(c.key)': dùng '\(header[c.used])' (cột \(c.used + 1)), bỏ qua \(others)"))
        }
        try begin(m, header)
        return m.headerCount
    }

    /// A row past the last line a row may start on: the file fails.
    func tooManyLines(_ maxLine: Int) throws -> Never {
        local.append(Finding(.error, .syntax, source: source, file: display, line: nil,
                             message: "Tệp có hơn \(maxLine) dòng, quá giới hạn của chiso; chia tệp xuất thành nhiều tệp nhỏ hơn"))
        throw StopReading()
    }

    /// Quarantines one row; with `columns` nil (a row of the wrong width) no dossier or unit is named.
    func reject(_ r: RowRejection, record: CSVRecord, columns: ColumnMap?) {
        let idCol = columns?["dossier_id"]
        let unitCol = columns?["unit_code"]
        let dossier = idCol.flatMap { $0 < record.count ? ByteText.string(ByteText.trimmed(record[$0])) : nil } ?? ""
        let unit = unitCol.flatMap { $0 < record.count ? ByteText.unitCode(record.string($0)) : nil } ?? ""
        local.append(Finding(.error, r.code, source: source, file: display, line: record.line, column: r.column, value: r.value,
                             dossierID: dossier, unitCode: unit, message: r.message))
    }

    private func names(_ key: String) -> String {
        let spec = specs.first { $0.key == key }
        return ((aliases[key] ?? []) + (spec?.aliases ?? []) + [key]).joined(separator: ", ")
    }
}

extension RowRejection {
    /// `missing_value` for a required column whose cell is empty after trimming.
    /// An empty required cell; `value` is the cell as read (a blank cell keeps its spaces, SPEC 2.1).
    static func missing(_ key: String, _ raw: String = "") -> RowRejection {
        RowRejection(code: .missingValue, column: key, value: raw, message: "Thiếu giá trị bắt buộc ở cột '\(key)'")
    }
}
