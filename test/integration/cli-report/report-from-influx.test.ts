/**
 * `pacs-load report --from-influx` against a real InfluxDB 1.6.7 (issue 14,
 * item 7): a run id the database holds no points of is refused with exit 3,
 * naming the database, measurement and run id it looked for (and the run ids
 * it does hold); a threshold of `--profile` that fails exits 99 whether the
 * report is printed, written as HTML or as JUnit; the instances' verify,
 * breakpoint, migration, stored, identities and seedPriors sections (on their
 * end points) are merged as `merge` merges them. Points are written here in the InfluxDB output's
 * format (src/outputs/influx/measurements.ts; end points by its own runEndLines).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, recordUs } from '../../../src/metrics/histogram.js';
import { SUMMARY_SCHEMA_ID, SUMMARY_SCHEMA_VERSION, type RunSummary } from '../../../src/metrics/types.js';
import { runEndLines } from '../../../src/outputs/influx/points.js';
import { summaryFromInflux } from '../../../src/report/from-influx.js';
import { tempDir, writeProfile } from '../../helpers/cli.js';
import { runCommand } from '../../helpers/in-process-cli.js';
import { hasInfluxDb, startInfluxDb, type RunningInfluxDb } from '../../helpers/influxdb.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { breakpointSection, identitySection, migrationSection, storedSection, verifySection } from '../../unit/metrics/section-fixtures.js';

const RUN_ID = 'nightly-42';
const DATABASE = 'loads';
const EPOCH_MS = Date.UTC(2026, 11, 1, 2, 0, 0);
/** Response times of the two intervals, µs: p95 is about 40 ms. */
const SAMPLES_US = [
  [10_000, 20_000, 30_000],
  [15_000, 25_000, 40_000],
];

/** The interval points of one instance of a run, and its end point unless `end` is false. */
function points(runId = RUN_ID, instance = 'pod-0', end = true): string {
  const tags = `run_id=${runId},profile=nightly,instance=${instance},target=sim`;
  const series = `${tags},scenario=search,operation=qido.studies`;
  const lines = [`pacs_load_run,${tags},phase=start workers=1i,scenarios=1i ${EPOCH_MS - 1000}`];
  SAMPLES_US.forEach((samples, k) => {
    const endMs = EPOCH_MS + (k + 1) * 1000;
    const histogram = newHistogram();
    for (const sample of samples) recordUs(histogram, sample);
    const encoded = encodeHistogram(histogram);
    lines.push(
      `pacs_load_operations,${series},outcome=ok count=${samples.length}i,rate_per_sec=3 ${endMs}`,
      `pacs_load_latency,${series} count=${samples.length}i,errors=0i,bytes_sent=100i,bytes_received=1000i,in_flight=0i,dropped=0i,hdr_response="${encoded}",hdr_service="${encoded}" ${endMs}`,
    );
  });
  if (end) lines.push(`pacs_load_run,${tags},phase=end workers=1i,scenarios=1i,duration_s=2,end_reason="completed" ${EPOCH_MS + 2000}`);
  return lines.join('\n');
}

const SPLIT_RUN_ID = 'split-verify';
const SPLIT_IDENTITIES = identitySection('unique', 'split-verify');
/** Of a split run only one instance seeds priors. */
const SEED_PRIORS: RunSummary['seedPriors'] = {
  via: 'dimse',
  modality: 'CR',
  patients: 3,
  studiesPerPatient: 1,
  studiesPlanned: 3,
  studiesStored: 3,
  studiesFailed: 0,
  studiesNotSent: 0,
  instancesPlanned: 6,
  instancesStored: 6,
  bytesSent: 6000,
  durationSeconds: 1.5,
  failures: [],
};

/** Two instances of a split run, each writing its end point as the InfluxDB output does (runEndLines), with its sections. */
function splitRunPoints(): string {
  const instance = (name: string, sections: Partial<RunSummary>): string[] => {
    const summary: RunSummary = {
      schema: SUMMARY_SCHEMA_ID,
      version: SUMMARY_SCHEMA_VERSION,
      run: { id: SPLIT_RUN_ID, profile: 'nightly', startedAt: new Date(EPOCH_MS - 1000).toISOString(), endedAt: new Date(EPOCH_MS + 2000).toISOString(), durationSeconds: 3, workers: 1, endReason: 'completed', tool: { name: 'pacs-load', version: '0.1.0', node: 'v24' }, target: 'sim' },
      operations: [],
      thresholds: [],
      intervals: [],
      ...sections,
    };
    return [points(SPLIT_RUN_ID, name, false), ...runEndLines(summary, 1, { run_id: SPLIT_RUN_ID, profile: 'nightly', instance: name, target: 'sim' }, EPOCH_MS + 2000)];
  };
  return [
    ...instance('pod-a', {
      verify: verifySection({ checked: 30, missing: ['2.25.77'] }),
      breakpoint: breakpointSection(30),
      migration: migrationSection(2),
      stored: storedSection([['ct', 'dimse.store', 20, 2], ['wl', 'chain', 10, 3]]),
      identities: SPLIT_IDENTITIES,
      seedPriors: SEED_PRIORS,
    }),
    ...instance('pod-b', {
      verify: verifySection({ checked: 30, duplicates: ['2.25.78'] }),
      breakpoint: breakpointSection(40),
      migration: migrationSection(2),
      stored: storedSection([['ct', 'dimse.store', 21, 2], ['wl', 'chain', 10, 3]]),
      identities: SPLIT_IDENTITIES,
    }),
  ].join('\n');
}

describe.skipIf(skipWithoutPeer(hasInfluxDb))('pacs-load report --from-influx (InfluxDB 1.6)', () => {
  let influx: RunningInfluxDb;
  let dir: { path: string; cleanup: () => Promise<void> };
  let strict: string;
  let lenient: string;

  beforeAll(async () => {
    dir = await tempDir();
    influx = await startInfluxDb({ database: DATABASE });
    await influx.write(points(), 'ms');
    await influx.write(splitRunPoints(), 'ms');
    const profile = (limit: string): string =>
      ['name: nightly', 'scenarios:', '  search: { operation: qido.studies, executor: constant-arrival-rate, rate: 3/s, duration: 2s }', 'thresholds:', `  search: ["p95 < ${limit}"]`, ''].join('\n');
    strict = await writeProfile(dir.path, 'strict.yaml', profile('1ms'));
    lenient = await writeProfile(dir.path, 'lenient.yaml', profile('10s'));
  }, 60_000);
  afterAll(async () => {
    await influx?.stop();
    await dir?.cleanup();
  });

  const fromInflux = (...args: string[]) => runCommand(['report', '--from-influx', influx.url, '--influx-db', DATABASE, ...args]);

  it('refuses a run id the database holds no points of: exit 3, naming what it looked for and what it holds', async () => {
    const result = await fromInflux('--run-id', 'nightly-41');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('ERR_INPUT_INVALID');
    expect(result.stderr).toContain('run_id "nightly-41"');
    expect(result.stderr).toContain(`database "${DATABASE}"`);
    expect(result.stderr).toContain('measurement "pacs_load_latency"');
    expect(result.stderr).toContain(`Run ids it holds: "${RUN_ID}"`);
  });

  it('refuses a database that does not exist the same way (exit 3), not as an unreachable server', async () => {
    const result = await runCommand(['report', '--from-influx', influx.url, '--influx-db', 'no_such_db', '--run-id', RUN_ID]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no database "no_such_db"');
    expect(result.stderr).toContain(`run_id "${RUN_ID}"`);
  });

  it('exits 99 on a failed threshold when printing the report to the console', async () => {
    const result = await fromInflux('--run-id', RUN_ID, '--profile', strict);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`run ${RUN_ID} (nightly)`);
    expect(result.stdout).toContain('thresholds: 0 passed, 1 failed');
    expect(result.code).toBe(99);
  });

  it('exits 99 on a failed threshold with --html, after writing the report', async () => {
    const html = join(dir.path, 'report.html');
    const result = await fromInflux('--run-id', RUN_ID, '--profile', strict, '--html', html);
    expect(result.stdout).toContain(`wrote ${html}`);
    expect(await readFile(html, 'utf8')).toContain('<strong>FAILED</strong>');
    expect(result.code).toBe(99);
  });

  it('exits 99 on a failed threshold with --junit too, and 0 when the thresholds pass in every mode', async () => {
    const junit = join(dir.path, 'report.xml');
    expect((await fromInflux('--run-id', RUN_ID, '--profile', strict, '--junit', junit)).code).toBe(99);
    for (const extra of [[], ['--html', join(dir.path, 'ok.html')], ['--junit', join(dir.path, 'ok.xml')]]) {
      const result = await fromInflux('--run-id', RUN_ID, '--profile', lenient, ...extra);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
  });

  it("merges the instances' verify, breakpoint and migration sections as merge does, and exits 98 when the merged check fails", async () => {
    const html = join(dir.path, 'split.html');
    const result = await fromInflux('--run-id', SPLIT_RUN_ID, '--html', html);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(98);
    const printed = await fromInflux('--run-id', SPLIT_RUN_ID);
    expect(printed.code).toBe(98);
    expect(printed.stdout).toContain('verify: 61 acknowledged sends of 60 distinct instances: 1 acknowledged more than once (unintended, 1 extra acknowledgement); 60 checked: 1 missing');
    expect(printed.stdout).toContain('  missing 2.25.77');
    expect(printed.stdout).toContain('  duplicate 2.25.78');
    expect(printed.stdout).toContain('breakpoint (ramp) of pod-a');
    expect(printed.stdout).toContain('breakpoint (ramp) of pod-b');
    expect(printed.stdout).toContain('migration\n  sent 2 GB in 100 s');
    expect(await readFile(html, 'utf8')).toContain('Breakpoint: ramp of pod-b');
  });

  it("reads the instances' stored counts, identities and seeded priors back and merges them as merge does", async () => {
    const summary = await summaryFromInflux({ url: influx.url, runId: SPLIT_RUN_ID, database: DATABASE });
    expect(summary.stored).toEqual({
      scenarios: [
        { scenario: 'ct', operation: 'dimse.store', acknowledgedInstances: 41, studies: 4 },
        { scenario: 'wl', operation: 'chain', acknowledgedInstances: 20, studies: 6 },
      ],
      acknowledgedInstances: 61,
      studies: 10,
      studiesSummedOverParts: 2,
    });
    expect(summary.identities).toEqual(SPLIT_IDENTITIES);
    expect(summary.seedPriors).toEqual(SEED_PRIORS);
    const html = join(dir.path, 'split-stored.html');
    await fromInflux('--run-id', SPLIT_RUN_ID, '--html', html);
    const printed = await fromInflux('--run-id', SPLIT_RUN_ID);
    expect(printed.stdout).toContain('stored: 61 acknowledged instances in 10 studies (summed over 2 parts)');
    expect(printed.stdout).toContain('CR by C-STORE: 3 of 3 studies stored');
    expect(await readFile(html, 'utf8')).toContain('<p>Stored: 61 acknowledged instances in 10 studies (summed over 2 parts).</p>');
  });
});
