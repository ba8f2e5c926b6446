/**
 * A real InfluxDB 1.x for peer tests (docs/architecture.md section 9), from Debian's
 * `influxdb` package (1.6.7, scripts/install-peers.sh): a generated config in a
 * fresh temporary folder, both listeners moved off their fixed ports (HTTP 8086
 * and the backup/restore RPC 8088, which would collide between test runs),
 * usage reporting and the `_internal` monitor database off, and one database
 * created before the helper resolves.
 *
 *   const influx = await startInfluxDb();
 *   await influx.write('m,tag=a value=1i 1700000000000000000');
 *   const body = await influx.query('SELECT * FROM m');
 *   await influx.stop();   // waits for the process to exit, removes the folder
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { stopAndRemove, stderrTail, waitUntilReady } from './peer-process.js';

export const INFLUXD_BINARY = '/usr/bin/influxd';

/** True when the InfluxDB 1.x server binary is installed. */
export const hasInfluxDb = existsSync(INFLUXD_BINARY);

/** Timestamp precision of written line protocol (`/write?precision=`). */
export type InfluxPrecision = 'ns' | 'u' | 'ms' | 's';

export interface InfluxDbOptions {
  /** Database created at start (default `pacs_load`). */
  database?: string;
  /**
   * Turn on HTTP authentication with this admin user; the helper's own
   * requests (query, write) then send it as `u`/`p` parameters.
   */
  admin?: { username: string; password: string };
}

export interface RunningInfluxDb {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  url: string;
  host: string;
  port: number;
  /** The database created at start. */
  database: string;
  /**
   * Runs InfluxQL against `database` (`POST /query`, so statements that write,
   * like CREATE, work too) and returns the parsed JSON body. Throws when the
   * HTTP status is not 2xx or any statement's result carries an `error`.
   * `epoch` makes times numbers in that precision instead of RFC 3339 strings.
   */
  query(q: string, options?: { epoch?: InfluxPrecision }): Promise<unknown>;
  /** Writes line protocol to `database` (`POST /write`); throws unless InfluxDB answers 204. */
  write(lines: string, precision?: InfluxPrecision): Promise<void>;
  /** Stops InfluxDB, waits for it to exit, removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}


/** Starts InfluxDB; resolves once `/ping` answers and the database exists. On failure nothing is left running. */
export async function startInfluxDb(options: InfluxDbOptions = {}): Promise<RunningInfluxDb> {
  const folder = await mkdtemp(join(tmpdir(), 'pacsload-influxdb-'));
  const database = options.database ?? 'pacs_load';
  const [port, rpcPort] = [await freePort(), await freePort()];
  const configPath = join(folder, 'influxdb.conf');
  await writeFile(configPath, configText(folder, port, rpcPort, options.admin !== undefined));
  const child = spawn(INFLUXD_BINARY, ['run', '-config', configPath], {
    // INFLUXDB_* environment variables override the config file; drop any the caller has set.
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('INFLUXDB_'))),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = stderrTail(child);

  const url = `http://127.0.0.1:${port}`;
  const credentials: Record<string, string> =
    options.admin !== undefined ? { u: options.admin.username, p: options.admin.password } : {};
  const stop = stopAndRemove(child, folder);

  const query = async (q: string, queryOptions: { epoch?: InfluxPrecision } = {}): Promise<unknown> => {
    // InfluxDB reads credentials from the URL only; the statement goes in the form body.
    const params = new URLSearchParams({ db: database, q });
    if (queryOptions.epoch !== undefined) params.set('epoch', queryOptions.epoch);
    const auth = new URLSearchParams(credentials).toString();
    const response = await fetch(`${url}/query${auth === '' ? '' : `?${auth}`}`, { method: 'POST', body: params });
    const text = await response.text();
    if (!response.ok) throw new Error(`InfluxDB query ${JSON.stringify(q)}: HTTP ${response.status}: ${text}`);
    const body = JSON.parse(text) as { error?: string; results?: { error?: string }[] };
    const error = body.error ?? body.results?.find((result) => result.error !== undefined)?.error;
    if (error !== undefined) throw new Error(`InfluxDB query ${JSON.stringify(q)}: ${error}`);
    return body;
  };

  const write = async (lines: string, precision: InfluxPrecision = 'ns'): Promise<void> => {
    const params = new URLSearchParams({ db: database, precision, ...credentials });
    const response = await fetch(`${url}/write?${params.toString()}`, { method: 'POST', body: lines });
    if (response.status !== 204) {
      throw new Error(`InfluxDB write: HTTP ${response.status}: ${await response.text()}`);
    }
  };

  try {
    await waitUntilReady(child, { name: 'influxd', url: `${url}/ping`, isReady: (status) => status === 204, log });
    if (options.admin !== undefined) {
      // With auth on, InfluxDB 1.x accepts exactly one unauthenticated statement
      // while no user exists: creating the first admin.
      const { username, password } = options.admin;
      const params = new URLSearchParams({
        q: `CREATE USER ${quoteIdentifier(username)} WITH PASSWORD '${password.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}' WITH ALL PRIVILEGES`,
      });
      const response = await fetch(`${url}/query`, { method: 'POST', body: params });
      if (!response.ok) throw new Error(`InfluxDB create admin: HTTP ${response.status}: ${await response.text()}`);
    }
    // influxd may answer the first authorised statement before the new admin is
    // visible to its auth check ("create admin user first"): retry that briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await query(`CREATE DATABASE ${quoteIdentifier(database)}`);
        break;
      } catch (error) {
        if (attempt >= 20 || !String(error).includes('create admin user first')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, host: '127.0.0.1', port, database, query, write, stop };
}

/** The whole config: only what differs from influxd's defaults. */
function configText(folder: string, port: number, rpcPort: number, authEnabled: boolean): string {
  return [
    'reporting-disabled = true',
    // The backup/restore RPC listener: its default 127.0.0.1:8088 would collide between runs.
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(folder, 'meta')}"`,
    '  logging-enabled = false',
    '[data]',
    `  dir = "${join(folder, 'data')}"`,
    `  wal-dir = "${join(folder, 'wal')}"`,
    '  query-log-enabled = false',
    '[monitor]',
    '  store-enabled = false',
    '[continuous_queries]',
    '  enabled = false',
    '[http]',
    '  enabled = true',
    `  bind-address = "127.0.0.1:${port}"`,
    `  auth-enabled = ${authEnabled}`,
    '  log-enabled = false',
    '  pprof-enabled = false',
    '[logging]',
    '  level = "warn"',
    '',
  ].join('\n');
}

/** An InfluxQL identifier in double quotes (names of databases and users). */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}


