"""SPEC 4's indicator table (chi-tieu) for a generated dataset, as one DuckDB SQL query: the fastest
honest formulation we know, so that `make bench` compares chiso with DuckDB at its best.

What an analyst who knows the exports would write, and why each choice is fair:
- each file is read with the types and formats it actually has (`read_csv` types the dates with the
  file's own format), instead of trying four date formats on every cell: the portal's exports have one
  format per file, and chiso learns nothing more than that either;
- the status is mapped once per row while scanning (codes in one file, names in the other), not in an
  expression the optimizer copies into every later comparison;
- duplicates (last wins) are removed with GROUP BY and arg_max over the reading order, not with windows;
- the same SPEC 3 classification and SPEC 4 counts, cross-checked against chiso's output by `make bench`.

    python duckdb_indicators.py DATA_DIR FROM TO OUT.csv [--plain | --single]

`--plain`: the dataset generated with `--flavour plain` (every file UTF-8, comma-separated). `--single`: the
one generated with `--flavour single` (`plain`, with every dossier in one file in the second file's format;
DuckDB reads one big CSV file on all cores). A file `ho-so/ho-so-03.csv` in the first file's format, when
present (the nightly case of `make bench`), is read too.
"""
import os
import sys

import duckdb

data, period_from, period_to, out = sys.argv[1:5]
single = "--single" in sys.argv[5:]
plain = "--plain" in sys.argv[5:] or single
SEMI = ',' if plain else ';'
TAB = ',' if plain else '\t'
UTF16 = '' if plain else ", encoding = 'utf-16'"

BOOL_TRUE = "('có', 'x', '1', 'true', 'yes', 'đã')"
def status_names(col):
    return f"""CASE lower(trim({col}))
    WHEN 'mới đăng ký' THEN 1 WHEN 'được tiếp nhận' THEN 2 WHEN 'không được tiếp nhận' THEN 3 WHEN 'đang xử lý' THEN 4
    WHEN 'yêu cầu bổ sung' THEN 5 WHEN 'yêu cầu thực hiện nghĩa vụ tài chính' THEN 6 WHEN 'rút hồ sơ' THEN 7
    WHEN 'dừng xử lý' THEN 8 WHEN 'đã xử lý xong' THEN 9 WHEN 'đã trả kết quả' THEN 10 END"""


def status_codes(col):
    return f"TRY_CAST(trim({col}) AS INTEGER)"


def channel(col):
    return f"""CASE lower(trim(coalesce({col}, ''))) WHEN '' THEN 1 WHEN '1' THEN 1 WHEN 'trực tiếp' THEN 1 WHEN '2' THEN 2
    WHEN 'trực tuyến' THEN 2 ELSE 3 END"""


def dossiers(path, f, cols, delim, status, timestamp_format, date_format):
    idc, unit, r, d, e, s, ch, lv, fee, paid = cols
    return f"""SELECT trim("{idc}") AS id, upper(trim("{unit}")) AS unit, CAST("{r}" AS DATE) AS rd, "{d}" AS dd,
        CAST("{e}" AS DATE) AS ed, {status(f'"{s}"')} AS st, {channel(f'"{ch}"')} AS channel,
        lower(trim(coalesce("{lv}", ''))) IN ('toàn trình', '4', 'mức độ 4') AS full_online,
        lower(trim(coalesce("{fee}", ''))) IN {BOOL_TRUE} AS fee, lower(trim(coalesce("{paid}", ''))) IN {BOOL_TRUE} AS paid,
        {f} * 4294967296 + row_number() OVER () AS k
      FROM read_csv('{path}', header = true, delim = '{delim}', all_varchar = true,
                    types = {{'{r}': 'TIMESTAMP', '{e}': 'TIMESTAMP', '{d}': 'DATE'}},
                    timestampformat = '{timestamp_format}', dateformat = '{date_format}')"""


EXTRA = ""
if os.path.exists(f'{data}/ho-so/ho-so-03.csv'):
    EXTRA = "UNION ALL " + dossiers(f'{data}/ho-so/ho-so-03.csv', 3, ['Mã hồ sơ', 'Mã đơn vị', 'Ngày tiếp nhận', 'Ngày hẹn trả',
        'Ngày có kết quả', 'Trạng thái', 'Kênh nộp', 'Mức độ', 'Có phí', 'Thanh toán trực tuyến'], ',', status_codes,
        '%d/%m/%Y %H:%M', '%d/%m/%Y')

FIRST = "" if single else dossiers(f'{data}/ho-so/ho-so-01.csv', 1, ['Mã hồ sơ', 'Mã đơn vị', 'Ngày tiếp nhận', 'Ngày hẹn trả',
    'Ngày có kết quả', 'Trạng thái', 'Kênh nộp', 'Mức độ', 'Có phí', 'Thanh toán trực tuyến'], ',', status_codes,
    '%d/%m/%Y %H:%M', '%d/%m/%Y') + " UNION ALL"

sql = f"""
WITH raw AS (
  {FIRST}
  {dossiers(f'{data}/ho-so/ho-so-02.csv', 2, ['Số hồ sơ', 'Mã cơ quan', 'Ngày nhận', 'Ngày hẹn trả', 'Ngày kết thúc xử lý',
            'Trạng thái', 'Hình thức nộp', 'Mức độ DVC', 'Nghĩa vụ tài chính', 'Thanh toán trực tuyến'], SEMI, status_names,
            '%Y-%m-%d %H:%M:%S', '%Y-%m-%d')}
  {EXTRA}
),
d AS (
  SELECT id, x.unit, x.rd, x.dd, x.ed, x.st, x.channel, x.full_online, x.fee, x.paid
  FROM (SELECT id, arg_max(struct_pack(unit, rd, dd, ed, st, channel, full_online, fee, paid), k) AS x FROM raw GROUP BY id)
),
late AS (
  SELECT id, arg_max(apology, rn) AS apology FROM (
    SELECT trim("Mã hồ sơ") AS id, lower(trim(coalesce("Có văn bản xin lỗi", ''))) IN {BOOL_TRUE} AS apology, row_number() OVER () AS rn
    FROM read_csv('{data}/tre-han/tre-han.csv', header = true, all_varchar = true, delim = '{TAB}'{UTF16}))
  GROUP BY id
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
  SELECT id, arg_max(struct_pack(di, reused, er, es), rn) AS x FROM (
    SELECT trim("Mã hồ sơ") AS id,
           lower(trim(coalesce("Có số hóa TPHS", ''))) IN {BOOL_TRUE} AS di, lower(trim(coalesce("Tái sử dụng", ''))) IN {BOOL_TRUE} AS reused,
           lower(trim(coalesce("Kết quả điện tử", ''))) IN {BOOL_TRUE} AS er, lower(trim(coalesce("Ký số", ''))) IN {BOOL_TRUE} AS es,
           row_number() OVER () AS rn
    FROM read_csv('{data}/so-hoa/so-hoa.csv', header = true, all_varchar = true, delim = ','))
  GROUP BY id
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
    coalesce(dig.x.di, false) AS di, coalesce(dig.x.reused, false) AS reused, coalesce(dig.x.er, false) AS er, coalesce(dig.x.es, false) AS es
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
