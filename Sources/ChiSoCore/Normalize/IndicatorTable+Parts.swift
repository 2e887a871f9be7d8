/// The table of one part of the dossier state (a chunk of positions) as bytes, so that a night which
/// changed a few chunks counts only those and adds the others' tables as the last run counted them.
/// A part's table is a pure function of the part's dossiers and links and of what counting them takes
/// (the dates, the attribution, the reporting units, whether the late list is checked): the warehouse
/// keys each stored part by the chunk's hash and those, and a part whose key differs is counted again.
extension IndicatorTable {
    /// Format version, first byte: a part written by another version is not read (it is counted again).
    /// 2 since each warning carries its dossier's id, so that a night that takes the part as stored names
    /// the dossier without reading the chunk's ids.
    package static let partVersion: UInt8 = 2

    /// A part's table as stored, with the id of each of its warnings' dossiers (in the warnings' order):
    /// what the warnings' findings name (``ComputingStages/crossCheckFindings(_:ingest:registry:knownIDs:)``).
    package struct StoredPart: Sendable {
        package var table: IndicatorTable
        package var warningIDs: [String]
    }

    /// The table's counts, in-period counts and warnings as bytes, each warning with its dossier's id from
    /// `ids` (the store's id table; see ``decodePart(_:rows:attributedRows:units:positions:)``).
    package func encodedPart(ids: ByteTable) -> [UInt8] {
        var w = ByteWriter(capacity: rows.count * Indicator.allCases.count + warnings.count * 40 + 16)
        w.u8(Self.partVersion)
        w.u32(UInt32(rows.count))
        for row in rows {
            for c in row.counts { w.varint(UInt32(truncatingIfNeeded: c)) }
        }
        w.u32(UInt32(inPeriodByRow.count))
        for n in inPeriodByRow { w.varint(UInt32(truncatingIfNeeded: n)) }
        w.u32(UInt32(warnings.count))
        for c in warnings {
            switch c.kind {
            case .lateListMismatch: w.u8(0)
            case .lateUnlisted: w.u8(1)
            case .postalChannelMismatch: w.u8(2)
            }
            w.u32(UInt32(truncatingIfNeeded: c.dossier))
            w.varint(UInt32(truncatingIfNeeded: c.ref.file))
            w.varint(UInt32(truncatingIfNeeded: c.ref.line))
            w.i32(c.unit)
            ids.withKey(c.dossier) { w.data($0) }
        }
        return w.bytes
    }

    /// The table ``encodedPart(ids:)`` wrote, for a part of `positions` counted over `rows` reporting units and
    /// `attributedRows` registry rows (0 without an attribution), of a registry of `units` rows; nil when
    /// the bytes are of another version or shape, truncated or followed by more, or a warning points
    /// outside `positions` or the registry. Each count fits the part: none above its positions' number.
    package static func decodePart(_ bytes: [UInt8], rows: Int, attributedRows: Int, units: Int, positions: Range<Int>) -> StoredPart? {
        var r = ByteReader(bytes)
        let width = Indicator.allCases.count
        let most = UInt32(clamping: positions.count)
        guard r.u8() == partVersion, r.u32() == UInt32(clamping: rows) else { return nil }
        var table = [IndicatorRow](repeating: IndicatorRow(), count: rows)
        for u in 0..<rows {
            for k in 0..<width {
                guard let c = r.varint(), c <= most else { return nil }
                table[u].counts[k] = Int(c)
            }
        }
        guard r.u32() == UInt32(clamping: attributedRows) else { return nil }
        var inPeriod = [Int](repeating: 0, count: attributedRows)
        for i in 0..<attributedRows {
            guard let n = r.varint(), n <= most else { return nil }
            inPeriod[i] = Int(n)
        }
        // Each dossier gives at most one warning of each kind.
        guard let count = r.u32().map(Int.init), count <= 3 * positions.count else { return nil }
        var warnings: [CrossCheck] = [], ids: [String] = []
        warnings.reserveCapacity(count)
        ids.reserveCapacity(count)
        for _ in 0..<count {
            guard let k = r.u8(), let dossier = r.u32().map(Int.init), positions.contains(dossier),
                  let file = r.varint(), let line = r.varint(), let unit = r.i32(), unit >= 0, Int(unit) < units,
                  let id = r.string() else { return nil }
            let kind: CrossCheck.Kind
            switch k {
            case 0: kind = .lateListMismatch
            case 1: kind = .lateUnlisted
            case 2: kind = .postalChannelMismatch
            default: return nil
            }
            warnings.append(CrossCheck(kind: kind, dossier: dossier, ref: RowRef(file: Int(file), line: Int(line)), unit: unit))
            ids.append(id)
        }
        guard r.atEnd else { return nil }
        return StoredPart(table: IndicatorTable(rows: table, warnings: warnings, inPeriodByRow: inPeriod), warningIDs: ids)
    }
}
