/// One output table (a CSV, a workbook sheet) before it is written: column keys and headers, how each
/// column's values are typed, and the rows as the CSVs show them. The CSV and the workbook are written
/// from the same table, so they always hold the same values.
public struct ReportTable: Sendable, Equatable {
    /// How a column's cells are typed in the workbook (the CSV holds them as text either way).
    public enum Kind: Sendable, Equatable {
        /// Text; in a CSV, text from an input that a spreadsheet would run gets a leading `'` (SPEC 11.3).
        case text
        /// A count or a rank: an integer number.
        case integer
        /// A numerator or denominator: a number, shown whole when whole, else with 2 decimals.
        case amount
        /// A rate, points or a score: a number with format `0.00`.
        case fixed2
        /// `Có` / `Không`, kept as text.
        case boolean
    }

    /// Column keys (as `--header-style keys` writes them), whatever the header style.
    public let keys: [String]
    /// The header row.
    public let header: [String]
    let kinds: [Kind]
    /// Cells as the CSVs show them (numbers formatted by chiso; text as read).
    public private(set) var rows: [[String]] = []

    /// An empty table with these columns.
    public init(keys: [String], header: [String], kinds: [Kind]) {
        precondition(keys.count == header.count && header.count == kinds.count)
        self.keys = keys
        self.header = header
        self.kinds = kinds
    }

    /// Appends a row (one cell per column).
    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The CSV of SPEC 7.1, with SPEC 11.3 applied to text cells.
    public var csv: OfficeCSV {
        var csv = OfficeCSV(header: header)
        for row in rows {
            csv.append(zip(row, kinds).map { cell, kind in kind == .text ? Self.defused(cell) : cell })
        }
        return csv
    }

    /// The CSV's bytes.
    public var bytes: [UInt8] { csv.bytes }

    /// SPEC 11.3: a cell that starts with `=`, `+`, `-`, `@`, TAB or CR would be run by Excel or
    /// LibreOffice as a formula; a leading `'` makes them show it as text.
    public static func defused(_ cell: String) -> String {
        guard let first = cell.utf8.first, [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(first) else { return cell }
        return "'" + cell
    }
}
