/**
 * InfluxDB output benchmark (issue 5, "Performance"): at 2,000 operations/s
 * over 10 operations and 5 outcomes, how much coordinator CPU does the output
 * add, and how many points a second does it write? And with the database
 * down, does memory stay bounded?
 *
 * The coordinator side is reproduced exactly: one IntervalReport a second,
 * as the aggregator hands it to outputs (10 series, 5 outcomes each, interval
 * histograms of 200 operations per series, encoded, and the response stats the
 * aggregator computed). The database is another process, so its CPU is not
 * counted: VictoriaMetrics when installed (the v2 write API), else a tiny HTTP
 * sink answering 204.
 *
 *   npm run bench:influx [-- --duration 20s --down-intervals 3600]
 *
 * Part 1 feeds one report a second for --duration, with and without the
 * output, and compares this process's CPU time (process.cpuUsage). Part 2
 * points the output at a closed port and feeds --down-intervals reports as
 * fast as it can (an hour of run by default), then reports the heap.
 * Prints a markdown table and writes bench/results/influx.json. Not part of npm test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHistogram, latencyStats, newHistogram, recordUs } from '../src/metrics/histogram.js';
import type { IntervalReport, IntervalSeriesReport, RunSummary } from '../src/metrics/types.js';
import { createInfluxOutput } from '../src/outputs/influx/influx-output.js';
import { freePort, parseSeconds, RESULTS_DIR } from './common.js';

const OPERATIONS = ['dimse.echo', 'mwl.find', 'dimse.store', 'qr.find', 'qr.move', 'qido.studies', 'qido.series', 'wado.metadata', 'wado.frames', 'viewer.open'];
const OUTCOMES = ['ok', 'timeout', 'http_5xx', 'dimse_failure_a700', 'connection_reset'];
const OPERATIONS_PER_SECOND = 2_000;
const VICTORIA_METRICS = '/usr/bin/victoria-metrics';

interface Args {
  durationSeconds: number;
  downIntervals: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { durationSeconds: 20, downIntervals: 3_600 };
  for (let index = 0; index < argv.length; index += 2) {
    const value = argv[index + 1] ?? '';
    if (argv[index] === '--duration') args.durationSeconds = parseSeconds(value);
    else if (argv[index] === '--down-intervals') args.downIntervals = Number(value);
    else throw new Error(`unknown option ${argv[index]}; use --duration 20s or --down-intervals 3600`);
  }
  return args;
}

/** Ten distinct reports (the feed cycles through them), each as the aggregator would produce. */
function buildReports(): IntervalReport[] {
  let seed = 42;
  // A fixed LCG: the same reports every run.
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const perSeries = OPERATIONS_PER_SECOND / OPERATIONS.length;
  return Array.from({ length: 10 }, () => {
    const series: IntervalSeriesReport[] = OPERATIONS.map((operation) => {
      const response = newHistogram();
      const service = newHistogram();
      for (let index = 0; index < perSeries; index++) {
        // Log-uniform between 0.5 ms and 2 s: a wide, realistic spread of buckets.
        const valueUs = Math.round(500 * Math.exp(random() * Math.log(4000)));
        recordUs(response, valueUs);
        recordUs(service, Math.round(valueUs * 0.9));
      }
      const outcomes: Record<string, number> = { ok: perSeries - 8 };
      for (const outcome of OUTCOMES.slice(1)) outcomes[outcome] = 2;
      return {
        point: { scenario: operation, operation, startUs: 0, endUs: 0, completed: perSeries, failed: 8, outcomes, dropped: 0, inFlight: 12, bytesSent: 40_000, bytesReceived: 900_000, response: latencyStats(response) },
        histograms: { response: encodeHistogram(response), service: encodeHistogram(service) },
      };
    });
    return { sequence: 0, startUs: 0, endUs: 0, status: { elapsedUs: 0, opsPerSec: OPERATIONS_PER_SECOND, p95Us: undefined, errors: 80, errorsTotal: 0, inFlight: 120, droppedTotal: 0 }, series };
  });
}

function reportAt(reports: IntervalReport[], sequence: number): IntervalReport {
  const base = reports[sequence % reports.length] as IntervalReport;
  const startUs = sequence * 1_000_000;
  const endUs = startUs + 1_000_000;
  return { ...base, sequence, startUs, endUs, series: base.series.map((entry) => ({ ...entry, point: { ...entry.point, startUs, endUs } })) };
}

function fakeSummary(durationSeconds: number): RunSummary {
  const now = new Date();
  return {
    schema: 'pacs-load/summary',
    version: 1,
    run: { id: 'bench', profile: 'bench', startedAt: now.toISOString(), endedAt: now.toISOString(), durationSeconds, workers: 2, endReason: 'completed', tool: { name: 'pacs-load', version: 'bench', node: process.version }, target: 'bench' },
    operations: [],
    thresholds: [],
    intervals: [],
  };
}

/** The database, in its own process. */
async function startSink(): Promise<{ url: string; kind: string; stop(): Promise<void> }> {
  const port = await freePort();
  let child: ChildProcess;
  let folder: string | undefined;
  let kind: string;
  if (existsSync(VICTORIA_METRICS)) {
    folder = await mkdtemp(join(tmpdir(), 'pacsload-bench-vm-'));
    child = spawn(VICTORIA_METRICS, [`-storageDataPath=${folder}`, `-httpListenAddr=127.0.0.1:${port}`, '-loggerLevel=ERROR'], { stdio: 'ignore' });
    kind = 'VictoriaMetrics';
  } else {
    const source = `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>s.writeHead(204).end())}).listen(${port},'127.0.0.1')`;
    child = spawn(process.execPath, ['-e', source], { stdio: 'ignore' });
    kind = 'HTTP sink (204)';
  }
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await fetch(`${url}/ping`).then(
      (response) => response.status < 500,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    kind,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Feeds one report a second for `seconds`; returns this process's CPU ms spent and what the output delivered. */
async function feed(reports: IntervalReport[], seconds: number, url: string | undefined) {
  const output =
    url === undefined
      ? undefined
      : createInfluxOutput({
          connection: { url, api: { version: 'v2', org: undefined, bucket: 'bench', token: undefined }, timeoutMs: 5_000 },
          instance: 'bench',
          warn: (text) => process.stderr.write(text),
        });
  await output?.start({ runId: `bench-${Date.now()}`, profile: 'bench', scenarioLines: OPERATIONS, target: 'bench', workers: 2 });
  // One interval first, untimed: module loading, JIT and the first connection are start-up costs, not per-second ones.
  output?.interval(reportAt(reports, 0));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  let intervalCallMs = 0;
  for (let sequence = 1; sequence <= seconds; sequence++) {
    await new Promise((resolve) => setTimeout(resolve, began + sequence * 1000 - performance.now()));
    const report = reportAt(reports, sequence);
    const callStarted = performance.now();
    output?.interval(report);
    intervalCallMs += performance.now() - callStarted;
  }
  const delivery = await output?.stop(fakeSummary(seconds));
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - began;
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs, delivery, intervalCallMs: intervalCallMs / seconds };
}

async function downMemory(reports: IntervalReport[], intervals: number) {
  const port = await freePort();
  const output = createInfluxOutput({
    connection: { url: `http://127.0.0.1:${port}`, api: { version: 'v2', org: undefined, bucket: 'bench', token: undefined }, timeoutMs: 1_000 },
    instance: 'bench',
    warn: () => {},
    stopTimeoutMs: 1_000,
  });
  await output.start({ runId: 'bench-down', profile: 'bench', scenarioLines: OPERATIONS, target: 'bench', workers: 2 });
  const heap = (): number => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed;
  };
  const heapBefore = heap();
  const samples: number[] = [];
  for (let sequence = 0; sequence < intervals; sequence++) {
    output.interval(reportAt(reports, sequence));
    if (sequence % 600 === 599) {
      // Let the flush loop run, as it would between intervals.
      await new Promise((resolve) => setTimeout(resolve, 10));
      samples.push(heap());
    }
  }
  const delivery = await output.stop(fakeSummary(intervals));
  return { heapBeforeBytes: heapBefore, heapSamplesBytes: samples, delivery };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const reports = buildReports();
  const sink = await startSink();
  let results;
  try {
    const without = await feed(reports, args.durationSeconds, undefined);
    const withOutput = await feed(reports, args.durationSeconds, sink.url);
    const addedCpuMsPerSecond = (withOutput.cpuMs - without.cpuMs) / args.durationSeconds;
    const down = await downMemory(reports, args.downIntervals);
    results = {
      sink: sink.kind,
      durationSeconds: args.durationSeconds,
      operationsPerSecond: OPERATIONS_PER_SECOND,
      series: OPERATIONS.length,
      outcomes: OUTCOMES.length,
      cpuMsWithout: without.cpuMs,
      cpuMsWith: withOutput.cpuMs,
      addedCpuMsPerSecond,
      addedCpuPercentOfOneCore: addedCpuMsPerSecond / 10,
      intervalCallMsMean: withOutput.intervalCallMs,
      pointsWrittenPerSecond: (withOutput.delivery?.written ?? 0) / (args.durationSeconds + 1),
      delivery: withOutput.delivery,
      down: { intervals: args.downIntervals, ...down },
    };
  } finally {
    await sink.stop();
  }
  const mib = (bytes: number): string => (bytes / 1_048_576).toFixed(1);
  const rows = [
    ['sink', results.sink],
    ['load fed', `${OPERATIONS_PER_SECOND} ops/s, ${OPERATIONS.length} operations x ${OUTCOMES.length} outcomes, ${args.durationSeconds} s`],
    ['coordinator CPU without output', `${results.cpuMsWithout.toFixed(0)} ms`],
    ['coordinator CPU with output', `${results.cpuMsWith.toFixed(0)} ms`],
    ['added CPU', `${results.addedCpuMsPerSecond.toFixed(2)} ms/s = ${results.addedCpuPercentOfOneCore.toFixed(2)}% of one core (target < 2%)`],
    ['interval() call (blocks the coordinator)', `${results.intervalCallMsMean.toFixed(2)} ms mean`],
    ['points written', `${results.pointsWrittenPerSecond.toFixed(1)} /s (target < 100), dropped ${results.delivery?.dropped ?? 0}`],
    ['database down: heap before', `${mib(results.down.heapBeforeBytes)} MiB`],
    ['database down: heap every 600 intervals', results.down.heapSamplesBytes.map(mib).join(', ') + ' MiB'],
    ['database down: dropped', `${results.down.delivery.dropped} of ${results.down.delivery.dropped + results.down.delivery.written}`],
  ];
  const table = ['| figure | value |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');
  process.stdout.write(`${table}\n`);
  await mkdir(RESULTS_DIR, { recursive: true });
  // `table` too: `npm run bench` puts it in all.md.
  await writeFile(join(RESULTS_DIR, 'influx.json'), JSON.stringify({ ...results, table }, null, 2) + '\n');
}

await main();
