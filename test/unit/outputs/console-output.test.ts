import { describe, expect, it } from 'vitest';
import { createConsoleOutput, renderLiveLine } from '../../../src/outputs/console-output.js';
import { stripAnsi } from '../../../src/outputs/table.js';
import { buildSummary, collector, intervalReport, liveStatus, qidoSummary, startInfo, worklistSummary } from './fixtures.js';

const GREEN = '\u001b[32m';
const RED = '\u001b[31m';

/** Runs a whole start / interval / stop sequence and returns what was written. */
async function runConsole(options: { quiet: boolean; color: boolean }, summary = buildSummary()): Promise<string> {
  const sink = collector();
  const output = createConsoleOutput({ write: sink.write, ...options });
  await output.start(startInfo);
  output.interval(intervalReport(liveStatus));
  output.interval(intervalReport({ ...liveStatus, elapsedUs: 13_000_000, errors: 3, errorsTotal: 3 }));
  await output.stop(summary);
  return sink.text();
}

/** The line that starts (after indent) with `label`. */
function lineOf(text: string, label: string): string {
  const line = text.split('\n').find((candidate) => candidate.trimStart().startsWith(label));
  expect(line, `a line starting with ${label}`).toBeDefined();
  return line ?? '';
}

/** The cells of a table line: columns are separated by at least two spaces. */
function cells(line: string): string[] {
  return line.trim().split(/\s{2,}/);
}

describe('console output: header and live lines', () => {
  it('prints the run id, profile, target, workers and one line per scenario at start', async () => {
    const text = await runConsole({ quiet: false, color: false });
    expect(text).toContain('pacs-load run run-20240601-0800-a1b2');
    expect(lineOf(text, 'profile')).toContain('community-hospital-morning-peak');
    expect(lineOf(text, 'target')).toContain('ORTHANC@127.0.0.1:4242');
    expect(lineOf(text, 'workers')).toMatch(/workers\s+4$/);
    expect(lineOf(text, 'scenarios')).toContain('modality-worklist: mwl.find');
    expect(lineOf(text, 'viewer-search:')).toContain('qido.studies');
  });

  it('renders the live figures of an interval on one line', () => {
    expect(renderLiveLine(liveStatus)).toBe('[  12s] 1984 ops/s  p95 3.1 ms  errors 0 (total 0)  in flight 4  dropped 0');
    expect(
      renderLiveLine({ elapsedUs: 125_400_000, opsPerSec: 41.25, p95Us: undefined, errors: 2, errorsTotal: 1_250, inFlight: 0, droppedTotal: 7 }),
    ).toBe('[ 125s] 41.3 ops/s  p95 -  errors 2 (total 1,250)  in flight 0  dropped 7');
  });

  it('writes one live line per interval', async () => {
    const text = await runConsole({ quiet: false, color: false });
    const liveLines = text.split('\n').filter((line) => line.startsWith('['));
    expect(liveLines).toEqual([
      '[  12s] 1984 ops/s  p95 3.1 ms  errors 0 (total 0)  in flight 4  dropped 0',
      '[  13s] 1984 ops/s  p95 3.1 ms  errors 3 (total 3)  in flight 4  dropped 0',
    ]);
  });

  it('quiet suppresses the live lines but not the header, table or verdict', async () => {
    const text = await runConsole({ quiet: true, color: false });
    expect(text).not.toContain('ops/s');
    expect(text.split('\n').filter((line) => line.startsWith('['))).toEqual([]);
    expect(text).toContain('pacs-load run run-20240601-0800-a1b2');
    expect(text).toContain('modality-worklist/mwl.find');
    expect(text).toContain('thresholds: 3 passed, 1 failed');
  });
});

describe('console output: end-of-run report', () => {
  it('lists each operation with its numbers formatted, columns aligned', async () => {
    const text = await runConsole({ quiet: false, color: false });
    const header = lineOf(text, 'scenario/operation          completed');
    const worklist = lineOf(text, 'modality-worklist/mwl.find    119,040');
    const qido = lineOf(text, 'viewer-search/qido.studies      3,000');

    expect(cells(worklist).slice(1)).toEqual(
      ['119,040', '1984/s', '1.85 ms', '2.7 ms', '3.1 ms', '6.4 ms', '48.2 ms', '15 (0.0143%)', '2', '4 MB/s', '1 MB/s'],
    );
    expect(cells(qido).slice(1)).toEqual(
      ['3,000', '50/s', '12.3 ms', '40.1 ms', '61.2 ms', '250 ms', '1.52 s', '6 (0.2%)', '0', '1.5 MB/s', '25 kB/s'],
    );
    // Right-aligned numbers: every column ends at the same place in every line.
    expect(worklist.length).toBe(header.length);
    expect(qido.length).toBe(header.length);
    expect(header.indexOf('max') + 'max'.length).toBe(worklist.indexOf('48.2 ms') + '48.2 ms'.length);
  });

  it('shows service, start lag, setup and ttfb p95 beside the response p95', async () => {
    const text = await runConsole({ quiet: false, color: false });
    const header = lineOf(text, 'scenario/operation          response');
    expect(cells(header)).toEqual(['scenario/operation', 'response', 'service', 'start lag', 'assoc setup', 'ttfb']);
    expect(cells(lineOf(text, 'modality-worklist/mwl.find    3.1 ms')).slice(1)).toEqual(['3.1 ms', '2.6 ms', '480 µs', '700 µs', '-']);
    expect(cells(lineOf(text, 'viewer-search/qido.studies   61.2 ms')).slice(1)).toEqual(['61.2 ms', '58 ms', '210 µs', '-', '45 ms']);
  });

  it('leaves out the setup and ttfb columns when no operation has them', async () => {
    const { setup: _setup, ...latency } = worklistSummary.latency;
    const text = await runConsole({ quiet: true, color: false }, buildSummary({ operations: [{ ...worklistSummary, latency }] }));
    const header = lineOf(text, 'scenario/operation          response');
    expect(cells(header)).toEqual(['scenario/operation', 'response', 'service', 'start lag']);
  });

  it('lists errors by outcome class, most frequent first, with a gloss', async () => {
    const text = await runConsole({ quiet: false, color: false });
    expect(text).toContain('errors by class\n');
    const rows = text.split('\n').filter((line) => /^\s+\S+\s+(dimse_|association_|http_|timeout)/.test(line));
    expect(rows.map(cells)).toEqual([
      ['modality-worklist/mwl.find', 'dimse_failure_a700', '12', 'out of resources'],
      ['modality-worklist/mwl.find', 'association_rejected_2_3_2', '3', 'association rejected (transient): local limit exceeded'],
      ['viewer-search/qido.studies', 'http_503', '4', 'service unavailable: overloaded (not retried)'],
      ['viewer-search/qido.studies', 'timeout', '2', 'no answer within the timeout'],
    ]);
    expect(text).not.toMatch(/\s+ok\s+119,025/);
  });

  it('shows the reasons of a class with their counts, or its one reason in place of the gloss (issue 14, item 4)', async () => {
    const worklist = {
      ...worklistSummary,
      outcomes: { ...worklistSummary.outcomes, check_failed: 20 },
      reasons: {
        check_failed: { top: [{ reason: 'STATION003: 3 items, expected 5', count: 12 }, { reason: 'STATION001: 0 items, expected 5', count: 5 }], other: 1 },
        association_rejected_2_3_2: { top: [{ reason: 'rejected-transient by DICOM UL service-provider (Presentation related function): local-limit-exceeded', count: 3 }], other: 0 },
      },
    };
    const text = await runConsole({ quiet: true, color: false }, buildSummary({ operations: [worklist] }));
    const table = text.slice(text.indexOf('errors by class'), text.indexOf('thresholds'));
    const lines = table.split('\n').filter((line) => line.trim() !== '').slice(2);
    expect(lines.map(cells)).toEqual([
      ['modality-worklist/mwl.find', 'check_failed', '20', 'answer failed the response check'],
      ['12', 'STATION003: 3 items, expected 5'],
      ['5', 'STATION001: 0 items, expected 5'],
      ['1', '(other reasons)'],
      ['2', '(no reason given)'],
      ['modality-worklist/mwl.find', 'dimse_failure_a700', '12', 'out of resources'],
      ['modality-worklist/mwl.find', 'association_rejected_2_3_2', '3', 'rejected-transient by DICOM UL service-provider (Presentation related function): local-limit-exceeded'],
    ]);
  });

  it('shows requests and bytes per operation for operations made of many requests, and nothing otherwise', async () => {
    const open = { ...qidoSummary, scenario: 'reading', operation: 'viewer.open', completed: 10, requests: 4120, bytesReceived: 1_830_000_000, bytesSent: 412_000 };
    const text = await runConsole({ quiet: true, color: false }, buildSummary({ operations: [open, { ...qidoSummary, requests: qidoSummary.completed }] }));
    expect(text).toContain('each operation, on average (protocol requests and bytes)');
    const section = text.slice(text.indexOf('each operation, on average'));
    expect(cells(lineOf(section, 'reading/viewer.open'))).toEqual(['reading/viewer.open', '412', '183 MB', '41.2 kB']);
    const plain = await runConsole({ quiet: true, color: false }, buildSummary({ operations: [{ ...qidoSummary, requests: qidoSummary.completed }] }));
    expect(plain).not.toContain('each operation, on average');
  });

  it('lists DIMSE warnings as warnings that count as success', async () => {
    const store = { ...qidoSummary, scenario: 'study-sends', operation: 'dimse.store', outcomes: { ok: 10, dimse_warning_b000: 2 } };
    const text = await runConsole({ quiet: true, color: false }, buildSummary({ operations: [store] }));
    expect(text).toContain('errors and warnings by class\n');
    expect(lineOf(text, 'study-sends/dimse.store  dimse_warning_b000')).toContain('(warning, counts as success)');
  });

  it('says so when there are no errors', async () => {
    const clean = { ...worklistSummary, failed: 0, outcomes: { ok: worklistSummary.completed } };
    const text = await runConsole({ quiet: true, color: false }, buildSummary({ operations: [clean] }));
    expect(text).toContain('errors by class: none');
  });

  it('renders each threshold as pass or fail with its detail, then the verdict', async () => {
    const text = await runConsole({ quiet: false, color: false });
    expect(lineOf(text, '✓  mwl.find      p95 < 500ms')).toContain('p95 = 3.1 ms (limit < 500 ms)');
    expect(lineOf(text, '✗  qido.studies  errors < 0.1%')).toContain('errors = 0.2% (limit < 0.1%)');
    expect(text.split('\n').filter((line) => line.trimStart().startsWith('✓'))).toHaveLength(3);
    expect(text).toContain('\nthresholds: 3 passed, 1 failed\n');
    expect(text).not.toContain('\u001b[');
  });

  it('colours pass green and fail red only when color is on', async () => {
    const text = await runConsole({ quiet: false, color: true });
    expect(text).toContain(`${GREEN}✓`);
    expect(text).toContain(`${RED}✗`);
    expect(text).toContain(`thresholds: ${GREEN}3 passed\u001b[39m, ${RED}1 failed\u001b[39m`);
    // Colour codes do not break the alignment of the threshold table.
    const passLine = stripAnsi(lineOf(text, `${GREEN}✓`));
    const failLine = stripAnsi(lineOf(text, `${RED}✗`));
    expect(passLine.indexOf('p95 = 3.1 ms')).toBe(failLine.indexOf('errors = 0.2%'));
  });

  it('reports an interrupted or aborted run, and a run without thresholds', async () => {
    const base = buildSummary();
    const interrupted = await runConsole({ quiet: true, color: false }, buildSummary({ run: { ...base.run, endReason: 'interrupted' } }));
    expect(interrupted).toContain('run interrupted before the end of the profile');
    const aborted = await runConsole({ quiet: true, color: false }, buildSummary({ run: { ...base.run, endReason: 'threshold-abort' } }));
    expect(aborted).toContain('run stopped early: an abortOnFail threshold failed');
    const noThresholds = await runConsole({ quiet: true, color: false }, buildSummary({ thresholds: [] }));
    expect(noThresholds).toContain('thresholds: none defined');
    expect(noThresholds).not.toContain('interrupted');
  });

  it('prints "-" for latencies of an operation that never completed', async () => {
    const idle = { ...worklistSummary, completed: 0, succeeded: 0, failed: 0, dropped: 40, ratePerSec: 0, errorRate: 0, droppedRate: 1, outcomes: {}, latency: {}, activeSeconds: 0 };
    const text = await runConsole({ quiet: true, color: false }, buildSummary({ operations: [idle] }));
    expect(cells(lineOf(text, 'modality-worklist/mwl.find          0')).slice(1)).toEqual(
      ['0', '0/s', '-', '-', '-', '-', '-', '0 (0%)', '40', '-', '-'],
    );
  });
});
