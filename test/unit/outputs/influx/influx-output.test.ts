import { describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../../src/errors.js';
import { createInfluxOutput, type InfluxOutputOptions } from '../../../../src/outputs/influx/influx-output.js';
import { InfluxWriteError, type InfluxWriter } from '../../../../src/outputs/influx/influx-writer.js';
import type { RunStartInfo } from '../../../../src/outputs/types.js';
import { buildSummary } from '../fixtures.js';
import { parseLine, report, spread } from './fixtures.js';

const INFO: RunStartInfo = { runId: 'run-7', profile: 'p', scenarioLines: ['a', 'b'], target: 't', workers: 2 };

type Answer = 'ok' | 'retriable' | 'fatal' | 'hang';

/** A writer double: answers each write as `answers` says (the last answer repeats) and records what was written. */
function fakeWriter(answers: Answer[] | (() => Answer), pingOk = true) {
  const written: string[][] = [];
  let calls = 0;
  const writer: InfluxWriter & { written: string[][]; calls: () => number } = {
    description: 'fake InfluxDB',
    written,
    calls: () => calls,
    async ping() {
      if (!pingOk) throw new InfluxWriteError('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9', true, undefined);
      return { version: undefined };
    },
    write(lines, signal) {
      const answer = typeof answers === 'function' ? answers() : answers[Math.min(calls, answers.length - 1)];
      calls++;
      if (answer === 'ok') {
        written.push([...lines]);
        return Promise.resolve();
      }
      if (answer === 'hang') {
        return new Promise((_, reject) => {
          const abort = (): void => reject(new InfluxWriteError('aborted', false, undefined));
          if (signal?.aborted === true) abort();
          else signal?.addEventListener('abort', abort);
        });
      }
      return Promise.reject(new InfluxWriteError(answer === 'fatal' ? 'HTTP 401 Unauthorized' : 'HTTP 503 Service Unavailable', answer === 'retriable', undefined));
    },
    close() {},
  };
  return writer;
}

function options(writer: InfluxWriter, overrides: Partial<InfluxOutputOptions> = {}): InfluxOutputOptions & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    connection: { url: 'http://127.0.0.1:1', api: { version: 'v2', org: undefined, bucket: 'b', token: undefined }, timeoutMs: 1000 },
    instance: 'gen-1',
    warn: (text) => warnings.push(text),
    writer,
    flushIntervalMs: 10,
    backoff: { initialDelayMs: 5, maxDelayMs: 20, factor: 2, jitter: 0.5 },
    warnings,
    ...overrides,
  };
}

function oneSeries(sequence: number) {
  return report(sequence, [{ scenario: 'w', operation: 'mwl.find', outcomes: { ok: 9, timeout: 1 }, failed: 1, responseUs: spread(10, 100, 5_000), serviceUs: spread(10, 90, 4_000) }]);
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InfluxDB output', () => {
  it('writes the start point, every interval and the end points, and reports them written', async () => {
    const writer = fakeWriter(['ok']);
    const output = createInfluxOutput(options(writer));
    expect(output.delivers).toBe(true);
    expect(output.name).toBe('influxdb');
    await output.start(INFO);
    for (let sequence = 0; sequence < 3; sequence++) output.interval(oneSeries(sequence));
    await wait(50);
    const summary = buildSummary();
    const delivery = await output.stop(summary);
    const lines = writer.written.flat().map(parseLine);
    // start + 3 x (2 outcomes + 1 latency) + end + one per threshold
    expect(lines).toHaveLength(1 + 9 + 1 + summary.thresholds.length);
    expect(delivery).toEqual({ written: lines.length, retried: 0, dropped: 0 });
    expect(lines[0]).toMatchObject({ measurement: 'pacs_load_run', tags: { phase: 'start', run_id: 'run-7', instance: 'gen-1' } });
    expect(lines.filter((line) => line.measurement === 'pacs_load_run').map((line) => line.tags['phase'])).toEqual(['start', 'end']);
    // Interval timestamps are the interval ends, one second apart.
    const stamps = [...new Set(lines.filter((line) => line.measurement === 'pacs_load_latency').map((line) => Number(line.timestamp)))];
    expect(stamps.map((stamp) => stamp - stamps[0]!)).toEqual([0, 1000, 2000]);
  });

  it('retries a failed batch with backoff and warns once when failing and once when writing again', async () => {
    const writer = fakeWriter(['retriable', 'retriable', 'ok']);
    const opts = options(writer);
    const warned = createInfluxOutput(opts);
    await warned.start(INFO);
    warned.interval(oneSeries(0));
    await wait(150);
    const delivery = await warned.stop(buildSummary());
    expect(delivery).toMatchObject({ retried: 2, dropped: 0 });
    expect(delivery).not.toHaveProperty('lastError');
    expect(opts.warnings).toHaveLength(2);
    expect(opts.warnings[0]).toMatch(/^influxdb: write to fake InfluxDB failed \(HTTP 503 Service Unavailable\); retrying with backoff, the run goes on\n$/);
    expect(opts.warnings[1]).toBe('influxdb: writing again to fake InfluxDB\n');
  });

  it('drops a batch at once when retrying cannot help (401), and says why', async () => {
    const writer = fakeWriter(['fatal']);
    const opts = options(writer);
    const output = createInfluxOutput(opts);
    await output.start(INFO);
    output.interval(oneSeries(0));
    const delivery = await output.stop(buildSummary());
    expect(delivery.written).toBe(0);
    expect(delivery.retried).toBe(0);
    expect(delivery.dropped).toBeGreaterThan(4);
    expect(delivery.lastError).toBe('HTTP 401 Unauthorized');
    expect(opts.warnings.join('')).toContain('points dropped, the run goes on');
  });

  it('keeps memory bounded while the database is down: the oldest points are dropped and counted', async () => {
    let down = true;
    const writer = fakeWriter(() => (down ? 'retriable' : 'ok'));
    const output = createInfluxOutput(options(writer, { bufferPoints: 30, batchPoints: 5, maxAttempts: 1_000 }));
    await output.start(INFO);
    // Every interval is built synchronously into the buffer; nothing waits for the database.
    const began = performance.now();
    for (let sequence = 0; sequence < 200; sequence++) output.interval(oneSeries(sequence));
    expect(performance.now() - began).toBeLessThan(2_000);
    await wait(100);
    down = false;
    const delivery = await output.stop(buildSummary());
    const total = 1 + 200 * 3 + 1 + buildSummary().thresholds.length;
    expect(delivery.written + delivery.dropped).toBe(total);
    expect(delivery.retried).toBeGreaterThan(0);
    // What got through is the newest: the last intervals and the end of the run.
    const lines = writer.written.flat().map(parseLine);
    expect(lines).toHaveLength(30 + 1 + buildSummary().thresholds.length);
    expect(delivery.dropped).toBe(total - lines.length);
    // The last 10 intervals (3 lines each) survived; the 190 before them were dropped.
    expect(lines.filter((line) => line.measurement === 'pacs_load_latency')).toHaveLength(10);
    expect(lines.at(-1)!.measurement).toBe('pacs_load_threshold');
    expect(lines.some((line) => line.tags['phase'] === 'start')).toBe(false);
    expect(delivery.lastError).toBe('HTTP 503 Service Unavailable');
  });

  it('drops everything, counted, when the database stays down', async () => {
    const writer = fakeWriter(['retriable']);
    const output = createInfluxOutput(options(writer, { bufferPoints: 20, batchPoints: 5, maxAttempts: 3, stopTimeoutMs: 100 }));
    await output.start(INFO);
    for (let sequence = 0; sequence < 50; sequence++) output.interval(oneSeries(sequence));
    const delivery = await output.stop(buildSummary());
    expect(delivery.written).toBe(0);
    expect(delivery.dropped).toBe(1 + 50 * 3 + 1 + buildSummary().thresholds.length);
  });

  it('gives up at the stop deadline on a database that never answers, even on a write begun before the stop', async () => {
    const writer = fakeWriter(['hang']);
    const output = createInfluxOutput(options(writer, { stopTimeoutMs: 200 }));
    await output.start(INFO);
    output.interval(oneSeries(0));
    await wait(50);
    expect(writer.calls()).toBe(1);
    const began = performance.now();
    const delivery = await output.stop(buildSummary());
    expect(performance.now() - began).toBeLessThan(1_500);
    expect(delivery.written).toBe(0);
    expect(delivery.dropped).toBe(1 + 3 + 1 + buildSummary().thresholds.length);
  });

  it("keeps the database's own last error when the stop deadline cuts off a later write", async () => {
    // The first write is refused; the retry hangs until the stop deadline aborts it (a busy machine's timing, made certain).
    const writer = fakeWriter(['retriable', 'hang']);
    const output = createInfluxOutput(options(writer, { stopTimeoutMs: 200 }));
    await output.start(INFO);
    output.interval(oneSeries(0));
    while (writer.calls() < 2) await wait(5);
    const delivery = await output.stop(buildSummary());
    expect(delivery.written).toBe(0);
    expect(delivery.dropped).toBeGreaterThan(0);
    expect(delivery.lastError).toBe('HTTP 503 Service Unavailable');
  });

  it('database down at start: warns and goes on, or with `required` refuses before any load', async () => {
    const relaxed = options(fakeWriter(['ok'], false));
    const output = createInfluxOutput(relaxed);
    await output.start(INFO);
    expect(relaxed.warnings).toEqual([
      'influxdb: fake InfluxDB does not answer (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9); the run goes on, points are buffered and retried, and the summary reports what was dropped\n',
    ]);
    await output.stop(buildSummary());

    const strict = createInfluxOutput(options(fakeWriter(['ok'], false), { required: true }));
    const error: unknown = await Promise.resolve(strict.start(INFO)).catch((caught: unknown) => caught);
    expect(isPacsLoadError(error) && error.code).toBe('ERR_OUTPUT_UNREACHABLE');
    expect(isPacsLoadError(error) && error.exitCode).toBe(4);
  });

  it('with a longer interval, writes one merged point per series for that many snapshot intervals', async () => {
    const writer = fakeWriter(['ok']);
    const output = createInfluxOutput(options(writer, { intervalMs: 3_000 }));
    await output.start(INFO);
    for (let sequence = 0; sequence < 7; sequence++) output.interval(oneSeries(sequence));
    await output.stop(buildSummary());
    const latency = writer.written.flat().map(parseLine).filter((line) => line.measurement === 'pacs_load_latency');
    // 0-2, 3-5, and the shorter 6 flushed at the end.
    expect(latency.map((line) => line.fields['count'])).toEqual(['30i', '30i', '10i']);
    const stamps = latency.map((line) => Number(line.timestamp));
    expect([stamps[1]! - stamps[0]!, stamps[2]! - stamps[1]!]).toEqual([3000, 1000]);
  });
});
