/// Links rows of `late`, `postal` or `digitized` to their dossiers, one at a time, in file order: the
/// row's dossier gets the row (a later row replacing an earlier one), and the row's findings are made
/// (orphan, unit mismatch, duplicate, its own warning).
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

    /// Links one parsed row (its id and unit cells trimmed, `unitRaw` the unit cell as written).
    mutating func link(_ parsed: LinkedRow, id idCell: FieldBytes, unit unitCell: FieldBytes, unitRaw: () -> String, line: Int,
                       in store: inout DossierStore) {
        func finding(_ severity: Severity, _ code: FindingCode, column: String = "dossier_id", value: String? = nil,
                     _ message: String) {
            findings.append(Finding(severity, code, source: kind, file: display, line: line, column: column,
                                    value: value ?? ByteText.string(idCell), dossierID: ByteText.string(idCell),
                                    unitCode: UnitCodeLookup.normalized(unitCell), message: message))
        }
        if let w = parsed.warning { finding(.warning, w.code, column: w.column, value: w.value, w.message) }
        guard let index = store.index(of: idCell) else {
            finding(.warning, .orphanRecord, "Không có hồ sơ hợp lệ nào mang mã này trong danh sách hồ sơ; dòng không được tính")
            return
        }
        let ref = RowRef(file: fileIndex, line: line)
        let dossierUnit = Int(store.dossiers[index].unit)
        if UnitCodeLookup.findCode(unitCell, registry, scratch: &scratch) != registry.codeID(ofRow: dossierUnit) {
            let rowUnit = UnitCodeLookup.normalized(unitCell)
            finding(.warning, .unitMismatch, column: "unit_code", value: unitRaw(),
                    "Mã đơn vị \(rowUnit) khác đơn vị của hồ sơ (\(registry.units[dossierUnit].code)); dùng đơn vị của hồ sơ")
        }
        var links = store.links[index]
        var replaced: RowRef?
        switch parsed.payload {
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
            finding(.info, .duplicateReplaced, "Dòng trùng khóa; dòng này thay thế dòng \(previous.line)\(previous.file == ref.file ? "" : " của tệp trước")")
        }
    }
}
