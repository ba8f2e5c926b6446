/**
 * The fault matrix's harness (issue 10): a simulator with injected faults in
 * the test process, and the BUILT CLI run against it as a real target, the way
 * a user points pacs-load at a failing PACS. The run writes its summary
 * (`--out`) and live points to InfluxDB (`--influx`, v2 write API) received by
 * a capture server here, so one run shows how a fault reads in all three
 * places a user looks: the console, the summary and InfluxDB. The simulator's
 * own count of what it injected is the truth the outcome counts are checked against.
 *
 * `npm test` builds before vitest runs; run `npm run build` first when running vitest alone.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startSimulator } from '../../src/simulator/index.js';
import { NO_FAULTS } from '../../src/simulator/faults.js';
import type { FaultKind, SimulatorFaults } from '../../src/profile/types.js';
import type { RunSummary } from '../../src/metrics/types.js';
import { runCli, tempDir, writeProfile } from './cli.js';

export interface FaultRunOptions {
  /** Fault knobs of the simulator, over no faults. */
  faults: Partial<SimulatorFaults>;
  /**
   * The profile's `scenarios:` block without that key, each line indented by
   * two spaces, e.g. "  echo:\n    operation: dimse.echo\n    executor: ...".
   */
  scenariosYaml: string;
  /** Extra keys of `target.dimse`, one per line without indent, e.g. "timeout: 1s". */
  dimseTargetYaml?: string;
  /** Extra keys of `target.dicomweb`, one per line without indent. */
  dicomwebTargetYaml?: string;
  /** Extra top-level profile keys (e.g. a `thresholds:` block), as YAML at column 0. */
  profileExtraYaml?: string;
  /** Extra `pacs-load run` arguments. */
  extraArgs?: string[];
  env?: Record<string, string>;
  /** Synthetic data set size of the simulator (defaults as in a profile). */
  stations?: number;
  stepsPerStation?: number;
  studies?: number;
}

export interface FaultRunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: RunSummary;
  /** Every line-protocol line the run wrote to InfluxDB. */
  influxLines: string[];
  /** Outcome counts of one operation (all its scenarios) in the summary. */
  summaryOutcomes(operation: string): Record<string, number>;
  /** Outcome counts of one operation summed over its `pacs_load_operations` points. */
  influxOutcomes(operation: string): Record<string, number>;
  /** Outcome keys the console's end-of-run table lists for one operation. */
  consoleOutcomes(operation: string): string[];
  /** What the simulator injected, by fault kind (FaultInjector.injectedCounts()). */
  injected: Partial<Record<FaultKind, number>>;
}

/** Runs one profile against a faulty simulator; see the file comment. */
export async function runAgainstFaultySimulator(options: FaultRunOptions): Promise<FaultRunResult> {
  const simulator = await startSimulator({
    settings: {
      stations: options.stations ?? 10,
      stepsPerStation: options.stepsPerStation ?? 5,
      studies: options.studies ?? 50,
      faults: { ...NO_FAULTS, ...options.faults },
    },
  });
  const capture = await startInfluxCapture();
  const dir = await tempDir();
  try {
    const profilePath = await writeProfile(dir.path, 'fault.yaml', faultProfileYaml(options, simulator));
    const summaryPath = join(dir.path, 'summary.json');
    // The stall clock starts now, as close to the run's time zero as a separate process allows.
    simulator.startFaultClock();
    const result = await runCli(['run', profilePath, '--out', summaryPath, '--influx', capture.url, '--influx-org', 'test', ...(options.extraArgs ?? [])], {
      env: options.env ?? {},
    });
    let summaryText: string;
    try {
      summaryText = await readFile(summaryPath, 'utf8');
    } catch {
      throw new Error(`the run wrote no summary (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
    }
    const summary = JSON.parse(summaryText) as RunSummary;
    const influxLines = capture.lines();
    return {
      ...result,
      summary,
      influxLines,
      summaryOutcomes: (operation) => summaryOutcomes(summary, operation),
      influxOutcomes: (operation) => influxOutcomes(influxLines, operation),
      consoleOutcomes: (operation) => consoleOutcomes(result.stdout, operation),
      injected: simulator.injectedFaults(),
    };
  } finally {
    await Promise.all([simulator.close(), capture.close(), dir.cleanup()]);
  }
}

function faultProfileYaml(options: FaultRunOptions, simulator: Awaited<ReturnType<typeof startSimulator>>): string {
  const indent = (text: string | undefined) =>
    (text ?? '')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `    ${line}`)
      .join('\n');
  return [
    'name: fault-matrix',
    'target:',
    '  dimse:',
    `    host: ${simulator.dimse.host}`,
    `    port: ${simulator.dimse.port}`,
    `    calledAe: ${simulator.dimse.aeTitle}`,
    indent(options.dimseTargetYaml),
    '  dicomweb:',
    `    baseUrl: ${simulator.dicomweb.baseUrl}`,
    indent(options.dicomwebTargetYaml),
    'scenarios:',
    options.scenariosYaml,
    options.profileExtraYaml ?? '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function summaryOutcomes(summary: RunSummary, operation: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of summary.operations.filter((op) => op.operation === operation)) {
    for (const [key, count] of Object.entries(entry.outcomes)) counts[key] = (counts[key] ?? 0) + count;
  }
  return counts;
}

/** Sums `count` of the `pacs_load_operations` lines of one operation, by outcome tag. */
function influxOutcomes(lines: readonly string[], operation: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) {
    const point = parseLine(line);
    if (point === undefined || point.measurement !== 'pacs_load_operations' || point.tags['operation'] !== operation) continue;
    const outcome = point.tags['outcome'] ?? '';
    const count = Number.parseInt(point.fields['count']?.replace(/i$/, '') ?? '0', 10);
    counts[outcome] = (counts[outcome] ?? 0) + count;
  }
  return counts;
}

/** The outcome keys in the console's errors table on rows of this operation. */
function consoleOutcomes(stdout: string, operation: string): string[] {
  const keys = new Set<string>();
  for (const line of stdout.split('\n')) {
    if (!line.includes(operation)) continue;
    for (const match of line.matchAll(/\b(protocol_error|check_failed|aborted|timeout|connection_refused|connection_reset|network_error_\w+|http_\w+|dimse_(?:failure|warning)_[0-9a-f]{4}|association_rejected_\d_\d_\d+)\b/g)) {
      keys.add(match[1] ?? '');
    }
  }
  return [...keys];
}

interface LinePoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, string>;
}

/**
 * Parses one line of InfluxDB line protocol, enough for the tags and numeric
 * fields this harness reads (escaped commas, spaces and equals signs in tags;
 * quoted string fields are skipped over).
 */
function parseLine(line: string): LinePoint | undefined {
  const parts = splitUnescaped(line, ' ');
  if (parts.length < 2) return undefined;
  const [head = '', fieldText = ''] = parts;
  const [measurement = '', ...tagPairs] = splitUnescaped(head, ',');
  const tags: Record<string, string> = {};
  for (const pair of tagPairs) {
    const [key = '', value = ''] = splitUnescaped(pair, '=');
    tags[unescape(key)] = unescape(value);
  }
  const fields: Record<string, string> = {};
  for (const pair of splitUnescaped(fieldText, ',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) fields[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { measurement: unescape(measurement), tags, fields };
}

/** Splits on `separator` outside backslash escapes and double-quoted strings. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (char === '\\' && i + 1 < text.length) {
      current += char + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

interface InfluxCapture {
  url: string;
  lines(): string[];
  close(): Promise<void>;
}

/** An HTTP server that takes InfluxDB writes (v1 `/write`, v2 `/api/v2/write`), keeps the lines and answers 204. */
async function startInfluxCapture(): Promise<InfluxCapture> {
  const received: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (request.url?.startsWith('/api/v2/write') === true || request.url?.startsWith('/write') === true) {
        received.push(...body.toString('utf8').split('\n').filter((line) => line !== ''));
        response.writeHead(204).end();
        return;
      }
      // Health and ping checks of the client library.
      response.writeHead(request.url?.startsWith('/health') === true ? 200 : 204, { 'content-type': 'application/json' }).end('{"status":"pass"}');
    });
  });
  server.on('connection', (socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lines: () => [...received],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
