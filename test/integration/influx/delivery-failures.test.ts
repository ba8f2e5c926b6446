/**
 * When InfluxDB is down, dies, or refuses the credentials (issue 5): the run
 * completes with its own exit code and the summary says what was dropped,
 * unless `--influx-required` asked otherwise; and no credential appears in
 * any log line or output file. All through the built CLI.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { runCli, startCli, tempDir, writeProfile } from '../../helpers/cli.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { freePort } from '../../helpers/ports.js';
import { hasVictoriaMetrics, startVictoriaMetrics } from '../../helpers/victoria-metrics.js';
import { influxTestProfile } from './profiles.js';

let dir: { path: string; cleanup: () => Promise<void> };
let shortProfile: string;
beforeAll(async () => {
  dir = await tempDir();
  // No failures and thresholds that pass: exit 0 unless the output changes it.
  shortProfile = await writeProfile(dir.path, 'short.yaml', influxTestProfile(2, '0%'));
});
afterAll(async () => {
  await dir.cleanup();
});

async function readSummary(path: string): Promise<RunSummary> {
  return JSON.parse(await readFile(path, 'utf8')) as RunSummary;
}

describe('InfluxDB output when delivery fails (built CLI)', () => {
  it('database down at start: warns, the run completes with exit 0, and the summary counts the dropped points', async () => {
    const out = join(dir.path, 'down.json');
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(['run', shortProfile, '--workers', '1', '--quiet', '--out', out, '--influx', url, '--influx-flush-timeout', '1s']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^influxdb: InfluxDB v2 API http:\/\/127\.0\.0\.1:\d+ \(bucket pacs_load\) does not answer \(.*ECONNREFUSED.*\); the run goes on/);
    const delivery = (await readSummary(out)).outputs?.['influxdb'];
    expect(delivery?.written).toBe(0);
    expect(delivery?.dropped).toBeGreaterThan(0);
    expect(delivery?.lastError).toContain('ECONNREFUSED');
    expect(result.stdout).toMatch(/influxdb: 0 points written, \d+ retried, [\d,]+ dropped \(last error: .*ECONNREFUSED/);
  });

  it('--influx-required with the database down: exit 4 before any load, no summary', async () => {
    const out = join(dir.path, 'required.json');
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(['run', shortProfile, '--workers', '1', '--quiet', '--out', out, '--influx', url, '--influx-required']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('[ERR_OUTPUT_UNREACHABLE]');
    expect(result.stderr).toContain('hint: Start the database');
    expect(result.stdout).not.toContain('per operation');
    await expect(readFile(out, 'utf8')).rejects.toThrow();
  });

  it.skipIf(skipWithoutPeer(hasVictoriaMetrics))('database killed mid-run: the run completes with exit 0; points acknowledged before count as written, the rest as dropped', async () => {
    const vm = await startVictoriaMetrics();
    try {
      const profile = await writeProfile(dir.path, 'longer.yaml', influxTestProfile(5, '0%'));
      const out = join(dir.path, 'killed.json');
      const run = startCli(['run', profile, '--workers', '1', '--run-id', 'killed-mid-run', '--out', out, '--influx', vm.url, '--influx-flush-timeout', '1s']);
      await run.waitForOutput('   2s]');
      await vm.kill();
      const result = await run.result;
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/influxdb: write to InfluxDB v2 API .* failed \(.*\); retrying with backoff, the run goes on/);
      const summary = await readSummary(out);
      const delivery = summary.outputs?.['influxdb'];
      // Points of the first intervals were acknowledged before it died.
      expect(delivery?.written).toBeGreaterThan(0);
      expect(delivery?.dropped).toBeGreaterThan(0);
      expect(summary.run.endReason).toBe('completed');
    } finally {
      await vm.stop();
    }
  });
});

describe('InfluxDB credentials never leak (built CLI)', () => {
  const TOKEN = 'tok-3f9c1e-SECRET-never-print';
  const PASSWORD = 'pw-77aa-SECRET-never-print';
  let server: Server;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    // A server that rejects every request and, like some proxies, echoes what it got.
    server = createHttpServer((request, response) => {
      seen.push(request.headers.authorization ?? '');
      request.resume();
      request.on('end', () =>
        response
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 'unauthorized', message: `bad credentials: ${request.headers.authorization ?? ''} ${request.url ?? ''}` })),
      );
    });
    server.on('connection', (socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['v2 token', [] as string[], { PACS_LOAD_INFLUX_TOKEN: TOKEN }, [TOKEN]],
    ['v1 password', ['--influx-v1', '--influx-user', 'loader'], { PACS_LOAD_INFLUX_PASSWORD: PASSWORD }, [PASSWORD, Buffer.from(`loader:${PASSWORD}`).toString('base64')]],
  ])('%s: in no log line and no output file, even when the server echoes it', async (_, flags, env, secrets) => {
    const out = join(dir.path, `secret-${seen.length}.json`);
    const result = await runCli(['run', shortProfile, '--workers', '1', '--out', out, '--influx', url, '--influx-flush-timeout', '1s', ...flags], { env });
    expect(result.code).toBe(0);
    // The credential was really sent (and echoed back) ...
    expect(seen.some((header) => header.includes(secrets.at(-1)!))).toBe(true);
    // ... and reported without it.
    const file = await readFile(out, 'utf8');
    expect(result.stderr).toContain('HTTP 401 Unauthorized: bad credentials');
    expect(JSON.parse(file).outputs.influxdb.lastError).toContain('[redacted]');
    for (const text of [result.stdout, result.stderr, file]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});
