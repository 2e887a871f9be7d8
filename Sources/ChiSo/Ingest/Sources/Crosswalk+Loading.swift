/// Reading the crosswalk file (the rules about it are in ChiSoCore's `Crosswalk`).
extension Crosswalk {
    /// Reads `sources.lineage` against the registry. Errors (SPEC 10.2, 10.6): a missing or unreadable
    /// cell; a code without a holder on its day; a predecessor whose rows name different dates; a split
    /// with no or several primary successors; a cycle along the edges that attribution follows.
    /// - Throws: ``ConfigErrors`` with every error found.
    public static func load(config: PipelineConfig, registry: UnitRegistry) throws -> Crosswalk? {
        guard let relative = config.sources.lineage else { return nil }
        let path = try config.requireFile(.lineage, relative)
        let display = config.display(path)
        var errors: [ConfigError] = []
        var rows: [Succession] = []
        var columns: [Int?] = []
        var boolean = EnumMatcher(names: PortalBoolean.names)
        let reader = ExportFileReader(source: .lineage, specs: ColumnCatalog.lineage, aliases: [:],
                                      delimiter: config.sources.delimiter, maxBadRowRatio: 1)
        let (report, findings) = reader.read(path: path, display: display, begin: { map, _ in
            columns = ColumnCatalog.lineage.map { map[$0.key] }
        }, row: { row in
            func fail(_ c: Int, _ message: String) {
                errors.append(ConfigError(file: display, line: row.line, column: columns[c]! + 1, "danh mục sắp xếp đơn vị: " + message))
            }
            let oldCode = ByteText.unitCode(ByteText.string(row.cell(columns[0])))
            let newCode = ByteText.unitCode(ByteText.string(row.cell(columns[1])))
            if oldCode.isEmpty { return fail(0, "thiếu mã đơn vị cũ") }
            if newCode.isEmpty { return fail(1, "thiếu mã đơn vị mới") }
            let dateCell = row.cell(columns[2])
            if dateCell.isEmpty { return fail(2, "thiếu ngày hiệu lực") }
            guard let effective = PortalDate.parse(dateCell) else {
                return fail(2, "ngày hiệu lực '\(row.raw(columns[2]))' không đọc được (dùng d/M/yyyy hoặc yyyy-MM-dd)")
            }
            var primary = false
            if let c = columns[3], !row.cell(c).isEmpty {
                guard let b = boolean.match(row.cell(c)) else {
                    return fail(3, "giá trị '\(row.raw(c))' của cột nhận hồ sơ không phải có/không")
                }
                primary = b
            }
            guard let predecessor = registry.holder(of: oldCode, on: effective - 1) else {
                return fail(0, "mã \(oldCode) không có đơn vị nào giữ vào ngày \(PortalDate.iso(effective - 1)) (ngày trước ngày hiệu lực) trong danh mục đơn vị")
            }
            guard let successor = registry.holder(of: newCode, on: effective) else {
                return fail(1, "mã \(newCode) không có đơn vị nào giữ vào ngày hiệu lực \(PortalDate.iso(effective)) trong danh mục đơn vị")
            }
            rows.append(Succession(predecessor: predecessor, successor: successor, effective: effective, primary: primary,
                                   line: row.line, oldCode: oldCode, newCode: newCode))
        })
        for f in findings where f.severity == .error {
            errors.append(ConfigError(file: display, line: f.line, "danh mục sắp xếp đơn vị: \(f.message)"))
        }
        if errors.isEmpty {
            errors += shapeErrors(rows, registry: registry, display: display, columns: columns.map { $0.map { $0 + 1 } })
        }
        if !errors.isEmpty { throw ConfigErrors(errors: errors) }
        return Crosswalk(successions: rows, file: report)
    }
}
