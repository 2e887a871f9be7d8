import ArgumentParser
import ChiSo

/// `--db`, shared by every command that opens the warehouse.
struct WarehouseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp(vi("Kho dữ liệu: tệp SQLite, hoặc postgresql://… (PostgreSQL dùng chung). Mặc định: biến CHISO_DB, nếu không có thì var/chiso.sqlite."),
                                                        valueName: "kho"))
    var db: String?

    func validate() throws {
        if db?.isEmpty == true { throw ValidationError("--db rỗng: cho đường dẫn tệp SQLite hoặc postgresql://…") }
    }

    /// Where the warehouse is: `--db`, else `CHISO_DB`, else `var/chiso.sqlite`.
    var location: WarehouseLocation { WarehouseLocation.resolve(db) }

    /// How messages name it: the SQLite file's absolute path, or the URI without its password.
    var display: String {
        switch location {
        case let .sqlite(path): return Warehouse.absolute(path)
        case let .postgres(address): return address.redacted
        }
    }
}
