import ArgumentParser
import ChiSo

/// `chiso inspect FILE`: parse any CSV as chiso does and print each record as a JSON line.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: vi("Đọc một tệp CSV như chiso đọc; in mỗi bản ghi thành một dòng JSON."))

    @Argument(help: ArgumentHelp(vi("Tệp CSV."))) var file: String
    @Option(help: ArgumentHelp(vi("Dấu phân cách: auto, \",\", \";\" hoặc \"\\t\"."))) var delimiter: String = "auto"

    func run() throws {
        var chosen: Delimiter?
        if delimiter != "auto" {
            guard let d = Delimiter(text: delimiter) else { throw ConfigError(file: "--delimiter", "dùng auto, \",\", \";\" hoặc \"\\t\"") }
            chosen = d
        }
        let printer = JSONLinePrinter()
        do {
            try Inspection.read(path: file, delimiter: chosen) { line, fields in printer.print(line: line, fields: fields) }
            printer.flush()
        } catch let error as InspectionError {
            printer.flush()
            Terminal.error("\(file): \(error.description)")
            throw ExitCode(1)
        }
    }
}
