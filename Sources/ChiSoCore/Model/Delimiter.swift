/// The field delimiters SPEC 2.1 allows.
public enum Delimiter: UInt8, Sendable, CaseIterable {
    case comma = 0x2C
    case semicolon = 0x3B
    case tab = 0x09

    /// The delimiter as written in a pipeline file (`","`, `";"`, `"\t"`).
    public init?(text: String) {
        switch text {
        case ",": self = .comma
        case ";": self = .semicolon
        case "\t", "\\t", "tab", "TAB": self = .tab
        default: return nil
        }
    }
}
