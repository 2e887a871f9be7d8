/// One value of a statement parameter or a result column, in the types both warehouses share: SQLite's
/// storage classes, which PostgreSQL's `bigint`, `double precision` and `text` columns map onto exactly.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A Swift value that can be bound to a `?` parameter. Booleans are stored as 0/1 integers in both
/// warehouses, so that the same queries (`reporting = 1`) and the same outputs hold on each.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Int32: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }

/// The parameters of one statement, in `?` order; `nil` is SQL NULL.
public typealias SQLArguments = [(any SQLBindable)?]

extension Array where Element == (any SQLBindable)? {
    var sqlValues: [SQLValue] { map { $0?.sqlValue ?? .null } }
}

/// A Swift type a result column can be read as. Reading NULL as a non-optional gives the type's zero, as
/// a column declared `NOT NULL` never holds one.
public protocol SQLColumnValue {
    static func from(_ value: SQLValue) -> Self
}

extension Int: SQLColumnValue {
    /// Integers as stored; reals truncated; numeric text parsed; NULL is 0.
    public static func from(_ value: SQLValue) -> Int {
        switch value {
        case let .integer(i): return Int(i)
        case let .real(d): return Int(d)
        case let .text(s): return Int(s) ?? 0
        case .null: return 0
        }
    }
}

extension Int64: SQLColumnValue {
    /// As `Int.from`.
    public static func from(_ value: SQLValue) -> Int64 { Int64(Int.from(value)) }
}

extension Double: SQLColumnValue {
    /// Reals as stored; integers widened; numeric text parsed; NULL is 0.
    public static func from(_ value: SQLValue) -> Double {
        switch value {
        case let .integer(i): return Double(i)
        case let .real(d): return d
        case let .text(s): return Double(s) ?? 0
        case .null: return 0
        }
    }
}

extension String: SQLColumnValue {
    /// Text as stored; numbers in their shortest form; NULL is empty.
    public static func from(_ value: SQLValue) -> String {
        switch value {
        case let .text(s): return s
        case let .integer(i): return String(i)
        case let .real(d): return String(d)
        case .null: return ""
        }
    }
}

extension Bool: SQLColumnValue {
    /// Non-zero is true (booleans are stored as 0/1 in both warehouses).
    public static func from(_ value: SQLValue) -> Bool { Int.from(value) != 0 }
}

extension Optional: SQLColumnValue where Wrapped: SQLColumnValue {
    /// NULL is nil; anything else as `Wrapped` reads it.
    public static func from(_ value: SQLValue) -> Wrapped? {
        if case .null = value { return nil }
        return Wrapped.from(value)
    }
}
