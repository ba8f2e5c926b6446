/**
 * Soak (issue 10, item 6; issue 9, item 6): a long run at a steady, modest rate
 * against the simulator with periodic faults, in two separate processes, as a
 * user runs them: `pacs-load simulate` (a periodic stall, an error rate and
 * injected protocol faults, `--stats-file`) and `pacs-load run` (every kind of
 * operation a site runs all day, `--out` with its checkpoints). Every
 * `--sample-every` it reads both processes' memory (VmRSS, VmHWM) and open
 * file descriptors from /proc. At the end it checks:
 * - load sustained: at most 1% of the planned operations timed out or were
 *   dropped (else the machine did not keep up and the rest says little);
 * - memory flat and no fd growth (bench/soak-resources.ts: thresholds and why);
 * - nothing lost: the run's counts equal the simulator's, per operation, and
 *   every failure the run counted is a fault the simulator injected
 *   (bench/soak-checks.ts: which counts are 1:1 and which are not, and why).
 *
 *   npm run bench:soak [-- --duration 30m --workers 2 --faults abort=0.5%,reset=0.5%,http503=1%,http500=0.5%]
 *
 * Prints a markdown report and writes bench/results/soak.md and soak.json
 * (`--results-dir` to write elsewhere). Runs shorter than 10 minutes get every
 * figure but no memory, fd or load verdict. Exit 0 when every judged check passed,
 * 1 otherwise. Linux only (/proc). Not part of npm test (a 20 s run is:
 * test/integration/soak/soak-script.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_PATH, RESULTS_DIR } from './common.js';
import { NOT_ONE_TO_ONE, soakCountChecks, type CountCheck } from './soak-checks.js';
import {
  FD_MARGIN,
  MIN_JUDGED_SECONDS,
  MEMORY_SLOPE_LIMIT_MIB_PER_10MIN,
  judgeResources,
  sampleProcess,
  type ProcessSample,
  type ResourceFigures,
} from './soak-resources.js';
import { tryParseDurationUs } from '../src/profile/units.js';
import type { RunSummary } from '../src/metrics/types.js';
import type { SimulatorStatsFile } from '../src/cli/commands/simulate.js';

interface Args {
  durationSeconds: number;
  duration: string;
  workers: number;
  sampleEverySeconds: number;
  startLeadSeconds: number;
  errorRate: string;
  /** `kind=share` pairs for `simulator.faults`. */
  faults: Record<string, string>;
  stallAt: string;
  stallFor: string;
  stallEvery: string;
  resultsDir: string;
}

/** The steady load: per scenario, operation and rate (modest; a site's all-day background). */
export const SOAK_SCENARIOS = {
  worklist: { operation: 'mwl.find', rate: '20/s', extra: { stations: 10, modality: 'CT' } },
  search: { operation: 'qido.studies', rate: '20/s', extra: {} },
  frames: { operation: 'wado.frames', rate: '10/s', extra: { modality: 'CT' } },
  sends: { operation: 'dimse.store', rate: '4/m', extra: { modality: 'CR', images: 2, imageSize: '256KiB' } },
  procedures: { operation: 'mpps.inProgress', rate: '1/s', extra: { stations: 10, modality: 'CT' } },
} as const;
const IMAGES_PER_STUDY = 2;
/** target.dicomweb.connections: per worker and DICOMweb scenario. */
const HTTP_CONNECTIONS = 8;
const HTTP_SCENARIOS = 2;

/** Share of planned operations that may time out or be dropped before the soak says the machine did not keep up. */
const LOAD_SUSTAINED_LIMIT = 0.01;

const DEFAULT_FAULTS = 'abort=0.5%,reset=0.5%,http503=1%,http500=0.5%';

function seconds(option: string, text: string): number {
  const parsed = tryParseDurationUs(text);
  if (!parsed.ok || parsed.value <= 0) throw new Error(`${option}: "${text}" is not a duration; use e.g. 30s, 5m, 1h`);
  return parsed.value / 1e6;
}

function parseFaults(text: string): Record<string, string> {
  const faults: Record<string, string> = {};
  for (const pair of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const [kind, share] = pair.split('=');
    if (kind === undefined || share === undefined || kind === '' || share === '') throw new Error(`--faults: "${pair}" is not kind=share, e.g. abort=0.5%`);
    faults[kind.trim()] = share.trim();
  }
  return faults;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    durationSeconds: 1800,
    duration: '30m',
    workers: 2,
    sampleEverySeconds: 10,
    startLeadSeconds: 60,
    errorRate: '1%',
    faults: parseFaults(DEFAULT_FAULTS),
    stallAt: '1m',
    stallFor: '2s',
    stallEvery: '2m',
    resultsDir: RESULTS_DIR,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const option = argv[i] ?? '';
    const value = argv[i + 1] ?? '';
    switch (option) {
      case '--duration':
        args.duration = value;
        args.durationSeconds = seconds(option, value);
        break;
      case '--workers':
        args.workers = Number(value);
        if (!Number.isInteger(args.workers) || args.workers < 1) throw new Error('--workers must be a whole number of at least 1');
        break;
      case '--sample-every': args.sampleEverySeconds = seconds(option, value); break;
      case '--start-lead': args.startLeadSeconds = seconds(option, value); break;
      case '--error-rate': args.errorRate = value; break;
      case '--faults': args.faults = parseFaults(value); break;
      case '--stall-at': args.stallAt = value; break;
      case '--stall-for': args.stallFor = value; break;
      case '--stall-every': args.stallEvery = value; break;
      case '--results-dir': args.resultsDir = value; break;
      default: throw new Error(`unknown option ${option}; see the comment at the top of bench/soak.ts`);
    }
  }
  return args;
}

/** The scenarios block, as YAML lines (the same for the simulator's profile and the run's). */
function scenariosYaml(args: Args): string {
  const lines = ['scenarios:'];
  for (const [name, scenario] of Object.entries(SOAK_SCENARIOS)) {
    lines.push(`  ${name}:`, `    operation: ${scenario.operation}`, '    executor: constant-arrival-rate', `    rate: ${scenario.rate}`, `    duration: ${args.duration}`);
    for (const [key, value] of Object.entries(scenario.extra)) lines.push(`    ${key}: ${String(value)}`);
  }
  return lines.join('\n');
}

function simulatorProfile(args: Args): string {
  const faults = Object.entries(args.faults).map(([kind, share]) => `${kind}: "${share}"`).join(', ');
  return [
    'name: soak-simulator',
    'simulator:',
    `  errorRate: "${args.errorRate}"`,
    `  stallAt: ${args.stallAt}`,
    `  stallFor: ${args.stallFor}`,
    `  stallEvery: ${args.stallEvery}`,
    `  faults: { ${faults} }`,
    // Bounded, so the simulator's own memory plateaus once it is full (oldest studies evicted).
    '  storeMaxBytes: 32MiB',
    scenariosYaml(args),
    '',
  ].join('\n');
}

function runProfile(args: Args, stats: SimulatorStatsFile): string {
  return [
    'name: soak',
    'description: steady background load against pacs-load simulate with periodic faults (bench/soak.ts)',
    // An injected reset or abort on the preflight's C-ECHO would stop the soak before it starts.
    'preflight: false',
    'target:',
    `  dimse: { host: ${stats.dimse.host}, port: ${stats.dimse.port}, calledAe: ${stats.dimse.aeTitle} }`,
    `  dicomweb: { baseUrl: "${stats.dicomweb.baseUrl}", connections: ${HTTP_CONNECTIONS} }`,
    scenariosYaml(args),
    '',
  ].join('\n');
}

interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startCli(cliArgs: string[]): Child {
  const child = spawn(process.execPath, [CLI_PATH, ...cliArgs], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function readStats(path: string): Promise<SimulatorStatsFile | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SimulatorStatsFile;
  } catch {
    return undefined;
  }
}

/** Polls until `found` returns a value; throws `message` after `timeoutMs`. */
async function waitFor<T>(found: () => Promise<T | undefined> | T | undefined, timeoutMs: number, message: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await found();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(message());
    await sleep(100);
  }
}

export interface SoakReport {
  machine: { cpuModel: string; cpus: number; node: string };
  startedAt: string;
  /** The scenarios' duration (`--duration`). */
  durationSeconds: number;
  command: string;
  workers: number;
  scenarios: Record<string, { operation: string; rate: string }>;
  faults: { errorRate: string; stallAt: string; stallFor: string; stallEvery: string; injected: Record<string, string> };
  /** Per operation: completed, rate and outcomes from the run's summary. */
  operations: Array<{ operation: string; completed: number; dropped: number; ratePerSec: number; requests: number | undefined; outcomes: Record<string, number> }>;
  injected: { dimse: Record<string, number>; dicomweb: Record<string, number>; dimseErrorRate: number; dicomwebErrorRate: number };
  resources: { run: ResourceFigures; simulator: ResourceFigures };
  samples: { run: ProcessSample[]; simulator: ProcessSample[] };
  /** The simulator's counters at time zero and at the end, as its stats file had them. */
  simulatorStats: { baseline: SimulatorStatsFile['stats']; final: SimulatorStatsFile['stats'] };
  counts: CountCheck[];
  notOneToOne: Record<string, string>;
  thresholds: Record<string, string>;
  verdicts: { loadSustained: string; memoryFlat: string; noFdGrowth: string; nothingLost: string; overall: 'pass' | 'fail' };
  /** Operations that timed out or were dropped, of all planned: above LOAD_SUSTAINED_LIMIT the machine did not keep up. */
  load: { planned: number; timeouts: number; dropped: number; shareLost: number };
  runEndReason: string;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = await mkdtemp(join(tmpdir(), 'pacs-load-soak-'));
  const statsPath = join(work, 'simulator-stats.json');
  const summaryPath = join(work, 'summary.json');
  const simulatorProfilePath = join(work, 'simulator.yaml');
  const runProfilePath = join(work, 'soak.yaml');
  await writeFile(simulatorProfilePath, simulatorProfile(args), 'utf8');

  // Time zero, chosen first: the simulator injects no fault before it (so the workers' look-ups
  // and warm-up see a healthy PACS and every fault lands on a measured operation), and the run starts then.
  const epochMs = Date.now() + args.startLeadSeconds * 1000;
  const simulator = startCli([
    'simulate', '--profile', simulatorProfilePath, '--stats-file', statsPath, '--stats-every', '1s', '--faults-from', String(epochMs),
  ]);
  let run: Child | undefined;
  try {
    const started = await waitFor(() => readStats(statsPath), 20_000, () => `the simulator wrote no stats: ${simulator.stderr()}`);
    await writeFile(runProfilePath, runProfile(args, started), 'utf8');

    run = startCli(['run', runProfilePath, '--out', summaryPath, '--quiet', '--workers', String(args.workers), '--start-at', new Date(epochMs).toISOString()]);
    const current = run;
    process.stdout.write(`soak: ${args.duration}, ${args.workers} workers; simulator pid ${simulator.process.pid}, run pid ${run.process.pid}; files in ${work}\n`);

    const samples = { run: [] as ProcessSample[], simulator: [] as ProcessSample[] };
    const takeSamples = async (): Promise<void> => {
      const atSeconds = (Date.now() - epochMs) / 1000;
      const [runSample, simulatorSample] = await Promise.all([sampleProcess(current.process.pid!, atSeconds), sampleProcess(simulator.process.pid!, atSeconds)]);
      // A process that is exiting (a zombie) has no VmRSS any more.
      if (runSample !== undefined && runSample.rssKiB > 0) samples.run.push(runSample);
      if (simulatorSample !== undefined && simulatorSample.rssKiB > 0) samples.simulator.push(simulatorSample);
    };

    // The baseline: the simulator's counts once every worker is ready (look-ups done) and before time zero.
    let runExited = false;
    void current.exited.then(() => (runExited = true));
    await waitFor(
      () => {
        if (runExited) throw new Error(`pacs-load run ended before time zero: ${current.stdout()}${current.stderr()}`);
        return current.stdout().includes('workers ready') ? true : undefined;
      },
      args.startLeadSeconds * 1000 + 5000,
      () => `the run did not get ready before time zero: ${current.stderr()}`,
    );
    const readyAtMs = Date.now();
    const baseline = await waitFor(
      async () => {
        const stats = await readStats(statsPath);
        return stats !== undefined && stats.writtenAtEpochMs > readyAtMs ? stats : undefined;
      },
      Math.max(0, epochMs - readyAtMs - 200),
      () => 'no simulator stats were written between "workers ready" and time zero; give a longer --start-lead',
    );
    if (baseline.writtenAtEpochMs >= epochMs) throw new Error('the baseline was written after time zero; give a longer --start-lead');

    await sleep(Math.max(0, epochMs - Date.now()));
    while (!runExited) {
      await takeSamples();
      await Promise.race([sleep(args.sampleEverySeconds * 1000), current.exited]);
    }
    const runExitCode = await current.exited;
    simulator.process.kill('SIGTERM');
    await simulator.exited;
    const final = await readStats(statsPath);
    if (final?.final !== true) throw new Error(`the simulator wrote no final stats: ${simulator.stderr()}`);
    const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as RunSummary;
    if (runExitCode !== 0 && runExitCode !== 99) throw new Error(`pacs-load run exited ${runExitCode}: ${current.stderr()}`);

    const report = buildReport(args, summary, baseline, final, samples);
    const markdown = renderMarkdown(report, args);
    await mkdir(args.resultsDir, { recursive: true });
    await writeFile(join(args.resultsDir, 'soak.json'), `${JSON.stringify(report, null, 2)}\n`, 'utf8');
    await writeFile(join(args.resultsDir, 'soak.md'), markdown, 'utf8');
    process.stdout.write(markdown);
    process.exitCode = report.verdicts.overall === 'pass' ? 0 : 1;
    await rm(work, { recursive: true, force: true });
  } finally {
    if (run !== undefined && run.process.exitCode === null) run.process.kill('SIGTERM');
    if (simulator.process.exitCode === null) simulator.process.kill('SIGTERM');
    await Promise.all([run?.exited, simulator.exited]);
  }
}

function verdictOf(...verdicts: string[]): string {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.every((verdict) => verdict === 'not-judged')) return 'not-judged';
  return 'pass';
}

function buildReport(
  args: Args,
  summary: RunSummary,
  baseline: SimulatorStatsFile,
  final: SimulatorStatsFile,
  samples: { run: ProcessSample[]; simulator: ProcessSample[] },
): SoakReport {
  const counts = soakCountChecks({ summary, baseline: baseline.stats, final: final.stats, imagesPerStudy: IMAGES_PER_STUDY });
  const fdAllowance = args.workers * HTTP_SCENARIOS * HTTP_CONNECTIONS;
  const resources = {
    run: judgeResources(samples.run, args.durationSeconds, fdAllowance),
    simulator: judgeResources(samples.simulator, args.durationSeconds, fdAllowance),
  };
  // Reported, not judged: the simulator's store fills up to its cap during the run by design.
  resources.simulator.memoryVerdict = 'not-judged';
  resources.simulator.memoryReason = `reported, not judged (its store fills to its cap by design): slope ${resources.simulator.rssSlopeMiBPer10Min.toFixed(2)} MiB/10 min`;
  // The tool's memory; the simulator's store fills to its cap by design (bench/soak-resources.ts).
  const memoryFlat = verdictOf(resources.run.memoryVerdict);
  const noFdGrowth = verdictOf(resources.run.fdVerdict, resources.simulator.fdVerdict);
  const nothingLost = counts.every((check) => check.passed) ? 'pass' : 'fail';
  const planned = summary.operations.reduce((total, operation) => total + operation.completed + operation.dropped, 0);
  const timeouts = summary.operations.reduce((total, operation) => total + (operation.outcomes['timeout'] ?? 0), 0);
  const dropped = summary.operations.reduce((total, operation) => total + operation.dropped, 0);
  const shareLost = planned === 0 ? 0 : (timeouts + dropped) / planned;
  const loadSustained = args.durationSeconds < MIN_JUDGED_SECONDS ? 'not-judged' : shareLost <= LOAD_SUSTAINED_LIMIT ? 'pass' : 'fail';
  const difference = (end: Record<string, number | undefined>, start: Record<string, number | undefined>): Record<string, number> =>
    Object.fromEntries(Object.keys(end).map((kind) => [kind, (end[kind] ?? 0) - (start[kind] ?? 0)]));
  return {
    machine: { cpuModel: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, node: process.version },
    startedAt: summary.run.startedAt,
    durationSeconds: args.durationSeconds,
    command: `npm run bench:soak --${process.argv.slice(2).map((arg) => ` ${arg}`).join('')}`,
    workers: summary.run.workers,
    scenarios: Object.fromEntries(Object.entries(SOAK_SCENARIOS).map(([name, scenario]) => [name, { operation: scenario.operation, rate: scenario.rate }])),
    faults: { errorRate: args.errorRate, stallAt: args.stallAt, stallFor: args.stallFor, stallEvery: args.stallEvery, injected: args.faults },
    operations: summary.operations.map((operation) => ({
      operation: operation.operation,
      completed: operation.completed,
      dropped: operation.dropped,
      ratePerSec: operation.ratePerSec,
      requests: operation.requests,
      outcomes: operation.outcomes,
    })),
    injected: {
      dimse: difference(final.stats.dimse.injectedFaults, baseline.stats.dimse.injectedFaults),
      dicomweb: difference(final.stats.dicomweb.injectedFaults, baseline.stats.dicomweb.injectedFaults),
      dimseErrorRate: final.stats.dimse.errorRateFailures - baseline.stats.dimse.errorRateFailures,
      dicomwebErrorRate: final.stats.dicomweb.errorRateFailures - baseline.stats.dicomweb.errorRateFailures,
    },
    resources,
    samples,
    simulatorStats: { baseline: baseline.stats, final: final.stats },
    counts,
    notOneToOne: NOT_ONE_TO_ONE,
    thresholds: {
      loadSustained: `timeouts + dropped <= ${LOAD_SUSTAINED_LIMIT * 100}% of the planned operations (else the machine did not keep up, and the other verdicts say little), judged for runs of ${MIN_JUDGED_SECONDS / 60} min or more`,
      memoryFlat: `the run's RSS slope over the second half <= ${MEMORY_SLOPE_LIMIT_MIB_PER_10MIN} MiB per 10 min (the simulator's is reported, not judged), judged for runs of ${MIN_JUDGED_SECONDS / 60} min or more (bench/soak-resources.ts says why)`,
      noFdGrowth: `median fd count of the last third <= median of the first third + the HTTP pools' connections (${fdAllowance}) + ${FD_MARGIN}, judged for runs of ${MIN_JUDGED_SECONDS / 60} min or more`,
      nothingLost: 'every count check within its slack (0 for the exact ones; bench/soak-checks.ts)',
    },
    load: { planned, timeouts, dropped, shareLost },
    verdicts: {
      loadSustained,
      memoryFlat,
      noFdGrowth,
      nothingLost,
      overall: loadSustained !== 'fail' && memoryFlat !== 'fail' && noFdGrowth !== 'fail' && nothingLost === 'pass' ? 'pass' : 'fail',
    },
    runEndReason: summary.run.endReason,
  };
}

function mib(value: number): string {
  return value.toFixed(1);
}

function renderMarkdown(report: SoakReport, args: Args): string {
  const lines: string[] = [];
  lines.push(`# Soak: ${args.duration} against pacs-load simulate with periodic faults`, '');
  lines.push(`Started ${report.startedAt}; ${report.workers} workers; ${report.machine.cpuModel}, ${report.machine.cpus} cores, Node ${report.machine.node}; run ended: ${report.runEndReason}.`, '');
  lines.push(`Command: \`${report.command}\``, '');
  lines.push(
    `Load: ${Object.values(report.scenarios).map((scenario) => `${scenario.operation} ${scenario.rate}`).join(', ')}. ` +
      `Faults: error rate ${report.faults.errorRate}; a ${report.faults.stallFor} stall at ${report.faults.stallAt} and every ${report.faults.stallEvery}; ` +
      `injected ${Object.entries(report.faults.injected).map(([kind, share]) => `${kind} ${share}`).join(', ') || 'none'}.`,
    '',
  );
  lines.push('## Verdicts', '');
  lines.push('| check | verdict | threshold |', '|---|---|---|');
  lines.push(
    `| load sustained | ${report.verdicts.loadSustained} (${report.load.timeouts} timeouts + ${report.load.dropped} dropped of ${report.load.planned}: ${(report.load.shareLost * 100).toFixed(1)}%) | ${report.thresholds.loadSustained} |`,
  );
  lines.push(`| memory flat | ${report.verdicts.memoryFlat} | ${report.thresholds.memoryFlat} |`);
  lines.push(`| no fd growth | ${report.verdicts.noFdGrowth} | ${report.thresholds.noFdGrowth} |`);
  lines.push(`| nothing lost | ${report.verdicts.nothingLost} | ${report.thresholds.nothingLost} |`);
  lines.push(`| **overall** | **${report.verdicts.overall}** | |`, '');
  lines.push('## Memory and file descriptors', '');
  lines.push('| process | samples | RSS start MiB | RSS peak MiB | RSS end MiB | slope 2nd half MiB/10 min | fd start | fd max | fd end | memory | fds |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, figures] of Object.entries(report.resources)) {
    lines.push(
      `| ${name} | ${figures.samples} | ${mib(figures.rssStartMiB)} | ${mib(figures.rssPeakMiB)} | ${mib(figures.rssEndMiB)} | ${figures.rssSlopeMiBPer10Min.toFixed(2)} | ` +
        `${figures.fdStart} | ${figures.fdMax} | ${figures.fdEnd} | ${figures.memoryVerdict} | ${figures.fdVerdict} |`,
    );
  }
  lines.push('');
  for (const [name, figures] of Object.entries(report.resources)) lines.push(`- ${name}: memory ${figures.memoryReason}; fds ${figures.fdReason}.`);
  lines.push('', '## Nothing lost: the run\'s counts beside the simulator\'s', '');
  lines.push('| check | run | simulator | slack | verdict | how |', '|---|---|---|---|---|---|');
  for (const check of report.counts) {
    lines.push(`| ${check.name} | ${check.run} | ${check.simulator} | ${check.slack} | ${check.passed ? 'pass' : '**fail**'} | ${check.note} |`);
  }
  lines.push('', '## Operations', '');
  lines.push('| operation | completed | dropped | rate /s | requests | outcomes |', '|---|---|---|---|---|---|');
  for (const operation of report.operations) {
    const outcomes = Object.entries(operation.outcomes).map(([key, count]) => `${key} ${count}`).join(', ');
    lines.push(`| ${operation.operation} | ${operation.completed} | ${operation.dropped} | ${operation.ratePerSec.toFixed(2)} | ${operation.requests ?? ''} | ${outcomes} |`);
  }
  const injected = [
    ...Object.entries(report.injected.dimse).map(([kind, count]) => `DIMSE ${kind} ${count}`),
    ...Object.entries(report.injected.dicomweb).map(([kind, count]) => `DICOMweb ${kind} ${count}`),
    `DIMSE error rate ${report.injected.dimseErrorRate}`,
    `DICOMweb error rate ${report.injected.dicomwebErrorRate}`,
  ];
  lines.push('', `Injected by the simulator during the run: ${injected.join(', ')}.`, '');
  lines.push('## Not compared 1:1, and why', '');
  for (const [operation, why] of Object.entries(report.notOneToOne)) lines.push(`- ${operation}: ${why}.`);
  lines.push('');
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
