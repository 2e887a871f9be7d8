/// Reading a reference file (targets, external indices) into a `ReferenceTable`.
extension ReferenceTable {
    /// SPEC 2.1 reference number: `-?[0-9]+([.,][0-9]+)?` after trimming, `.` or `,` as decimal mark.
    @_spi(RawBytes) public static func number(_ cell: FieldBytes) -> Double? {
        var i = 0
        let n = cell.count
        var text = ""
        if i < n && cell[i] == 0x2D { text.append("-"); i += 1 }
        let intStart = i
        while i < n && cell[i] >= 0x30 && cell[i] <= 0x39 { i += 1 }
        guard i > intStart else { return nil }
        text += String(decoding: cell.slice(intStart..<i), as: UTF8.self)
        if i < n {
            guard cell[i] == 0x2E || cell[i] == 0x2C else { return nil }
            i += 1
            let fracStart = i
            while i < n && cell[i] >= 0x30 && cell[i] <= 0x39 { i += 1 }
            guard i > fracStart, i == n else { return nil }
            text += "." + String(decoding: cell.slice(fracStart..<i), as: UTF8.self)
        }
        // 400 digits overflow to infinity: not a number chiso can use (bad_number).
        return Double(text).flatMap { $0.isFinite ? $0 : nil }
    }

    /// Reads a reference CSV. File-level problems are configuration errors; bad numbers are
    /// `bad_number` findings; unknown units are warnings.
    public static func load(kind: SourceKind, relativePath: String, config: PipelineConfig,
                            registry: UnitRegistry, findings: inout [Finding]) throws -> ReferenceTable {
        let path = try config.requireFile(kind, relativePath)
        let display = config.display(path)
        var table = ReferenceTable()
        var local: [Finding] = []
        let reader = ExportFileReader(source: kind, specs: ColumnCatalog.columns(for: kind), aliases: [:],
                                      delimiter: config.sources.delimiter, maxBadRowRatio: 1)
        var unitColumn = 0
        var valueColumns: [(index: Int, key: String)] = []
        var scratch = [UInt8](repeating: 0, count: 64)
        var seen: [Int: Int] = [:]
        var keys: [String] = []
        var values: [String: [Int: Double]] = [:]
        let (report, readFindings) = reader.read(path: path, display: display, begin: { map, header in
            unitColumn = map["unit_code"]!
            for (i, name) in header.enumerated() where i != unitColumn {
                let key = ByteText.normalizedKey(name)
                guard !key.isEmpty, !valueColumns.contains(where: { $0.key == key }) else { continue }
                valueColumns.append((i, key))
                keys.append(key)
                values[key] = [:]
            }
        }, row: { row in
            let cell = row.cell(unitColumn)
            if cell.isEmpty { throw RowRejection.missing("unit_code", row.raw(unitColumn)) }
            guard let unit = UnitCodeLookup.find(cell, registry, scratch: &scratch) else {
                local.append(Finding(.warning, .unknownReferenceUnit, source: kind, file: display, line: row.line,
                                     column: "unit_code", value: row.raw(unitColumn), unitCode: UnitCodeLookup.normalized(cell),
                                     message: "Mã đơn vị không có trong danh mục đơn vị; dòng này không được dùng"))
                return
            }
            if !registry.isReporting[unit] {
                local.append(Finding(.warning, .unknownReferenceUnit, source: kind, file: display, line: row.line,
                                     column: "unit_code", value: row.raw(unitColumn), unitCode: registry.units[unit].code,
                                     message: "Mã đơn vị không thuộc đơn vị báo cáo của kỳ (đã giải thể, sáp nhập hoặc chưa thành lập ngày cuối kỳ); dòng này không được dùng"))
                return
            }
            if let first = seen[unit] {
                local.append(Finding(.info, .duplicateReplaced, source: kind, file: display, line: row.line,
                                     column: "unit_code", value: row.raw(unitColumn), unitCode: registry.units[unit].code,
                                     message: "Đơn vị đã có ở dòng \(first); dòng sau thay thế dòng trước"))
            }
            seen[unit] = row.line
            for (i, key) in valueColumns {
                let v = row.cell(i)
                if v.isEmpty { values[key]![unit] = nil; continue }
                guard let number = ReferenceTable.number(v) else {
                    values[key]![unit] = nil
                    local.append(Finding(.error, .badNumber, source: kind, file: display, line: row.line, column: key,
                                         value: row.raw(i), unitCode: registry.units[unit].code,
                                         message: "Không phải số (dùng dạng 12,5 hoặc 12.5); ô này được coi là không có giá trị"))
                    continue
                }
                values[key]![unit] = number
            }
        })
        local += readFindings
        // A failed reference file (encoding, syntax, missing unit column, field counts) is a configuration error.
        let failures = local.filter { $0.severity == .error && $0.code != .badNumber }
        if report.failed || !failures.isEmpty {
            throw ConfigErrors(errors: failures.map {
                ConfigError(file: display, line: $0.line, "\($0.code.rawValue): \($0.message)")
            })
        }
        findings.append(contentsOf: local)
        table.keys = keys
        table.values = values
        table.file = report
        return table
    }
}
