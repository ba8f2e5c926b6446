/**
 * Issue 16, item 4, against the real servers: InfluxDB 1.6.7 (Debian's, no
 * /api/v2/write) and VictoriaMetrics (v2 write, no version on /ping).
 *
 * - Default flags against InfluxDB 1.6: the output switches to the v1 write
 *   by itself, says so on stderr naming --influx-v1, creates the missing
 *   database, and every point arrives.
 * - Authentication on: an admin user gets the database created; a user
 *   without admin rights gets the exact CREATE DATABASE statement (and with
 *   --influx-required, exit 4 before any load).
 * - VictoriaMetrics keeps the v2 path: a recording proxy in front of it sees
 *   every write go to /api/v2/write, and stderr stays empty.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';
import { hasInfluxDb, startInfluxDb, type RunningInfluxDb } from '../../helpers/influxdb.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { hasVictoriaMetrics, startVictoriaMetrics, type RunningVictoriaMetrics } from '../../helpers/victoria-metrics.js';
import { influxTestProfile } from './profiles.js';

const ADMIN = { username: 'admin', password: 'Adm1n-pw-never-logged' };
const WRITER = { username: 'writer', password: 'Wr1ter-pw-never-logged' };

interface QueryBody {
  results: { series?: { name: string; columns: string[]; values: unknown[][] }[] }[];
}

let dir: { path: string; cleanup: () => Promise<void> };
let profile: string;

beforeAll(async () => {
  dir = await tempDir();
  profile = await writeProfile(dir.path, 'profile.yaml', influxTestProfile(1));
});
afterAll(async () => {
  await dir?.cleanup();
});

async function run(args: string[], env: Record<string, string> = {}) {
  const out = join(dir.path, `summary-${Math.random().toString(36).slice(2)}.json`);
  const result = await runCli(['run', profile, '--workers', '1', '--quiet', '--out', out, ...args], { env });
  const summary = result.code === 4 ? undefined : (JSON.parse(await readFile(out, 'utf8')) as RunSummary);
  return { ...result, summary };
}

/** The profile's failing-on-purpose threshold fails only when the random error rate struck: 0 or 99 are both a complete run. */
function ranToTheEnd(code: number | null): boolean {
  return code === 0 || code === 99;
}

/** Databases InfluxDB has (as the admin, when auth is on). */
async function databases(influx: RunningInfluxDb): Promise<string[]> {
  const body = (await influx.query('SHOW DATABASES')) as QueryBody;
  return (body.results[0]?.series?.[0]?.values ?? []).map((row) => String(row[0]));
}

/** Points of a run in a database: one per row of every measurement the output writes. */
async function pointsOf(influx: RunningInfluxDb, database: string, runId: string): Promise<number> {
  let total = 0;
  for (const [measurement, field] of [['pacs_load_operations', 'count'], ['pacs_load_latency', 'count'], ['pacs_load_run', 'workers'], ['pacs_load_threshold', 'passed']]) {
    const body = (await influx.query(`SELECT count("${field}") FROM "${database}".."${measurement}" WHERE run_id = '${runId}'`)) as QueryBody;
    total += Number(body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0);
  }
  return total;
}

describe.skipIf(skipWithoutPeer(hasInfluxDb))('InfluxDB 1.6 with the default (v2) flags', () => {
  let influx: RunningInfluxDb;

  beforeAll(async () => {
    // The helper's own database is another one: pacs_load, the default, does not exist yet.
    influx = await startInfluxDb({ database: 'helper' });
  }, 30_000);
  afterAll(async () => {
    await influx?.stop();
  });

  it('switches to the v1 write by itself, says so naming --influx-v1, creates the database, and delivers every point', async () => {
    expect(await databases(influx)).not.toContain('pacs_load');
    const result = await run(['--run-id', 'switched', '--influx', influx.url]);
    expect(ranToTheEnd(result.code)).toBe(true);
    expect(result.stderr).toContain(`${influx.url} is InfluxDB 1.6.7`);
    expect(result.stderr).toContain('has no v2 write API');
    expect(result.stderr).toContain('Add --influx-v1');
    expect(result.stderr).toContain('created the database (CREATE DATABASE "pacs_load")');
    expect(await databases(influx)).toContain('pacs_load');
    const delivery = result.summary?.outputs?.['influxdb'];
    expect(delivery).toMatchObject({ dropped: 0, retried: 0 });
    expect(delivery!.written).toBeGreaterThan(0);
    expect(await pointsOf(influx, 'pacs_load', 'switched')).toBe(delivery!.written);
  }, 60_000);
});

describe.skipIf(skipWithoutPeer(hasInfluxDb))('InfluxDB 1.6 with authentication: a missing database', () => {
  let influx: RunningInfluxDb;

  beforeAll(async () => {
    influx = await startInfluxDb({ database: 'helper', admin: ADMIN });
    // A user without admin rights: it may not run CREATE DATABASE.
    await influx.query(`CREATE USER "${WRITER.username}" WITH PASSWORD '${WRITER.password}'`);
  }, 30_000);
  afterAll(async () => {
    await influx?.stop();
  });

  it('is created when the user is an admin', async () => {
    const result = await run(['--run-id', 'by-admin', '--influx', influx.url, '--influx-v1', '--influx-db', 'created_by_admin', '--influx-user', ADMIN.username], {
      PACS_LOAD_INFLUX_PASSWORD: ADMIN.password,
    });
    expect(ranToTheEnd(result.code)).toBe(true);
    expect(result.stderr).toBe(`influxdb: created the database (CREATE DATABASE "created_by_admin") on InfluxDB v1 API ${influx.url} (database created_by_admin)\n`);
    expect(await databases(influx)).toContain('created_by_admin');
    const delivery = result.summary?.outputs?.['influxdb'];
    expect(delivery).toMatchObject({ dropped: 0 });
    expect(await pointsOf(influx, 'created_by_admin', 'by-admin')).toBe(delivery!.written);
  }, 60_000);

  it('with the default flags, switches and writes with a `user:password` token (the convention of InfluxDB 1.8)', async () => {
    const result = await run(['--run-id', 'token-credentials', '--influx', influx.url, '--influx-bucket', 'helper'], {
      PACS_LOAD_INFLUX_TOKEN: `${ADMIN.username}:${ADMIN.password}`,
    });
    expect(ranToTheEnd(result.code)).toBe(true);
    expect(result.stderr).toContain('writing with the v1 API instead');
    expect(result.stderr).not.toContain(ADMIN.password);
    const delivery = result.summary?.outputs?.['influxdb'];
    expect(delivery).toMatchObject({ dropped: 0 });
    expect(await pointsOf(influx, 'helper', 'token-credentials')).toBe(delivery!.written);
  }, 60_000);

  it('is named with its CREATE DATABASE statement when the user may not create it', async () => {
    const result = await run(
      ['--run-id', 'by-writer', '--influx', influx.url, '--influx-v1', '--influx-db', 'not_there', '--influx-user', WRITER.username, '--influx-flush-timeout', '1s'],
      { PACS_LOAD_INFLUX_PASSWORD: WRITER.password },
    );
    expect(ranToTheEnd(result.code)).toBe(true);
    expect(result.stderr).toContain('the database does not exist');
    expect(result.stderr).toContain('requires admin privilege');
    expect(result.stderr).toContain('Ask an InfluxDB admin to run CREATE DATABASE "not_there"');
    expect(result.stderr).not.toContain(WRITER.password);
    expect(result.summary?.outputs?.['influxdb']?.dropped).toBeGreaterThan(0);
    expect(await databases(influx)).not.toContain('not_there');
  }, 60_000);

  it('with --influx-required, stops before the load (exit 4) with the statement', async () => {
    const result = await run(['--influx', influx.url, '--influx-v1', '--influx-db', 'not_there', '--influx-user', WRITER.username, '--influx-required'], {
      PACS_LOAD_INFLUX_PASSWORD: WRITER.password,
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('ERR_OUTPUT_UNREACHABLE');
    expect(result.stderr).toContain('CREATE DATABASE "not_there"');
  }, 60_000);
});

describe.skipIf(skipWithoutPeer(hasVictoriaMetrics))('VictoriaMetrics with the default flags', () => {
  let vm: RunningVictoriaMetrics;
  let proxy: Server;
  let proxyUrl: string;
  const paths: string[] = [];

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    const target = new URL(vm.url);
    // Records each request's path and forwards it unchanged (VictoriaMetrics counts /write and /api/v2/write as one path).
    proxy = createServer((incoming, outgoing) => {
      paths.push(`${incoming.method ?? ''} ${incoming.url ?? ''}`);
      const forwarded = httpRequest({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      forwarded.on('socket', (socket) => socket.setNoDelay(true));
      incoming.pipe(forwarded);
    });
    proxy.on('connection', (socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  }, 30_000);
  afterAll(async () => {
    proxy?.closeAllConnections();
    await new Promise((resolve) => (proxy === undefined ? resolve(undefined) : proxy.close(resolve)));
    await vm?.stop();
  });

  it('keeps the v2 write, silently', async () => {
    const result = await run(['--run-id', 'vm-v2', '--influx', proxyUrl]);
    expect(ranToTheEnd(result.code)).toBe(true);
    expect(result.stderr).toBe('');
    const delivery = result.summary?.outputs?.['influxdb'];
    expect(delivery).toMatchObject({ dropped: 0, retried: 0 });
    const writes = paths.filter((line) => line.startsWith('POST '));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((line) => line.startsWith('POST /api/v2/write?'))).toBe(true);
    expect(paths).toContain('GET /ping');
    const stored = await vm.exportSeries('{__name__="pacs_load_run_workers",run_id="vm-v2"}');
    expect(stored.length).toBeGreaterThan(0);
  }, 60_000);
});
