/**
 * The stylesheet of the HTML report: light, system fonts, readable on a
 * laptop screen (one column of sections, charts two abreast when there is
 * room) and on paper (no backgrounds to print, charts and tables never split
 * across pages, one chart per row at the printable width the script sets).
 */
export const REPORT_STYLE = `
:root { --pass: #1d7a35; --fail: #b3261e; --muted: #5f6b73; --line: #d6dbe0; --soft: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1f23; background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p { margin: 4px 0; }
.muted { color: var(--muted); }
.verdict { border: 2px solid; border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.verdict strong { font-size: 20px; letter-spacing: 0.02em; }
.verdict.pass { border-color: var(--pass); }
.verdict.pass strong { color: var(--pass); }
.verdict.fail { border-color: var(--fail); }
.verdict.fail strong { color: var(--fail); }
.verdict.neutral { border-color: var(--muted); }
.mark-pass { color: var(--pass); font-weight: 700; }
.mark-fail { color: var(--fail); font-weight: 700; }
table { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; white-space: nowrap; }
td.text { white-space: normal; }
th { font-weight: 600; background: var(--soft); }
th.text, td.text { text-align: left; }
tr.failed td { color: var(--fail); }
.table-wrap { overflow-x: auto; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 6px 0 12px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 12px 20px; }
figure { margin: 0; min-width: 0; overflow: hidden; }
figcaption { font-weight: 600; margin-bottom: 2px; }
.chart { min-height: 240px; }
pre.profile { background: var(--soft); border: 1px solid var(--line); padding: 10px; overflow-x: auto; font-size: 12.5px; white-space: pre-wrap; overflow-wrap: anywhere; }
.operation { break-inside: auto; }
.verdict .warning { color: var(--fail); }
.u-legend { font-size: 12px; text-align: left; }
.u-legend .u-series > * { padding: 2px 4px; }
nav ul { margin: 4px 0; padding-left: 20px; }
@media print {
  @page { margin: 14mm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  th { background: none; }
  pre.profile { background: none; }
  .charts { display: block; }
  figure { break-inside: avoid; page-break-inside: avoid; margin-bottom: 10px; overflow: visible; }
  table, .verdict, .facts { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .u-legend { font-size: 9pt; }
  /* Legend values follow the mouse: on paper there is none. */
  .u-legend .u-value, .u-legend tr:first-child { display: none; }
}
`;
