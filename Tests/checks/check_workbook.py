"""An independent reader's check of chiso's bao-cao.xlsx (openpyxl), run by the Swift test suite.

usage: check_workbook.py WORKBOOK.xlsx OUTPUT_FOLDER

Checks, sheet by sheet, against the CSVs of the same run: sheet names and order, every row and column,
numbers typed as numbers (format 0.00 for rates, points and scores), empty cells empty, the frozen header
row, the autofilter range, A4 landscape printing one page wide with the header row repeated and the title
in the page header. Prints one line per problem and exits 1 if there is any.
"""
import csv
import os
import re
import sys

import openpyxl

DECIMAL = re.compile(r"(: tỷ lệ \(%\)|: điểm|^Tổng điểm|: điểm cổng quốc gia|: chênh lệch)$")
INTEGER_HEADERS = {"Xếp hạng", "Xếp hạng kỳ trước", "Thay đổi thứ hạng", "Thứ tự đề nghị", "Số cá nhân đề nghị", "Dòng"}
LABELLED = {"Cấp", "Mức độ", "Lý do"}  # keys in the CSV, labels in the workbook


def main(path, folder):
    problems = []
    book = openpyxl.load_workbook(path)
    names = book.sheetnames
    files = os.listdir(folder)

    def csv_of(sheet):
        """The CSV a sheet shows: by its name (`Chỉ số KEY`, `Khen thưởng KEY`, the key maybe cut short)."""
        for prefix, stem in (("Chỉ số ", "chi-so-"), ("Khen thưởng ", "khen-thuong-")):
            if sheet.startswith(prefix):
                key = sheet[len(prefix):]
                found = sorted(f for f in files if f.startswith(stem + key) and f.endswith(".csv"))
                return found[0] if found else None
        return {"Chỉ tiêu": "chi-tieu.csv", "Chất lượng dữ liệu": "chat-luong-du-lieu.csv"}.get(sheet)

    csvs = [csv_of(n) for n in names[1:]]
    if None in csvs:
        problems.append(f"sheets without a CSV: {names}")
        csvs = [c for c in csvs if c]
    wanted = 2 + sum(f.startswith("chi-so-") for f in files) + sum(f.startswith("khen-thuong-") for f in files)
    if len(csvs) != wanted:
        problems.append(f"{len(csvs)} table sheets for {wanted} CSVs")
    if names[0] != "Tổng quan":
        problems.append(f"first sheet is {names[0]!r}, not 'Tổng quan'")
    for name in names:
        if len(name) > 31:
            problems.append(f"sheet name over 31 characters: {name!r}")
    order = {"chi-tieu.csv": 0, "chat-luong-du-lieu.csv": 3}
    ranks = [order.get(c, 1 if c.startswith("chi-so-") else 2) for c in csvs]
    if ranks != sorted(ranks):
        problems.append(f"sheets out of order: {names}")
    expected_prefix = [{"chi-tieu.csv": "Chỉ tiêu", "chat-luong-du-lieu.csv": "Chất lượng dữ liệu"}.get(c, "Chỉ số" if c.startswith("chi-so-") else "Khen thưởng") for c in csvs]
    checked = 0
    for sheet_name, prefix, csv_name in zip(names[1:], expected_prefix, csvs):
        if not sheet_name.startswith(prefix):
            problems.append(f"sheet {sheet_name!r} should start with {prefix!r}")
        ws = book[sheet_name]
        with open(os.path.join(folder, csv_name), encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        if ws.freeze_panes != "A2":
            problems.append(f"{sheet_name}: frozen pane {ws.freeze_panes}, not A2")
        last = openpyxl.utils.get_column_letter(len(header))
        if ws.auto_filter.ref != f"A1:{last}{len(rows)}":
            problems.append(f"{sheet_name}: autofilter {ws.auto_filter.ref}, not A1:{last}{len(rows)}")
        if ws.page_setup.orientation != "landscape" or str(ws.page_setup.paperSize) != "9":
            problems.append(f"{sheet_name}: print {ws.page_setup.orientation} paper {ws.page_setup.paperSize}, not A4 landscape")
        # fitToWidth absent means 1 (the OOXML default); fitToHeight 0 = as many pages as needed.
        if ws.page_setup.fitToWidth not in (None, 1) or str(ws.page_setup.fitToHeight) != "0" \
                or not ws.sheet_properties.pageSetUpPr.fitToPage:
            problems.append(f"{sheet_name}: not fitted to one page wide")
        if (ws.print_title_rows or "").replace("$", "") != "1:1":
            problems.append(f"{sheet_name}: repeated rows {ws.print_title_rows}, not 1:1")
        if not ws.oddHeader.center.text:
            problems.append(f"{sheet_name}: no page header")
        if ws.max_row != len(rows) or ws.max_column != len(header):
            problems.append(f"{sheet_name}: {ws.max_row}×{ws.max_column} cells for a {len(rows)}×{len(header)} CSV")
        for c, title in enumerate(header, 1):
            cell = ws.cell(row=1, column=c)
            if cell.value != title or not cell.font.b:
                problems.append(f"{sheet_name}: header {c} is {cell.value!r} (bold {cell.font.b}), CSV has {title!r}")
        for r, row in enumerate(rows[1:], 2):
            for c, (title, text) in enumerate(zip(header, row), 1):
                cell = ws.cell(row=r, column=c)
                checked += 1
                if text == "":
                    if cell.value is not None:
                        problems.append(f"{sheet_name}!{cell.coordinate}: {cell.value!r} where the CSV is empty")
                    continue
                numeric = DECIMAL.search(title) or title in INTEGER_HEADERS or (csv_name == "chi-tieu.csv" and c > header.index("Cấp") + 1 and title != "Đơn vị trước sắp xếp") \
                    or title.endswith(": tử số") or title.endswith(": mẫu số")
                if numeric:
                    if cell.data_type != "n" or not isinstance(cell.value, (int, float)):
                        problems.append(f"{sheet_name}!{cell.coordinate}: {cell.value!r} is not a number (CSV {text!r})")
                    elif abs(cell.value - float(text)) > 1e-9:
                        problems.append(f"{sheet_name}!{cell.coordinate}: {cell.value} ≠ CSV {text}")
                    elif DECIMAL.search(title) and cell.number_format != "0.00":
                        problems.append(f"{sheet_name}!{cell.coordinate}: format {cell.number_format!r}, not 0.00")
                elif title in LABELLED:
                    if not isinstance(cell.value, str) or not cell.value:
                        problems.append(f"{sheet_name}!{cell.coordinate}: no label for {text!r}")
                else:
                    want = text[1:] if text[:1] == "'" and text[1:2] in "=+-@\t\r" else text  # SPEC 11.3 quote
                    if cell.data_type != "s" or cell.value != want:
                        problems.append(f"{sheet_name}!{cell.coordinate}: {cell.value!r} ({cell.data_type}) ≠ CSV text {want!r}")
    for p in problems[:50]:
        print(p)
    print(f"checked {checked} cells in {len(names)} sheets; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
