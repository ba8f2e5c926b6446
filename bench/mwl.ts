/**
 * Worklist benchmark (issue 3, "Performance"): on this machine, loopback,
 * DCMTK `wlmscpfs` (TCP_NODELAY=1) serving a synthetic worklist of `.wl`
 * files: `mwl.find` queries/s beside DCMTK `findscu` sending the same broad
 * query, in the same run. wlmscpfs runs twice: in its default fork mode (a
 * process per association, about 30 ms each here: what a site running it
 * sees) and in single-process mode (-s, associations one at a time, so the
 * figures show the SCUs' own cost; more users only queue there).
 *
 *   npm run bench:mwl [-- --seconds 10 --stations 10 --steps 5 --repeats 3]
 *
 * Figures, each for `--seconds`:
 * - findscu loop: one findscu process after another, each one association
 *   and one C-FIND, as a modality polling its worklist does;
 * - findscu --repeat: one findscu process sending the query again and again
 *   on a single association (no association set-up per query: an upper bound
 *   no per-query association can reach);
 * - pacs-load, built CLI, one worker, constant-concurrency with 1 user (the
 *   fair sequential comparison with the findscu loop) and with 4 users, on
 *   one worker and on two (scaling).
 * Every query matches `--steps` items of one station (0xFF01 pending answers);
 * pacs-load runs with `expectItems`, so a wrong count is a failure, and the
 * findscu runs are checked once with -v. Prints a markdown table and writes
 * bench/results/mwl.json. Each figure is run `--repeats` times (default 3), the
 * clients taking turns in each repeat; the table shows the median queries/s
 * with its min and max, and the figures of the median run. Not part of npm test.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunSummary } from '../src/metrics/types.js';
import { localDicomDate } from '../src/synth/dicom-date.js';
import { buildWorklist, stationAeTitle } from '../src/synth/worklist.js';
import type { WorklistItem } from '../src/synth/worklist.js';
import { CLI_PATH, RESULTS_DIR, freePort } from './common.js';
import { repeatRuns, spread } from './http-tools.js';

const run = promisify(execFile);
const dcmtkEnv = { ...process.env, TCP_NODELAY: '1' };
const AE_TITLE = 'WLMSCP';
/** findscu --repeat: queries per process; the process is restarted until the time is up. */
const REPEAT_BATCH = 200;

interface Args {
  seconds: number;
  stations: number;
  steps: number;
  /** Runs per figure; the table shows the median with min and max (issue 9, item 7). */
  repeats: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seconds: 10, stations: 10, steps: 5, repeats: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    switch (argv[i]) {
      case '--seconds': args.seconds = value; break;
      case '--stations': args.stations = value; break;
      case '--steps': args.steps = value; break;
      case '--repeats': args.repeats = Math.max(1, Math.floor(value)); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return args;
}


/** A DCMTK dump (dump2dcm input) of one worklist item; tags in ascending order. */
function worklistDump(item: WorklistItem): string {
  const [step] = item.ScheduledProcedureStepSequence;
  return [
    `(0008,0050) SH [${item.AccessionNumber}]`,
    `(0008,0080) LO [${item.InstitutionName}]`,
    `(0010,0010) PN [${item.PatientName}]`,
    `(0010,0020) LO [${item.PatientID}]`,
    `(0010,0030) DA [${item.PatientBirthDate}]`,
    `(0010,0040) CS [${item.PatientSex}]`,
    `(0020,000d) UI [${item.StudyInstanceUID}]`,
    `(0032,1060) LO [${item.RequestedProcedureDescription}]`,
    '(0040,0100) SQ (Sequence with undefined length)',
    '(fffe,e000) na (Item with undefined length)',
    `(0008,0060) CS [${step.Modality}]`,
    `(0040,0001) AE [${step.ScheduledStationAETitle}]`,
    `(0040,0002) DA [${step.ScheduledProcedureStepStartDate}]`,
    `(0040,0003) TM [${step.ScheduledProcedureStepStartTime}]`,
    `(0040,0007) LO [${step.ScheduledProcedureStepDescription}]`,
    `(0040,0009) SH [${step.ScheduledProcedureStepID}]`,
    '(fffe,e00d) na (ItemDelimitationItem)',
    '(fffe,e0dd) na (SequenceDelimitationItem)',
    `(0040,1001) SH [${item.RequestedProcedureID}]`,
    '',
  ].join('\n');
}

/** The worklist folder wlmscpfs serves (`<folder>/<AE>/*.wl` plus the lockfile it requires). */
async function writeWorklist(folder: string, args: Args): Promise<void> {
  const aeFolder = join(folder, AE_TITLE);
  await mkdir(aeFolder);
  await writeFile(join(aeFolder, 'lockfile'), '');
  const worklist = buildWorklist({ stations: args.stations, stepsPerStation: args.steps, date: localDicomDate(new Date()), seed: 5, modality: 'CT' });
  for (const [index, item] of worklist.entries()) {
    const dumpPath = join(folder, `${index}.dump`);
    await writeFile(dumpPath, worklistDump(item));
    await run('dump2dcm', [dumpPath, join(aeFolder, `${index}.wl`)]);
  }
}

type ScpMode = 'fork' | 'single-process';

async function startWlmscpfs(folder: string, mode: ScpMode): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('wlmscpfs', [mode === 'fork' ? '--fork' : '--single-process', '-dfp', folder, String(port)], { env: dcmtkEnv, stdio: 'ignore' });
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await run('echoscu', ['-aec', AE_TITLE, '127.0.0.1', String(port)], { env: dcmtkEnv }).then(() => true, () => false);
    if (ok) return { port, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error('wlmscpfs did not start');
}

/** findscu arguments for the same broad query mwl.find sends (src/operations/mwl-find.ts), for station `station`. */
function findscuArgs(port: number, station: number, extra: string[] = []): string[] {
  const keys = [
    'PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'AccessionNumber', 'ReferringPhysicianName',
    'RequestedProcedureID', 'RequestedProcedureDescription', 'StudyInstanceUID',
    `ScheduledProcedureStepSequence[0].ScheduledStationAETitle=${stationAeTitle(station)}`,
    'ScheduledProcedureStepSequence[0].Modality=CT',
    `ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=${localDicomDate(new Date())}`,
    'ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime',
    'ScheduledProcedureStepSequence[0].ScheduledProcedureStepID',
    'ScheduledProcedureStepSequence[0].ScheduledProcedureStepDescription',
    'ScheduledProcedureStepSequence[0].ScheduledPerformingPhysicianName',
  ];
  return ['-W', '-aet', 'FINDSCU', '-aec', AE_TITLE, ...extra, ...keys.flatMap((key) => ['-k', key]), '127.0.0.1', String(port)];
}

/** Pending answers findscu -v reports for one query (a sanity check that it matches what mwl.find counts). */
async function findscuMatches(port: number): Promise<number> {
  const result = await run('findscu', findscuArgs(port, 1, ['-v']), { env: dcmtkEnv, maxBuffer: 1 << 24 });
  return (result.stdout + result.stderr).match(/Find Response: \d+ \(Pending/g)?.length ?? 0;
}

interface PeerFigures {
  queries: number;
  seconds: number;
  queriesPerSec: number;
}

/** One findscu process after another, round robin over the stations, for `seconds`. */
async function findscuLoop(port: number, args: Args): Promise<PeerFigures> {
  const startMs = performance.now();
  let queries = 0;
  while (performance.now() - startMs < args.seconds * 1000) {
    await run('findscu', findscuArgs(port, (queries % args.stations) + 1), { env: dcmtkEnv });
    queries++;
  }
  const seconds = (performance.now() - startMs) / 1000;
  return { queries, seconds, queriesPerSec: queries / seconds };
}

/** findscu --repeat: REPEAT_BATCH queries on one association per process, for `seconds`. */
async function findscuRepeat(port: number, args: Args): Promise<PeerFigures> {
  const startMs = performance.now();
  let queries = 0;
  while (performance.now() - startMs < args.seconds * 1000) {
    await run('findscu', findscuArgs(port, 1, ['--repeat', String(REPEAT_BATCH)]), { env: dcmtkEnv, maxBuffer: 1 << 24 });
    queries += REPEAT_BATCH;
  }
  const seconds = (performance.now() - startMs) / 1000;
  return { queries, seconds, queriesPerSec: queries / seconds };
}

interface ToolFigures {
  users: number;
  completed: number;
  failed: number;
  queriesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  outcomes: Record<string, number>;
}

/** The built CLI, one worker, constant-concurrency with `users` users for `seconds`. */
async function pacsLoad(port: number, args: Args, users: number, workers = 1): Promise<ToolFigures> {
  const folder = await mkdtemp(join(tmpdir(), 'pacsload-bench-mwl-'));
  const profilePath = join(folder, 'mwl.yaml');
  const outPath = join(folder, 'summary.json');
  const profile = [
    'name: bench-mwl',
    'seed: 7',
    'preflight: false',
    `target: { dimse: { host: 127.0.0.1, port: ${port}, calledAe: ${AE_TITLE}, callingAe: PACSLOAD, timeout: 30s } }`,
    'scenarios:',
    '  worklist:',
    '    operation: mwl.find',
    '    executor: constant-concurrency',
    `    users: ${users}`,
    `    duration: ${args.seconds}s`,
    `    stations: ${args.stations}`,
    '    modality: CT',
    `    expectItems: ${args.steps}`,
    '',
  ].join('\n');
  await writeFile(profilePath, profile);
  try {
    const child = spawn(process.execPath, [CLI_PATH, 'run', profilePath, '--workers', String(workers), '--quiet', '--out', outPath], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    const summary = JSON.parse(await readFile(outPath, 'utf8')) as RunSummary;
    if (code !== 0) throw new Error(`pacs-load exited with ${code} (${users} users): ${JSON.stringify(summary.operations[0]?.outcomes)}`);
    const operation = summary.operations[0];
    if (operation === undefined) throw new Error('pacs-load reported no operation');
    return {
      users,
      completed: operation.completed,
      failed: operation.failed,
      queriesPerSec: operation.ratePerSec,
      p50Ms: (operation.latency.response?.p50Us ?? NaN) / 1000,
      p99Ms: (operation.latency.response?.p99Us ?? NaN) / 1000,
      outcomes: operation.outcomes,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

interface ModeFigures {
  mode: ScpMode;
  /** One entry per repeat. */
  runs: Array<{ findscuLoop: PeerFigures; findscuRepeat: PeerFigures; oneUser: ToolFigures; fourUsers: ToolFigures; fourUsersTwoWorkers: ToolFigures }>;
}

/** The four figures against one wlmscpfs; it is stopped afterwards whatever happens. */
async function measure(folder: string, mode: ScpMode, args: Args): Promise<ModeFigures> {
  const scp = await startWlmscpfs(folder, mode);
  try {
    const matches = await findscuMatches(scp.port);
    if (matches !== args.steps) throw new Error(`findscu saw ${matches} matches, expected ${args.steps}`);
    const runs = await repeatRuns(args.repeats, async () => ({
      findscuLoop: await findscuLoop(scp.port, args),
      findscuRepeat: await findscuRepeat(scp.port, args),
      oneUser: await pacsLoad(scp.port, args, 1),
      fourUsers: await pacsLoad(scp.port, args, 4),
      // Scaling (issue 9, item 5): the same users on two workers.
      fourUsersTwoWorkers: await pacsLoad(scp.port, args, 4, 2),
    }));
    return { mode, runs };
  } finally {
    if (scp.child.exitCode === null) {
      const exited = once(scp.child, 'exit');
      scp.child.kill('SIGTERM');
      await exited;
    }
  }
}

/** The run whose queries/s is the median of the repeats (the figures shown beside it). */
function medianRun<T extends { queriesPerSec: number }>(runs: readonly T[]): T {
  const sorted = [...runs].sort((x, y) => x.queriesPerSec - y.queriesPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** `median (min–max)` of the queries/s of the repeats. */
function rateText(runs: ReadonlyArray<{ queriesPerSec: number }>): string {
  const rates = spread(runs.map((run) => run.queriesPerSec));
  return runs.length < 2 ? rates.median.toFixed(1) : `${rates.median.toFixed(1)} (${rates.min.toFixed(1)}–${rates.max.toFixed(1)})`;
}

function tableRows(figures: ModeFigures): string[] {
  const { mode, runs } = figures;
  const loops = runs.map((r) => r.findscuLoop);
  const loopRate = spread(loops.map((run) => run.queriesPerSec)).median;
  const ratio = (rates: ReadonlyArray<{ queriesPerSec: number }>): string => (spread(rates.map((run) => run.queriesPerSec)).median / loopRate).toFixed(2);
  const tool = (label: string, all: ToolFigures[]): string => {
    const run = medianRun(all);
    return `| ${mode} | ${label} | ${run.completed} (${run.failed} failed) | ${rateText(all)} | ${ratio(all)} | ${run.p50Ms.toFixed(1)} / ${run.p99Ms.toFixed(1)} |`;
  };
  const repeats = runs.map((r) => r.findscuRepeat);
  return [
    `| ${mode} | findscu loop (1 process + 1 association per query) | ${medianRun(loops).queries} | ${rateText(loops)} | 1.00 | - |`,
    `| ${mode} | findscu --repeat ${REPEAT_BATCH} (1 association, queries back to back) | ${medianRun(repeats).queries} | ${rateText(repeats)} | ${ratio(repeats)} | - |`,
    tool('pacs-load, 1 worker, 1 user (1 association per query)', runs.map((r) => r.oneUser)),
    tool('pacs-load, 1 worker, 4 users', runs.map((r) => r.fourUsers)),
    tool('pacs-load, 2 workers, 4 users', runs.map((r) => r.fourUsersTwoWorkers)),
  ];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const folder = await mkdtemp(join(tmpdir(), 'pacsload-bench-wl-'));
  try {
    await writeWorklist(folder, args);
    const fork = await measure(folder, 'fork', args);
    const single = await measure(folder, 'single-process', args);
    const table = [
      `| wlmscpfs | client (${args.steps} matches per query, ${args.seconds} s each) | queries | queries/s | vs findscu loop | response p50 / p99 ms |`,
      '|---|---|---|---|---|---|',
      ...tableRows(fork),
      ...tableRows(single),
    ].join('\n');
    process.stdout.write(`${table}\n`);
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(
      join(RESULTS_DIR, 'mwl.json'),
      JSON.stringify(
        {
          args,
          node: process.version,
          date: new Date().toISOString(),
          peer: 'wlmscpfs (--fork, then --single-process), TCP_NODELAY=1',
          findscuRepeatBatch: REPEAT_BATCH,
          fork,
          singleProcess: single,
          table,
        },
        null,
        2,
      ),
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

await main();
