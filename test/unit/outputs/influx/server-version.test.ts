/**
 * Issue 16, item 4: which write API a server has, from the version its
 * `/ping` names, and what the output does with it at start: switch a default
 * v2 write to v1 for an InfluxDB older than 1.8 (saying so), and make sure a
 * v1 database exists or name the statement that creates it.
 */
import { describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../../src/errors.js';
import { createInfluxOutput, type InfluxOutputOptions } from '../../../../src/outputs/influx/influx-output.js';
import type { InfluxConnection, InfluxV1Api, InfluxWriter } from '../../../../src/outputs/influx/influx-writer.js';
import { lacksV2WriteApi } from '../../../../src/outputs/influx/server-version.js';
import type { DatabaseCheck } from '../../../../src/outputs/influx/v1-database.js';
import { createDatabaseStatement } from '../../../../src/outputs/influx/v1-database.js';
import type { RunStartInfo } from '../../../../src/outputs/types.js';
import { buildSummary } from '../fixtures.js';

const INFO: RunStartInfo = { runId: 'run-16', profile: 'p', scenarioLines: ['a'], target: 't', workers: 1 };
const V1: InfluxV1Api = { version: 'v1', database: 'pacs_load', retentionPolicy: undefined, username: undefined, password: undefined };

describe('lacksV2WriteApi', () => {
  it('is true for InfluxDB before 1.8 only', () => {
    for (const version of ['1.6.7~rc0', '1.7.11', 'v1.0.2', '0.13.0']) expect(lacksV2WriteApi(version), version).toBe(true);
    for (const version of ['1.8.0', '1.8.10', '1.11.8', 'v2.7.4', '2.0.0-beta', '3.0.1', 'OSS', '', undefined]) expect(lacksV2WriteApi(version), String(version)).toBe(false);
  });
});

describe('createDatabaseStatement', () => {
  it('quotes the name as an InfluxQL identifier', () => {
    expect(createDatabaseStatement('pacs_load')).toBe('CREATE DATABASE "pacs_load"');
    expect(createDatabaseStatement('we"ird\\db')).toBe('CREATE DATABASE "we\\"ird\\\\db"');
  });
});

/** A writer double that answers /ping with `version` and the database check with `check` (v1 only). */
function fakeWriter(connection: InfluxConnection, version: string | undefined, check: DatabaseCheck) {
  const writer: InfluxWriter & { closed: boolean } = {
    description: `fake ${connection.api.version}`,
    closed: false,
    ping: () => Promise.resolve({ version }),
    write: () => Promise.resolve(),
    close() {
      writer.closed = true;
    },
  };
  if (connection.api.version === 'v1') writer.ensureDatabase = () => Promise.resolve(check);
  return writer;
}

function setUp(version: string | undefined, check: DatabaseCheck, overrides: Partial<InfluxOutputOptions> = {}) {
  const warnings: string[] = [];
  const created: InfluxConnection[] = [];
  const options: InfluxOutputOptions = {
    connection: { url: 'http://127.0.0.1:1', api: { version: 'v2', org: undefined, bucket: 'pacs_load', token: undefined }, timeoutMs: 1000 },
    instance: 'gen-1',
    warn: (text) => warnings.push(text),
    v1Fallback: V1,
    createWriter: (connection) => {
      created.push(connection);
      return fakeWriter(connection, version, check);
    },
    flushIntervalMs: 10,
    ...overrides,
  };
  return { output: createInfluxOutput(options), warnings, created };
}

describe('InfluxDB output start: server version and database', () => {
  it('switches a default v2 write to v1 for InfluxDB 1.6, and says so naming --influx-v1', async () => {
    const { output, warnings, created } = setUp('1.6.7~rc0', { state: 'exists' });
    await output.start(INFO);
    await output.stop(buildSummary());
    expect(created.map((connection) => connection.api.version)).toEqual(['v2', 'v1']);
    expect(created[1]?.api).toEqual(V1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('is InfluxDB 1.6.7~rc0, which has no v2 write API');
    expect(warnings[0]).toContain('Add --influx-v1');
  });

  it('keeps the v2 write for 1.8+, 2.x, and a server naming no version (VictoriaMetrics)', async () => {
    for (const version of ['1.8.10', 'v2.7.4', undefined]) {
      const { output, warnings, created } = setUp(version, { state: 'exists' });
      await output.start(INFO);
      await output.stop(buildSummary());
      expect(created.map((connection) => connection.api.version), String(version)).toEqual(['v2']);
      expect(warnings).toEqual([]);
    }
  });

  it('switches nothing when the user chose the API (no fallback)', async () => {
    const { output, created } = setUp('1.6.7', { state: 'exists' }, { v1Fallback: undefined });
    await output.start(INFO);
    await output.stop(buildSummary());
    expect(created.map((connection) => connection.api.version)).toEqual(['v2']);
  });

  it('says when it created the v1 database', async () => {
    const { output, warnings } = setUp('1.6.7', { state: 'created', statement: 'CREATE DATABASE "pacs_load"' }, { connection: { url: 'http://127.0.0.1:1', api: V1, timeoutMs: 1000 } });
    await output.start(INFO);
    await output.stop(buildSummary());
    expect(warnings).toEqual(['influxdb: created the database (CREATE DATABASE "pacs_load") on fake v1\n']);
  });

  it('names the CREATE DATABASE statement when the database is missing and cannot be created', async () => {
    const missing: DatabaseCheck = { state: 'missing', statement: 'CREATE DATABASE "pacs_load"', reason: 'HTTP 403 Forbidden: requires admin privilege' };
    const v1 = { url: 'http://127.0.0.1:1', api: V1, timeoutMs: 1000 };
    const { output, warnings } = setUp('1.6.7', missing, { connection: v1 });
    await output.start(INFO);
    await output.stop(buildSummary());
    // The double writes every point; the output then says it is writing again.
    expect(warnings[0]).toContain('requires admin privilege');
    expect(warnings[0]).toContain('Ask an InfluxDB admin to run CREATE DATABASE "pacs_load"');

    const required = setUp('1.6.7', missing, { connection: v1, required: true });
    const error: unknown = await Promise.resolve()
      .then(() => required.output.start(INFO))
      .catch((caught: unknown) => caught);
    expect(isPacsLoadError(error) && error.code).toBe('ERR_OUTPUT_UNREACHABLE');
    expect(isPacsLoadError(error) && error.hint).toContain('CREATE DATABASE "pacs_load"');
  });
});
