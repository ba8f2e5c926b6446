/**
 * Spine benchmark (issue 2, "Performance"): with 2 workers against the embedded
 * simulator on this machine, can pacs-load sustain 2,000 qido.studies/s and 400
 * dimse.echo associations/s for 30 s with schedule lag p99 under 5 ms and under
 * 0.1% dropped, and does memory stay flat over a long run?
 *
 * Each figure is measured beside a peer in the same run: autocannon (rate-limited
 * to the same target, same connection count) against a standalone simulator for
 * QIDO, and DCMTK's echoscu (one association per repeat) for C-ECHO.
 *
 * The rate figures are run `--repeats` times (default 3), tool and peer taking
 * turns; the table shows the median with its min and max.
 *
 *   npm run bench:spine [-- --duration 30s --memory-duration 5m --repeats 3]
 *
 * Prints a markdown table and writes bench/results/spine.json. Not part of npm test.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import type { RunSummary } from '../src/metrics/types.js';
import { startSimulator } from '../src/simulator/index.js';
import { NO_FAULTS } from '../src/simulator/faults.js';
import { parseSeconds } from './common.js';
import { printAndSave, repeatRuns, row, runPacsLoadSamplingMemory, spread, spreadRow, type Row } from './http-tools.js';


interface Args {
  /** Which parts to run: qido, echo, memory (default all). */
  only: Set<string>;
  durationSeconds: number;
  memoryDurationSeconds: number;
  qidoRate: number;
  echoRate: number;
  /** Runs per rate figure; the table shows the median with min and max (issue 9, item 7). */
  repeats: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { only: new Set(['qido', 'echo', 'memory']), durationSeconds: 30, memoryDurationSeconds: 300, qidoRate: 2000, echoRate: 400, repeats: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1] ?? '';
    switch (argv[i]) {
      case '--only': args.only = new Set(value.split(',')); break;
      case '--duration': args.durationSeconds = parseSeconds(value); break;
      case '--memory-duration': args.memoryDurationSeconds = parseSeconds(value); break;
      case '--qido-rate': args.qidoRate = Number(value); break;
      case '--echo-rate': args.echoRate = Number(value); break;
      case '--repeats': args.repeats = Math.max(1, Math.floor(Number(value))); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return args;
}


interface ToolRun {
  summary: RunSummary;
  peakRssMb: number;
  rssSamplesMb: number[];
}

/** Runs the built CLI on a profile with `workers` workers (default 2) and samples its resident memory every second. */
async function runTool(name: string, profileYaml: string, workers = 2): Promise<ToolRun> {
  const { summary, memorySamplesMb } = await runPacsLoadSamplingMemory(name, profileYaml, workers, { field: 'VmRSS', everyMs: 1000 });
  return { summary, peakRssMb: Math.max(...memorySamplesMb), rssSamplesMb: memorySamplesMb };
}

function arrivalProfile(name: string, operation: string, rate: number, durationSeconds: number, extra = ''): string {
  return [
    `name: ${name}`,
    'scenarios:',
    '  load:',
    `    operation: ${operation}`,
    '    executor: constant-arrival-rate',
    `    rate: ${rate}/s`,
    `    duration: ${durationSeconds}s`,
    '    maxInFlight: 200',
    extra,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rows: Row[] = [];
  const json: Record<string, unknown> = { args: { ...args, only: [...args.only] }, node: process.version, date: new Date().toISOString() };

  // 1. qido.studies at the goal rate, 2 workers, embedded simulator.
  if (args.only.has('qido')) await benchQido(args, rows, json);
  if (args.only.has('echo')) await benchEcho(args, rows, json);
  if (args.only.has('memory') && args.memoryDurationSeconds > 0) await benchMemory(args, rows, json);
  // The full run is `spine` (the name `npm run bench` reads); a partial one says which parts.
  const allParts = ['qido', 'echo', 'memory'].every((part) => args.only.has(part));
  await printAndSave(allParts ? 'spine' : `spine-${[...args.only].join('-')}`, rows, json);
}

async function benchQido(args: Args, rows: Row[], json: Record<string, unknown>): Promise<void> {
  const runs = await repeatRuns(args.repeats, async () => {
    const qido = await runTool('qido', arrivalProfile('bench-qido', 'qido.studies', args.qidoRate, args.durationSeconds, '    limit: 10'));
    // Peer: autocannon at the same rate and connection count against a standalone simulator.
    const peerSim = await startSimulator({ settings: { stations: 10, stepsPerStation: 5, studies: 50, faults: NO_FAULTS } });
    const qidoUrl = `${peerSim.dicomweb.baseUrl}/studies?ModalitiesInStudy=CT&limit=10&offset=0&includefield=00081030,00080060`;
    const peerResult = await autocannon({
      url: qidoUrl,
      connections: 32,
      overallRate: args.qidoRate,
      duration: args.durationSeconds,
      headers: { accept: 'application/dicom+json' },
    });
    await peerSim.close();
    return { tool: qido.summary.operations[0]!, peakRssMb: qido.peakRssMb, peerRate: peerResult.requests.total / args.durationSeconds, peer: peerResult };
  });
  rows.push(
    spreadRow('qido.studies rate (2 workers)', spread(runs.map((r) => r.tool.ratePerSec)), spread(runs.map((r) => r.peerRate)), 'autocannon overallRate', `>= ${args.qidoRate}/s`, '/s'),
    spreadRow('qido.studies p99 response', spread(runs.map((r) => r.tool.latency.response!.p99Us / 1000)), spread(runs.map((r) => r.peer.latency.p99)), 'autocannon', 'true value', ' ms'),
    spreadRow('qido.studies schedule lag p99', spread(runs.map((r) => r.tool.latency.lag!.p99Us / 1000)), undefined, '-', '< 5 ms', ' ms'),
    spreadRow('qido.studies dropped', spread(runs.map((r) => r.tool.droppedRate * 100)), undefined, '-', '< 0.1 %', ' %'),
  );
  json.qido = runs.map((r) => ({ tool: r.tool, peakRssMb: r.peakRssMb, autocannon: { rate: r.peerRate, latency: r.peer.latency, errors: r.peer.errors, non2xx: r.peer.non2xx } }));
}

/** dimse.echo associations at the goal rate. */
async function benchEcho(args: Args, rows: Row[], json: Record<string, unknown>): Promise<void> {
  const runs = await repeatRuns(args.repeats, async () => {
    const echo = await runTool('echo', arrivalProfile('bench-echo', 'dimse.echo', args.echoRate, args.durationSeconds));
    // Scaling (issue 9, item 5): the same rate on one worker.
    const oneWorker = await runTool('echo-1w', arrivalProfile('bench-echo', 'dimse.echo', args.echoRate, args.durationSeconds), 1);
    return { tool: echo.summary.operations[0]!, oneWorker: oneWorker.summary.operations[0]!, peakRssMb: echo.peakRssMb, echoscuPerSec: await echoscuAssociationsPerSecond(200) };
  });
  rows.push(
    spreadRow('dimse.echo associations/s (2 workers)', spread(runs.map((r) => r.tool.ratePerSec)), spread(runs.map((r) => r.echoscuPerSec)), 'echoscu --repeat, 1 process', `>= ${args.echoRate}/s`, '/s'),
    spreadRow('dimse.echo schedule lag p99', spread(runs.map((r) => r.tool.latency.lag!.p99Us / 1000)), undefined, '-', '< 5 ms', ' ms'),
    spreadRow('dimse.echo associations/s (1 worker)', spread(runs.map((r) => r.oneWorker.ratePerSec)), spread(runs.map((r) => r.echoscuPerSec)), 'echoscu --repeat, 1 process', 'report', '/s'),
    spreadRow('dimse.echo schedule lag p99 (1 worker)', spread(runs.map((r) => r.oneWorker.latency.lag!.p99Us / 1000)), undefined, '-', 'report', ' ms'),
    spreadRow('dimse.echo dropped', spread(runs.map((r) => r.tool.droppedRate * 100)), undefined, '-', '< 0.1 %', ' %'),
    spreadRow('dimse.echo p50 response', spread(runs.map((r) => r.tool.latency.response!.p50Us / 1000)), undefined, '-', '', ' ms'),
  );
  json.echo = runs.map((r) => ({ tool: r.tool, oneWorker: r.oneWorker, peakRssMb: r.peakRssMb, echoscuAssociationsPerSec: r.echoscuPerSec }));
}

/** Memory over a long run: peak RSS in the second and the last minute. */
async function benchMemory(args: Args, rows: Row[], json: Record<string, unknown>): Promise<void> {
  {
    const long = await runTool('memory', arrivalProfile('bench-memory', 'qido.studies', 500, args.memoryDurationSeconds, '    limit: 10'));
    const samples = long.rssSamplesMb;
    const window = Math.min(60, Math.floor(samples.length / 3));
    const early = Math.max(...samples.slice(window, 2 * window));
    const late = Math.max(...samples.slice(-window));
    rows.push(row(`RSS, 2nd vs last minute of ${args.memoryDurationSeconds}s at 500/s`, late, early, 'same run, early', 'flat', ' MB'));
    json.memory = { samplesMb: samples, earlyPeakMb: early, latePeakMb: late };
  }
}

/** DCMTK echoscu: N associations in one process, one after another. */
async function echoscuAssociationsPerSecond(repeats: number): Promise<number> {
  const sim = await startSimulator({ settings: { stations: 1, stepsPerStation: 1, studies: 1, faults: NO_FAULTS } });
  try {
    const startedMs = performance.now();
    await promisify(execFile)('echoscu', ['--repeat', String(repeats), '-aec', sim.dimse.aeTitle, sim.dimse.host, String(sim.dimse.port)], {
      env: { ...process.env, TCP_NODELAY: '1' },
    });
    return repeats / ((performance.now() - startedMs) / 1000);
  } catch {
    return NaN; // echoscu missing: run scripts/install-peers.sh
  } finally {
    await sim.close();
  }
}

await main();
