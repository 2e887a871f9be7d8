/// A PostgreSQL failure: the server's SQLSTATE (empty when the connection itself failed) and message.
/// Messages come from libpq and the server, which never repeat the password.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// Five-character SQLSTATE, e.g. `53100` (disk full), `08006` (connection failure).
    public let sqlState: String
    let message: String

    /// The server's message with its SQLSTATE.
    public var description: String { sqlState.isEmpty ? message : "\(message) (SQLSTATE \(sqlState))" }

    /// What it means for the person at the other end, naming the server by its password-free URI (exit 74).
    func environment(_ display: String) -> EnvironmentError {
        let reason: String
        switch sqlState {
        case "": reason = "không kết nối được PostgreSQL: \(message); kiểm tra máy chủ, tên người dùng và mật khẩu (PGPASSWORD hoặc ~/.pgpass)"
        case "53100": reason = "máy chủ PostgreSQL hết chỗ trên đĩa; giải phóng chỗ trống rồi chạy lại (kho dữ liệu giữ nguyên lần ghi cuối)"
        case let s where s.hasPrefix("08") || s.hasPrefix("57"):
            reason = "mất kết nối tới PostgreSQL (\(message)); chạy lại khi máy chủ sẵn sàng (kho dữ liệu giữ nguyên lần ghi cuối)"
        case let s where s.hasPrefix("28") || s == "42501":
            reason = "PostgreSQL từ chối quyền truy cập (\(message)); kiểm tra vai trò và quyền trên cơ sở dữ liệu"
        default: reason = "lỗi PostgreSQL \(sqlState): \(message)"
        }
        return EnvironmentError(path: display, reason: reason)
    }
}
