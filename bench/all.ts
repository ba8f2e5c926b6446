/**
 * `npm run bench` (issue 9): every benchmark script in one run, one after the
 * other on the same machine, so each figure sits beside its peer tool's figure
 * measured minutes apart, and one markdown file and one JSON file hold them all:
 *
 *   accuracy  generator ceiling vs autocannon and wrk (1 and 2 workers),
 *             open-model accuracy at 50/80/95% of it, latency truth (20 ms; 1 s stall)
 *   dicomweb  qido.studies saturation on the simulator, wado.frames MB/s
 *   spine     qido 2000/s and dimse.echo 400/s with 2 workers; RSS over a soak (--soak, default 10m)
 *   store     dimse.store images/s and MB/s vs storescu (1 and 2 workers); one 350 MB object
 *   mwl       mwl.find vs a findscu loop against wlmscpfs
 *   influx    the InfluxDB output's CPU cost (when bench/influx.ts exists)
 *
 *   npm run bench [-- --only accuracy,store --soak 10m --quick]
 *
 * `--quick` shortens every script (a smoke run, figures not for the record).
 * Writes bench/results/all.md and all.json. Not part of npm test; runnable in CI.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { arch, cpus, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, RESULTS_DIR } from './common.js';

interface Script {
  name: string;
  args: (options: Options) => string[];
  /** Flags for node itself (the InfluxDB benchmark reads the heap after a forced GC). */
  nodeArgs?: string[];
}

interface Options {
  only: Set<string> | undefined;
  soak: string;
  quick: boolean;
}

const SCRIPTS: readonly Script[] = [
  { name: 'accuracy', args: (o) => (o.quick ? ['--duration', '3s', '--truth-rate', '100', '--repeats', '1'] : []) },
  { name: 'dicomweb', args: (o) => (o.quick ? ['--duration', '3s', '--repeats', '1'] : []) },
  { name: 'spine', args: (o) => (o.quick ? ['--duration', '5s', '--memory-duration', '10s', '--repeats', '1'] : ['--memory-duration', o.soak]) },
  { name: 'store', args: (o) => (o.quick ? ['--images', '20', '--repeats', '1', '--big-object-mb', '20'] : []) },
  { name: 'mwl', args: (o) => (o.quick ? ['--seconds', '2', '--repeats', '1'] : []) },
  { name: 'influx', args: (o) => (o.quick ? ['--duration', '5s', '--down-intervals', '300'] : []), nodeArgs: ['--expose-gc'] },
];

function parseArgs(argv: string[]): Options {
  const options: Options = { only: undefined, soak: '10m', quick: false };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--only': options.only = new Set((argv[++i] ?? '').split(',')); break;
      case '--soak': options.soak = argv[++i] ?? '10m'; break;
      case '--quick': options.quick = true; break;
      default: throw new Error(`unknown option ${argv[i]}; use --only a,b --soak 10m --quick`);
    }
  }
  return options;
}

async function runScript(script: Script, options: Options): Promise<{ exitCode: number | null; seconds: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [...(script.nodeArgs ?? []), join(REPO_ROOT, `dist/bench/${script.name}.js`), ...script.args(options)], { stdio: 'inherit' });
  const [exitCode] = (await once(child, 'exit')) as [number | null];
  return { exitCode, seconds: (Date.now() - started) / 1000 };
}

/** The peer tools' versions (issue 9, item 7); `not installed` when a tool is missing. */
async function peerVersions(): Promise<Record<string, string>> {
  const firstLine = async (command: string, args: string[]): Promise<string> => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const failed = await new Promise<boolean>((resolve) => {
      child.on('error', () => resolve(true));
      child.on('close', () => resolve(false));
    });
    return failed ? 'not installed' : (output.split('\n').find((line) => line.trim() !== '') ?? '?').trim();
  };
  const autocannon = JSON.parse(await readFile(join(REPO_ROOT, 'node_modules/autocannon/package.json'), 'utf8')) as { version: string };
  return {
    autocannon: autocannon.version,
    wrk: await firstLine('wrk', ['-v']),
    dcmtk: await firstLine('storescu', ['--version']),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const machine = {
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    peers: await peerVersions(),
  };
  const sections: Array<{ name: string; command: string; exitCode: number | null; seconds: number; table: string; result: unknown }> = [];
  for (const script of SCRIPTS) {
    if (options.only !== undefined && !options.only.has(script.name)) continue;
    if (!existsSync(join(REPO_ROOT, `dist/bench/${script.name}.js`))) continue;
    const command = `node ${[...(script.nodeArgs ?? []), `dist/bench/${script.name}.js`, ...script.args(options)].join(' ')}`.trim();
    process.stdout.write(`\n## ${script.name}: ${command}\n`);
    const { exitCode, seconds } = await runScript(script, options);
    let result: unknown;
    let table = `(no result: exit ${exitCode})`;
    try {
      result = JSON.parse(await readFile(join(RESULTS_DIR, `${script.name}.json`), 'utf8'));
      if (exitCode === 0 && typeof (result as { table?: unknown }).table === 'string') table = (result as { table: string }).table;
    } catch {
      // The script failed before writing its result; the section says so.
    }
    sections.push({ name: script.name, command, exitCode, seconds, table, result });
  }
  const markdown = [
    `# pacs-load benchmarks, ${new Date().toISOString()}`,
    '',
    `Machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}/${machine.arch}, Node ${machine.node}${options.quick ? ' (--quick: smoke run, not for the record)' : ''}.`,
    '',
    `Peers: ${Object.entries(machine.peers).map(([name, version]) => `${name} ${version}`).join(', ')}.`,
    '',
    ...sections.flatMap((section) => [`## ${section.name} (${section.seconds.toFixed(0)} s)`, '', `\`${section.command}\``, '', section.table, '']),
  ].join('\n');
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, 'all.md'), markdown);
  await writeFile(join(RESULTS_DIR, 'all.json'), JSON.stringify({ date: new Date().toISOString(), machine, quick: options.quick, sections }, null, 2));
  process.stdout.write(`\n${markdown}\nwritten: bench/results/all.md, bench/results/all.json\n`);
  if (sections.some((section) => section.exitCode !== 0)) process.exitCode = 1;
}

await main();
