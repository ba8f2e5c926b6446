/**
 * DICOMweb benchmark (issue 4, "Performance"), all figures in one run:
 *
 * 1. qido.studies requests/s at saturation on ONE worker against one fast local
 *    endpoint, beside autocannon and wrk against the same URL. Goal: pacs-load
 *    at least 80% of autocannon.
 * 2. wado.frames throughput (MB/s, requests/s) on loopback, beside autocannon
 *    (and wrk) fetching one frame of the same simulator.
 *
 * The endpoint is the embedded simulator started standalone in a child process
 * (`pacs-load simulate`), so it shares no event loop with autocannon, which runs
 * in this process. Its QIDO answer for `limit=10` is about 11 KB of DICOM JSON;
 * a frame is one uncompressed CT frame in a multipart/related body.
 *
 * Saturation is the closed model: constant-concurrency with users = connections,
 * so every tool keeps the same number of requests outstanding and none is
 * rate-limited. Each URL is warmed for a few seconds first (simulator JIT), so
 * the first tool measured is not the one that pays for it.
 *
 * Each figure is run `--repeats` times (default 3), the tools taking turns in
 * each repeat; the table shows the median with its min and max.
 *
 *   npm run bench:dicomweb [-- --duration 10s --qido-connections 32 --frame-connections 16 --repeats 3]
 *
 * Prints a markdown table and writes bench/results/dicomweb.json. Not part of npm test.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { OperationSummary } from '../src/metrics/types.js';
import { qidoStudiesPath } from '../src/operations/qido-studies.js';
import { ACCEPT_FRAMES } from '../src/operations/wado-frames.js';
import { localDicomDate } from '../src/synth/dicom-date.js';
import { CLI_PATH, parseSeconds } from './common.js';
import { MB, cannon, onlyOperation, printAndSave, repeatRuns, runPacsLoad, spread, spreadRow, strip, wrk, type Row } from './http-tools.js';

/** The query limit of the QIDO figure: one page of ten studies, about 11 KB of DICOM JSON. */
const QIDO_LIMIT = 10;
/** The modality pacs-load queries by default (scenario `modality`); the peers ask for the same. */
const MODALITY = 'CT';
const WARM_UP_SECONDS = 3;

interface Args {
  durationSeconds: number;
  qidoConnections: number;
  frameConnections: number;
  /** Runs per figure; the table shows the median with min and max (issue 9, item 7). */
  repeats: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { durationSeconds: 10, qidoConnections: 32, frameConnections: 16, repeats: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1] ?? '';
    switch (argv[i]) {
      case '--duration': args.durationSeconds = parseSeconds(value); break;
      case '--qido-connections': args.qidoConnections = Number(value); break;
      case '--frame-connections': args.frameConnections = Number(value); break;
      case '--repeats': args.repeats = Math.max(1, Math.floor(Number(value))); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return args;
}


interface Simulator {
  baseUrl: string;
  child: ChildProcess;
}

/** `pacs-load simulate` in its own process; resolves with its DICOMweb base URL once it listens. */
async function startSimulatorProcess(): Promise<Simulator> {
  const child = spawn(process.execPath, [CLI_PATH, 'simulate', '--http-port', '0', '--dimse-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Its stderr only matters when it fails to start (on stop it says it is stopping).
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start; it printed: ${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /DICOMweb\s+(\S+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}: ${output}`)));
  });
  child.stdout!.resume();
  return { baseUrl, child };
}

async function stopSimulatorProcess(simulator: Simulator): Promise<void> {
  if (simulator.child.exitCode !== null) return;
  const exited = once(simulator.child, 'exit');
  simulator.child.kill('SIGINT'); // the CLI closes the simulator on its first interrupt
  await exited;
}

/** Runs the built CLI with one worker on a profile; returns the summary's only operation. */
async function runTool(name: string, profileYaml: string): Promise<OperationSummary> {
  return onlyOperation(await runPacsLoad(name, profileYaml, 1));
}

/** A closed-model profile: `users` users on as many keep-alive connections, for the bench duration. */
function concurrencyProfile(name: string, baseUrl: string, operation: string, users: number, durationSeconds: number, extra = ''): string {
  return [
    `name: ${name}`,
    'preflight: false',
    `target: { dicomweb: { baseUrl: "${baseUrl}", connections: ${users} } }`,
    'scenarios:',
    '  load:',
    `    operation: ${operation}`,
    '    executor: constant-concurrency',
    `    users: ${users}`,
    `    duration: ${durationSeconds}s`,
    `    modality: ${MODALITY}`,
    extra,
  ].join('\n');
}

/** One frame URL of a CT instance the simulator holds: QIDO studies -> series -> instances (PS3.18 10.6). */
async function frameUrl(baseUrl: string): Promise<string> {
  const uid = async (path: string, tag: string): Promise<string> => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { accept: 'application/dicom+json' } });
    const body = (await response.json()) as Record<string, { Value?: string[] }>[];
    const value = body[0]?.[tag]?.Value?.[0];
    if (value === undefined) throw new Error(`no ${tag} in the answer to ${path}`);
    return value;
  };
  const study = await uid(`/studies?ModalitiesInStudy=${MODALITY}&limit=1`, '0020000D');
  const series = await uid(`/studies/${study}/series`, '0020000E');
  const instance = await uid(`/studies/${study}/series/${series}/instances`, '00080018');
  return `${baseUrl}/studies/${study}/series/${series}/instances/${instance}/frames/1`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rows: Row[] = [];
  const json: Record<string, unknown> = { args, node: process.version, date: new Date().toISOString() };
  const simulator = await startSimulatorProcess();
  try {
    await benchQido(args, simulator.baseUrl, rows, json);
    await benchFrames(args, simulator.baseUrl, rows, json);
  } finally {
    await stopSimulatorProcess(simulator);
  }
  await printAndSave('dicomweb', rows, json);
}

/** Figure 1: qido.studies at saturation, one worker, beside autocannon and wrk. */
async function benchQido(args: Args, baseUrl: string, rows: Row[], json: Record<string, unknown>): Promise<void> {
  const connections = args.qidoConnections;
  // The very URL qido.studies sends (today's studies of the modality, one page).
  const url = `${baseUrl}${qidoStudiesPath(localDicomDate(new Date()), MODALITY, QIDO_LIMIT)}`;
  const bodyBytes = (await (await fetch(url, { headers: { accept: 'application/dicom+json' } })).arrayBuffer()).byteLength;
  await cannon({ url, accept: 'application/dicom+json', connections, durationSeconds: WARM_UP_SECONDS });

  const runs = await repeatRuns(args.repeats, async () => ({
    tool: await runTool('qido', concurrencyProfile('bench-dicomweb-qido', baseUrl, 'qido.studies', connections, args.durationSeconds, `    limit: ${QIDO_LIMIT}`)),
    autocannon: await cannon({ url, accept: 'application/dicom+json', connections, durationSeconds: args.durationSeconds }),
    wrk: await wrk(url, 'application/dicom+json', connections, args.durationSeconds),
  }));
  const toolRate = spread(runs.map((r) => r.tool.ratePerSec));
  rows.push(
    spreadRow(`qido.studies req/s, 1 worker, ${connections} conns (${(bodyBytes / 1000).toFixed(1)} KB body)`, toolRate, spread(runs.map((r) => r.autocannon.requestsPerSec)), `autocannon -c${connections}`, '>= 0.80', '/s'),
    spreadRow('qido.studies req/s vs wrk', toolRate, spread(runs.map((r) => r.wrk.requestsPerSec)), `wrk -t1 -c${connections}`, '-', '/s'),
    spreadRow('qido.studies p99 response', spread(runs.map((r) => (r.tool.latency.response?.p99Us ?? NaN) / 1000)), spread(runs.map((r) => r.autocannon.p99Ms)), 'autocannon', '-', ' ms'),
    spreadRow('qido.studies failed', spread(runs.map((r) => r.tool.failed)), spread(runs.map((r) => r.autocannon.errors + r.autocannon.non2xx)), 'autocannon errors + non2xx', '0', ''),
  );
  json.qido = { url, bodyBytes, runs: runs.map((r) => ({ tool: strip(r.tool), autocannon: r.autocannon, wrk: { ...r.wrk, output: undefined } })) };
}
/** Figure 2: wado.frames MB/s on loopback, beside autocannon (and wrk) on one frame URL. */
async function benchFrames(args: Args, baseUrl: string, rows: Row[], json: Record<string, unknown>): Promise<void> {
  const connections = args.frameConnections;
  const url = await frameUrl(baseUrl);
  const frameBytes = (await (await fetch(url, { headers: { accept: ACCEPT_FRAMES } })).arrayBuffer()).byteLength;
  await cannon({ url, accept: ACCEPT_FRAMES, connections, durationSeconds: WARM_UP_SECONDS });

  const runs = await repeatRuns(args.repeats, async () => {
    const tool = await runTool('frames', concurrencyProfile('bench-dicomweb-frames', baseUrl, 'wado.frames', connections, args.durationSeconds));
    return {
      tool,
      toolMbPerSec: tool.bytesReceived / tool.activeSeconds / MB,
      autocannon: await cannon({ url, accept: ACCEPT_FRAMES, connections, durationSeconds: args.durationSeconds }),
      wrk: await wrk(url, ACCEPT_FRAMES, connections, args.durationSeconds),
    };
  });
  const toolMbPerSec = spread(runs.map((r) => r.toolMbPerSec));
  rows.push(
    spreadRow(`wado.frames MB/s, 1 worker, ${connections} users (${(frameBytes / 1000).toFixed(0)} KB body)`, toolMbPerSec, spread(runs.map((r) => r.autocannon.mbPerSec)), `autocannon -c${connections}`, 'report', ' MB/s'),
    spreadRow('wado.frames MB/s vs wrk', toolMbPerSec, spread(runs.map((r) => r.wrk.mbPerSec)), `wrk -t1 -c${connections}`, 'report', ' MB/s'),
    spreadRow('wado.frames req/s', spread(runs.map((r) => r.tool.ratePerSec)), spread(runs.map((r) => r.autocannon.requestsPerSec)), `autocannon -c${connections}`, 'report', '/s'),
    spreadRow('wado.frames p99 response', spread(runs.map((r) => (r.tool.latency.response?.p99Us ?? NaN) / 1000)), spread(runs.map((r) => r.autocannon.p99Ms)), 'autocannon', '-', ' ms'),
    spreadRow('wado.frames failed', spread(runs.map((r) => r.tool.failed)), spread(runs.map((r) => r.autocannon.errors + r.autocannon.non2xx)), 'autocannon errors + non2xx', '0', ''),
  );
  json.frames = { url, frameBytes, runs: runs.map((r) => ({ toolMbPerSec: r.toolMbPerSec, tool: strip(r.tool), autocannon: r.autocannon, wrk: { ...r.wrk, output: undefined } })) };
}

await main();
