import ArgumentParser
import ChiSo

/// `chiso`: indicators, indices and award proposals from a province's public-service portal exports.
struct Chiso: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chiso",
        abstract: vi("Chỉ số: chỉ tiêu, chỉ số và đề xuất khen thưởng từ dữ liệu Cổng dịch vụ công."),
        discussion: vi("""
        Exit codes: 0 thành công; 1 một tệp dữ liệu lỗi (xem chat-luong-du-lieu.csv); \
        2 lỗi dòng lệnh hoặc cấu hình; 74 lỗi môi trường (ổ đĩa đầy, kho dữ liệu hỏng, đường dẫn đầu ra bị chiếm); \
        75 một lần chạy khác đang giữ khóa.
        """),
        version: ChiSoVersion.current,
        subcommands: [RunCommand.self, StatusCommand.self, ValidateCommand.self, ExplainCommand.self, HistoryCommand.self, CompareCommand.self,
                      InspectCommand.self, VersionCommand.self])
}
