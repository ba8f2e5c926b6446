import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../src/metrics/types.js';
import { renderHtmlReport } from '../../../../src/outputs/html/render-report.js';
import { buildReportData } from '../../../../src/outputs/html/report-data.js';
import { buildSummary as handBuiltSummary } from '../fixtures.js';
import { HOSTILE_PROFILE, HOSTILE_SCENARIO, measuredSummary } from './measured-summary.js';

const summary = measuredSummary();
const html = renderHtmlReport(summary);

/** The text of every `<script>` element, with its attributes. */
function scripts(document: string): { attributes: string; text: string }[] {
  return [...document.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((match) => ({ attributes: match[1] ?? '', text: match[2] ?? '' }));
}

describe('renderHtmlReport', () => {
  it('is one complete document that needs nothing from the network', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    // No external script, stylesheet, image, font or frame.
    expect(html).not.toMatch(/<(script|img|iframe|link)\b[^>]*\b(src|href)=/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    // uPlot is inlined.
    expect(html).toContain('var uPlot=');
  });

  it('allows only its own scripts and no network, by Content-Security-Policy', () => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(policy).toContain("default-src 'none'");
    const executable = scripts(html).filter((script) => !script.attributes.includes('application/json'));
    expect(executable).toHaveLength(2);
    for (const script of executable) {
      expect(policy).toContain(`'sha256-${createHash('sha256').update(script.text, 'utf8').digest('base64')}'`);
    }
    expect(policy).not.toContain("'unsafe-inline' 'unsafe-eval'");
    expect(/script-src ([^;]*)/.exec(policy)?.[1]).not.toContain('unsafe-inline');
  });

  it('escapes every name and text that came from input', () => {
    // Exactly the page's three script elements: none came from a name.
    expect(html.match(/<script\b/gi)).toHaveLength(3);
    expect(html).not.toContain(HOSTILE_SCENARIO);
    expect(html).not.toContain(HOSTILE_PROFILE);
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toContain('<b>');
    expect(html).toContain('night&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;/qido.studies');
    expect(html).toContain('<title>pacs-load report: peak &lt;/title&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &quot;co&quot;');
    // The profile as run, verbatim but inert.
    expect(html).toContain('# &lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    // The cpu model of the environment.
    expect(html).toContain('Test CPU &lt;fast&gt;');
  });

  it('embeds the chart data as JSON that cannot break out of its element and parses back to the data', () => {
    const data = scripts(html).find((script) => script.attributes.includes('type="application/json"'));
    expect(data?.attributes).toContain('id="report-data"');
    expect(data?.text).not.toMatch(/[<>]/);
    expect(JSON.parse(data?.text ?? '')).toEqual(buildReportData(summary));
  });

  it('puts the verdict and the thresholds first, each threshold with measured value and limit', () => {
    const verdict = html.indexOf('id="verdict"');
    expect(verdict).toBeGreaterThan(0);
    expect(verdict).toBeLessThan(html.indexOf('id="thresholds"'));
    expect(html.indexOf('id="thresholds"')).toBeLessThan(html.indexOf('id="operations"'));
    expect(html).toContain('<section id="verdict" class="verdict fail">\n<strong>FAILED</strong>');
    expect(html).toContain('Thresholds: 1 passed, 1 failed.');
    expect(html).toContain('No successful result at all for store/dimse.store.');
    expect(html).toContain('<td class="text">p95 = 3.1 ms (limit &lt; 500 ms)</td>');
    expect(html).toContain('<tr class="failed"><td class="text"><span class="mark-fail">✗ fail</span></td><td class="text">qido.studies</td>');
  });

  it('has one section per operation with an element for each of its charts', () => {
    const data = buildReportData(summary);
    for (const [index, operation] of data.operations.entries()) {
      expect(html).toContain(`<section class="operation" id="operation-${index}">`);
      for (const chart of operation.charts) expect(html).toContain(`<div class="chart" id="${chart.id}"></div>`);
    }
    expect(html.match(/<div class="chart" id=/g)).toHaveLength(summary.operations.length * 5);
  });

  it('shows the operations table, errors by class and the distribution tables like the console', () => {
    expect(html).toContain('<th class="text">scenario/operation</th><th>completed</th><th>rate</th><th>p50</th>');
    expect(html).toContain('>2,400</td><td>400/s</td>');
    expect(html).toContain('<td class="text">dimse_failure_a700</td><td>36</td><td class="text">out of resources</td>');
    expect(html).toContain('<th>p99.99</th><th>max</th>');
    expect(html).toMatch(/At p99, response time is [\d.]+ (µs|ms) above service time/);
  });

  it('lists the reasons of an outcome class under it, escaped, with their counts (issue 14, item 4)', () => {
    const withReasons: RunSummary = {
      ...summary,
      operations: summary.operations.map((operation) =>
        operation.outcomes['dimse_failure_a700'] === undefined
          ? operation
          : { ...operation, reasons: { dimse_failure_a700: { top: [{ reason: 'store <full>', count: 30 }], other: 6 } } },
      ),
    };
    const text = renderHtmlReport(withReasons);
    expect(text).toContain('<td class="text">dimse_failure_a700</td><td>36</td><td class="text">out of resources</td>');
    expect(text).toContain('<td class="text"></td><td class="text"></td><td>30</td><td class="text">  store &lt;full&gt;</td>');
    expect(text).toContain('<td>6</td><td class="text">  (other reasons)</td>');
  });

  it('states the target, the environment, the tool, and what outputs delivered', () => {
    const withOutputs: RunSummary = { ...summary, outputs: { influxdb: { written: 120, retried: 2, dropped: 3, lastError: 'HTTP 503 <busy>' } } };
    const text = renderHtmlReport(withOutputs);
    for (const fact of ['embedded simulator: DIMSE PACS@127.0.0.1:11112', 'loadgen-1', 'linux x64', '2 × Test CPU', '8 GB', 'pacs-load 0.1.0', 'v20.19.0']) {
      expect(text).toContain(fact);
    }
    expect(text).toContain('<td class="text">influxdb</td><td>120</td><td>2</td><td>3</td><td class="text">HTTP 503 &lt;busy&gt;</td>');
  });

  it('says PASSED, NO THRESHOLDS, or why it failed', () => {
    const passing = measuredSummary({ thresholds: [{ subject: 'mwl.find', expression: 'p95 < 1s', measured: 1, limit: 1e6, passed: true, detail: 'p95 = 1 µs (limit < 1 s)' }] });
    expect(renderHtmlReport(passing)).toContain('class="verdict pass">\n<strong>PASSED</strong>');
    const unjudged = renderHtmlReport(measuredSummary({ thresholds: [] }));
    expect(unjudged).toContain('class="verdict neutral">\n<strong>NO THRESHOLDS</strong>');
    expect(unjudged).not.toContain('id="thresholds"');
    const missing = renderHtmlReport({ ...passing, verify: { checked: 10, missing: 2, missingInstances: ['1.2.3', '1.2.4'], notChecked: 0 } });
    expect(missing).toContain('<strong>FAILED</strong>');
    expect(missing).toContain('Verify: 2 of 10 acknowledged instances missing.');
    expect(missing).toContain('Missing: 1.2.3, 1.2.4.');
    // Issue 14, item 3: sends of the same instance again fail unless intended, and say so.
    const sends = { checked: 120, missing: 0, missingInstances: [], notChecked: 0, acknowledgedSends: 240, distinctInstances: 120, acknowledgedMoreThanOnce: 120, extraAcknowledgements: 120, duplicateInstances: ['2.25.7'] };
    const unintended = renderHtmlReport({ ...passing, verify: { ...sends, duplicatesIntended: false } });
    expect(unintended).toContain('<strong>FAILED</strong>');
    expect(unintended).toContain('Verify: 240 acknowledged sends of 120 distinct instances: 120 acknowledged more than once (unintended, 120 extra acknowledgements); 120 checked: all stored.');
    expect(unintended).toContain('Acknowledged more than once (unintended): 2.25.7 and 119 more.');
    const intended = renderHtmlReport({ ...passing, verify: { ...sends, duplicatesIntended: true } });
    expect(intended).toContain('<strong>PASSED</strong>');
    expect(intended).toContain('120 acknowledged more than once (intended, 120 extra acknowledgements)');
    const interrupted = renderHtmlReport({ ...passing, run: { ...passing.run, endReason: 'interrupted' } });
    expect(interrupted).toContain('Run interrupted before the end of the profile');
  });

  it('renders a summary without intervals or histograms, saying what is missing', () => {
    const text = renderHtmlReport(handBuiltSummary());
    expect(text).toContain('No intervals recorded for this operation');
    expect(text).not.toMatch(/<div class="chart"/);
    expect(text).toContain('The summary does not hold the profile text');
    expect(text).toContain('not recorded (a summary merged from several machines');
  });
});

describe('renderHtmlReport capacity section', () => {
  it('shows the breakpoint knee (chart and steps) and the migration figures, only when the run has them', () => {
    expect(html).not.toContain('id="capacity"');
    const withCapacity: RunSummary = {
      ...summary,
      breakpoint: {
        scenario: '<b>mwl</b>',
        sustainableRatePerSec: 15,
        failedRatePerSec: 20,
        reason: 'errors 10.3% > 1% at 20/s',
        steps: [
          { ratePerSec: 10, achievedPerSec: 9.9, p95Us: 405_000, errorRate: 0, droppedRate: 0, passed: true, exceeded: [] },
          { ratePerSec: 15, achievedPerSec: 14.8, p95Us: 410_000, errorRate: 0, droppedRate: 0, passed: true, exceeded: [] },
          { ratePerSec: 20, achievedPerSec: 18, p95Us: 900_000, errorRate: 0.103, droppedRate: 0, passed: false, exceeded: ['errors 10.3% > 1%'] },
        ],
      },
      migration: { bytesSent: 36e9, activeSeconds: 3600, sustainedGBPerHour: 36, archiveSizeBytes: 50e12, hoursToMove: 1388.9 },
    };
    const report = renderHtmlReport(withCapacity);
    expect(report).toContain('<h2 id="capacity">Capacity</h2>');
    expect(report).toContain('Breakpoint: &lt;b&gt;mwl&lt;/b&gt;');
    expect(report).toContain('Sustainable rate: 15/s. First failed step: 20/s.');
    expect(report).toMatch(/<svg class="knee"[\s\S]*<polyline[\s\S]*<\/svg>/);
    // Three steps: three points, the failed one red, and its row marked.
    expect(report.match(/<circle /g)).toHaveLength(3);
    expect(report.match(/fill="#cf222e"/g)).toHaveLength(1);
    expect(report).toContain('<tr class="failed">');
    expect(report).toContain('sustained 36 GB/hour');
    expect(report).toContain('takes 1389 hours (57.9 days)');
  });
});
