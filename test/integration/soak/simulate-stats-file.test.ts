/**
 * `pacs-load simulate --profile --stats-file --faults-from` (built CLI), what
 * the soak relies on: the profile's `simulator` block is used, the counters
 * are written at start and, final, on SIGTERM, and no random fault is drawn
 * before `--faults-from`. Uses the built code: run `npm run build` first.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli.js';
import type { SimulatorStatsFile } from '../../../src/cli/commands/simulate.js';

// Every request fails: the error rate is 100%.
const PROFILE = `name: failing-simulator
simulator: { stations: 2, stepsPerStation: 3, errorRate: 100%, storeMaxBytes: 8MiB }
scenarios:
  search: { operation: qido.studies, executor: constant-arrival-rate, rate: 1/s, duration: 1s }
`;

let directory = '';
let profilePath = '';

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'pacs-load-simulate-stats-'));
  profilePath = join(directory, 'profile.yaml');
  await writeFile(profilePath, PROFILE, 'utf8');
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Starts simulate, sends one QIDO, stops it with SIGTERM; the HTTP status and the final stats file. */
async function oneSearch(statsPath: string, extraArgs: string[]): Promise<{ status: number; stats: SimulatorStatsFile; code: number | null }> {
  const run = startCli(['simulate', '--profile', profilePath, '--stats-file', statsPath, '--stats-every', '200ms', ...extraArgs]);
  let status = 0;
  try {
    await run.waitForOutput('press Ctrl-C');
    const started = JSON.parse(await readFile(statsPath, 'utf8')) as SimulatorStatsFile;
    expect(started.final).toBe(false);
    const response = await fetch(`${started.dicomweb.baseUrl}/studies?limit=1`, { headers: { accept: 'application/dicom+json' } });
    status = response.status;
    await response.arrayBuffer();
  } finally {
    run.kill('SIGTERM');
  }
  const { code } = await run.result;
  return { status, code, stats: JSON.parse(await readFile(statsPath, 'utf8')) as SimulatorStatsFile };
}

describe('pacs-load simulate --stats-file', () => {
  it("takes the profile's simulator block and writes the final counters on SIGTERM", async () => {
    const { status, code, stats } = await oneSearch(join(directory, 'failing.json'), []);
    expect(code).toBe(0);
    expect(status).toBe(503);
    expect(stats.final).toBe(true);
    expect(stats.settings).toMatchObject({ stations: 2, stepsPerStation: 3, storeMaxBytes: 8 * 1024 * 1024 });
    expect(stats.stats.dicomweb).toMatchObject({ requestsServed: 1, errorRateFailures: 1 });
    expect(stats.stats.store.maxBytes).toBe(8 * 1024 * 1024);
  });

  it('draws no fault before --faults-from, and flags override the profile', async () => {
    const later = String(Date.now() + 60 * 60 * 1000);
    const { status, stats } = await oneSearch(join(directory, 'held.json'), ['--faults-from', later, '--stations', '4']);
    expect(status).toBe(200);
    expect(stats.faultsFrom).toBe(new Date(Number(later)).toISOString());
    expect(stats.settings.stations).toBe(4);
    expect(stats.stats.dicomweb).toMatchObject({ requestsServed: 1, errorRateFailures: 0 });
  });

  it('refuses an unknown --store-when-full policy with a usage error', async () => {
    const run = startCli(['simulate', '--store-when-full', 'keep-all']);
    const { code, stderr } = await run.result;
    expect(code).toBe(2);
    expect(stderr).toContain('--store-when-full must be evict-oldest or refuse');
  });
});
