/**
 * The v1 write needs its database to exist (issue 16, item 4): InfluxDB 1.x
 * answers a write to a missing one with `404 database not found` and creates
 * nothing by itself. Before the load, the output makes sure it is there:
 *
 * 1. an empty `POST /write?db=` tells without writing a point: 204 when the
 *    database exists, 404 `database not found` when it does not;
 * 2. when it does not, `CREATE DATABASE "name"` through `POST /query`, which
 *    only an admin user (or a server without authentication) may run;
 * 3. when that is refused, the caller shows the statement for an admin to run.
 *
 * Any other answer (401 for wrong credentials, a proxy's 404) is left to the
 * writes themselves, which report it as they always do.
 */
import { InfluxWriteError } from './influx-writer-error.js';

/** What `ensureV1Database` found; `statement` is what creates the database. */
export type DatabaseCheck =
  | { state: 'exists' }
  | { state: 'created'; statement: string }
  | { state: 'missing'; statement: string; reason: string }
  | { state: 'unknown'; reason: string };

/** The two requests the check needs; both reject with InfluxWriteError. */
export interface V1Requests {
  /** `POST /write?db=<database>` with an empty body. */
  emptyWrite(signal?: AbortSignal): Promise<void>;
  /** `POST /query` with `q=<statement>`; resolves with the parsed JSON body. */
  query(statement: string, signal?: AbortSignal): Promise<unknown>;
}

/** Makes sure `database` exists, creating it when the credentials allow. Never throws. */
export async function ensureV1Database(database: string, requests: V1Requests, signal?: AbortSignal): Promise<DatabaseCheck> {
  const statement = createDatabaseStatement(database);
  try {
    await requests.emptyWrite(signal);
    return { state: 'exists' };
  } catch (error) {
    const failure = asWriteError(error);
    if (failure.status !== 404 || !failure.message.includes('database not found')) return { state: 'unknown', reason: failure.message };
  }
  try {
    const body = await requests.query(statement, signal);
    // InfluxQL errors come back as 200 with an `error` in the statement's result.
    const error = statementError(body);
    if (error !== undefined) return { state: 'missing', statement, reason: error };
    return { state: 'created', statement };
  } catch (error) {
    return { state: 'missing', statement, reason: asWriteError(error).message };
  }
}

/** `CREATE DATABASE "name"`, the name as a quoted InfluxQL identifier (idempotent on InfluxDB 1.x). */
export function createDatabaseStatement(database: string): string {
  return `CREATE DATABASE "${database.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function statementError(body: unknown): string | undefined {
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  const shaped = parsed as { error?: unknown; results?: { error?: unknown }[] } | undefined;
  const error = shaped?.error ?? shaped?.results?.find((result) => result.error !== undefined)?.error;
  return error === undefined ? undefined : String(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asWriteError(error: unknown): InfluxWriteError {
  return error instanceof InfluxWriteError ? error : new InfluxWriteError(String(error), false, undefined);
}
