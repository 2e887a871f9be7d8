"""SPEC 4's indicator table (chi-tieu) for a generated dataset, as one DuckDB SQL query.

What an analyst would otherwise write: date parsing, SPEC 3's classification, duplicates (last wins) and
three left joins. Used by `make bench` for timing and to cross-check chiso's counts.

    python duckdb_indicators.py DATA_DIR FROM TO OUT.csv
"""
import sys

import duckdb

data, period_from, period_to, out = sys.argv[1:5]

BOOL_TRUE = "('có', 'x', '1', 'true', 'yes', 'đã')"
STATUS = """CASE WHEN regexp_full_match(trim(s), '[0-9]+') THEN CAST(trim(s) AS INTEGER) ELSE CASE lower(trim(s))
    WHEN 'mới đăng ký' THEN 1 WHEN 'được tiếp nhận' THEN 2 WHEN 'không được tiếp nhận' THEN 3 WHEN 'đang xử lý' THEN 4
    WHEN 'yêu cầu bổ sung' THEN 5 WHEN 'yêu cầu thực hiện nghĩa vụ tài chính' THEN 6 WHEN 'rút hồ sơ' THEN 7
    WHEN 'dừng xử lý' THEN 8 WHEN 'đã xử lý xong' THEN 9 WHEN 'đã trả kết quả' THEN 10 END END"""
CHANNEL = """CASE lower(trim(coalesce(ch, ''))) WHEN '' THEN 1 WHEN '1' THEN 1 WHEN 'trực tiếp' THEN 1 WHEN '2' THEN 2
    WHEN 'trực tuyến' THEN 2 ELSE 3 END"""


def date(col):
    return f"""CAST(coalesce(try_strptime(trim({col}), '%d/%m/%Y %H:%M'), try_strptime(trim({col}), '%d/%m/%Y'),
        try_strptime(trim({col}), '%Y-%m-%d %H:%M:%S'), try_strptime(trim({col}), '%Y-%m-%d')) AS DATE)"""


def dossiers(path, f, cols, delim):
    idc, unit, r, d, e, s, ch, lv, fee, paid = cols
    return f"""SELECT trim("{idc}") AS id, upper(trim("{unit}")) AS unit, {date(f'"{r}"')} AS rd, {date(f'"{d}"')} AS dd,
        {date(f'"{e}"')} AS ed, "{s}" AS s, "{ch}" AS ch, lower(trim(coalesce("{lv}", ''))) AS lv,
        lower(trim(coalesce("{fee}", ''))) IN {BOOL_TRUE} AS fee, lower(trim(coalesce("{paid}", ''))) IN {BOOL_TRUE} AS paid,
        {f} AS f, row_number() OVER () AS rn
      FROM read_csv('{path}', header = true, all_varchar = true, delim = '{delim}')"""


sql = f"""
WITH raw AS (
  {dossiers(f'{data}/ho-so/ho-so-01.csv', 1, ['Mã hồ sơ', 'Mã đơn vị', 'Ngày tiếp nhận', 'Ngày hẹn trả', 'Ngày có kết quả',
            'Trạng thái', 'Kênh nộp', 'Mức độ', 'Có phí', 'Thanh toán trực tuyến'], ',')}
  UNION ALL
  {dossiers(f'{data}/ho-so/ho-so-02.csv', 2, ['Số hồ sơ', 'Mã cơ quan', 'Ngày nhận', 'Ngày hẹn trả', 'Ngày kết thúc xử lý',
            'Trạng thái', 'Hình thức nộp', 'Mức độ DVC', 'Nghĩa vụ tài chính', 'Thanh toán trực tuyến'], ';')}
),
d AS (
  SELECT id, unit, rd, dd, ed, {STATUS} AS st, {CHANNEL} AS channel, lv IN ('toàn trình', '4', 'mức độ 4') AS full_online,
         fee, paid
  FROM raw QUALIFY row_number() OVER (PARTITION BY id ORDER BY f DESC, rn DESC) = 1
),
late AS (
  SELECT trim("Mã hồ sơ") AS id, lower(trim(coalesce("Có văn bản xin lỗi", ''))) IN {BOOL_TRUE} AS apology
  FROM read_csv('{data}/tre-han/tre-han.csv', header = true, all_varchar = true, delim = '\t', encoding = 'utf-16')
  QUALIFY row_number() OVER (PARTITION BY trim("Mã hồ sơ") ORDER BY 1) = count(*) OVER (PARTITION BY trim("Mã hồ sơ"))
),
postal_raw AS (
  SELECT trim("Mã hồ sơ") AS id,
         CASE lower(trim("Loại dịch vụ")) WHEN 'trả kết quả' THEN 'return' WHEN 'return' THEN 'return' ELSE 'intake' END AS dir,
         lower(trim(coalesce("Trạng thái phát", ''))) = 'phát thành công' AS delivered, row_number() OVER () AS rn
  FROM read_csv('{data}/bcci/bcci.csv', header = true, all_varchar = true, delim = ',')
),
postal AS (
  SELECT id, bool_or(dir = 'intake') AS intake, bool_or(dir = 'return') AS ret,
         arg_max(delivered, rn) FILTER (WHERE dir = 'return') AS delivered
  FROM postal_raw GROUP BY id
),
dig AS (
  SELECT trim("Mã hồ sơ") AS id,
         lower(trim(coalesce("Có số hóa TPHS", ''))) IN {BOOL_TRUE} AS di, lower(trim(coalesce("Tái sử dụng", ''))) IN {BOOL_TRUE} AS reused,
         lower(trim(coalesce("Kết quả điện tử", ''))) IN {BOOL_TRUE} AS er, lower(trim(coalesce("Ký số", ''))) IN {BOOL_TRUE} AS es
  FROM read_csv('{data}/so-hoa/so-hoa.csv', header = true, all_varchar = true, delim = ',')
  QUALIFY row_number() OVER (PARTITION BY trim("Mã hồ sơ") ORDER BY 1) = 1
),
c AS (
  SELECT d.*, st IN (8, 9, 10) AND ed IS NOT NULL AND ed <= DATE '{period_to}' AS fin, rd < DATE '{period_from}' AS carried
  FROM d WHERE st NOT IN (1, 3, 7) AND rd <= DATE '{period_to}'
),
k AS (
  SELECT c.*,
    CASE WHEN fin THEN CASE WHEN dd IS NOT NULL AND ed < dd THEN 'early' WHEN dd IS NOT NULL AND ed > dd THEN 'late' ELSE 'on_time' END
         ELSE CASE WHEN dd IS NOT NULL AND dd < DATE '{period_to}' THEN 'overdue' ELSE 'in_time' END END AS outcome,
    late.id IS NOT NULL AS listed, coalesce(late.apology, false) AS apology,
    coalesce(postal.intake, false) AS p_in, coalesce(postal.ret, false) AS p_ret, coalesce(postal.delivered, false) AS p_del,
    coalesce(dig.di, false) AS di, coalesce(dig.reused, false) AS reused, coalesce(dig.er, false) AS er, coalesce(dig.es, false) AS es
  FROM c LEFT JOIN late USING (id) LEFT JOIN postal USING (id) LEFT JOIN dig USING (id)
  WHERE NOT (fin AND ed < DATE '{period_from}')
),
u AS (SELECT upper(trim("Mã đơn vị")) AS unit FROM read_csv('{data}/don-vi.csv', header = true, all_varchar = true))
SELECT u.unit AS unit_code,
  count(k.id) AS received_total, count(*) FILTER (carried) AS carried_over, count(*) FILTER (NOT carried) AS received_new,
  count(*) FILTER (NOT carried AND channel = 2) AS received_online,
  count(*) FILTER (NOT carried AND channel = 2 AND full_online) AS received_online_full,
  count(*) FILTER (NOT carried AND channel = 1) AS received_direct, count(*) FILTER (NOT carried AND channel = 3) AS received_postal,
  count(*) FILTER (outcome IN ('early', 'on_time', 'late')) AS finished_total, count(*) FILTER (outcome = 'early') AS finished_early,
  count(*) FILTER (outcome = 'on_time') AS finished_on_time, count(*) FILTER (outcome = 'late') AS finished_late,
  count(*) FILTER (outcome IN ('in_time', 'overdue')) AS open_total, count(*) FILTER (outcome = 'in_time') AS open_in_time,
  count(*) FILTER (outcome = 'overdue') AS open_overdue, count(*) FILTER (outcome IN ('late', 'overdue')) AS late_total,
  count(*) FILTER (outcome IN ('late', 'overdue') AND listed AND apology) AS late_apologized,
  count(*) FILTER (NOT carried AND (fee OR paid)) AS fee_dossiers, count(*) FILTER (NOT carried AND paid) AS paid_online,
  count(*) FILTER (NOT carried AND p_in) AS postal_intake, count(*) FILTER (fin AND p_ret) AS postal_return,
  count(*) FILTER (fin AND p_ret AND p_del) AS postal_return_delivered,
  count(*) FILTER (NOT carried AND di) AS digitized_inputs, count(*) FILTER (NOT carried AND reused) AS reused_data,
  count(*) FILTER (fin AND er) AS e_results, count(*) FILTER (fin AND di AND er) AS digitized_full,
  count(*) FILTER (fin AND es) AS e_signed_results
FROM u LEFT JOIN k USING (unit) GROUP BY u.unit ORDER BY u.unit
"""

con = duckdb.connect()
con.sql(sql).write_csv(out)
