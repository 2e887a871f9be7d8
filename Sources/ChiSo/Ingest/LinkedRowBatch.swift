import ChiSoCore

/// Rows of a linked export held back a few at a time, so that their dossiers are looked up side by side
/// (``DossierStore/indices(of:into:)``) and then resolved and given to their dossiers in file order, as
/// linking them one at a time does.
///
/// Finding a row's dossier among millions waits for three cache misses in turn; in the 5M benchmark those
/// waits were half of reading the digitization export. The rows keep their order, and the findings they
/// make keep theirs: the batch changes when a row is looked up, never what it links to.
struct LinkedRowBatch {
    /// Rows per batch: enough misses in flight to fill the CPU's line-fill buffers, few enough that the
    /// batch's lines are still in cache when it is resolved.
    static let capacity = 32

    private struct Held {
        let parsed: LinkedRow
        let line: Int
        /// The trimmed unit cell and the cell as read, in ``cells``.
        let unit: Range<Int>
        let unitRaw: Range<Int>
    }

    private var keys = KeyBatch()
    private var rows: [Held] = []
    private var cells: [UInt8] = []
    private var found: [Int] = []

    init() {
        rows.reserveCapacity(Self.capacity)
        found.reserveCapacity(Self.capacity)
    }

    /// True once the batch should be resolved before another row is added.
    var isFull: Bool { rows.count >= Self.capacity }

    /// Holds a parsed row with copies of its id and unit cells (the reader reuses its buffer).
    mutating func append(_ parsed: LinkedRow, id: FieldBytes, unit: FieldBytes, unitRaw: FieldBytes, line: Int) {
        keys.append(id)
        let u = cells.count
        cells.append(contentsOf: unit)
        let r = cells.count
        cells.append(contentsOf: unitRaw)
        rows.append(Held(parsed: parsed, line: line, unit: u..<r, unitRaw: r..<cells.count))
    }

    /// Looks up every held row's dossier in `store` (reading it only), ready for ``drain(_:)``.
    mutating func lookUp(in store: DossierStore) {
        store.indices(of: keys, into: &found)
    }

    /// Calls `body` with each held row, in file order, and the dossier ``lookUp(in:)`` found for it (nil:
    /// none), then empties the batch. `body` may change the store the rows were looked up in, but not its
    /// dossiers' ids.
    mutating func drain(_ body: (_ parsed: LinkedRow, _ dossier: Int?, _ id: FieldBytes, _ unit: FieldBytes,
                                 _ unitRaw: () -> String, _ line: Int) -> Void) {
        precondition(found.count == rows.count, "LinkedRowBatch: drained before it was looked up")
        // Each row's cells sliced from views of the whole arrays: passing the arrays to a helper per row
        // made Swift retain and release them around every row.
        let batch = keys
        batch.withBytes { ids in
            FieldBytes.of(cells, range: 0..<cells.count) { cells in
                for k in rows.indices {
                    let row = rows[k]
                    body(row.parsed, found[k] >= 0 ? found[k] : nil, ids.slice(batch.range(k)), cells.slice(row.unit),
                         { ByteText.string(cells.slice(row.unitRaw)) }, row.line)
                }
            }
        }
        keys.removeAll()
        rows.removeAll(keepingCapacity: true)
        cells.removeAll(keepingCapacity: true)
        found.removeAll(keepingCapacity: true)
    }
}
