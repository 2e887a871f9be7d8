/// Links rows of `late`, `postal` or `digitized` to their dossiers, one at a time, in file order: the
/// row's dossier gets the row (a later row replacing an earlier one), and the row's findings are made
/// (orphan, unit mismatch, duplicate, its own warning).
///
/// A row is linked in two steps: ``resolve(_:id:unit:unitRaw:line:in:)`` finds its dossier and makes the
/// findings that need only the dossiers (reading them, never writing), ``apply(_:to:line:dossierID:unit:in:)``
/// gives the row to the dossier and tells a duplicate. A file read in two parts at once resolves both parts
/// while neither writes, then applies the head's rows and the tail's in file order (``LinkedActions``).
/// The ingest hands the rows over a batch at a time, their dossiers looked up together (``LinkedRowBatch``);
/// the `found:` forms take that lookup, and the others (one row, its dossier looked up here) are what a
/// batch must equal (a test reads a file both ways).
struct LinkedRowLinker {
    let kind: SourceKind
    let display: String
    let fileIndex: Int
    let registry: UnitRegistry
    /// The findings made so far, in row order.
    private(set) var findings: [Finding] = []
    private var scratch = [UInt8](repeating: 0, count: 64)

    init(kind: SourceKind, display: String, fileIndex: Int, registry: UnitRegistry) {
        self.kind = kind
        self.display = display
        self.fileIndex = fileIndex
        self.registry = registry
    }

    private mutating func finding(_ severity: Severity, _ code: FindingCode, line: Int, column: String = "dossier_id",
                                  value: String? = nil, dossierID: String, unitCode: String, _ message: String) {
        findings.append(Finding(severity, code, source: kind, file: display, line: line, column: column,
                                value: value ?? dossierID, dossierID: dossierID, unitCode: unitCode, message: message))
    }

    /// Links one parsed row (its id and unit cells trimmed, `unitRaw` the unit cell as written).
    mutating func link(_ parsed: LinkedRow, id idCell: FieldBytes, unit unitCell: FieldBytes, unitRaw: () -> String, line: Int,
                       in store: inout DossierStore) {
        guard let index = resolve(parsed, id: idCell, unit: unitCell, unitRaw: unitRaw, line: line, in: store) else { return }
        apply(parsed.payload, to: index, line: line, dossierID: { ByteText.string(idCell) },
              unit: { UnitCodeLookup.normalized(unitCell) }, in: &store)
    }

    /// ``link(_:id:unit:unitRaw:line:in:)`` for a row whose dossier was looked up already (`found`, nil for
    /// none: see ``LinkedRowBatch``).
    mutating func link(_ parsed: LinkedRow, found: Int?, id idCell: FieldBytes, unit unitCell: FieldBytes, unitRaw: () -> String,
                       line: Int, in store: inout DossierStore) {
        guard let index = resolve(parsed, found: found, id: idCell, unit: unitCell, unitRaw: unitRaw, line: line, in: store)
        else { return }
        apply(parsed.payload, to: index, line: line, dossierID: { ByteText.string(idCell) },
              unit: { UnitCodeLookup.normalized(unitCell) }, in: &store)
    }

    /// The row's dossier, or nil for an orphan; makes the row's own warning, the orphan's finding and a
    /// unit mismatch's, in that order. Reads `store` only.
    mutating func resolve(_ parsed: LinkedRow, id idCell: FieldBytes, unit unitCell: FieldBytes, unitRaw: () -> String, line: Int,
                          in store: DossierStore) -> Int? {
        resolve(parsed, found: store.index(of: idCell), id: idCell, unit: unitCell, unitRaw: unitRaw, line: line, in: store)
    }

    /// ``resolve(_:id:unit:unitRaw:line:in:)`` for a row whose dossier was looked up already (`found`, nil for
    /// none: see ``LinkedRowBatch``).
    mutating func resolve(_ parsed: LinkedRow, found: Int?, id idCell: FieldBytes, unit unitCell: FieldBytes, unitRaw: () -> String,
                          line: Int, in store: DossierStore) -> Int? {
        if let w = parsed.warning {
            finding(.warning, w.code, line: line, column: w.column, value: w.value, dossierID: ByteText.string(idCell),
                    unitCode: UnitCodeLookup.normalized(unitCell), w.message)
        }
        guard let index = found else {
            finding(.warning, .orphanRecord, line: line, dossierID: ByteText.string(idCell), unitCode: UnitCodeLookup.normalized(unitCell),
                    "Không có hồ sơ hợp lệ nào mang mã này trong danh sách hồ sơ; dòng không được tính")
            return nil
        }
        let dossierUnit = Int(store.dossiers[index].unit)
        if UnitCodeLookup.findCode(unitCell, registry, scratch: &scratch) != registry.codeID(ofRow: dossierUnit) {
            let rowUnit = UnitCodeLookup.normalized(unitCell)
            finding(.warning, .unitMismatch, line: line, column: "unit_code", value: unitRaw(), dossierID: ByteText.string(idCell),
                    unitCode: rowUnit,
                    "Mã đơn vị \(rowUnit) khác đơn vị của hồ sơ (\(registry.units[dossierUnit].code)); dùng đơn vị của hồ sơ")
        }
        return index
    }

    /// Gives the row at `line` to dossier `index` (a later row replacing an earlier one: a finding naming
    /// the row replaced, with the row's id and unit as `dossierID` and `unit` give them).
    mutating func apply(_ payload: LinkedRow.Payload, to index: Int, line: Int, dossierID: () -> String, unit: () -> String,
                        in store: inout DossierStore) {
        let ref = RowRef(file: fileIndex, line: line)
        var links = store.links[index]
        var replaced: RowRef?
        switch payload {
        case let .late(apology):
            replaced = links.late
            links.late = ref
            links.apology = apology
        case let .postal(direction, delivery):
            if direction == .intake {
                replaced = links.postalIntake
                links.postalIntake = ref
            } else {
                replaced = links.postalReturn
                links.postalReturn = ref
                links.returnDelivered = delivery == .delivered
            }
        case let .digitized(inputs, reused, eResult, eSigned):
            replaced = links.digitized
            links.digitized = ref
            links.digitizedInputs = inputs
            links.reused = reused
            links.eResult = eResult
            links.eSigned = eSigned
        }
        store.links[index] = links
        if let previous = replaced {
            let id = dossierID()
            finding(.info, .duplicateReplaced, line: line, dossierID: id, unitCode: unit(),
                    "Dòng trùng khóa; dòng này thay thế dòng \(previous.line)\(previous.file == ref.file ? "" : " của tệp trước")")
        }
    }

    /// Findings made by another linker of the same file (a part's), in order.
    mutating func append(_ more: ArraySlice<Finding>) { findings += more }
}

/// One part of a linked file, resolved but not applied: each row that has a dossier, in file order, with
/// how many of the part's findings come before its possible duplicate's, and its unit cell as written
/// (a duplicate's finding names it).
struct LinkedActions {
    struct Action {
        let index: Int32
        let line: UInt32
        let payload: LinkedRow.Payload
        /// The part's findings up to and including this row's own.
        let findingsEnd: Int32
        let unitStart: UInt32
        let unitCount: UInt16
    }
    var actions: [Action] = []
    /// The rows' unit cells, one after another.
    var units: [UInt8] = []
    /// The part's findings (rows' warnings, orphans, unit mismatches), in row order.
    var findings: [Finding] = []

    /// Records a resolved row; false when it does not fit the packed record (a file of more than 2^31
    /// findings or of 4 GB of unit cells: read it whole instead).
    mutating func record(_ index: Int, line: Int, payload: LinkedRow.Payload, unit: FieldBytes, findingsEnd: Int) -> Bool {
        guard line <= Int(UInt32.max), findingsEnd <= Int(Int32.max), unit.count <= Int(UInt16.max),
              units.count + unit.count <= Int(UInt32.max) else { return false }
        actions.append(Action(index: Int32(index), line: UInt32(line), payload: payload, findingsEnd: Int32(findingsEnd),
                              unitStart: UInt32(units.count), unitCount: UInt16(unit.count)))
        unit.append(to: &units)
        return true
    }

    /// Applies the part's rows in order through `linker`, its findings placed where linking the rows one
    /// by one would have made them.
    func apply(with linker: inout LinkedRowLinker, in store: inout DossierStore) {
        var flushed = 0
        let ids = store.ids  // read only: the rows write links
        for a in actions {
            let end = Int(a.findingsEnd)
            if end > flushed { linker.append(findings[flushed..<end]); flushed = end }
            let index = Int(a.index)
            let unitRange = Int(a.unitStart)..<Int(a.unitStart) + Int(a.unitCount)
            linker.apply(a.payload, to: index, line: Int(a.line),
                         dossierID: { ids.withKey(index) { ByteText.string($0) } },
                         unit: { FieldBytes.of(units, range: unitRange) { UnitCodeLookup.normalized($0) } }, in: &store)
        }
        if findings.count > flushed { linker.append(findings[flushed...]) }
    }
}
