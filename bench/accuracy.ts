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
 *   npm run bench:accuracy [-- --duration 10s --connections 32 --truth-rate 200]
 *
 * Prints a markdown table and writes bench/results/accuracy.json. Not part of npm test.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO_ROOT, parseSeconds } from './common.js';
import { cannon, onlyOperation, printAndSave, row, runPacsLoad, strip, wrk, type Row } from './http-tools.js';

const ACCEPT = 'application/dicom+json';
const FRACTIONS = [0.5, 0.8, 0.95] as const;
const DELAY_MS = 20;
const STALL_MS = 1000;
const WARM_UP_SECONDS = 3;

interface Args {
  durationSeconds: number;
  connections: number;
  truthRatePerSec: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { durationSeconds: 10, connections: 32, truthRatePerSec: 200 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1] ?? '';
    switch (argv[i]) {
      case '--duration': args.durationSeconds = parseSeconds(value); break;
      case '--connections': args.connections = Number(value); break;
      case '--truth-rate': args.truthRatePerSec = Number(value); break;
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
  const { connections, durationSeconds: seconds } = args;
  try {
    await cannon({ url, accept: ACCEPT, connections, durationSeconds: WARM_UP_SECONDS });

    // 1. Ceiling, closed model.
    const saturate = `executor: constant-concurrency, users: ${connections}, duration: ${seconds}s`;
    const ceiling1 = onlyOperation(await runPacsLoad('ceiling-1w', profile('ceiling', url, connections, saturate), 1));
    const ceiling2 = onlyOperation(await runPacsLoad('ceiling-2w', profile('ceiling', url, connections, saturate), 2));
    const cannonCeiling = await cannon({ url, accept: ACCEPT, connections, durationSeconds: seconds });
    const wrkCeiling = await wrk(url, ACCEPT, connections, seconds);
    rows.push(
      row(`ceiling req/s, 1 worker, ${connections} conns`, ceiling1.ratePerSec, cannonCeiling.requestsPerSec, `autocannon -c${connections}`, '>= 0.80', '/s'),
      row('ceiling req/s, 1 worker, vs wrk', ceiling1.ratePerSec, wrkCeiling.requestsPerSec, `wrk -t1 -c${connections}`, '-', '/s'),
      row(`ceiling req/s, 2 workers, ${connections} conns`, ceiling2.ratePerSec, cannonCeiling.requestsPerSec, `autocannon -c${connections} (1 process)`, 'report', '/s'),
    );
    json.ceiling = { oneWorker: strip(ceiling1), twoWorkers: strip(ceiling2), autocannon: cannonCeiling, wrk: { ...wrkCeiling, output: undefined } };

    // 2. Open-model accuracy at fractions of the one-worker ceiling.
    const accuracy: unknown[] = [];
    for (const fraction of FRACTIONS) {
      const targetPerSec = Math.floor(ceiling1.ratePerSec * fraction);
      const open = `executor: constant-arrival-rate, rate: ${targetPerSec}/s, duration: ${seconds}s, maxInFlight: ${connections * 8}`;
      const summary = await runPacsLoad(`open-${fraction}`, profile('accuracy', url, connections, open), 1);
      const operation = onlyOperation(summary);
      // Achieved = completed over the scheduled duration: arrivals are planned over exactly `seconds`.
      const achievedPerSec = operation.completed / seconds;
      rows.push(
        row(`open model at ${fraction * 100}% of ceiling: achieved / target rate`, achievedPerSec, targetPerSec, 'target', 'within 1%', '/s'),
        row(`open model at ${fraction * 100}%: schedule lag p99`, (operation.latency.lag?.p99Us ?? NaN) / 1000, NaN, '-', 'report', ' ms'),
        row(`open model at ${fraction * 100}%: dropped`, operation.dropped, NaN, '-', '0', ''),
      );
      accuracy.push({ fraction, targetPerSec, achievedPerSec, operation: strip(operation) });
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
      const tool = onlyOperation(await measure(midRun, () => runPacsLoad(`truth-${stall}`, profile('truth', url, truthConnections, open), 1)));
      // autocannon: `overallRate` spread over its connections; 10 connections as a user would set.
      const peer = await measure(midRun, () => cannon({ url, accept: ACCEPT, connections: 10, durationSeconds: seconds, overallRate: rate }));
      const wrkPeer = await measure({ afterSeconds: seconds / 2 }, () => wrk(url, ACCEPT, 10, seconds));
      const response = tool.latency.response;
      rows.push(
        row(`latency truth, ${label}: p50`, (response?.p50Us ?? NaN) / 1000, peer.p50Ms, `autocannon -c10 overallRate ${rate}`, stall ? 'report' : `>= ${DELAY_MS} ms, near it`, ' ms'),
        row(`latency truth, ${label}: p50 vs wrk`, (response?.p50Us ?? NaN) / 1000, wrkPeer.p50Ms, 'wrk -t1 -c10 (closed model)', '-', ' ms'),
        row(`latency truth, ${label}: p99`, (response?.p99Us ?? NaN) / 1000, peer.p99Ms, `autocannon -c10 overallRate ${rate}`, stall ? `> ${(STALL_MS * 0.9).toFixed(0)} ms (true)` : `near ${DELAY_MS} ms`, ' ms'),
        row(`latency truth, ${label}: p99 vs wrk`, (response?.p99Us ?? NaN) / 1000, wrkPeer.p99Ms, 'wrk -t1 -c10 (closed model)', '-', ' ms'),
        row(`latency truth, ${label}: max`, (response?.maxUs ?? NaN) / 1000, peer.maxMs, 'autocannon', '-', ' ms'),
      );
      truth[stall ? 'stall' : 'fixedDelay'] = { tool: strip(tool), autocannon: peer, wrk: { ...wrkPeer, output: undefined } };
    }
    json.truth = truth;
  } finally {
    await stopEndpoint(endpoint);
  }
  await printAndSave('accuracy', rows, json);
}

await main();
