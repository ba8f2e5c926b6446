/**
 * The merged summary of a run split over several instances (issue 8), rebuilt
 * from what they wrote to one InfluxDB (src/outputs/influx/measurements.ts):
 * every instance's interval points carry the run id, an `instance` tag and the
 * interval's encoded HDR histograms (`hdr_response`, `hdr_service`). Adding
 * those histograms across instances and intervals gives exactly the
 * histogram one recorder would have filled with every sample, so the merged
 * percentiles are exact (averaging per-instance p95s is not).
 *
 * Read with InfluxQL over HTTP (`GET /query`), which InfluxDB 1.x, 2.x (with a
 * DBRP mapping for the bucket, as the 1.x compatibility API needs) and 3.x
 * answer. Only response and service histograms are stored, so the summary
 * has those two latencies; lag, setup and TTFB stay in the instances' own
 * summary files. The `--verify`, breakpoint, migration, stored, identities
 * and seedPriors sections come from each instance's end point and are merged
 * as `merge` merges them.
 */
import { PacsLoadError } from '../errors.js';
import { credentialForms, hasUrlCredentials, redact, urlForMessage } from '../redact.js';
import { addEncoded, latencyStats, newHistogram, type Histogram } from '../metrics/histogram.js';
import { SeriesAccumulator, compareSeries } from '../metrics/series-accumulator.js';
import { evaluateThresholds } from '../metrics/thresholds.js';
import { mergeSections, type MergedSections } from '../metrics/merge-sections.js';
import {
  SUMMARY_SCHEMA_ID,
  SUMMARY_SCHEMA_VERSION,
  type BreakpointSummary,
  type IdentitySummary,
  type IntervalPoint,
  type MigrationSummary,
  type OperationSummary,
  type RunSummary,
  type SeedPriorsSummary,
  type StoredSummary,
  type VerifySummary,
} from '../metrics/types.js';
import { MEASUREMENTS } from '../outputs/influx/measurements.js';
import type { ThresholdSpec } from '../profile/types.js';
import { TOOL_VERSION } from '../version.js';

export interface FromInfluxOptions {
  /** http(s)://host:port of InfluxDB, without /query. */
  url: string;
  runId: string;
  /** Database (1.x), or the bucket's DBRP database name (2.x). Default `pacs_load`. */
  database?: string;
  /** Retention policy (1.x); default the database's default. */
  retentionPolicy?: string;
  /** A 2.x/3.x API token (`Authorization: Token`), or 1.x user and password (Basic). */
  auth?: { token: string } | { username: string; password: string };
  /** The profile's thresholds, evaluated on the merged result; none when absent. */
  thresholds?: readonly ThresholdSpec[];
  /** Per query; default 30 s. */
  timeoutMs?: number;
}

type Row = Record<string, unknown>;

const US_PER_MS = 1000;

/**
 * The exact merged summary of run `runId`. Throws ERR_OUTPUT_UNREACHABLE when
 * InfluxDB does not answer or refuses the query, and ERR_INPUT_INVALID (exit 3)
 * when it holds no points of that run (or no such database) or a stored
 * histogram cannot be decoded;
 * ERR_USAGE when `url` holds a user name or password. No message carries a
 * credential (src/redact.ts).
 */
export async function summaryFromInflux(options: FromInfluxOptions): Promise<RunSummary> {
  if (hasUrlCredentials(options.url)) {
    // Not shown: the URL holds a password. fetch() would refuse it anyway.
    throw new PacsLoadError('ERR_USAGE', '--from-influx must not contain a user name or password (the URL is not shown).', {
      hint: 'Give the plain URL, e.g. --from-influx http://127.0.0.1:8086, with --influx-token-env NAME (2.x/3.x) or --influx-user USER and --influx-password-env NAME (1.x).',
    });
  }
  const runFilter = `"run_id" = '${escapeInfluxString(options.runId)}'`;
  const latencyRows = await selectAll(options, `SELECT * FROM ${measurement(options, MEASUREMENTS.latency)} WHERE ${runFilter}`);
  if (latencyRows.length === 0) throw await noSuchRun(options);
  const operationRows = await selectAll(options, `SELECT * FROM ${measurement(options, MEASUREMENTS.operations)} WHERE ${runFilter}`);
  const runRows = await selectAll(options, `SELECT * FROM ${measurement(options, MEASUREMENTS.run)} WHERE ${runFilter}`);

  const operations = mergeOperations(latencyRows, operationRows);
  const intervals = mergeIntervals(latencyRows, operationRows);
  const thresholds = evaluateThresholds(options.thresholds ?? [], operations);
  return {
    schema: SUMMARY_SCHEMA_ID,
    version: SUMMARY_SCHEMA_VERSION,
    run: runFacts(options.runId, runRows, latencyRows),
    operations,
    thresholds,
    intervals,
    ...sectionsFromEndPoints(runRows, latencyRows),
  };
}

/**
 * The verify, breakpoint, migration, stored, identities and seedPriors
 * sections each instance wrote on its end point (as JSON), merged as `merge` merges summary files
 * (src/metrics/merge-sections.ts), each instance named by its `instance` tag.
 * An instance that wrote no end point beside others that verified leaves the
 * merge not verified: its result is unknown.
 */
function sectionsFromEndPoints(runRows: readonly Row[], latencyRows: readonly Row[]): MergedSections {
  const instances = unique([...latencyRows, ...runRows].map((row) => text(row['instance'])));
  const ends = new Map(runRows.filter((row) => row['phase'] === 'end').map((row) => [text(row['instance']), row]));
  const parts = instances.map((instance): MergedSections => {
    const end = ends.get(instance);
    const part: MergedSections = {};
    if (end === undefined) return part;
    const verify = storedSection(end['verify_json'], instance, isVerifySummary);
    const breakpoint = storedSection(end['breakpoint_json'], instance, isBreakpointSummary);
    const migration = storedSection(end['migration_json'], instance, isMigrationSummary);
    if (verify !== undefined) part.verify = verify;
    if (breakpoint !== undefined) part.breakpoint = breakpoint;
    if (migration !== undefined) part.migration = migration;
    const stored = storedSection(end['stored_json'], instance, isStoredSummary);
    const identities = storedSection(end['identities_json'], instance, isIdentitySummary);
    const seedPriors = storedSection(end['seed_priors_json'], instance, isSeedPriorsSummary);
    if (stored !== undefined) part.stored = stored;
    if (identities !== undefined) part.identities = identities;
    if (seedPriors !== undefined) part.seedPriors = seedPriors;
    return part;
  });
  if (parts.some((part) => part.verify !== undefined)) {
    instances.forEach((instance, index) => {
      if (ends.has(instance)) return;
      (parts[index] as MergedSections).verify = {
        checked: 0,
        missing: 0,
        missingInstances: [],
        notChecked: 0,
        error: 'wrote no end point (interrupted, or its last write was lost): its --verify result is unknown',
      };
    });
  }
  return mergeSections(parts, instances);
}

/** A section stored as JSON on an end point; undefined when absent, ERR_INPUT_INVALID when it is not what pacs-load writes. */
function storedSection<T>(value: unknown, instance: string, isSection: (parsed: unknown) => parsed is T): T | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text(value));
  } catch {
    parsed = undefined;
  }
  if (isSection(parsed)) return parsed;
  throw new PacsLoadError('ERR_INPUT_INVALID', `The end point of instance "${instance}" holds a section that is not one pacs-load writes.`, {
    hint: 'The points were not written by pacs-load, or were changed after writing; check the run id.',
  });
}

function isVerifySummary(value: unknown): value is VerifySummary {
  const verify = value as Partial<VerifySummary> | null;
  return typeof verify === 'object' && verify !== null && typeof verify.checked === 'number' && typeof verify.missing === 'number' && typeof verify.notChecked === 'number' && Array.isArray(verify.missingInstances);
}

function isBreakpointSummary(value: unknown): value is BreakpointSummary {
  const breakpoint = value as Partial<BreakpointSummary> | null;
  return typeof breakpoint === 'object' && breakpoint !== null && typeof breakpoint.scenario === 'string' && typeof breakpoint.reason === 'string' && Array.isArray(breakpoint.steps);
}

function isMigrationSummary(value: unknown): value is MigrationSummary {
  const migration = value as Partial<MigrationSummary> | null;
  return typeof migration === 'object' && migration !== null && typeof migration.bytesSent === 'number' && typeof migration.activeSeconds === 'number' && typeof migration.sustainedGBPerHour === 'number';
}

function isStoredSummary(value: unknown): value is StoredSummary {
  const stored = value as Partial<StoredSummary> | null;
  return typeof stored === 'object' && stored !== null && typeof stored.acknowledgedInstances === 'number' && typeof stored.studies === 'number' && Array.isArray(stored.scenarios);
}

function isIdentitySummary(value: unknown): value is IdentitySummary {
  const identities = value as Partial<IdentitySummary> | null;
  return (
    typeof identities === 'object' &&
    identities !== null &&
    (identities.mode === 'unique' || identities.mode === 'fixed') &&
    typeof identities.runComponent === 'string' &&
    typeof identities.uidRoot === 'string' &&
    typeof identities.duplicatesIntended === 'boolean'
  );
}

function isSeedPriorsSummary(value: unknown): value is SeedPriorsSummary {
  const seeded = value as Partial<SeedPriorsSummary> | null;
  return typeof seeded === 'object' && seeded !== null && typeof seeded.studiesStored === 'number' && typeof seeded.instancesStored === 'number' && Array.isArray(seeded.failures);
}

/** Per (scenario, operation): outcomes from `pacs_load_operations`, the rest and the histograms from `pacs_load_latency`. */
function mergeOperations(latencyRows: readonly Row[], operationRows: readonly Row[]): OperationSummary[] {
  const series = new Map<string, { accumulator: SeriesAccumulator; timesMs: Map<string, number[]> }>();
  const seriesOf = (row: Row) => {
    const scenario = text(row['scenario']);
    const operation = text(row['operation']);
    const key = `${scenario}\u0000${operation}`;
    let entry = series.get(key);
    if (entry === undefined) {
      entry = { accumulator: new SeriesAccumulator(scenario, operation), timesMs: new Map() };
      series.set(key, entry);
    }
    return entry;
  };
  for (const row of latencyRows) {
    const { accumulator, timesMs } = seriesOf(row);
    accumulator.addCounters({
      outcomes: {},
      dropped: num(row['dropped']),
      bytesSent: num(row['bytes_sent']),
      bytesReceived: num(row['bytes_received']),
      matches: optionalNum(row['matches']),
      instancesRetrieved: optionalNum(row['instances_retrieved']),
    });
    accumulator.addEncodedHistograms(histogramsOf(row));
    const instance = text(row['instance']);
    const times = timesMs.get(instance) ?? [];
    times.push(num(row['time']));
    timesMs.set(instance, times);
  }
  for (const row of operationRows) {
    seriesOf(row).accumulator.addCounters({ outcomes: { [text(row['outcome'])]: num(row['count']) }, dropped: 0, bytesSent: 0, bytesReceived: 0 });
  }
  return [...series.values()]
    .map(({ accumulator, timesMs }) => {
      // Instances ran side by side: the series was active over the longest instance's span, and their rates add up.
      const activeSeconds = Math.max(0, ...[...timesMs.values()].map(activeSecondsOf));
      return accumulator.toSummary(activeSeconds);
    })
    .sort(compareSeries);
}

/**
 * The time series, one point per series and interval with every instance's
 * counters summed and histograms added (so each interval's percentiles are
 * exact too). Intervals are matched by position from each instance's first
 * point; instances that started together (`--start-at`) line up exactly.
 */
function mergeIntervals(latencyRows: readonly Row[], operationRows: readonly Row[]): IntervalPoint[] {
  const byInstance = groupBy(latencyRows, (row) => text(row['instance']));
  const points = new Map<string, { point: IntervalPoint; response: Histogram }>();
  const outcomesAt = groupBy(operationRows, (row) => `${text(row['instance'])}\u0000${text(row['scenario'])}\u0000${text(row['operation'])}\u0000${num(row['time'])}`);
  for (const [instance, rows] of byInstance) {
    const times = [...new Set(rows.map((row) => num(row['time'])))].sort((a, b) => a - b);
    const intervalMs = typicalGapMs(times);
    const epochMs = (times[0] ?? 0) - intervalMs;
    for (const row of rows) {
      const timeMs = num(row['time']);
      // Interval ends sit on the instance's grid, give or take the millisecond rounding of their timestamps.
      const sequence = Math.max(0, Math.ceil((timeMs - epochMs) / intervalMs - 0.01) - 1);
      const startUs = sequence * intervalMs * US_PER_MS;
      const endUs = Math.max(startUs, Math.round((timeMs - epochMs) * US_PER_MS));
      const scenario = text(row['scenario']);
      const operation = text(row['operation']);
      const key = `${scenario}\u0000${operation}\u0000${sequence}`;
      let entry = points.get(key);
      if (entry === undefined) {
        entry = {
          point: { scenario, operation, startUs, endUs, completed: 0, failed: 0, outcomes: {}, dropped: 0, inFlight: 0, bytesSent: 0, bytesReceived: 0, response: undefined },
          response: newHistogram(),
        };
        points.set(key, entry);
      }
      const { point } = entry;
      point.endUs = Math.max(point.endUs, endUs);
      point.completed += num(row['count']);
      point.failed += num(row['errors']);
      point.dropped += num(row['dropped']);
      point.inFlight += num(row['in_flight']);
      point.bytesSent += num(row['bytes_sent']);
      point.bytesReceived += num(row['bytes_received']);
      const encoded = row['hdr_response'];
      if (typeof encoded === 'string' && encoded !== '') addChecked(entry.response, encoded);
      for (const outcomeRow of outcomesAt.get(`${instance}\u0000${scenario}\u0000${operation}\u0000${timeMs}`) ?? []) {
        const outcome = text(outcomeRow['outcome']);
        point.outcomes[outcome] = (point.outcomes[outcome] ?? 0) + num(outcomeRow['count']);
      }
    }
  }
  return [...points.values()]
    .map(({ point, response }) => ({ ...point, response: response.totalCount > 0 ? latencyStats(response) : undefined }))
    .sort((a, b) => a.startUs - b.startUs || compareSeries(a, b));
}

function runFacts(runId: string, runRows: readonly Row[], latencyRows: readonly Row[]): RunSummary['run'] {
  const starts = runRows.filter((row) => row['phase'] === 'start');
  const ends = runRows.filter((row) => row['phase'] === 'end');
  const allTimes = [...runRows, ...latencyRows].map((row) => num(row['time']));
  const startedAtMs = Math.min(...(starts.length > 0 ? starts : latencyRows).map((row) => num(row['time'])));
  const endedAtMs = Math.max(...allTimes);
  const instances = new Set(latencyRows.map((row) => text(row['instance'])));
  const endReasons = ends.map((row) => text(row['end_reason']));
  // An instance that wrote no end point did not finish cleanly (or its last write was lost).
  const endReason = endReasons.find((reason) => reason !== 'completed') ?? (ends.length < instances.size ? 'interrupted' : 'completed');
  return {
    id: runId,
    profile: unique([...runRows, ...latencyRows].map((row) => text(row['profile']))).join('+'),
    startedAt: new Date(startedAtMs).toISOString(),
    endedAt: new Date(endedAtMs).toISOString(),
    durationSeconds: (endedAtMs - startedAtMs) / 1000,
    workers: starts.reduce((sum, row) => sum + num(row['workers']), 0),
    endReason: endReason as RunSummary['run']['endReason'],
    tool: { name: 'pacs-load', version: TOOL_VERSION, node: 'unknown' },
    target: unique(latencyRows.map((row) => text(row['target']))).join('; '),
  };
}

/** Runs one InfluxQL SELECT and returns its rows as objects (tags and fields by column name, time in epoch ms). */
async function selectAll(options: FromInfluxOptions, query: string): Promise<Row[]> {
  const url = new URL('/query', options.url);
  url.searchParams.set('db', options.database ?? 'pacs_load');
  if (options.retentionPolicy !== undefined) url.searchParams.set('rp', options.retentionPolicy);
  url.searchParams.set('q', query);
  url.searchParams.set('epoch', 'ms');
  // Chunked answers are never cut at the server's max-row-limit; each chunk is one JSON document per line.
  url.searchParams.set('chunked', 'true');
  url.searchParams.set('chunk_size', '10000');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.auth !== undefined) {
    headers['authorization'] =
      'token' in options.auth ? `Token ${options.auth.token}` : `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  }
  let body: string;
  let status: number;
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    status = response.status;
    body = await response.text();
  } catch (error) {
    throw unreachable(options, error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error));
  }
  // A server may echo the Authorization header in its error body: redact before cutting it short.
  if (status < 200 || status > 299) throw unreachable(options, `HTTP ${status}: ${redact(body, secretsOf(options)).slice(0, 200)}`);
  const rows: Row[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    const document = JSON.parse(line) as { results?: Array<{ error?: string; series?: Array<{ columns: string[]; values: unknown[][]; tags?: Record<string, string> }> }>; error?: string };
    const failure = document.error ?? document.results?.find((result) => result.error !== undefined)?.error;
    if (failure !== undefined) {
      // InfluxDB 1.x answers a query of a database it lacks with this error: the input is wrong, the server is fine.
      if (/^database not found/i.test(failure)) throw noSuchDatabase(options);
      throw unreachable(options, `query failed: ${failure}`);
    }
    for (const result of document.results ?? []) {
      for (const series of result.series ?? []) {
        for (const values of series.values) {
          const row: Row = { ...series.tags };
          series.columns.forEach((column, index) => (row[column] = values[index]));
          rows.push(row);
        }
      }
    }
  }
  return rows;
}

function measurement(options: FromInfluxOptions, name: string): string {
  const database = `"${(options.database ?? 'pacs_load').replaceAll('"', '\\"')}"`;
  const retention = options.retentionPolicy === undefined ? '' : `"${options.retentionPolicy.replaceAll('"', '\\"')}"`;
  return `${database}.${retention}."${name}"`;
}

/** InfluxQL single-quoted string literal contents. */
export function escapeInfluxString(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
}

function histogramsOf(row: Row): { response?: string; service?: string } {
  const histograms: { response?: string; service?: string } = {};
  const response = row['hdr_response'];
  const service = row['hdr_service'];
  if (typeof response === 'string' && response !== '') histograms.response = checkedEncoding(response);
  if (typeof service === 'string' && service !== '') histograms.service = checkedEncoding(service);
  return histograms;
}

function checkedEncoding(encoded: string): string {
  addChecked(newHistogram(), encoded);
  return encoded;
}

function addChecked(target: Histogram, encoded: string): void {
  try {
    addEncoded(target, encoded);
  } catch (error) {
    throw new PacsLoadError('ERR_INPUT_INVALID', `A stored HDR histogram cannot be decoded: ${error instanceof Error ? error.message : String(error)}.`, {
      hint: 'The points were not written by pacs-load, or were changed after writing; check the run id.',
    });
  }
}

/** Seconds from the first interval's start to the last one's end, for one instance. */
function activeSecondsOf(timesMs: readonly number[]): number {
  const times = [...new Set(timesMs)].sort((a, b) => a - b);
  if (times.length === 0) return 0;
  return ((times[times.length - 1] as number) - (times[0] as number) + typicalGapMs(times)) / 1000;
}

/** The most common gap between consecutive interval ends (the interval length); 1 s with one point. */
function typicalGapMs(sortedTimesMs: readonly number[]): number {
  const counts = new Map<number, number>();
  for (let k = 1; k < sortedTimesMs.length; k++) {
    // Interval ends are wall-clock stamped to the millisecond: round the jitter away.
    const gap = Math.round(((sortedTimesMs[k] as number) - (sortedTimesMs[k - 1] as number)) / 10) * 10;
    if (gap > 0) counts.set(gap, (counts.get(gap) ?? 0) + 1);
  }
  let best = 1000;
  let bestCount = 0;
  for (const [gap, count] of counts) if (count > bestCount || (count === bestCount && gap > best)) [best, bestCount] = [gap, count];
  return best;
}

/** Every form the credentials of `options` take on the wire (src/redact.ts). */
function secretsOf(options: FromInfluxOptions): string[] {
  const auth = options.auth;
  if (auth === undefined) return [];
  return 'token' in auth ? credentialForms(auth.token) : credentialForms(undefined, auth.username, auth.password);
}

/**
 * The refusal of a run id without points (a report of zeros would read as a
 * run that did nothing): names the database, measurement and run id looked
 * for, and the run ids the database does hold, so a typo is seen at once.
 */
async function noSuchRun(options: FromInfluxOptions): Promise<PacsLoadError> {
  const database = options.database ?? 'pacs_load';
  const where = `database "${database}"${options.retentionPolicy === undefined ? '' : `, retention policy "${options.retentionPolicy}"`}, measurement "${MEASUREMENTS.latency}"`;
  const known = await knownRunIds(options);
  const held = known.length === 0 ? 'It holds no pacs-load run at all.' : `Run ids it holds: ${known.slice(0, RUN_IDS_NAMED).map((id) => `"${id}"`).join(', ')}${known.length > RUN_IDS_NAMED ? `, and ${known.length - RUN_IDS_NAMED} more` : ''}.`;
  return new PacsLoadError('ERR_INPUT_INVALID', `InfluxDB at ${urlForMessage(options.url)} holds no points with run_id "${options.runId}" (${where}).`, {
    hint: `${held} Check --run-id (every instance must be given the same one), --influx-db (the database or the bucket's DBRP database), and that the instances ran with --influx.`,
  });
}

function noSuchDatabase(options: FromInfluxOptions): PacsLoadError {
  const database = options.database ?? 'pacs_load';
  return new PacsLoadError(
    'ERR_INPUT_INVALID',
    `InfluxDB at ${urlForMessage(options.url)} has no database "${database}", so no points with run_id "${options.runId}" (measurement "${MEASUREMENTS.latency}").`,
    { hint: 'Give the database the instances wrote to with --influx-db (default pacs_load; on InfluxDB 2.x the bucket\'s DBRP database).' },
  );
}

/** Run ids named in the refusal at most. */
const RUN_IDS_NAMED = 5;

/** The run ids of the database's latency points (a tag, so InfluxDB lists them without reading points); none when it cannot say. */
async function knownRunIds(options: FromInfluxOptions): Promise<string[]> {
  try {
    const rows = await selectAll(options, `SHOW TAG VALUES FROM ${measurement(options, MEASUREMENTS.latency)} WITH KEY = "run_id"`);
    return unique(rows.map((row) => text(row['value'])));
  } catch {
    // Only a courtesy in an error message: the refusal stands without it.
    return [];
  }
}

function unreachable(options: FromInfluxOptions, detail: string): PacsLoadError {
  const message = redact(`Cannot read run "${options.runId}" from InfluxDB at ${urlForMessage(options.url)}: ${detail}.`, secretsOf(options));
  return new PacsLoadError('ERR_OUTPUT_UNREACHABLE', message, {
    hint: 'Check the URL, the database (or the bucket\'s DBRP mapping on InfluxDB 2.x) and the credentials.',
  });
}

/** A field only some points carry (InfluxQL answers null where a point lacks it). */
function optionalNum(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((value) => value !== ''))];
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}
