/**
 * What the benchmark scripts share: running the built pacs-load CLI on a
 * profile (sampling its memory if asked), autocannon and wrk against a URL, and the figure/peer/ratio table
 * every script prints (issue 9: each figure beside the peer's, same run).
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import type { OperationSummary, RunSummary } from '../src/metrics/types.js';
import { CLI_PATH, RESULTS_DIR } from './common.js';

const run = promisify(execFile);
export const MB = 1_000_000;

/** Runs the built CLI on a profile with `workers` workers; returns its summary (from --out). */
export async function runPacsLoad(name: string, profileYaml: string, workers = 1): Promise<RunSummary> {
  return (await runPacsLoadSamplingMemory(name, profileYaml, workers)).summary;
}

/** What to read of the CLI process's memory while it runs (Linux: /proc/PID/status). */
export interface MemorySampling {
  /** `VmRSS`: resident memory at the sample; `VmHWM`: the peak resident memory so far. */
  field: 'VmRSS' | 'VmHWM';
  everyMs: number;
}

export interface SampledRun {
  summary: RunSummary;
  /** One value (MiB) per sample of `sampling.field`; empty without sampling. */
  memorySamplesMb: number[];
}

/**
 * runPacsLoad that also samples the CLI's memory every `sampling.everyMs` (the
 * main process; worker threads share it). Samples that cannot be read (the
 * process just exited, no /proc) are skipped.
 */
export async function runPacsLoadSamplingMemory(name: string, profileYaml: string, workers: number, sampling?: MemorySampling): Promise<SampledRun> {
  const folder = await mkdtemp(join(tmpdir(), 'pacsload-bench-'));
  const profilePath = join(folder, `${name}.yaml`);
  const outPath = join(folder, `${name}-summary.json`);
  await writeFile(profilePath, profileYaml);
  const child = spawn(process.execPath, [CLI_PATH, 'run', profilePath, '--workers', String(workers), '--quiet', '--out', outPath], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const memorySamplesMb: number[] = [];
  const pattern = sampling === undefined ? undefined : new RegExp(`${sampling.field}:\\s+(\\d+)`);
  const sampler =
    sampling === undefined
      ? undefined
      : setInterval(() => {
          readFile(`/proc/${child.pid}/status`, 'utf8')
            .then((status) => {
              const kb = Number(pattern?.exec(status)?.[1] ?? 'NaN');
              if (Number.isFinite(kb)) memorySamplesMb.push(kb / 1024);
            })
            .catch(() => undefined);
        }, sampling.everyMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  try {
    // 99 (thresholds) cannot happen: bench profiles have none.
    if (code !== 0) throw new Error(`pacs-load exited with ${code} for ${name}`);
    return { summary: JSON.parse(await readFile(outPath, 'utf8')) as RunSummary, memorySamplesMb };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The only operation of a one-scenario run's summary. */
export function onlyOperation(summary: RunSummary): OperationSummary {
  const operation = summary.operations[0];
  if (operation === undefined) throw new Error(`run ${summary.run.id} measured nothing`);
  return operation;
}

/** The summary without its encoded histograms (large, and the stats are there already). */
export function strip(summary: OperationSummary): Omit<OperationSummary, 'histograms'> {
  const { histograms: _histograms, ...rest } = summary;
  return rest;
}

export interface CannonFigures {
  requestsPerSec: number;
  mbPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
}

export interface CannonOptions {
  url: string;
  accept: string;
  connections: number;
  durationSeconds: number;
  /** autocannon's `overallRate`: requests/s over all connections (its rate limit). */
  overallRate?: number;
}

/** autocannon in this process: as fast as `connections` go, or at `overallRate`. */
export async function cannon(options: CannonOptions): Promise<CannonFigures> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: { accept: options.accept },
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
  });
  return {
    requestsPerSec: result.requests.total / result.duration,
    mbPerSec: result.throughput.average / MB,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export interface WrkFigures {
  requestsPerSec: number;
  mbPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  output: string;
}

/** wrk with one thread and `connections` connections; parses its summary and --latency lines. */
export async function wrk(url: string, accept: string, connections: number, durationSeconds: number): Promise<WrkFigures> {
  try {
    const { stdout } = await run('wrk', ['-t1', `-c${connections}`, `-d${durationSeconds}s`, '--latency', '-H', `Accept: ${accept}`, url]);
    const requests = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 'NaN');
    const transfer = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/.exec(stdout);
    // wrk prints binary units (1 MB = 2^20 bytes); convert to decimal MB like the other columns.
    const scale: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
    const mbPerSec = transfer === null ? NaN : (Number(transfer[1]) * scale[transfer[2]!]!) / MB;
    const latency = (label: RegExp): number => {
      const match = label.exec(stdout);
      return match === null ? NaN : wrkDurationMs(match[1]!, match[2]!);
    };
    return {
      requestsPerSec: requests,
      mbPerSec,
      p50Ms: latency(/^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$/m),
      p99Ms: latency(/^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m),
      // "Latency   avg   stdev   max   +/- stdev": the third figure.
      maxMs: latency(/^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)/m),
      output: stdout,
    };
  } catch (error) {
    // wrk missing: run scripts/install-peers.sh
    return { requestsPerSec: NaN, mbPerSec: NaN, p50Ms: NaN, p99Ms: NaN, maxMs: NaN, output: String(error) };
  }
}

function wrkDurationMs(value: string, unit: string): number {
  const factor: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
  return Number(value) * (factor[unit] ?? NaN);
}

export interface Row {
  figure: string;
  tool: string;
  peer: string;
  peerName: string;
  ratio: string;
  goal: string;
}

/** One table row: the figures with `unit`, and tool / peer as the ratio. */
export function row(figure: string, tool: number, peer: number, peerName: string, goal: string, unit: string): Row {
  const format = (value: number): string => (Number.isFinite(value) ? `${Number(value.toPrecision(4))}${unit}` : '-');
  return {
    figure,
    tool: format(tool),
    peer: format(peer),
    peerName,
    ratio: Number.isFinite(peer) && peer !== 0 && Number.isFinite(tool) ? (tool / peer).toFixed(2) : '-',
    goal,
  };
}

/** The runs of one figure: the median, shown with its min and max. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(values: readonly number[]): Spread {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: NaN, min: NaN, max: NaN, runs: [...values] };
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, runs: [...values] };
}

/** A table row of medians, each followed by its min and max; the ratio is of the medians. */
export function spreadRow(figure: string, tool: Spread, peer: Spread | undefined, peerName: string, goal: string, unit: string): Row {
  const base = row(figure, tool.median, peer?.median ?? NaN, peerName, goal, unit);
  const withRange = (text: string, value: Spread | undefined): string => {
    if (value === undefined || text === '-' || value.runs.length < 2) return text;
    const format = (n: number): string => `${Number(n.toPrecision(4))}`;
    return `${text} (${format(value.min)}–${format(value.max)})`;
  };
  return { ...base, tool: withRange(base.tool, tool), peer: withRange(base.peer, peer) };
}

/** Runs `run` `count` times, one after the other (never in parallel: they would share the cores). */
export async function repeatRuns<T>(count: number, run: (repeat: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let repeat = 0; repeat < count; repeat++) results.push(await run(repeat));
  return results;
}

/** Prints the markdown table and writes bench/results/<name>.json with it. */
export async function printAndSave(name: string, rows: readonly Row[], json: Record<string, unknown>): Promise<void> {
  const table = [
    '| figure | pacs-load | peer | peer tool | ratio | goal |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.tool} | ${r.peer} | ${r.peerName} | ${r.ratio} | ${r.goal} |`),
  ].join('\n');
  process.stdout.write(`${table}\n`);
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, `${name}.json`), JSON.stringify({ ...json, table }, null, 2));
}
