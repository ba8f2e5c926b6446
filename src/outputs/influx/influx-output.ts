/**
 * The InfluxDB output (issue 5, docs/architecture.md section 7): one point per interval per
 * series and outcome (points.ts), written in batches in the background so the
 * load never waits for the database.
 *
 * - `interval()` only builds lines into a bounded buffer (point-buffer.ts:
 *   when full, the oldest points are dropped and counted).
 * - A timer flushes every second: one request at a time, at most
 *   `batchPoints` lines. A failed batch is retried with exponential backoff
 *   and jitter (backoff.ts) up to `maxAttempts` times, then dropped (counted).
 *   Failures that retrying cannot fix (401, 403, 400, 413, a v2 404 "page not found") drop at once.
 * - `stop()` adds the run's end points and flushes until the buffer is empty
 *   or `stopTimeoutMs` has passed; what is still unsent is dropped. It
 *   resolves with the OutputDelivery the summary reports.
 * - The database down at start: a warning, and the run goes on, unless
 *   `required`: then `start()` throws ERR_OUTPUT_UNREACHABLE before any load.
 * - The server's version, from its `/ping` answer (issue 16, item 4): an
 *   InfluxDB older than 1.8 has no v2 write API, so when the v2 API was
 *   chosen by default (`v1Fallback` given), `start()` switches to the v1
 *   write by itself and says so once. With the v1 write, a missing database
 *   is created when the credentials allow it (v1-database.ts); otherwise the
 *   warning (or, when `required`, the error) gives the `CREATE DATABASE`
 *   statement to run.
 * - Warnings go to `warn` once per change (failing, then writing again), never
 *   once per second, and never contain a credential.
 */
import { PacsLoadError } from '../../errors.js';
import type { IntervalReport, OutputDelivery, RunSummary } from '../../metrics/types.js';
import type { Output, RunStartInfo, TextSink } from '../types.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffSettings } from './backoff.js';
import { createInfluxWriter, InfluxWriteError, type InfluxConnection, type InfluxServer, type InfluxV1Api, type InfluxWriter } from './influx-writer.js';
import { IntervalMerger } from './interval-merge.js';
import { PointBuffer } from './point-buffer.js';
import { intervalLines, runEndLines, runStartLine, type RunTags } from './points.js';
import { lacksV2WriteApi } from './server-version.js';

export const INFLUX_OUTPUT_NAME = 'influxdb';

export interface InfluxOutputOptions {
  connection: InfluxConnection;
  /** The `instance` tag: which load generator wrote the point (the CLI default is `hostname:pid`). */
  instance: string;
  /** Where warnings go (the CLI passes stderr). */
  warn: TextSink;
  /** `--influx-required`: `start()` throws ERR_OUTPUT_UNREACHABLE when the database does not answer. */
  required?: boolean;
  /**
   * Length of one written interval, ms; default: the snapshot interval. A longer
   * one merges that many snapshot intervals per point (rounded to a whole number).
   */
  intervalMs?: number;
  /** Most points held while the database is slow or down (default 10,000). */
  bufferPoints?: number;
  /** Most points per write request (default 1,000). */
  batchPoints?: number;
  /** How often the background flush runs, ms (default 1,000). */
  flushIntervalMs?: number;
  /** `stop()` gives up on unsent points after this, ms (default 5,000). */
  stopTimeoutMs?: number;
  /** Tries per batch before it is dropped (default 5). */
  maxAttempts?: number;
  backoff?: BackoffSettings;
  /**
   * The v1 settings to write with when the v2 API was chosen by default and the
   * server turns out to be an InfluxDB older than 1.8 (no `/api/v2/write`).
   * Left out when the user chose the API: then nothing is switched.
   */
  v1Fallback?: InfluxV1Api;
  /** For tests: a writer instead of the HTTP one (and a factory for the switched one), a clock (wall ms) and a random source. */
  writer?: InfluxWriter;
  createWriter?: (connection: InfluxConnection) => InfluxWriter;
  now?: () => number;
  random?: () => number;
}

export const INFLUX_DEFAULTS = {
  bufferPoints: 10_000,
  batchPoints: 1_000,
  flushIntervalMs: 1_000,
  stopTimeoutMs: 5_000,
  maxAttempts: 5,
  timeoutMs: 5_000,
} as const;

/** The output, typed with what its `stop()` always resolves to. */
export type InfluxOutput = Omit<Output, 'stop' | 'delivers'> & { readonly delivers: true; stop(summary: RunSummary): Promise<OutputDelivery> };

/** Creates the output; nothing is sent before `start()`. */
export function createInfluxOutput(options: InfluxOutputOptions): InfluxOutput {
  return new InfluxDbOutput(options);
}

class InfluxDbOutput implements InfluxOutput {
  readonly name = INFLUX_OUTPUT_NAME;
  readonly delivers = true;
  readonly #options: InfluxOutputOptions;
  readonly #now: () => number;
  readonly #buffer: PointBuffer;
  readonly #batchPoints: number;
  readonly #maxAttempts: number;
  #writer: InfluxWriter | undefined;
  #tags: RunTags | undefined;
  #scenarios = 0;
  #merger: IntervalMerger | undefined;
  /** Wall-clock ms of the run's time zero, estimated from the first interval's arrival. */
  #epochMs: number | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** The running flush, if any: only one request is in flight at a time. */
  #flushing: Promise<void> | undefined;
  /** A batch taken from the buffer and not yet written, with its failed attempts. */
  #batch: { lines: string[]; attempts: number } | undefined;
  /** Set by stop(): flushes end by then, and waits are cut short. */
  #deadlineMs: number | undefined;
  readonly #stopping = new AbortController();
  /** Aborted when the stop deadline passes: cuts a write that is still waiting for an answer. */
  readonly #deadlinePassed = new AbortController();
  #written = 0;
  #retried = 0;
  /** Dropped besides the buffer's own count (failed batches, points lost to bugs). */
  #droppedBatches = 0;
  #lastError: string | undefined;
  #failing = false;

  constructor(options: InfluxOutputOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#buffer = new PointBuffer(options.bufferPoints ?? INFLUX_DEFAULTS.bufferPoints);
    this.#batchPoints = options.batchPoints ?? INFLUX_DEFAULTS.batchPoints;
    this.#maxAttempts = options.maxAttempts ?? INFLUX_DEFAULTS.maxAttempts;
  }

  async start(info: RunStartInfo): Promise<void> {
    let writer = this.#options.writer ?? this.#createWriter(this.#options.connection);
    let server: InfluxServer | undefined;
    try {
      server = await writer.ping(AbortSignal.timeout(this.#options.connection.timeoutMs));
    } catch (error) {
      const reason = error instanceof InfluxWriteError ? error.message : 'no answer';
      if (this.#options.required === true) {
        writer.close();
        throw new PacsLoadError('ERR_OUTPUT_UNREACHABLE', `--influx-required: ${writer.description} does not answer (${reason}).`, {
          hint: 'Start the database or correct --influx, or leave out --influx-required to run anyway (points that cannot be written are then counted as dropped).',
        });
      }
      this.#failing = true;
      this.#lastError = reason;
      this.#options.warn(
        `influxdb: ${writer.description} does not answer (${reason}); the run goes on, points are buffered and retried, and the summary reports what was dropped\n`,
      );
    }
    if (server !== undefined) {
      writer = this.#switchedToV1(writer, server);
      await this.#ensureDatabase(writer);
    }
    this.#writer = writer;
    this.#tags = { run_id: info.runId, profile: info.profile, instance: this.#options.instance, target: info.target };
    this.#scenarios = info.scenarioLines.length;
    this.#buffer.push(runStartLine({ workers: info.workers, scenarios: this.#scenarios }, this.#tags, this.#now()));
    this.#timer = setInterval(() => this.#kick(), this.#options.flushIntervalMs ?? INFLUX_DEFAULTS.flushIntervalMs);
    // The timer only triggers flushes; it must not keep a finished process alive.
    this.#timer.unref();
  }

  interval(report: IntervalReport): void {
    const tags = this.#tags;
    if (tags === undefined) return;
    try {
      // The run's time zero when the coordinator gives it; else estimated from the first report's arrival.
      this.#epochMs ??= report.runEpochMs ?? this.#now() - report.endUs / 1000;
      this.#merger ??= new IntervalMerger(mergeFactor(this.#options.intervalMs, report.endUs - report.startUs));
      const merged = this.#merger.add(report);
      if (merged !== undefined) this.#bufferInterval(merged, tags, this.#epochMs);
    } catch (error) {
      // Never let a point-building bug stop the load: count the interval's points as lost.
      this.#droppedBatches += report.series.length;
      this.#lastError = `internal error building points: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  async stop(summary: RunSummary): Promise<OutputDelivery> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const tags = this.#tags;
    const writer = this.#writer;
    if (tags === undefined || writer === undefined) return { written: 0, retried: 0, dropped: 0 };
    const leftover = this.#merger?.flush();
    if (leftover !== undefined && this.#epochMs !== undefined) this.#bufferInterval(leftover, tags, this.#epochMs);
    const endMs = Date.parse(summary.run.endedAt);
    for (const line of runEndLines(summary, this.#scenarios, tags, Number.isNaN(endMs) ? this.#now() : endMs)) this.#buffer.push(line);

    const stopTimeoutMs = this.#options.stopTimeoutMs ?? INFLUX_DEFAULTS.stopTimeoutMs;
    this.#deadlineMs = this.#now() + stopTimeoutMs;
    const deadlineTimer = setTimeout(() => this.#deadlinePassed.abort(), stopTimeoutMs);
    this.#stopping.abort();
    // A flush may be running (or waiting to retry): let it go on under the deadline, then drain the rest.
    await this.#flushing;
    // Each flush returns only when the buffer is empty or the deadline has passed.
    while ((this.#buffer.size > 0 || this.#batch !== undefined) && this.#now() < this.#deadlineMs) {
      this.#kick();
      await this.#flushing;
    }
    if (this.#batch !== undefined) {
      this.#droppedBatches += this.#batch.lines.length;
      this.#batch = undefined;
    }
    clearTimeout(deadlineTimer);
    this.#buffer.dropAll();
    writer.close();
    const dropped = this.#droppedBatches + this.#buffer.dropped;
    const delivery: OutputDelivery = { written: this.#written, retried: this.#retried, dropped };
    if (dropped > 0) delivery.lastError = this.#lastError ?? 'not written before the stop deadline';
    return delivery;
  }

  #createWriter(connection: InfluxConnection): InfluxWriter {
    return (this.#options.createWriter ?? createInfluxWriter)(connection);
  }

  /**
   * The v1 writer when the v2 API was the default and the server is an InfluxDB
   * older than 1.8: its v2 write would answer 404 to every point. Said once on
   * `warn`, with the flag that makes the choice explicit.
   */
  #switchedToV1(writer: InfluxWriter, server: InfluxServer): InfluxWriter {
    const fallback = this.#options.v1Fallback;
    if (fallback === undefined || this.#options.connection.api.version !== 'v2' || !lacksV2WriteApi(server.version)) return writer;
    writer.close();
    const switched = this.#createWriter({ ...this.#options.connection, api: fallback });
    this.#options.warn(
      `influxdb: ${this.#options.connection.url} is InfluxDB ${server.version ?? ''}, which has no v2 write API (/api/v2/write came with 1.8); ` +
        `writing with the v1 API instead: ${switched.description}. Add --influx-v1 to choose this yourself (and silence this line)\n`,
    );
    return switched;
  }

  /** v1: the database exists before the first point, or the user learns the statement that creates it. */
  async #ensureDatabase(writer: InfluxWriter): Promise<void> {
    if (writer.ensureDatabase === undefined) return;
    const check = await writer.ensureDatabase(AbortSignal.timeout(this.#options.connection.timeoutMs));
    if (check.state === 'created') {
      this.#options.warn(`influxdb: created the database (${check.statement}) on ${writer.description}\n`);
      return;
    }
    if (check.state !== 'missing') return;
    const hint = `Ask an InfluxDB admin to run ${check.statement} (for example: influx -execute '${check.statement}'), or write as a user with admin rights.`;
    if (this.#options.required === true) {
      writer.close();
      throw new PacsLoadError('ERR_OUTPUT_UNREACHABLE', `--influx-required: the database does not exist on ${writer.description} and could not be created (${check.reason}).`, { hint });
    }
    this.#failing = true;
    this.#lastError = `database not found; creating it failed: ${check.reason}`;
    this.#options.warn(
      `influxdb: the database does not exist on ${writer.description} and could not be created (${check.reason}); points will be dropped. ${hint}\n`,
    );
  }

  #bufferInterval(report: IntervalReport, tags: RunTags, epochMs: number): void {
    for (const line of intervalLines(report, tags, epochMs + report.endUs / 1000)) this.#buffer.push(line);
    if (this.#buffer.size >= this.#batchPoints) setImmediate(() => this.#kick());
  }

  /** Starts a flush unless one is running. */
  #kick(): void {
    if (this.#flushing !== undefined) return;
    this.#flushing = this.#flush()
      .catch((error: unknown) => {
        // #flush handles write failures itself; anything else is a bug, reported, never thrown at the load.
        this.#lastError = `internal error: ${error instanceof Error ? error.message : String(error)}`;
        if (this.#batch !== undefined) this.#droppedBatches += this.#batch.lines.length;
        this.#batch = undefined;
      })
      .finally(() => (this.#flushing = undefined));
  }

  /**
   * One write, cut off when the stop deadline passes. The transport adds an
   * abort listener to the signal it is given and never removes it, so each
   * write gets its own signal, linked to the deadline only while it runs:
   * with the database down for hours, listeners would otherwise pile up.
   */
  async #writeBefore(writer: InfluxWriter, lines: readonly string[]): Promise<void> {
    const deadline = this.#deadlinePassed.signal;
    const request = new AbortController();
    const onDeadline = (): void => request.abort(deadline.reason);
    if (deadline.aborted) request.abort(deadline.reason);
    else deadline.addEventListener('abort', onDeadline, { once: true });
    try {
      await writer.write(lines, request.signal);
    } finally {
      deadline.removeEventListener('abort', onDeadline);
    }
  }

  /** Writes batches until the buffer is empty, a batch waits for its retry, or the deadline passes. */
  async #flush(): Promise<void> {
    const writer = this.#writer;
    if (writer === undefined) return;
    while (true) {
      const batch = (this.#batch ??= this.#takeBatch());
      if (batch === undefined) return;
      if (this.#deadlineMs !== undefined && this.#now() >= this.#deadlineMs) return;
      try {
        await this.#writeBefore(writer, batch.lines);
        this.#written += batch.lines.length;
        this.#batch = undefined;
        if (this.#failing) {
          this.#failing = false;
          this.#options.warn(`influxdb: writing again to ${writer.description}\n`);
        }
      } catch (error) {
        const failure = error instanceof InfluxWriteError ? error : new InfluxWriteError(String(error), true, undefined);
        // A write we cut off at our own stop deadline says nothing of the database:
        // keep the database's last error (e.g. ECONNREFUSED) for the summary when there was one.
        if (!this.#deadlinePassed.signal.aborted || this.#lastError === undefined) this.#lastError = failure.message;
        if (!this.#failing) {
          this.#failing = true;
          this.#options.warn(
            `influxdb: write to ${writer.description} failed (${failure.message}); ${failure.retriable ? 'retrying with backoff' : 'points dropped'}, the run goes on\n`,
          );
        }
        batch.attempts++;
        if (!failure.retriable || batch.attempts >= this.#maxAttempts) {
          this.#droppedBatches += batch.lines.length;
          this.#batch = undefined;
          continue;
        }
        this.#retried++;
        const backoff = this.#options.backoff ?? DEFAULT_BACKOFF;
        const delayMs = Math.min(Math.max(backoffDelayMs(batch.attempts, backoff, this.#options.random), failure.retryAfterMs ?? 0), backoff.maxDelayMs);
        await this.#sleep(delayMs);
      }
    }
  }

  #takeBatch(): { lines: string[]; attempts: number } | undefined {
    if (this.#buffer.size === 0) return undefined;
    return { lines: this.#buffer.take(this.#batchPoints), attempts: 0 };
  }

  /** Waits `delayMs`, or less once stop() has set the deadline. */
  #sleep(delayMs: number): Promise<void> {
    const deadline = this.#deadlineMs;
    const waitMs = deadline === undefined ? delayMs : Math.max(0, Math.min(delayMs, deadline - this.#now()));
    return new Promise((resolve) => {
      const timer = setTimeout(done, waitMs);
      const signal = this.#stopping.signal;
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      // stop() wakes a long wait: the retry then happens under the deadline.
      if (deadline === undefined) signal.addEventListener('abort', done, { once: true });
    });
  }
}

/**
 * How many snapshot intervals make one written point: `intervalMs` divided by
 * the snapshot interval, rounded, at least 1 (1 when no interval is asked for).
 */
export function mergeFactor(intervalMs: number | undefined, snapshotUs: number): number {
  if (intervalMs === undefined || snapshotUs <= 0) return 1;
  return Math.max(1, Math.round((intervalMs * 1000) / snapshotUs));
}
