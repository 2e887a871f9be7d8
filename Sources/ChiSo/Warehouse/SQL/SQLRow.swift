/// One result row, read by column position or name, whichever warehouse it came from.
public struct SQLRow: Sendable {
    /// The result's column names, shared by all its rows.
    let columns: SQLColumns
    let values: [SQLValue]

    /// The value of the column at `index` (0-based).
    public subscript<T: SQLColumnValue>(_ index: Int) -> T { T.from(values[index]) }

    /// The value of the named column; a name the query did not select reads as NULL.
    public subscript<T: SQLColumnValue>(_ name: String) -> T {
        T.from(columns.index[name].map { values[$0] } ?? .null)
    }
}

/// The column names of one result, indexed once.
final class SQLColumns: Sendable {
    let names: [String]
    let index: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        self.index = index
    }
}
