/**
 * Generator ceiling, open-model accuracy and latency truth (issue 9, items 1-3
 * and 5), every figure beside its peers in the same run, against one fast local
 * endpoint in its own process (bench/delay-server.ts: a QIDO-sized DICOM JSON
 * body, about 11 KB):
 *
 * 1. Ceiling: requests/s at saturation on one worker (closed model, `users` =
 *    connections), beside autocannon and wrk with the same connections; and
 *    with 2 workers.
 * 2. Accuracy: open model at 50%, 80% and 95% of that ceiling: achieved rate
 *    vs target (goal: within 1%), schedule lag p99, dropped.
 * 3. Latency truth: the endpoint answers after a fixed 20 ms. Reported p50/p99
 *    of pacs-load (open model at `--truth-rate`), autocannon at the same
 *    `overallRate` (its rate limit) and wrk (closed model). Then the same with a
 *    1 s stall at mid-run. At any rate, over D seconds, the requests planned
 *    during a stall of S seconds are a share S / D of all, and their waits are
 *    spread evenly from S down to 0; so the 1% that waited longest waited at
 *    least S - 0.01 D: with S = 1 s and D = 10 s the true p99 is about 900 ms
 *    (the server's 20 ms delay runs during the stall, not after it). A tool
 *    that reports much less did not count the wait.
 *
 * Every figure is run `--repeats` times (default 3), the tools taking turns in
 * each repeat; the table shows the median with its min and max (item 7).
 *
 *   npm run bench:accuracy [-- --duration 10s --connections 32 --truth-rate 200 --repeats 3]
 *
 * Prints a markdown table and writes bench/results/accuracy.json. Not part of npm test.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO_ROOT, parseSeconds } from './common.js';
import { cannon, onlyOperation, printAndSave, repeatRuns, runPacsLoad, spread, spreadRow, strip, wrk, type Row, type Spread } from './http-tools.js';

const ACCEPT = 'application/dicom+json';
const FRACTIONS = [0.5, 0.8, 0.95] as const;
const DELAY_MS = 20;
const STALL_MS = 1000;
const WARM_UP_SECONDS = 3;

interface Args {
  durationSeconds: number;
  connections: number;
  truthRatePerSec: number;
  /** Runs per figure; the table shows the median with min and max (issue 9, item 7). */
  repeats: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { durationSeconds: 10, connections: 32, truthRatePerSec: 200, repeats: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1] ?? '';
    switch (argv[i]) {
      case '--duration': args.durationSeconds = parseSeconds(value); break;
      case '--connections': args.connections = Number(value); break;
      case '--truth-rate': args.truthRatePerSec = Number(value); break;
      case '--repeats': args.repeats = Math.max(1, Math.floor(Number(value))); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return args;
}

interface Endpoint {
  url: string;
  child: ChildProcess;
  control(query: string): Promise<void>;
}

async function startEndpoint(): Promise<Endpoint> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/bench/delay-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening (\S+)/.exec(output);
      if (match !== null) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`delay server exited with ${code}: ${output}`)));
  });
  child.stdout!.resume();
  return {
    url,
    child,
    async control(query) {
      const response = await fetch(`${url}/__control?${query}`);
      if (response.status !== 204) throw new Error(`delay server control ${query}: HTTP ${response.status}`);
    },
  };
}

async function stopEndpoint(endpoint: Endpoint): Promise<void> {
  if (endpoint.child.exitCode !== null) return;
  const exited = once(endpoint.child, 'exit');
  endpoint.child.kill('SIGTERM');
  await exited;
}

function profile(name: string, baseUrl: string, connections: number, scenario: string): string {
  return [
    `name: ${name}`,
    'preflight: false',
    `target: { dicomweb: { baseUrl: "${baseUrl}", connections: ${connections} } }`,
    'scenarios:',
    `  load: { operation: qido.studies, limit: 10, ${scenario} }`,
  ].join('\n');
}

/**
 * Runs `measure` with a stall in the middle of its load: at its `afterRequests`-th
 * request for a tool that sends at a known rate (whatever its start-up time),
 * else `afterSeconds` after it started (wrk starts at once).
 */
async function withStall<T>(endpoint: Endpoint, at: { afterRequests: number } | { afterSeconds: number }, measure: () => Promise<T>): Promise<T> {
  if ('afterRequests' in at) {
    await endpoint.control(`stallMs=${STALL_MS}&afterRequests=${at.afterRequests}`);
    return measure();
  }
  const timer = setTimeout(() => void endpoint.control(`stallMs=${STALL_MS}`), at.afterSeconds * 1000);
  try {
    return await measure();
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rows: Row[] = [];
  const json: Record<string, unknown> = { args, node: process.version, date: new Date().toISOString() };
  const endpoint = await startEndpoint();
  const { url } = endpoint;
  const { connections, durationSeconds: seconds, repeats } = args;
  const times = <T>(run: (repeat: number) => Promise<T>): Promise<T[]> => repeatRuns(repeats, run);
  try {
    await cannon({ url, accept: ACCEPT, connections, durationSeconds: WARM_UP_SECONDS });

    // 1. Ceiling, closed model: the tools take turns in each repeat, so a noisy minute hits them alike.
    const saturate = `executor: constant-concurrency, users: ${connections}, duration: ${seconds}s`;
    const ceilingRuns = await times(async () => ({
      oneWorker: onlyOperation(await runPacsLoad('ceiling-1w', profile('ceiling', url, connections, saturate), 1)),
      twoWorkers: onlyOperation(await runPacsLoad('ceiling-2w', profile('ceiling', url, connections, saturate), 2)),
      autocannon: await cannon({ url, accept: ACCEPT, connections, durationSeconds: seconds }),
      wrk: await wrk(url, ACCEPT, connections, seconds),
    }));
    const ceiling1 = spread(ceilingRuns.map((r) => r.oneWorker.ratePerSec));
    const ceiling2 = spread(ceilingRuns.map((r) => r.twoWorkers.ratePerSec));
    const cannonCeiling = spread(ceilingRuns.map((r) => r.autocannon.requestsPerSec));
    const wrkCeiling = spread(ceilingRuns.map((r) => r.wrk.requestsPerSec));
    rows.push(
      spreadRow(`ceiling req/s, 1 worker, ${connections} conns`, ceiling1, cannonCeiling, `autocannon -c${connections}`, '>= 0.80', '/s'),
      spreadRow('ceiling req/s, 1 worker, vs wrk', ceiling1, wrkCeiling, `wrk -t1 -c${connections}`, '-', '/s'),
      spreadRow(`ceiling req/s, 2 workers, ${connections} conns`, ceiling2, cannonCeiling, `autocannon -c${connections} (1 process)`, 'report', '/s'),
    );
    json.ceiling = {
      oneWorker: ceiling1,
      twoWorkers: ceiling2,
      autocannon: cannonCeiling,
      wrk: wrkCeiling,
      runs: ceilingRuns.map((r) => ({ oneWorker: strip(r.oneWorker), twoWorkers: strip(r.twoWorkers), autocannon: r.autocannon, wrk: { ...r.wrk, output: undefined } })),
    };

    // 2. Open-model accuracy at fractions of the one-worker ceiling (its median).
    const accuracy: unknown[] = [];
    for (const fraction of FRACTIONS) {
      const targetPerSec = Math.floor(ceiling1.median * fraction);
      const open = `executor: constant-arrival-rate, rate: ${targetPerSec}/s, duration: ${seconds}s, maxInFlight: ${connections * 8}`;
      const runs = await times(async () => onlyOperation(await runPacsLoad(`open-${fraction}`, profile('accuracy', url, connections, open), 1)));
      // Achieved = completed over the scheduled duration: arrivals are planned over exactly `seconds`.
      const achieved = spread(runs.map((operation) => operation.completed / seconds));
      const lagP99Ms = spread(runs.map((operation) => (operation.latency.lag?.p99Us ?? NaN) / 1000));
      const dropped = spread(runs.map((operation) => operation.dropped));
      const target = spread(runs.map(() => targetPerSec));
      rows.push(
        spreadRow(`open model at ${fraction * 100}% of ceiling: achieved / target rate`, achieved, target, 'target', 'within 1%', '/s'),
        spreadRow(`open model at ${fraction * 100}%: schedule lag p99`, lagP99Ms, undefined, '-', 'report', ' ms'),
        spreadRow(`open model at ${fraction * 100}%: dropped`, dropped, undefined, '-', '0', ''),
      );
      accuracy.push({ fraction, targetPerSec, achieved, lagP99Ms, dropped, runs: runs.map(strip) });
    }
    json.accuracy = accuracy;

    // 3. Latency truth with a fixed 20 ms delay, then with a 1 s stall mid-run.
    await endpoint.control(`delayMs=${DELAY_MS}`);
    const rate = args.truthRatePerSec;
    // Enough in flight for the stall: rate x (stall + delay), with headroom.
    const open = `executor: constant-arrival-rate, rate: ${rate}/s, duration: ${seconds}s, maxInFlight: ${Math.ceil(rate * 1.5)}`;
    const truthConnections = Math.ceil(rate * ((STALL_MS + DELAY_MS) / 1000) * 1.5);
    const truth: Record<string, unknown> = {};
    for (const stall of [false, true]) {
      const label = stall ? `${DELAY_MS} ms + ${STALL_MS / 1000} s stall` : `${DELAY_MS} ms`;
      const midRun = { afterRequests: Math.round((rate * seconds) / 2) };
      const measure = <T>(at: Parameters<typeof withStall>[1], run: () => Promise<T>): Promise<T> => (stall ? withStall(endpoint, at, run) : run());
      const runs = await times(async () => ({
        tool: onlyOperation(await measure(midRun, () => runPacsLoad(`truth-${stall}`, profile('truth', url, truthConnections, open), 1))),
        // autocannon: `overallRate` spread over its connections; 10 connections as a user would set.
        autocannon: await measure(midRun, () => cannon({ url, accept: ACCEPT, connections: 10, durationSeconds: seconds, overallRate: rate })),
        wrk: await measure({ afterSeconds: seconds / 2 }, () => wrk(url, ACCEPT, 10, seconds)),
      }));
      const toolMs = (pick: (r: (typeof runs)[number]) => number | undefined): Spread => spread(runs.map((r) => (pick(r) ?? NaN) / 1000));
      const peerMs = (pick: (r: (typeof runs)[number]) => number): Spread => spread(runs.map(pick));
      const p50 = toolMs((r) => r.tool.latency.response?.p50Us);
      const p99 = toolMs((r) => r.tool.latency.response?.p99Us);
      const max = toolMs((r) => r.tool.latency.response?.maxUs);
      rows.push(
        spreadRow(`latency truth, ${label}: p50`, p50, peerMs((r) => r.autocannon.p50Ms), `autocannon -c10 overallRate ${rate}`, stall ? 'report' : `>= ${DELAY_MS} ms, near it`, ' ms'),
        spreadRow(`latency truth, ${label}: p50 vs wrk`, p50, peerMs((r) => r.wrk.p50Ms), 'wrk -t1 -c10 (closed model)', '-', ' ms'),
        spreadRow(`latency truth, ${label}: p99`, p99, peerMs((r) => r.autocannon.p99Ms), `autocannon -c10 overallRate ${rate}`, stall ? `> ${(STALL_MS * 0.9).toFixed(0)} ms (true)` : `near ${DELAY_MS} ms`, ' ms'),
        spreadRow(`latency truth, ${label}: p99 vs wrk`, p99, peerMs((r) => r.wrk.p99Ms), 'wrk -t1 -c10 (closed model)', '-', ' ms'),
        spreadRow(`latency truth, ${label}: max`, max, peerMs((r) => r.autocannon.maxMs), 'autocannon', '-', ' ms'),
      );
      truth[stall ? 'stall' : 'fixedDelay'] = {
        p50Ms: p50,
        p99Ms: p99,
        maxMs: max,
        runs: runs.map((r) => ({ tool: strip(r.tool), autocannon: r.autocannon, wrk: { ...r.wrk, output: undefined } })),
      };
    }
    json.truth = truth;
  } finally {
    await stopEndpoint(endpoint);
  }
  await printAndSave('accuracy', rows, json);
}

await main();
