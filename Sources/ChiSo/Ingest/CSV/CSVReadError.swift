/// What could go wrong before a single record is parsed.
public enum CSVReadError: Error, Equatable, Sendable {
    /// Invalid UTF-8, a lone UTF-16 surrogate or a NUL byte, at `offset` bytes from the start of the file;
    /// the reader adds the line and column (characters) it is on.
    case encoding(offset: Int, detail: String, line: Int? = nil, column: Int? = nil)
    /// A quote in an unquoted field, text after a closing quote, or a quote never closed.
    case syntax(line: Int, column: Int, offset: Int?, detail: String)
    /// A field or record larger than the reader's cap (usually an unclosed quote).
    case tooLong(line: Int, limit: Int)
    /// 0 bytes, or blank lines only: there is no header record.
    case noHeader
    /// The file could not be opened or read.
    case io(String)

    /// One line for people, in Vietnamese, saying where and what.
    public var message: String {
        switch self {
        case let .encoding(offset, detail, line, column):
            let place = line.map { "dòng \($0)" + (column.map { ", cột \($0)" } ?? "") + " (byte \(offset))" } ?? "byte \(offset)"
            return "lỗi mã hóa tại \(place): \(detail); hãy lưu lại tệp dạng UTF-8 (CSV UTF-8)"
        case let .syntax(line, column, _, detail):
            return "lỗi cú pháp CSV tại dòng \(line), cột \(column): \(detail)"
        case let .tooLong(line, limit):
            return "trường bắt đầu từ dòng \(line) dài quá \(limit) byte: có thể một dấu ngoặc kép mở mà không đóng"
        case .noHeader:
            return "tệp rỗng: không có dòng tiêu đề"
        case let .io(detail):
            return "không đọc được tệp: \(detail)"
        }
    }

    /// The physical line the error is on, when known.
    public var line: Int? {
        switch self {
        case let .syntax(line, _, _, _), let .tooLong(line, _): return line
        case let .encoding(_, _, line, _): return line
        default: return nil
        }
    }
}
