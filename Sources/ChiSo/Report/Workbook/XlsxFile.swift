import CXlsxWriter
import Foundation

/// Writes an ``OfficeWorkbook`` with libxlsxwriter: typed numbers (`0.00` for rates, points and scores),
/// text as strings (never formulas), a bold frozen header row with an autofilter, fitted column widths,
/// A4 landscape printing one page wide with the header row repeated and the pipeline's title in the page
/// header. Deterministic: the creation time is the workbook's `created`, not the clock.
public enum XlsxFile {
    /// An error from libxlsxwriter, with its message.
    public struct WriteError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        /// The message for stderr.
        public var description: String { "không ghi được \(path): \(reason)" }
    }

    /// The workbook's bytes, written through a uniquely named temporary file beside `path` (removed after).
    /// - Throws: ``WriteError`` when libxlsxwriter fails or the file cannot be read back.
    public static func bytes(_ workbook: OfficeWorkbook, besides path: String) throws -> [UInt8] {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let temp = dir + "/.\((path as NSString).lastPathComponent).\(getpid()).\(UUID().uuidString).tmp"
        defer { unlink(temp) }
        try write(workbook, to: temp)
        guard let data = FileManager.default.contents(atPath: temp) else {
            throw WriteError(path: temp, reason: "không đọc lại được tệp vừa ghi")
        }
        return [UInt8](data)
    }

    /// Writes the workbook to `path` (replacing it).
    /// - Throws: ``WriteError`` when libxlsxwriter fails.
    public static func write(_ workbook: OfficeWorkbook, to path: String) throws {
        // Temporary files beside the output (the same disk), rows streamed (constant memory).
        let tmpdir = strdup((path as NSString).deletingLastPathComponent)
        defer { free(tmpdir) }
        var options = lxw_workbook_options(constant_memory: 1, tmpdir: tmpdir, use_zip64: 0)
        let book = workbook_new_opt(path, &options)
        guard let book else { throw WriteError(path: path, reason: "libxlsxwriter không tạo được tệp") }
        var closed = false
        defer { if !closed { workbook_close(book) } }

        let title = strdup(workbook.title)
        defer { free(title) }
        var properties = lxw_doc_properties()
        properties.title = title
        properties.created = time_t(workbook.created)
        try check(workbook_set_properties(book, &properties), path)

        let bold = workbook_add_format(book)
        format_set_bold(bold)
        format_set_text_wrap(bold)
        format_set_align(bold, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        let twoDecimals = workbook_add_format(book)
        format_set_num_format(twoDecimals, "0.00")
        let whole = workbook_add_format(book)
        format_set_num_format(whole, "0")

        for sheet in workbook.sheets {
            guard let ws = workbook_add_worksheet(book, sheet.name) else {
                throw WriteError(path: path, reason: "không thêm được trang \(sheet.name)")
            }
            let table = sheet.table
            let lastColumn = lxw_col_t(max(0, table.header.count - 1))
            // Widths from the longest header word or value, in characters (not bytes).
            for (c, header) in table.header.enumerated() {
                let longestWord = header.split(separator: " ").map(\.count).max() ?? 0
                let values = longestValue(table.rows, column: c, enough: 58)
                let width = Double(min(60, max(8, max(values, min(header.count, max(longestWord, 14)))) + 2))
                worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), width, nil)
            }
            worksheet_freeze_panes(ws, 1, 0)
            worksheet_set_landscape(ws)
            worksheet_set_paper(ws, 9)  // A4
            worksheet_fit_to_pages(ws, 1, 0)
            try check(worksheet_repeat_rows(ws, 0, 0), path)
            // Excel allows 255 bytes of header: cut between characters.
            var header = "&C"
            for ch in workbook.pageHeader.replacingOccurrences(of: "&", with: "&&") {
                if header.utf8.count + ch.utf8.count > 250 { break }
                header.append(ch)
            }
            try check(worksheet_set_header(ws, header), path)
            try check(worksheet_autofilter(ws, 0, 0, lxw_row_t(table.rows.count), lastColumn), path)
            for (c, text) in table.header.enumerated() {
                try check(worksheet_write_string(ws, 0, lxw_col_t(c), text, bold), path)
            }
            for (r, row) in table.rows.enumerated() {
                let rowIndex = lxw_row_t(r + 1)
                for (c, cell) in row.enumerated() where !cell.isEmpty {
                    let col = lxw_col_t(c)
                    switch table.kinds[c] {
                    case .text, .boolean:
                        try check(worksheet_write_string(ws, rowIndex, col, cell, nil), path)
                    case .integer, .amount, .fixed2:
                        guard let value = Double(cell) else {
                            try check(worksheet_write_string(ws, rowIndex, col, cell, nil), path)
                            continue
                        }
                        let format = table.kinds[c] == .fixed2 || cell.utf8.contains(UInt8(ascii: ".")) ? twoDecimals : whole
                        try check(worksheet_write_number(ws, rowIndex, col, value, format), path)
                    }
                }
            }
        }
        closed = true
        try check(workbook_close(book), path)
    }

    /// The most characters of a value in `column`, or `enough` once one has that many (a width is capped).
    /// A value's characters are counted (grapheme breaking, the costly part) only when its UTF-8 bytes,
    /// never fewer than its characters, exceed the longest so far: the 68k cells of a 5M night's findings
    /// sheet took 20 ms on the workbook's path when each was counted.
    static func longestValue(_ rows: [[String]], column c: Int, enough: Int) -> Int {
        var longest = 0
        for row in rows where row[c].utf8.count > longest {
            longest = max(longest, row[c].count)
            if longest >= enough { return enough }
        }
        return longest
    }

    private static func check(_ error: lxw_error, _ path: String) throws {
        guard error != LXW_NO_ERROR else { return }
        if errno == ENOSPC || errno == EDQUOT { throw OutputError.system(path) }  // a full disk, said plainly
        throw WriteError(path: path, reason: String(cString: lxw_strerror(error)))
    }
}
