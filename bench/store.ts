/**
 * Study-send benchmark (issue 3, "Performance"): on this machine, loopback,
 * DCMTK storescp (--fork, TCP_NODELAY=1) as the receiver, 300 CT images of
 * 0.5 MiB: dimse.store images/s and MB/s with 1 and 2 workers, beside DCMTK
 * storescu sending the same images (as Part 10 files) in the same run. Goal:
 * one worker at least half of storescu's rate, two workers at least equal.
 * Also the peak memory of sending one 350 MB object (goal: below 1.5x its size):
 * an MG_TOMO (breast tomosynthesis) study of one multi-frame instance.
 *
 *   npm run bench:store [-- --images 300 --repeats 3 --big-object-mb 350]
 *
 * storescp runs with --ignore (receives everything, writes nothing), so the
 * figures are the senders', not the disk's. pacs-load runs as the built CLI
 * (worker threads, as a user runs it). Each worker sends 3 studies of
 * images/workers images one after the other, the workers in parallel; the
 * steady rate is images / the median study's service time (the first study of
 * a worker runs on cold, unoptimized code), the cold rate uses the slowest
 * study. Prints a markdown
 * table and writes bench/results/store.json. Not part of npm test.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunSummary } from '../src/metrics/types.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../src/synth/dicom-elements.js';
import { instanceValues, storeStudyIdentity } from '../src/synth/store-study.js';
import { buildStudyTemplate, instanceFileChunks } from '../src/synth/study-template.js';
import { RESULTS_DIR, freePort } from './common.js';
import { MB, runPacsLoadSamplingMemory } from './http-tools.js';
import { fixedSend } from '../src/synth/identity.js';

const run = promisify(execFile);
const dcmtkEnv = { ...process.env, TCP_NODELAY: '1' };
const IMAGE_BYTES = 512 * 1024;

interface Args {
  images: number;
  repeats: number;
  bigObjectMb: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { images: 300, repeats: 3, bigObjectMb: 350 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    switch (argv[i]) {
      case '--images': args.images = value; break;
      case '--repeats': args.repeats = value; break;
      case '--big-object-mb': args.bigObjectMb = value; break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return args;
}


async function startStorescp(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('storescp', ['--fork', '--ignore', '-aet', 'STORESCP', String(port)], { env: dcmtkEnv, stdio: 'ignore' });
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await run('echoscu', ['-aec', 'STORESCP', '127.0.0.1', String(port)], { env: dcmtkEnv }).then(() => true, () => false);
    if (ok) return { port, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error('storescp did not start');
}

/** The same images dimse.store sends (CT template, explicit VR), as Part 10 files for storescu. */
async function writeFiles(folder: string, images: number): Promise<string[]> {
  const template = buildStudyTemplate({ modality: 'CT', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images, imageSizeBytes: IMAGE_BYTES, seed: 1 });
  const study = storeStudyIdentity(fixedSend(99, 'dimse.store', 0), new Date());
  const paths: string[] = [];
  for (let index = 0; index < images; index++) {
    const path = join(folder, `${String(index).padStart(4, '0')}.dcm`);
    await writeFile(path, Buffer.concat(instanceFileChunks(template, instanceValues(study, index, images, template.shape.series))));
    paths.push(path);
  }
  return paths;
}

/** storescu sending every file on one association; seconds of wall clock. */
async function storescuSeconds(port: number, files: string[]): Promise<number> {
  const startMs = performance.now();
  await run('storescu', ['-aet', 'PACSLOAD', '-aec', 'STORESCP', '127.0.0.1', String(port), ...files], { env: dcmtkEnv, maxBuffer: 1 << 24 });
  return (performance.now() - startMs) / 1000;
}

interface ToolRun {
  summary: RunSummary;
  peakRssMb: number;
}

/** Runs the built CLI on a profile, sampling its peak resident memory (main process; worker threads share it). */
async function runTool(name: string, workers: number, profileYaml: string): Promise<ToolRun> {
  const { summary, memorySamplesMb } = await runPacsLoadSamplingMemory(name, profileYaml, workers, { field: 'VmHWM', everyMs: 50 });
  return { summary, peakRssMb: Math.max(0, ...memorySamplesMb) };
}

function storeProfile(port: number, studies: number, users: number, imagesPerStudy: number, imageSize: string, extra = ''): string {
  return [
    'name: bench-store',
    'seed: 7',
    'preflight: false',
    `target: { dimse: { host: 127.0.0.1, port: ${port}, calledAe: STORESCP, callingAe: PACSLOAD, timeout: 10m } }`,
    'scenarios:',
    '  send:',
    '    operation: dimse.store',
    '    executor: iterations',
    `    iterations: ${studies}`,
    `    users: ${users}`,
    '    maxDuration: 15m',
    '    modality: CT',
    `    images: ${imagesPerStudy}`,
    `    imageSize: ${imageSize}`,
    extra,
  ].join('\n');
}

interface SendFigures {
  seconds: number;
  imagesPerSec: number;
  mbPerSec: number;
  coldImagesPerSec: number;
}

const STUDIES_PER_WORKER = 3;

/** Each worker sends STUDIES_PER_WORKER studies of images/workers images, the workers in parallel. */
async function pacsLoadSend(port: number, workers: number, images: number): Promise<SendFigures> {
  const studies = workers * STUDIES_PER_WORKER;
  const { summary } = await runTool(`store-${workers}w`, workers, storeProfile(port, studies, workers, images / workers, '512KiB'));
  const operation = summary.operations[0];
  if (operation === undefined || operation.succeeded !== studies) {
    throw new Error(`dimse.store did not succeed: ${JSON.stringify(operation?.outcomes)}`);
  }
  const seconds = (operation.latency.service?.p50Us ?? NaN) / 1e6;
  const coldSeconds = (operation.latency.service?.maxUs ?? NaN) / 1e6;
  const bytesPerRound = operation.bytesSent / STUDIES_PER_WORKER;
  return { seconds, imagesPerSec: images / seconds, mbPerSec: bytesPerRound / MB / seconds, coldImagesPerSec: images / coldSeconds };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const storescp = await startStorescp();
  const folder = await mkdtemp(join(tmpdir(), 'pacsload-bench-files-'));
  try {
    const files = await writeFiles(folder, args.images);
    const fileBytes = (await Promise.all((await readdir(folder)).map((file) => readFile(join(folder, file)).then((data) => data.length)))).reduce((a, b) => a + b, 0);
    const storescu: number[] = [];
    const one: SendFigures[] = [];
    const two: SendFigures[] = [];
    // Interleaved, so machine load affects every sender alike.
    for (let repeat = 0; repeat < args.repeats; repeat++) {
      storescu.push(await storescuSeconds(storescp.port, files));
      one.push(await pacsLoadSend(storescp.port, 1, args.images));
      two.push(await pacsLoadSend(storescp.port, 2, args.images));
    }
    const storescuSecondsMedian = median(storescu);
    const peerImagesPerSec = args.images / storescuSecondsMedian;
    const peerMbPerSec = fileBytes / MB / storescuSecondsMedian;
    const figures = (runs: SendFigures[]): SendFigures => ({
      seconds: median(runs.map((r) => r.seconds)),
      imagesPerSec: median(runs.map((r) => r.imagesPerSec)),
      mbPerSec: median(runs.map((r) => r.mbPerSec)),
      coldImagesPerSec: median(runs.map((r) => r.coldImagesPerSec)),
    });
    const oneWorker = figures(one);
    const twoWorkers = figures(two);

    // One big object: peak RSS of the whole CLI (main thread + worker) against the object's size.
    const bigBytes = args.bigObjectMb * MB;
    const big = args.bigObjectMb > 0 ? await runTool('store-big', 1, storeProfile(storescp.port, 1, 1, 1, `${args.bigObjectMb}MB`).replace('modality: CT', 'modality: MG_TOMO')) : undefined;
    const bigOk = big?.summary.operations[0]?.succeeded === 1;
    // The same run with a 1 KiB image: what the process needs whatever it sends.
    const baseline = big === undefined ? undefined : await runTool('store-baseline', 1, storeProfile(storescp.port, 1, 1, 1, '1KiB').replace('modality: CT', 'modality: MG_TOMO'));
    const bigMiB = bigBytes / 1024 / 1024;

    const rows = [
      '| figure | pacs-load | storescu | ratio | goal |',
      '|---|---|---|---|---|',
      `| ${args.images} x 0.5 MiB, 1 worker: images/s | ${oneWorker.imagesPerSec.toFixed(1)} | ${peerImagesPerSec.toFixed(1)} | ${(oneWorker.imagesPerSec / peerImagesPerSec).toFixed(2)} | >= 0.5 |`,
      `| ${args.images} x 0.5 MiB, 1 worker: MB/s | ${oneWorker.mbPerSec.toFixed(1)} | ${peerMbPerSec.toFixed(1)} | ${(oneWorker.mbPerSec / peerMbPerSec).toFixed(2)} | |`,
      `| ${args.images} x 0.5 MiB, 2 workers: images/s | ${twoWorkers.imagesPerSec.toFixed(1)} | ${peerImagesPerSec.toFixed(1)} | ${(twoWorkers.imagesPerSec / peerImagesPerSec).toFixed(2)} | >= 1.0 |`,
      `| ${args.images} x 0.5 MiB, 2 workers: MB/s | ${twoWorkers.mbPerSec.toFixed(1)} | ${peerMbPerSec.toFixed(1)} | ${(twoWorkers.mbPerSec / peerMbPerSec).toFixed(2)} | |`,
      `| first study of a worker (cold code), 1 worker: images/s | ${oneWorker.coldImagesPerSec.toFixed(1)} | ${peerImagesPerSec.toFixed(1)} | ${(oneWorker.coldImagesPerSec / peerImagesPerSec).toFixed(2)} | |`,
      `| first study of a worker (cold code), 2 workers: images/s | ${twoWorkers.coldImagesPerSec.toFixed(1)} | ${peerImagesPerSec.toFixed(1)} | ${(twoWorkers.coldImagesPerSec / peerImagesPerSec).toFixed(2)} | |`,
    ];
    if (big !== undefined) {
      const added = big.peakRssMb - (baseline?.peakRssMb ?? 0);
      rows.push(
        `| one ${args.bigObjectMb} MB object: peak RSS of the process (MiB) | ${big.peakRssMb.toFixed(0)}${bigOk ? '' : ' (FAILED)'} | - | ${(big.peakRssMb / bigMiB).toFixed(2)}x size | < 1.5x size |`,
        `| one ${args.bigObjectMb} MB object: peak RSS above a 1 KiB send (MiB) | ${added.toFixed(0)} | - | ${(added / bigMiB).toFixed(2)}x size | < 1.5x size |`,
      );
    }
    const table = rows.join('\n');
    process.stdout.write(`${table}\n`);
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(
      join(RESULTS_DIR, 'store.json'),
      JSON.stringify(
        {
          args,
          node: process.version,
          date: new Date().toISOString(),
          receiver: 'storescp --fork --ignore, TCP_NODELAY=1',
          storescu: { secondsPerRun: storescu, imagesPerSec: peerImagesPerSec, mbPerSec: peerMbPerSec },
          pacsLoad: { oneWorker: { runs: one, median: oneWorker }, twoWorkers: { runs: two, median: twoWorkers } },
          bigObject: big === undefined ? undefined : { mb: args.bigObjectMb, peakRssMb: big.peakRssMb, baselinePeakRssMb: baseline?.peakRssMb, succeeded: bigOk },
          table,
        },
        null,
        2,
      ),
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
    const exited = once(storescp.child, 'exit');
    storescp.child.kill('SIGTERM');
    await exited;
  }
}

await main();
