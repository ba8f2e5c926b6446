/**
 * The HTTP side of the InfluxDB output: POSTs line protocol through the
 * `@influxdata/influxdb-client` transport and classifies failures.
 *
 * - v2 (default): `POST /api/v2/write?org=&bucket=&precision=ms` with
 *   `Authorization: Token <token>`: InfluxDB 2.x and 3.x, 1.8+ (bucket
 *   `db/rp`), and VictoriaMetrics.
 * - v1: `POST /write?db=&rp=&precision=ms` with HTTP Basic credentials:
 *   InfluxDB 1.x before 1.8 (Debian's 1.6.7 has no /api/v2/write, so the
 *   library's v1 compatibility mode cannot be used there).
 *
 * `ping()` also returns the version the server names (server-version.ts
 * decides what it means), and a v1 writer can make sure its database exists
 * (v1-database.ts): issue 16, item 4.
 *
 * The library's own WriteApi is not used: its buffer and retries cannot report
 * written, retried and dropped counts, which the summary needs (issue 5); the
 * output (influx-output.ts) batches and retries itself.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpError, InfluxDB, RequestTimedOutError } from '@influxdata/influxdb-client';
import { retryAfterMs } from './backoff.js';
import { InfluxWriteError } from './influx-writer-error.js';
import { VERSION_HEADER } from './server-version.js';
import { ensureV1Database, type DatabaseCheck } from './v1-database.js';
import { TIMESTAMP_PRECISION } from './points.js';
import { credentialForms, redact } from '../../redact.js';

export { InfluxWriteError };

/** The v1 write API's settings. */
export type InfluxV1Api = Extract<InfluxApi, { version: 'v1' }>;

/** What a server says of itself when it answers `/ping`. */
export interface InfluxServer {
  /** Its `X-Influxdb-Version` header (e.g. `1.6.7~rc0`), if it sent one; VictoriaMetrics does not. */
  version: string | undefined;
}

/** Which write API, with its credentials (never logged; see src/redact.ts). */
export type InfluxApi =
  | { version: 'v2'; org: string | undefined; bucket: string; token: string | undefined }
  | { version: 'v1'; database: string; retentionPolicy: string | undefined; username: string | undefined; password: string | undefined };

export interface InfluxConnection {
  /** Base URL, http or https, e.g. `http://127.0.0.1:8086` (a path prefix is kept, for proxies). */
  url: string;
  api: InfluxApi;
  /** A write or ping with no complete answer within this is failed (and retried). */
  timeoutMs: number;
}

export interface InfluxWriter {
  /** E.g. `InfluxDB v2 http://127.0.0.1:8086 (bucket pacs_load)`, for warnings. */
  readonly description: string;
  /** Writes the lines in one request; rejects with InfluxWriteError. */
  write(lines: readonly string[], signal?: AbortSignal): Promise<void>;
  /** Resolves when the server answers `/ping` (or `/health`) with 2xx, with its version; rejects with InfluxWriteError. */
  ping(signal?: AbortSignal): Promise<InfluxServer>;
  /** v1 only: makes sure the database exists, creating it when the credentials allow (v1-database.ts). Never rejects. */
  ensureDatabase?(signal?: AbortSignal): Promise<DatabaseCheck>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** Creates the writer for a connection. Throws for a URL the library cannot use. */
export function createInfluxWriter(connection: InfluxConnection): InfluxWriter {
  const { api } = connection;
  const url = connection.url.replace(/\/+$/, '');
  const agent = url.startsWith('https:') ? new HttpsAgent({ keepAlive: true, maxSockets: 2 }) : new HttpAgent({ keepAlive: true, maxSockets: 2 });
  const client = new InfluxDB({
    url,
    token: api.version === 'v2' ? api.token : undefined,
    timeout: connection.timeoutMs,
    transportOptions: { agent },
  });
  const secrets = api.version === 'v2' ? credentialForms(api.token) : credentialForms(undefined, api.username, api.password);
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (api.version === 'v1' && (api.username !== undefined || api.password !== undefined)) {
    // RFC 7617 Basic: InfluxDB 1.x reads it like the u/p query parameters, which would put the password in URLs.
    headers['authorization'] = `Basic ${Buffer.from(`${api.username ?? ''}:${api.password ?? ''}`, 'utf8').toString('base64')}`;
  }
  const writePath = api.version === 'v2' ? v2WritePath(api.org, api.bucket) : v1WritePath(api.database, api.retentionPolicy);
  const description =
    api.version === 'v2'
      ? `InfluxDB v2 API ${url} (${api.org === undefined ? '' : `org ${api.org}, `}bucket ${api.bucket})`
      : `InfluxDB v1 API ${url} (database ${api.database}${api.retentionPolicy === undefined ? '' : `, retention policy ${api.retentionPolicy}`})`;

  /** One request; resolves with the parsed body, and hands the answer's headers to `onHeaders`. */
  const send = async (path: string, method: string, body: string, signal: AbortSignal | undefined, onHeaders?: (headers: Record<string, unknown>) => void): Promise<unknown> => {
    try {
      return (await client.transport.request(path, body, { method, headers, ...(signal === undefined ? {} : { signal }) }, onHeaders)) as unknown;
    } catch (error) {
      throw classify(error, connection.timeoutMs, secrets);
    }
  };

  const writer: InfluxWriter = {
    description,
    async write(lines, signal) {
      try {
        await send(writePath, 'POST', `${lines.join('\n')}\n`, signal);
      } catch (error) {
        throw api.version === 'v2' ? withV1Hint(error) : error;
      }
    },
    async ping(signal) {
      let version: string | undefined;
      const onHeaders = (answer: Record<string, unknown>): void => {
        const value = answer[VERSION_HEADER];
        if (typeof value === 'string' && value !== '') version = value;
      };
      try {
        await send('/ping', 'GET', '', signal, onHeaders);
      } catch (error) {
        // Some servers and proxies answer only /health (InfluxDB 2.x and 3.x answer both).
        if (!(error instanceof InfluxWriteError) || error.status !== 404) throw error;
        await send('/health', 'GET', '', signal, onHeaders);
      }
      return { version };
    },
    close: () => agent.destroy(),
  };
  if (api.version === 'v1') {
    const v1Requests = {
      emptyWrite: async (signal?: AbortSignal) => {
        await send(writePath, 'POST', '', signal);
      },
      query: (statement: string, signal?: AbortSignal) => send(`/query?${new URLSearchParams({ q: statement }).toString()}`, 'POST', '', signal),
    };
    writer.ensureDatabase = (signal) => ensureV1Database(api.database, v1Requests, signal);
  }
  return writer;
}

/**
 * A v2 write answered `404 page not found` is a server without `/api/v2/write`
 * (InfluxDB before 1.8, or a proxy in front of one; a missing bucket says so
 * instead): the message says which flag fixes it, and retrying cannot.
 */
function withV1Hint(error: unknown): unknown {
  if (!(error instanceof InfluxWriteError) || error.status !== 404 || !error.message.includes('page not found')) return error;
  return new InfluxWriteError(
    `${error.message} (this server has no v2 write API /api/v2/write, as InfluxDB before 1.8: use --influx-v1)`,
    false,
    error.retryAfterMs,
    error.status,
  );
}

function v2WritePath(org: string | undefined, bucket: string): string {
  const params = new URLSearchParams();
  if (org !== undefined) params.set('org', org);
  params.set('bucket', bucket);
  params.set('precision', TIMESTAMP_PRECISION);
  return `/api/v2/write?${params.toString()}`;
}

function v1WritePath(database: string, retentionPolicy: string | undefined): string {
  const params = new URLSearchParams({ db: database });
  if (retentionPolicy !== undefined) params.set('rp', retentionPolicy);
  params.set('precision', TIMESTAMP_PRECISION);
  return `/write?${params.toString()}`;
}

const BODY_SHOWN_CHARS = 300;
/** HTTP statuses worth another try (the library's list: a 404 may be a database being created). */
const RETRIABLE_STATUSES = new Set([404, 408, 425, 429, 500, 502, 503, 504]);

/** Any failure as an InfluxWriteError with a short, credential-free message. */
function classify(error: unknown, timeoutMs: number, secrets: readonly string[]): InfluxWriteError {
  if (error instanceof HttpError) {
    // v2 servers explain in `message`, InfluxDB 1.x in `error`.
    const json = error.json as { message?: unknown; error?: unknown } | undefined;
    const detail = json?.message ?? json?.error ?? error.body ?? '';
    // Redacted before it is cut short, so that no part of a credential is left at the cut.
    const text = redact(String(detail), secrets).replace(/\s+/g, ' ').trim().slice(0, BODY_SHOWN_CHARS);
    const message = `HTTP ${error.statusCode}${error.statusMessage === undefined ? '' : ` ${error.statusMessage}`}${text === '' ? '' : `: ${text}`}`;
    return new InfluxWriteError(
      redact(message, secrets),
      RETRIABLE_STATUSES.has(error.statusCode),
      retryAfterMs(error.headers?.['retry-after'], Date.now()),
      error.statusCode,
    );
  }
  if (error instanceof RequestTimedOutError) return new InfluxWriteError(`no answer within ${timeoutMs} ms`, true, undefined);
  const code = (error as { code?: unknown } | undefined)?.code;
  const name = (error as { name?: unknown } | undefined)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'AbortError') return new InfluxWriteError('aborted: the stop deadline passed', false, undefined);
  // Network errors (refused, reset, host unreachable): the database may come back.
  return new InfluxWriteError(redact(typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message, secrets), true, undefined);
}
