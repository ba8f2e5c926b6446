import { describe, expect, it } from 'vitest';
import { decodeHistogram, latencyStats } from '../../../../src/metrics/histogram.js';
import { MEASUREMENT_FIELDS, MEASUREMENT_TAGS } from '../../../../src/outputs/influx/measurements.js';
import { intervalLines, runEndLines, runStartLine, type RunTags } from '../../../../src/outputs/influx/points.js';
import { buildSummary } from '../fixtures.js';
import { encoded, parseLine, report, spread } from './fixtures.js';

const TAGS: RunTags = { run_id: 'run-1', profile: 'morning peak', instance: 'gen-a:42', target: 'DIMSE ORTHANC@127.0.0.1:4242, DICOMweb http://x' };

/** A string field's JSON, unquoted as line protocol quotes it. */
function unquote(field: string | undefined): unknown {
  return JSON.parse((field ?? '').slice(1, -1).replace(/\\(["\\])/g, '$1'));
}

describe('intervalLines', () => {
  const responseUs = spread(200, 1_000, 200_000);
  const serviceUs = spread(200, 800, 150_000);
  const interval = report(4, [
    {
      scenario: 'worklist',
      operation: 'mwl.find',
      outcomes: { ok: 190, dimse_failure_a700: 7, timeout: 3, http_503: 0 },
      failed: 10,
      responseUs,
      serviceUs,
      bytesSent: 20_000,
      bytesReceived: 500_000,
      inFlight: 6,
      dropped: 2,
    },
    { scenario: 'stores', operation: 'dimse.store', outcomes: {}, inFlight: 3 },
  ]);
  const lines = intervalLines(interval, TAGS, 1_780_000_005_000);
  const parsed = lines.map(parseLine);

  it('writes one operations point per outcome with a count, and one latency point per series', () => {
    const operations = parsed.filter((line) => line.measurement === 'pacs_load_operations');
    expect(operations.map((line) => [line.tags['outcome'], line.fields['count'], line.fields['rate_per_sec']])).toEqual([
      ['dimse_failure_a700', '7i', '7'],
      ['ok', '190i', '190'],
      ['timeout', '3i', '3'],
    ]);
    expect(parsed.filter((line) => line.measurement === 'pacs_load_latency').map((line) => line.tags['operation'])).toEqual(['mwl.find', 'dimse.store']);
    expect(lines).toHaveLength(5);
  });

  it('tags every point with the run tags and its series, stamped with the interval end in ms', () => {
    for (const line of parsed) {
      expect(line.tags).toMatchObject({ run_id: 'run-1', profile: 'morning peak', instance: 'gen-a:42', target: TAGS.target });
      expect(line.timestamp).toBe('1780000005000');
    }
    const operation = parsed[0]!;
    expect(Object.keys(operation.tags).sort()).toEqual([...MEASUREMENT_TAGS.operations].sort());
    expect(operation.tags).toMatchObject({ scenario: 'worklist', operation: 'mwl.find' });
    // Spaces and commas in tag values are escaped, so the line stays one point.
    expect(lines[0]).toContain('profile=morning\\ peak');
    expect(lines[0]).toContain('target=DIMSE\\ ORTHANC@127.0.0.1:4242\\,\\ DICOMweb\\ http://x');
  });

  it('puts exact percentiles in ms, bytes, rates, in flight, dropped and both histograms on the latency point', () => {
    const latency = parsed.find((line) => line.measurement === 'pacs_load_latency' && line.tags['operation'] === 'mwl.find')!;
    const stats = latencyStats(decodeHistogram(encoded(responseUs)));
    const service = latencyStats(decodeHistogram(encoded(serviceUs)));
    expect(latency.fields).toEqual({
      count: '200i',
      errors: '10i',
      rate_per_sec: '200',
      p50_ms: String(stats.p50Us / 1000),
      p90_ms: String(stats.p90Us / 1000),
      p95_ms: String(stats.p95Us / 1000),
      p99_ms: String(stats.p99Us / 1000),
      max_ms: String(stats.maxUs / 1000),
      mean_ms: String(stats.meanUs / 1000),
      service_p95_ms: String(service.p95Us / 1000),
      bytes_sent: '20000i',
      bytes_received: '500000i',
      sent_bytes_per_sec: '20000',
      received_bytes_per_sec: '500000',
      in_flight: '6i',
      dropped: '2i',
      hdr_response: `"${encoded(responseUs)}"`,
      hdr_service: `"${encoded(serviceUs)}"`,
    });
    expect(stats.p95Us).toBeGreaterThan(180_000);
    for (const name of Object.keys(latency.fields)) expect(MEASUREMENT_FIELDS.latency).toHaveProperty(name);
    // The stored histogram decodes back to the interval's counts.
    expect(decodeHistogram(latency.fields['hdr_response']!.slice(1, -1)).totalCount).toBe(200);
  });

  it('leaves percentiles out of a series that completed nothing (no fake zeros)', () => {
    const idle = parsed.find((line) => line.tags['operation'] === 'dimse.store')!;
    expect(idle.fields).toEqual({
      count: '0i',
      errors: '0i',
      rate_per_sec: '0',
      bytes_sent: '0i',
      bytes_received: '0i',
      sent_bytes_per_sec: '0',
      received_bytes_per_sec: '0',
      in_flight: '3i',
      dropped: '0i',
    });
  });

  it('divides rates by the interval length', () => {
    const tenSeconds = report(0, [{ scenario: 's', operation: 'qido.studies', outcomes: { ok: 25 }, responseUs: spread(25, 100, 900), bytesReceived: 1000 }], 10_000_000);
    const [operations, latency] = intervalLines(tenSeconds, TAGS, 0).map(parseLine);
    expect(operations!.fields['rate_per_sec']).toBe('2.5');
    expect(latency!.fields['received_bytes_per_sec']).toBe('100');
  });
});

describe('run points', () => {
  it('writes the start point with workers and scenarios', () => {
    const start = parseLine(runStartLine({ workers: 4, scenarios: 3 }, TAGS, 1_780_000_000_123));
    expect(start).toMatchObject({ measurement: 'pacs_load_run', timestamp: '1780000000123', fields: { workers: '4i', scenarios: '3i' } });
    expect(start.tags['phase']).toBe('start');
  });

  it('writes the end point with the verdict and one point per threshold', () => {
    const summary = buildSummary();
    summary.thresholds.push({ subject: 'wado.frames', expression: 'p95 < 1s', measured: undefined, limit: 1_000_000, passed: false, detail: 'p95: nothing measured' });
    const failed = summary.thresholds.filter((threshold) => !threshold.passed).length;
    const [end, ...thresholds] = runEndLines(summary, 2, TAGS, 1_780_000_060_000).map(parseLine);
    expect(end!.tags['phase']).toBe('end');
    expect(end!.fields).toEqual({
      workers: '4i',
      scenarios: '2i',
      duration_s: '60',
      thresholds_passed: `${summary.thresholds.length - failed}i`,
      thresholds_failed: `${failed}i`,
      passed: '0i',
      end_reason: '"completed"',
    });
    expect(thresholds).toHaveLength(summary.thresholds.length);
    const first = thresholds[0]!;
    expect(first.measurement).toBe('pacs_load_threshold');
    expect(first.tags).toMatchObject({ subject: 'mwl.find', threshold: 'p95 < 500ms' });
    expect(first.fields).toEqual({ measured: '3100', limit: '500000', passed: '1i', detail: '"p95 = 3.1 ms (limit < 500 ms)"' });
    // Nothing measured: no `measured` field rather than a made-up value.
    expect(thresholds.at(-1)!.fields).toEqual({ limit: '1000000', passed: '0i', detail: '"p95: nothing measured"' });
    for (const line of thresholds) expect(line.timestamp).toBe('1780000060000');
  });

  it('carries the verify, breakpoint and migration sections on the end point, whole, for report --from-influx (issue 14, item 7)', () => {
    const verify = { checked: 4, missing: 1, missingInstances: ['2.25.1'], notChecked: 0, acknowledgedSends: 5, distinctInstances: 4, acknowledgedMoreThanOnce: 1, extraAcknowledgements: 1, duplicateInstances: ['2.25.2'], duplicatesIntended: false, detail: 'a "quoted", text' };
    const migration = { bytesSent: 1e9, activeSeconds: 10, sustainedGBPerHour: 360 };
    const summary = { ...buildSummary(), verify, migration };
    const [end] = runEndLines(summary, 2, TAGS, 1_780_000_060_000).map(parseLine);
    expect(end!.fields).toMatchObject({ verify_passed: '0i', verify_missing: '1i', verify_acknowledged_more_than_once: '1i' });
    expect(unquote(end!.fields['verify_json'])).toEqual(verify);
    expect(unquote(end!.fields['migration_json'])).toEqual(migration);
    expect(end!.fields['breakpoint_json']).toBeUndefined();
    for (const name of Object.keys(end!.fields)) expect(MEASUREMENT_FIELDS.run).toHaveProperty(name);
  });

  it('carries the stored, identities and seedPriors sections on the end point when the run has them (issue 14, item 7)', () => {
    const stored = { scenarios: [{ scenario: 'ct "a"', operation: 'dimse.store', acknowledgedInstances: 60, studies: 3 }], acknowledgedInstances: 60, studies: 3 };
    const identities = { mode: 'unique' as const, runComponent: 'r1', uidRoot: '2.25', duplicatesIntended: false };
    const seedPriors = {
      via: 'dimse' as const,
      modality: 'CR',
      patients: 2,
      studiesPerPatient: 1,
      studiesPlanned: 2,
      studiesStored: 2,
      studiesFailed: 0,
      studiesNotSent: 0,
      instancesPlanned: 4,
      instancesStored: 4,
      bytesSent: 1000,
      durationSeconds: 0.5,
      failures: [],
    };
    const [end] = runEndLines({ ...buildSummary(), stored, identities, seedPriors }, 1, TAGS, 1_780_000_060_000).map(parseLine);
    expect(unquote(end!.fields['stored_json'])).toEqual(stored);
    expect(unquote(end!.fields['identities_json'])).toEqual(identities);
    expect(unquote(end!.fields['seed_priors_json'])).toEqual(seedPriors);
    for (const name of Object.keys(end!.fields)) expect(MEASUREMENT_FIELDS.run).toHaveProperty(name);
    const [plain] = runEndLines(buildSummary(), 1, TAGS, 1_780_000_060_000).map(parseLine);
    expect(Object.keys(plain!.fields).filter((name) => name.endsWith('_json'))).toEqual([]);
  });
});

describe('intervalLines and the aggregator', () => {
  it('uses the response stats the aggregator already computed, without decoding again', () => {
    const interval = report(0, [{ scenario: 's', operation: 'mwl.find', outcomes: { ok: 3 }, responseUs: [1_000, 2_000, 3_000] }]);
    const stats = { count: 3, minUs: 1_000, meanUs: 2_000, p50Us: 2_000, p90Us: 3_000, p95Us: 3_000, p99Us: 3_000, p999Us: 3_000, maxUs: 3_000 };
    interval.series[0]!.point.response = stats;
    const latency = intervalLines(interval, TAGS, 0).map(parseLine).find((line) => line.measurement === 'pacs_load_latency')!;
    expect(latency.fields).toMatchObject({ p50_ms: '2', p95_ms: '3', mean_ms: '2', max_ms: '3' });
    expect(latency.fields['hdr_response']).toBe(`"${interval.series[0]!.histograms.response}"`);
  });
});

describe('the retrieval counters (issue 14, item 5)', () => {
  it('go on the latency point of a retrieval as integer fields, and only there', () => {
    const interval = report(2, [
      { scenario: 'priors', operation: 'qr.get', outcomes: { ok: 3, empty: 1 }, failed: 1 },
      { scenario: 'worklist', operation: 'mwl.find', outcomes: { ok: 5 } },
    ]);
    const [priors] = interval.series;
    Object.assign(priors!.point, { matches: 12, instancesRetrieved: 340 });
    const latency = intervalLines(interval, TAGS, 1_780_000_002_000)
      .map(parseLine)
      .filter((line) => line.measurement === 'pacs_load_latency');
    expect(latency[0]?.fields).toMatchObject({ matches: '12i', instances_retrieved: '340i' });
    expect(latency[1]?.fields).not.toHaveProperty('matches');
    expect(latency[1]?.fields).not.toHaveProperty('instances_retrieved');
    for (const name of ['matches', 'instances_retrieved']) expect(MEASUREMENT_FIELDS.latency).toHaveProperty(name, 'integer');
  });
});
