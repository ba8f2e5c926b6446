import { describe, expect, it } from 'vitest';
import type { OperationSummary, RunSummary } from '../../../src/metrics/types.js';
import { compareSummaries, formatDelta, type Comparison } from '../../../src/report/compare.js';
import { renderComparison, verdictText } from '../../../src/report/render-comparison.js';
import { parseTolerances } from '../../../src/report/tolerances.js';
import { recordedSamples, summaryOfSamples, type SampleOptions } from './recorded-summaries.js';

function run(id: string, options: Partial<SampleOptions> = {}): RunSummary {
  return summaryOfSamples(recordedSamples({ seed: 7, perInterval: 200, intervals: 3, errorFraction: 0.01, ...options }), { id });
}

const base = run('base');
const slower = run('slower', { latencyFactor: 1.3 });

function compare(next: RunSummary, tolerances = ''): Comparison {
  return compareSummaries(base, next, tolerances === '' ? [] : parseTolerances(tolerances));
}

function metric(comparison: Comparison, operation: string, name: string) {
  const found = comparison.operations.find((entry) => entry.operation === operation)?.metrics.find((entry) => entry.metric === name);
  if (found === undefined) throw new Error(`no ${name} for ${operation}`);
  return found;
}

describe('compareSummaries', () => {
  it('shows rate, p50, p95, p99 and error rate of each operation, unchanged for the same samples', () => {
    const comparison = compare(run('again'), 'p95=0%,errors=0pp,rate=-0%');
    expect(comparison.operations.map((entry) => [entry.operation, entry.status, entry.metrics.map((m) => m.metric)])).toEqual([
      ['mwl.find', 'compared', ['rate', 'p50', 'p95', 'p99', 'errors']],
      ['qido.studies', 'compared', ['rate', 'p50', 'p95', 'p99', 'errors']],
    ]);
    for (const entry of comparison.operations.flatMap((operation) => operation.metrics)) expect(entry.delta).toBe(0);
    expect(comparison.violations).toEqual([]);
    expect(verdictText(comparison)).toBe('within tolerance');
  });

  it('compares the exact percentiles of the summaries: 30% slower samples show +30%', () => {
    const comparison = compare(slower);
    const p95 = metric(comparison, 'mwl.find', 'p95');
    const baseP95 = base.operations.find((operation) => operation.operation === 'mwl.find')?.latency.response?.p95Us;
    expect(p95.base).toBe(baseP95);
    expect(p95.new).toBe(slower.operations.find((operation) => operation.operation === 'mwl.find')?.latency.response?.p95Us);
    for (const name of ['p50', 'p95', 'p99']) expect(metric(comparison, 'qido.studies', name).relative).toBeCloseTo(0.3, 2);
    // Report only: no tolerances, nothing exceeded.
    expect(comparison.violations).toEqual([]);
    expect(verdictText(comparison)).toBe('no tolerances given: report only');
  });

  it('flags a latency regression beyond a relative or absolute tolerance, and not within it', () => {
    const tight = compare(slower, 'p95=10%');
    expect(tight.violations.map((violation) => [violation.operation, violation.metric])).toEqual([
      ['mwl.find', 'p95'],
      ['qido.studies', 'p95'],
    ]);
    expect(tight.violations[0]?.detail).toMatch(/^p95 [\d.]+ ms -> [\d.]+ ms: \+[\d.]+ ms \(\+(29|30|31)(\.\d+)?%\), allowed \+10%$/);
    expect(compare(slower, 'p95=40%,p99=40%').violations).toEqual([]);
    expect(compare(slower, 'p99=1ms').violations.map((violation) => violation.metric)).toEqual(['p99', 'p99']);
    expect(compare(slower, 'p50=1h').violations).toEqual([]);
  });

  it('judges the error rate in percentage points and the rate as a drop', () => {
    const errors = run('errors', { errorFraction: 0.05 });
    expect(metric(compare(errors), 'mwl.find', 'errors').delta).toBeGreaterThan(0.02);
    expect(compare(errors, 'errors=1pp').violations.map((violation) => violation.metric)).toEqual(['errors', 'errors']);
    expect(compare(errors, 'errors=10pp').violations).toEqual([]);
    expect(formatDelta(metric(compare(errors), 'mwl.find', 'errors'))).toMatch(/^\+\d(\.\d+)?pp$/);

    const fewer = run('fewer', { perInterval: 160 });
    expect(metric(compare(fewer), 'mwl.find', 'rate').relative).toBeCloseTo(-0.2, 5);
    expect(compare(fewer, 'rate=-5%').violations.map((violation) => violation.metric)).toEqual(['rate', 'rate']);
    expect(compare(fewer, 'rate=-25%').violations).toEqual([]);
    // More throughput is never a regression.
    expect(compareSummaries(fewer, base, parseTolerances('rate=-0%')).violations).toEqual([]);
  });

  it('shows a tolerated metric that is not in the default set', () => {
    const comparison = compare(slower, 'max=1%,dropped=0pp');
    expect(comparison.operations[0]?.metrics.map((entry) => entry.metric)).toEqual(['rate', 'p50', 'p95', 'p99', 'errors', 'max', 'dropped']);
    expect(comparison.violations.map((violation) => violation.metric)).toEqual(['max', 'max']);
  });

  it('lists added and removed operations without failing on them', () => {
    const changed = run('changed', {
      series: [
        { scenario: 'modality-worklist', operation: 'mwl.find' },
        { scenario: 'priors', operation: 'qr.find' },
      ],
    });
    const comparison = compare(changed, 'p95=10%');
    expect(comparison.operations.map((entry) => [entry.operation, entry.status])).toEqual([
      ['mwl.find', 'compared'],
      ['qr.find', 'added'],
      ['qido.studies', 'removed'],
    ]);
    expect(comparison.violations).toEqual([]);
  });

  it('fails a latency tolerance when the new run completed nothing', () => {
    const [worklist, qido] = base.operations as [OperationSummary, OperationSummary];
    const idle: OperationSummary = {
      ...worklist,
      completed: 0,
      succeeded: 0,
      failed: 0,
      dropped: 600,
      outcomes: {},
      ratePerSec: 0,
      errorRate: 0,
      droppedRate: 1,
      latency: {},
      histograms: {},
    };
    const comparison = compare({ ...base, operations: [idle, qido] }, 'p95=10%');
    expect(comparison.violations).toEqual([
      { scenario: 'modality-worklist', operation: 'mwl.find', metric: 'p95', detail: 'p95: no operation completed in the new run, allowed +10%' },
    ]);
  });

  it('notes runs of different profiles or targets, and runs that did not complete', () => {
    const other: RunSummary = { ...base, run: { ...base.run, profile: 'other', target: 'elsewhere', endReason: 'interrupted' } };
    expect(compare(other).notes).toEqual([
      'the runs used different profiles (nightly and other)',
      'the runs had different targets (DIMSE PACS@127.0.0.1:4242 and elsewhere)',
      'the new run did not complete (interrupted)',
    ]);
  });
});

describe('renderComparison', () => {
  const comparison = compare(slower, 'p95=10%,errors=0.5pp');

  it('renders a text table with the verdict and each exceeded tolerance', () => {
    const text = renderComparison(comparison, 'text');
    expect(text).toMatch(/scenario\/operation\s+metric\s+base\s+new\s+change\s+allowed/);
    expect(text).toMatch(/modality-worklist\/mwl\.find\s+rate/);
    expect(text).toMatch(/p95 .*\+10%\s+EXCEEDED/);
    expect(text).toMatch(/error rate .*\+0\.5pp\s+ok/);
    expect(text).toContain('verdict: 2 tolerances exceeded');
    expect(text).toContain('  modality-worklist/mwl.find: p95 ');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('renders GitHub markdown: heading with the verdict, a table with a separator row, the exceeded list', () => {
    const markdown = renderComparison(comparison, 'md');
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('### pacs-load compare: ❌ 2 tolerances exceeded');
    const header = lines.findIndex((line) => line.startsWith('| scenario/operation |'));
    expect(lines[header + 1]).toBe('| --- | --- | ---: | ---: | ---: | ---: | --- |');
    const rows = lines.slice(header + 2).filter((line) => line.startsWith('|'));
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row.split(' | ')).toHaveLength(7);
    expect(markdown).toContain('- `modality-worklist/mwl.find`: p95 ');
    expect(renderComparison(compare(run('again'), 'p95=10%'), 'md')).toMatch(/^### pacs-load compare: ✅ within tolerance\n/);
  });

  it('renders JSON with the verdict for scripts', () => {
    const parsed = JSON.parse(renderComparison(comparison, 'json')) as Comparison & { passed: boolean };
    expect(parsed.passed).toBe(false);
    expect(parsed.violations).toHaveLength(2);
    expect(parsed.operations[0]?.metrics[2]).toMatchObject({ metric: 'p95', exceeded: true });
  });
});
