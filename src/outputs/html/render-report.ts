/**
 * The self-contained HTML report (docs/architecture.md section 7, issue 6): one file that
 * opens offline and prints. Verdict and thresholds first, then the operations
 * table, one section per operation with its charts (response-time
 * percentiles, throughput, errors by outcome and bandwidth over time, latency
 * by percentile for response vs service time) and distribution table, then
 * the run's facts and the profile as run.
 *
 * Safety: every text from input is escaped (escape-html.ts); chart data is
 * embedded as JSON in a non-executed `<script type="application/json">` with
 * `<` escaped; and a Content-Security-Policy allows only this page's own two
 * scripts (by hash) and no network at all, so even a missed escape could not
 * run a script or send anything anywhere.
 */
import { createHash } from 'node:crypto';
import type { RunSummary } from '../../metrics/types.js';
import { escapeHtml, jsonForScript } from './escape-html.js';
import { renderOperationChartsSection } from './operation-charts-section.js';
import { operationAnchor, renderOperationsSection } from './operations-section.js';
import { buildReportData, type ReportData } from './report-data.js';
import { REPORT_SCRIPT } from './report-script.js';
import { REPORT_STYLE } from './report-style.js';
import { renderProfileSection, renderRunFactsSection } from './run-facts-section.js';
import { uplotAssets } from './uplot-assets.js';
import { renderVerdictSection } from './verdict-section.js';
import { renderCapacitySection } from './capacity-section.js';
import { renderSeedPriorsSection } from './seed-priors-section.js';

/** Renders the whole report for a summary: a complete HTML document, UTF-8. Pure but for reading uPlot once. */
export function renderHtmlReport(summary: RunSummary): string {
  const data = buildReportData(summary);
  const uplot = uplotAssets();
  const scripts = [uplot.script, REPORT_SCRIPT];
  const title = `pacs-load report: ${summary.run.profile} (${summary.run.startedAt})`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(scripts)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${escapeHtml(`${summary.run.tool.name} ${summary.run.tool.version}`)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${uplot.style}\n${REPORT_STYLE}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(`pacs-load report: ${summary.run.profile}`)}</h1>`,
    `<p class="muted">${escapeHtml(`Run ${summary.run.id}, ${summary.run.startedAt} to ${summary.run.endedAt}, against ${summary.run.target}`)}</p>`,
    renderVerdictSection(summary),
    renderCapacitySection(summary),
    renderContents(summary, data),
    renderOperationsSection(summary.operations),
    summary.operations.length === 0 ? '' : '<h2 id="charts">Per operation</h2>',
    ...summary.operations.map((operation, index) =>
      renderOperationChartsSection(operation, data.operations[index] ?? { label: '', charts: [], notes: [], distributions: [] }, index),
    ),
    renderSeedPriorsSection(summary.seedPriors),
    renderRunFactsSection(summary),
    renderProfileSection(summary),
    '</main>',
    `<script type="application/json" id="report-data">${jsonForScript(data)}</script>`,
    ...scripts.map((script) => `<script>${script}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A table of contents: long reports (many operations) need one; it is not printed. */
function renderContents(summary: RunSummary, data: ReportData): string {
  const operationLinks = summary.operations.map(
    (_, index) => `<li><a href="#${operationAnchor(index)}">${escapeHtml(data.operations[index]?.label ?? '')}</a></li>`,
  );
  return [
    '<nav><ul>',
    '<li><a href="#operations">Operations</a></li>',
    ...operationLinks,
    '<li><a href="#run">Run, target and environment</a></li>',
    '<li><a href="#profile">Profile as run</a></li>',
    '</ul></nav>',
  ].join('\n');
}

/**
 * Nothing may be fetched (default-src 'none': no images, fonts, frames or
 * connections); scripts only by the hash of the page's own inline scripts;
 * styles inline (uPlot sizes its elements with style attributes).
 */
function contentSecurityPolicy(scripts: readonly string[]): string {
  const hashes = scripts.map((script) => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`);
  return `default-src 'none'; script-src ${hashes.join(' ')}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
}
