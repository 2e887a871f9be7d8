/// The Mustache template of `bao-cao.html`: restyle the report here (CSS at the top, one section per
/// block). `{{name}}` escapes HTML; the page needs no script and no network; `@page` prints on A4.
enum CouncilReportTemplate {
    static let text = #"""
<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
  @page { size: A4 portrait; margin: 14mm 12mm 16mm 12mm; }
  :root { --ink: #1d2733; --muted: #5b6673; --line: #d5dbe1; --accent: #0b5cad; --good: #1a7f37; --bad: #b42318; }
  * { box-sizing: border-box; }
  body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 190mm; font-size: 10.5pt; line-height: 1.35; }
  h1 { font-size: 17pt; margin: 0 0 4mm; color: var(--accent); }
  h2 { font-size: 13.5pt; margin: 8mm 0 2mm; border-bottom: 2px solid var(--accent); padding-bottom: 1mm; }
  h3 { font-size: 11.5pt; margin: 5mm 0 2mm; }
  h4 { font-size: 10.5pt; margin: 3mm 0 1mm; color: var(--muted); }
  p.sub { color: var(--muted); margin: 0 0 2mm; }
  table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
  th, td { border-bottom: 1px solid var(--line); padding: 1.2mm 1.5mm; text-align: left; vertical-align: top; }
  th { background: #eef2f6; font-weight: 600; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .up { color: var(--good); } .down { color: var(--bad); } .same { color: var(--muted); }
  .facts td:first-child { width: 45mm; color: var(--muted); }
  .reasons { color: var(--muted); font-size: 9.5pt; }
  tr.flag td { background: #fdecea; }
  th.grp { white-space: normal; font-size: 8pt; font-weight: 600; width: 13mm; }
  td.grp { font-size: 9pt; color: var(--muted); }
  svg { display: block; }
  .chart { margin: 2mm 0 4mm; }
  .chart text { font-size: 8px; fill: var(--ink); }
  .chart .threshold { stroke: var(--bad); stroke-dasharray: 3 2; }
  .chart .threshold-label { fill: var(--bad); font-size: 7px; }
  .spark polyline { fill: none; stroke-width: 1.3; }
  .spark .score { stroke: var(--accent); } .spark .rank { stroke: #c77700; }
  section.index, section.awards, section.quality { page-break-before: always; }
  @media print { body { max-width: none; } }
</style>
</head>
<body>
<header>
  <h1>{{title}}</h1>
  <table class="facts">
    {{#facts}}<tr><td>{{label}}</td><td>{{value}}</td></tr>{{/facts}}
  </table>
</header>

{{#indices}}
<section class="index">
  <h2>{{title}}</h2>
  <p class="sub">{{subtitle}}</p>
  {{#tiers}}
  <h3>{{title}}</h3>
  {{#hasScores}}
  <svg class="chart" width="100%" viewBox="0 0 700 {{chartHeight}}" role="img" aria-label="Điểm của các đơn vị, {{title}}">
    <g transform="translate(110,0)">
      {{#bars}}
      <text x="-4" y="{{y}}" dy="10" text-anchor="end">{{label}}</text>
      <rect x="0" y="{{y}}" width="{{width}}" height="13" fill="#7aa7d6"></rect>
      <text x="{{textX}}" y="{{y}}" dy="10">{{score}}</text>
      {{/bars}}
      {{#thresholds}}
      <line class="threshold" x1="{{x}}" x2="{{x}}" y1="0" y2="{{chartHeight}}"></line>
      <text class="threshold-label" x="{{x}}" y="{{chartHeight}}" dx="2" dy="-2">{{label}}</text>
      {{/thresholds}}
    </g>
  </svg>
  {{/hasScores}}
  <table>
    <thead><tr><th class="num">Hạng</th><th>Đơn vị</th>{{#groupHeaders}}<th class="num grp">{{.}}</th>{{/groupHeaders}}<th class="num">Điểm</th><th>Xếp loại</th><th class="num">Thay đổi</th><th>Qua các kỳ</th></tr></thead>
    <tbody>
    {{#rows}}
    <tr>
      <td class="num">{{rank}}</td>
      <td>{{name}}<br><small>{{code}}</small></td>
      {{#groups}}<td class="num grp">{{.}}</td>{{/groups}}
      <td class="num">{{score}}</td>
      <td>{{band}}</td>
      <td class="num {{changeClass}}">{{change}}</td>
      <td>{{#hasHistory}}<svg class="spark" width="60" height="16" viewBox="0 0 60 16" role="img" aria-label="{{periods}}"><polyline class="score" points="{{scorePoints}}"></polyline><polyline class="rank" points="{{rankPoints}}"></polyline></svg><small>{{periods}}</small>{{/hasHistory}}</td>
    </tr>
    {{/rows}}
    </tbody>
  </table>
  {{/tiers}}
  {{#hasReconciliation}}
  <h3>Đối chiếu với điểm cổng quốc gia công bố</h3>
  <p class="sub">{{reconciliationNote}}</p>
  <table>
    <thead><tr><th>Đơn vị</th><th>Mục</th><th class="num">chiso</th><th class="num">Cổng quốc gia</th><th class="num">Chênh lệch</th></tr></thead>
    <tbody>
    {{#reconciliation}}<tr{{#exceeds}} class="flag"{{/exceeds}}><td>{{name}}<br><small>{{code}}</small></td><td>{{item}}</td><td class="num">{{chiso}}</td><td class="num">{{portal}}</td><td class="num">{{difference}}{{#exceeds}} ⚠{{/exceeds}}</td></tr>{{/reconciliation}}
    </tbody>
  </table>
  {{/hasReconciliation}}
</section>
{{/indices}}

{{#hasAwards}}
<section class="awards">
  <h2>Đề xuất khen thưởng</h2>
  {{#awards}}
  <h3>{{title}}</h3>
  {{#groups}}
  <h4>{{title}} ({{quota}})</h4>
  <table>
    <thead><tr><th class="num">Thứ tự</th><th>Đơn vị</th><th>Cấp</th><th class="num">Điểm</th><th class="num">Hạng</th><th>Lý do</th></tr></thead>
    <tbody>
    {{#selected}}<tr><td class="num">{{position}}</td><td><strong>{{name}}</strong><br><small>{{code}}</small></td><td>{{tier}}</td><td class="num">{{score}}</td><td class="num">{{rank}}</td><td>Được đề nghị</td></tr>{{/selected}}
    {{#leftOut}}<tr><td class="num"></td><td>{{name}}<br><small>{{code}}</small></td><td>{{tier}}</td><td class="num">{{score}}</td><td class="num">{{rank}}</td><td class="reasons">{{reasons}}</td></tr>{{/leftOut}}
    {{#others}}<tr><td class="num"></td><td>{{name}}<br><small>{{code}}</small></td><td>{{tier}}</td><td class="num">{{score}}</td><td class="num">{{rank}}</td><td class="reasons">{{reasons}}</td></tr>{{/others}}
    </tbody>
  </table>
  {{/groups}}
  {{/awards}}
</section>
{{/hasAwards}}

<section class="quality">
  <h2>Chất lượng dữ liệu</h2>
  <p>{{findingTotal}} phát hiện: {{#severities}}{{label}} {{value}}; {{/severities}}</p>
  <table>
    <thead><tr><th>Mã</th><th>Mức độ</th><th>Ý nghĩa</th><th class="num">Số lượng</th></tr></thead>
    <tbody>{{#codes}}<tr><td>{{code}}</td><td>{{severity}}</td><td>{{meaning}}</td><td class="num">{{count}}</td></tr>{{/codes}}</tbody>
  </table>
  {{#hasFiles}}
  <h3>Tệp có nhiều dòng bị loại nhất</h3>
  <table>
    <thead><tr><th>Tệp</th><th class="num">Dòng bị loại</th><th class="num">Tổng số dòng</th></tr></thead>
    <tbody>{{#files}}<tr><td>{{file}}</td><td class="num">{{rejected}}</td><td class="num">{{rows}}</td></tr>{{/files}}</tbody>
  </table>
  {{/hasFiles}}
</section>
</body>
</html>
"""#
}
