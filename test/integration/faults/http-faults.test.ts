/**
 * The DICOMweb half of issue 10's fault matrix: each HTTP fault the simulator
 * injects (src/simulator/dicomweb-faults.ts) is classified by the built CLI
 * under the right outcome key, the run goes on and finishes normally, and the
 * key reads the same in the console, the summary and InfluxDB, with as many
 * counted as the simulator injected (test/helpers/fault-run.ts).
 *
 * One operation makes one HTTP request here (qido.studies; wado.frames after
 * its catalog lookup, whose JSON answers cannot carry a broken multipart), and
 * preflight is off, so every injected fault is one operation's outcome: the
 * counts are compared 1:1. (viewer.open makes hundreds of requests per
 * operation, where only the first failure names the outcome: not 1:1.)
 *
 * 1:1 also shows the tool does not retry on Retry-After (503, 429): a retry
 * would draw again, and the simulator would count more faults than the run.
 */
import { describe, expect, it } from 'vitest';
import { runAgainstFaultySimulator, type FaultRunResult } from '../../helpers/fault-run.js';
import { startSimulator } from '../../../src/simulator/index.js';
import { preflight } from '../../../src/coordinator/preflight.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { NO_FAULTS } from '../../../src/simulator/faults.js';
import type { FaultKind, SimulatorFaults } from '../../../src/profile/types.js';

// A run is about 2 s of load; starting the CLI and its workers takes far longer on a busy machine.
const RUN_TIMEOUT_MS = 120_000;

/** A modest open-model load of one-request operations. */
function scenario(operation: string, rate = '20/s', duration = '1500ms'): string {
  return ['  load:', `    operation: ${operation}`, '    executor: constant-arrival-rate', `    rate: ${rate}`, `    duration: ${duration}`].join('\n');
}

async function faultRun(faults: Partial<SimulatorFaults>, operation = 'qido.studies', dicomwebTargetYaml?: string): Promise<FaultRunResult> {
  return runAgainstFaultySimulator({
    faults,
    scenariosYaml: scenario(operation),
    // Preflight would draw faults too; the matrix compares the run's requests only.
    profileExtraYaml: 'preflight: false',
    ...(dicomwebTargetYaml === undefined ? {} : { dicomwebTargetYaml }),
  });
}

/** The run finished normally, and `key` counted the same in summary, InfluxDB and the simulator, and shows in the console. */
function expectCountedOnce(run: FaultRunResult, operation: string, key: string, kind: FaultKind): void {
  expect(run.code, run.stderr).toBe(0);
  const fromSummary = run.summaryOutcomes(operation);
  const injected = run.injected[kind] ?? 0;
  expect(injected, JSON.stringify(run.injected)).toBeGreaterThan(0);
  expect(fromSummary[key], JSON.stringify(fromSummary)).toBe(injected);
  expect(run.influxOutcomes(operation)).toEqual(fromSummary);
  expect(run.consoleOutcomes(operation)).toContain(key);
  // The other requests still succeed: the fault is the only failure.
  expect(fromSummary['ok'] ?? 0).toBeGreaterThan(0);
  expect(Object.keys(fromSummary).sort()).toEqual(['ok', key].sort());
  // Open model: every planned operation completed (none lost to the fault).
  const planned = run.summary.operations.filter((one) => one.operation === operation).reduce((sum, one) => sum + one.completed + one.dropped, 0);
  expect(planned).toBe(30);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describe('HTTP faults: classified, counted everywhere, and the run goes on', () => {
  it('500 Internal Server Error -> http_500', { timeout: RUN_TIMEOUT_MS }, async () => {
    const run = await faultRun({ injected: { http500: 0.25 } });
    expectCountedOnce(run, 'qido.studies', 'http_500', 'http500');
  });

  it('503 Service Unavailable with Retry-After -> http_503, not retried', { timeout: RUN_TIMEOUT_MS }, async () => {
    const run = await faultRun({ injected: { http503: 0.25 } });
    expectCountedOnce(run, 'qido.studies', 'http_503', 'http503');
  });

  it('429 Too Many Requests with Retry-After -> http_429, not retried', { timeout: RUN_TIMEOUT_MS }, async () => {
    const run = await faultRun({ injected: { http429: 0.25 } });
    expectCountedOnce(run, 'qido.studies', 'http_429', 'http429');
  });

  it('a reset connection (TCP RST) -> connection_reset', { timeout: RUN_TIMEOUT_MS }, async () => {
    const run = await faultRun({ injected: { reset: 0.25 } });
    expectCountedOnce(run, 'qido.studies', 'connection_reset', 'reset');
  });

  it('a multipart answer whose parts do not use the declared boundary -> protocol_error', { timeout: RUN_TIMEOUT_MS }, async () => {
    const run = await faultRun({ injected: { brokenMultipart: 0.25 } }, 'wado.frames');
    expectCountedOnce(run, 'wado.frames', 'protocol_error', 'brokenMultipart');
  });

  it('a slow-drip answer within the timeout -> ok, and the latency shows the drip', { timeout: RUN_TIMEOUT_MS }, async () => {
    // The study search answer is about 21 KB: at 16 KiB/s it takes about 1.3 s to arrive.
    const run = await faultRun({ injected: { slowDrip: 0.25 }, dripBytesPerSec: 16 * 1024 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.injected.slowDrip ?? 0).toBeGreaterThan(0);
    const search = run.summary.operations.find((one) => one.operation === 'qido.studies')!;
    expect(search.outcomes).toEqual({ ok: 30 });
    expect(run.influxOutcomes('qido.studies')).toEqual({ ok: 30 });
    const bodyBytes = search.bytesReceived / search.completed;
    const dripMs = (bodyBytes / (16 * 1024)) * 1000;
    // The slowest answers took the drip's time; the median (not dripped) did not.
    expect(search.latency.response!.maxUs / 1000).toBeGreaterThan(dripMs * 0.8);
    expect(search.latency.response!.p50Us / 1000).toBeLessThan(dripMs / 2);
  });

  it('a slow-drip answer longer than the timeout -> timeout', { timeout: RUN_TIMEOUT_MS }, async () => {
    // About 21 KB at 4 KiB/s is about 5 s, against a 2 s timeout (long enough that a busy machine alone does not reach it).
    const run = await faultRun({ injected: { slowDrip: 0.25 }, dripBytesPerSec: 4 * 1024 }, 'qido.studies', 'timeout: 2s');
    expectCountedOnce(run, 'qido.studies', 'timeout', 'slowDrip');
  });

  it('a stall longer than the timeout -> timeout, and the run goes on after it', { timeout: RUN_TIMEOUT_MS }, async () => {
    // A stall of 800 ms every 1.5 s from the fault clock's start, so whenever
    // the CLI's load begins, at least one stall falls inside it.
    const run = await runAgainstFaultySimulator({
      faults: { stall: { atUs: 0, durationUs: 800_000, everyUs: 1_500_000 } },
      scenariosYaml: scenario('qido.studies', '20/s', '3s'),
      dicomwebTargetYaml: 'timeout: 300ms',
      profileExtraYaml: 'preflight: false',
    });
    expect(run.code, run.stderr).toBe(0);
    const fromSummary = run.summaryOutcomes('qido.studies');
    expect(fromSummary['timeout'] ?? 0, JSON.stringify(fromSummary)).toBeGreaterThan(0);
    expect(fromSummary['ok'] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(fromSummary).sort()).toEqual(['ok', 'timeout']);
    expect(run.influxOutcomes('qido.studies')).toEqual(fromSummary);
    expect(run.consoleOutcomes('qido.studies')).toContain('timeout');
    // A stall is a knob of its own, not an injected fault kind.
    expect(run.injected).toEqual({});
  });
});

describe('the simulator HTTP fault answers themselves', () => {
  interface Answer {
    status: number;
    retryAfter: string | null;
    body: string;
    injected: Partial<Record<FaultKind, number>>;
  }

  /** One GET of the study search against a simulator that injects `kind` into every request. */
  async function answerWith(kind: FaultKind): Promise<Answer> {
    const simulator = await startSimulator({ settings: { stations: 1, stepsPerStation: 1, studies: 1, faults: { ...NO_FAULTS, injected: { [kind]: 1 } } } });
    try {
      const response = await fetch(`${simulator.dicomweb.baseUrl}/studies`);
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text(), injected: simulator.injectedFaults() };
    } finally {
      await simulator.close();
    }
  }

  it('says when to come back on 503 and 429 (RFC 9110 section 10.2.3), not on 500', async () => {
    expect(await answerWith('http503')).toMatchObject({ status: 503, retryAfter: '1', injected: { http503: 1 } });
    expect(await answerWith('http429')).toMatchObject({ status: 429, retryAfter: '1', injected: { http429: 1 } });
    expect(await answerWith('http500')).toMatchObject({ status: 500, retryAfter: null, injected: { http500: 1 } });
  });

  it('never breaks a JSON answer for brokenMultipart: the share is no fault there, and is not counted', async () => {
    const search = await answerWith('brokenMultipart');
    expect(search.status).toBe(200);
    expect(JSON.parse(search.body)).toHaveLength(1);
    expect(search.injected).toEqual({});
  });
});

describe('preflight against a target that answers with an error status', () => {
  /** Preflight of a one-QIDO profile against a simulator that answers every request `kind`. */
  async function preflightAgainst(kind: FaultKind): Promise<unknown> {
    const simulator = await startSimulator({ settings: { stations: 1, stepsPerStation: 1, studies: 1, faults: { ...NO_FAULTS, injected: { [kind]: 1 } } } });
    try {
      const profile = parseProfileText(
        [
          'name: preflight-status',
          'target:',
          `  dicomweb: { baseUrl: "${simulator.dicomweb.baseUrl}" }`,
          'scenarios:',
          '  search: { operation: qido.studies, executor: iterations, iterations: 1 }',
        ].join('\n'),
        'preflight.yaml',
      );
      return await preflight(profile, profile.target!, {}).then(
        () => 'reachable',
        (error: unknown) => error,
      );
    } finally {
      await simulator.close();
    }
  }

  it('takes 500, 503 and 429 as proof the service is there (the run measures them)', async () => {
    expect(await preflightAgainst('http500')).toBe('reachable');
    expect(await preflightAgainst('http503')).toBe('reachable');
    expect(await preflightAgainst('http429')).toBe('reachable');
  });

  it('fails on a reset connection with ERR_TARGET_UNREACHABLE naming the outcome', async () => {
    expect(await preflightAgainst('reset')).toMatchObject({ code: 'ERR_TARGET_UNREACHABLE', message: expect.stringMatching(/connection reset/) });
  });
});
