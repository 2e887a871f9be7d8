/// Reading the registry CSV (SPEC 1, 10.1, 10.5).
extension UnitRegistry {
    /// Reads the registry CSV named in the pipeline file.
    ///
    /// Every bad row is a configuration error naming file, line and column: an empty code or name, an
    /// unreadable validity date, `valid_from` after `valid_to`, overlapping rows of one code (both lines
    /// named), and a reporting unit (a row active on the period's `to`) whose tier the pipeline does not
    /// declare. A row that does not report may have an empty or undeclared tier (SPEC 10.5).
    /// - Throws: ``ConfigErrors`` with every error found.
    public static func load(config: PipelineConfig) throws -> UnitRegistry {
        let path = try config.requireFile(.units, config.sources.units)
        let display = config.display(path)
        var rows: [(unit: Unit, tierText: String, tierColumn: Int, codeColumn: Int)] = []
        var errors: [ConfigError] = []
        let reader = ExportFileReader(source: .units, specs: ColumnCatalog.units,
                                      aliases: config.sources.aliases[.units] ?? [:],
                                      delimiter: config.sources.delimiter, maxBadRowRatio: 1)
        var columns: [Int?] = []
        var hasValidity = false
        let (report, findings) = reader.read(path: path, display: display, begin: { map, _ in
            columns = ColumnCatalog.units.map { map[$0.key] }
            hasValidity = columns[4] != nil || columns[5] != nil
        }, row: { row in
            let code = ByteText.unitCode(ByteText.string(row.cell(columns[0])))
            let name = ByteText.string(row.cell(columns[1]))
            let tierText = ByteText.string(row.cell(columns[2]))
            let parent = ByteText.unitCode(ByteText.string(row.cell(columns[3])))
            func fail(_ column: Int, _ message: String) {
                errors.append(ConfigError(file: display, line: row.line, column: column + 1, message))
            }
            if code.isEmpty { return fail(columns[0]!, "danh mục đơn vị: thiếu mã đơn vị") }
            if name.isEmpty { return fail(columns[1]!, "danh mục đơn vị: thiếu tên đơn vị \(code)") }
            var dates: [Day?] = [nil, nil]
            for (k, c) in [4, 5].enumerated() {
                let cell = row.cell(columns[c])
                guard !cell.isEmpty else { continue }
                guard let day = PortalDate.parse(cell) else {
                    let label = c == 4 ? "hiệu lực từ" : "hiệu lực đến"
                    return fail(columns[c]!, "danh mục đơn vị: ngày \(label) '\(row.raw(columns[c]))' của \(code) không đọc được (dùng d/M/yyyy hoặc yyyy-MM-dd)")
                }
                dates[k] = day
            }
            if let from = dates[0], let to = dates[1], from > to {
                return fail(columns[5]!, "danh mục đơn vị: \(code) có ngày hiệu lực đến \(PortalDate.iso(to)) trước ngày hiệu lực từ \(PortalDate.iso(from))")
            }
            let tier = config.tier(matching: tierText)?.key ?? ""
            rows.append((Unit(code: code, name: name, tier: tier, parentCode: parent.isEmpty ? nil : parent,
                              validFrom: dates[0], validTo: dates[1], line: row.line),
                         tierText, columns[2]!, columns[0]!))
        })
        // Field-count problems and file-level failures are configuration errors here too.
        for f in findings where f.severity == .error {
            errors.append(ConfigError(file: display, line: f.line, "danh mục đơn vị: \(f.message)"))
        }
        errors += overlaps(rows.map { ($0.unit, $0.codeColumn) }, display: display, hasValidity: hasValidity)
        var registry = UnitRegistry(units: rows.map(\.unit), reportingDay: config.period.to, hasValidity: hasValidity)
        for (i, r) in rows.enumerated() where r.unit.tier.isEmpty && registry.isReporting[i] {
            let known = config.tiers.map { "\($0.key) (\($0.label))" }.joined(separator: ", ")
            errors.append(ConfigError(file: display, line: r.unit.line, column: r.tierColumn + 1,
                                      "danh mục đơn vị: cấp '\(r.tierText)' của \(r.unit.code) không khớp cấp nào của pipeline: \(known)"))
        }
        if rows.count > Int(UInt16.max) {
            errors.append(ConfigError(file: display, "danh mục đơn vị có \(rows.count) đơn vị, nhiều hơn mức tối đa \(UInt16.max)"))
        }
        if !errors.isEmpty {
            throw ConfigErrors(errors: errors.sorted { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) })
        }
        registry.setFile(report)
        return registry
    }

    /// Rows of one code whose validity intervals overlap (without validity columns: any repeated code).
    static func overlaps(_ rows: [(unit: Unit, codeColumn: Int)], display: String, hasValidity: Bool) -> [ConfigError] {
        var errors: [ConfigError] = []
        var byCode: [String: [Int]] = [:]
        for (i, r) in rows.enumerated() {
            let earlier = byCode[r.unit.code, default: []]
            if let clash = earlier.first(where: { overlap(rows[$0].unit, r.unit) }) {
                let other = rows[clash].unit.line
                errors.append(ConfigError(file: display, line: r.unit.line, column: r.codeColumn + 1, hasValidity
                    ? "danh mục đơn vị: mã đơn vị \(r.unit.code) có hiệu lực chồng lấn với dòng \(other) (một mã chỉ có một đơn vị giữ tại mỗi ngày)"
                    : "danh mục đơn vị: mã đơn vị \(r.unit.code) lặp lại (đã có ở dòng \(other))"))
                continue
            }
            byCode[r.unit.code, default: []].append(i)
        }
        return errors
    }

    /// Two validity intervals share a day (empty bounds are unbounded).
    static func overlap(_ a: Unit, _ b: Unit) -> Bool {
        let aFrom = a.validFrom ?? Day.min, aTo = a.validTo ?? Day.max
        let bFrom = b.validFrom ?? Day.min, bTo = b.validTo ?? Day.max
        return aFrom <= bTo && bFrom <= aTo
    }
}
