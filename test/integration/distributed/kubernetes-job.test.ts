/**
 * Issue 16, item 3: the Kubernetes Job runs as shipped. Its container's command
 * line is read from deploy/k8s/job.yaml (the Dockerfile's entrypoint, `pacs-load`,
 * then the Job's args) and run as a pod would run it:
 * - the environment the manifest sets, Kubernetes' `$(VAR)` expansion of the
 *   args, the Secret's keys (envFrom), JOB_COMPLETION_INDEX as in pod 1 of 4;
 * - no terminal (stdin is not a TTY), so a confirmation cannot be asked;
 * - the ConfigMap's profile, scaled down from 10 minutes to seconds, at the
 *   mount path the Job gives it (and the emptyDir /tmp), both mapped to temporary folders;
 * - targets under the manifest's own non-loopback names (pacs.example.internal,
 *   influxdb.monitoring.svc), which a hosts file private to the run (a mount
 *   namespace: `unshare --mount`, root or a user namespace) resolves to
 *   127.0.0.1: the embedded simulator and a VictoriaMetrics started here.
 * The segment must complete and its points reach the "InfluxDB" under the run id.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseProfileText } from '../../../src/profile/load.js';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { hasVictoriaMetrics, startVictoriaMetrics, type RunningVictoriaMetrics } from '../../helpers/victoria-metrics.js';

interface Container {
  args: string[];
  env: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface JobManifest {
  spec: { completions: number; template: { spec: { containers: Container[] } } };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function manifest<T>(file: string): Promise<T> {
  return parse(await readFile(join(REPO_ROOT, 'deploy/k8s', file), 'utf8')) as T;
}

/** The Dockerfile's ENTRYPOINT: the command the Job's args are given to. */
async function dockerEntrypoint(): Promise<string[]> {
  const line = (await readFile(join(REPO_ROOT, 'Dockerfile'), 'utf8')).split('\n').find((candidate) => candidate.startsWith('ENTRYPOINT '));
  return JSON.parse(line!.slice('ENTRYPOINT '.length)) as string[];
}

/** Kubernetes' expansion of `$(NAME)` in args from the container's environment; `$$(` stays literal. */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\$\(|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) => (name === undefined ? '$(' : (env[name] ?? match)));
}

/**
 * The ConfigMap's profile for this test: its targets moved to our ports under
 * the same names, its scenarios shortened from 10 minutes to 4 s at a fifth of
 * the rates (20/s in all: still above --confirm-above's default 10/s), viewers opening small (CR) studies with a fiftieth of the users, and
 * without its latency thresholds (a busy test machine is not the PACS they judge).
 */
function shortenedProfile(text: string, ports: { dimse: number; http: number }): string {
  const profile = parse(text) as {
    target: { dimse: { host: string; port: number; calledAe: string }; dicomweb: { baseUrl: string } };
    scenarios: Record<string, { operation: string; duration?: string; rate?: string; users?: number; maxInFlight?: number; stations?: number; modality?: string }>;
    thresholds?: Record<string, string[]>;
  };
  profile.target.dimse.port = ports.dimse;
  profile.target.dimse.calledAe = 'PACSLOAD-SIM';
  const baseUrl = new URL(profile.target.dicomweb.baseUrl);
  profile.target.dicomweb.baseUrl = `http://${baseUrl.hostname}:${ports.http}${baseUrl.pathname}`;
  for (const scenario of Object.values(profile.scenarios)) {
    scenario.duration = '4s';
    if (scenario.rate !== undefined) {
      const [count, unit] = scenario.rate.split('/');
      scenario.rate = `${Number(count) / 5}/${unit}`;
    }
    if (scenario.users !== undefined) scenario.users = Math.max(1, Math.round(scenario.users / 50));
    if (scenario.operation === 'viewer.open') scenario.modality = 'CR';
    if (scenario.maxInFlight !== undefined) scenario.maxInFlight = Math.max(1, Math.round(scenario.maxInFlight / 10));
    if (scenario.stations !== undefined) scenario.stations = Math.min(scenario.stations, 10);
  }
  for (const [subject, expressions] of Object.entries(profile.thresholds ?? {})) {
    const kept = expressions.filter((expression) => !/^p\d/.test(expression));
    if (kept.length === 0) delete profile.thresholds![subject];
    else profile.thresholds![subject] = kept;
  }
  return stringify(profile);
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` with no terminal, in a mount namespace of its own where
 * /etc/hosts is `hostsFile` (a bind mount nobody else sees).
 */
function runWithHosts(hostsFile: string, command: string[], env: Record<string, string>): Promise<Exit> {
  const asRoot = process.getuid?.() === 0;
  const unshare = asRoot ? ['--mount'] : ['--user', '--map-root-user', '--mount'];
  const child = spawn('unshare', [...unshare, 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hostsFile, ...command], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe.skipIf(skipWithoutPeer(hasVictoriaMetrics))('deploy/k8s/job.yaml as shipped', () => {
  it('runs its segment to completion with no terminal against non-loopback names, and writes to InfluxDB under the run id', async () => {
    const job = await manifest<JobManifest>('job.yaml');
    const configMap = await manifest<{ data: Record<string, string> }>('configmap-profile.yaml');
    const secret = await manifest<{ stringData: Record<string, string> }>('secret.yaml');
    const container = job.spec.template.spec.containers[0]!;
    const entrypoint = await dockerEntrypoint();
    // The image runs `pacs-load`: the package's bin, linked onto the PATH.
    expect(entrypoint).toEqual(['pacs-load']);
    const bin = (JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['pacs-load'] ?? '';
    expect(bin).toBe('./bin/pacs-load.js');

    const folder = await mkdtemp(join(tmpdir(), 'pacs-load-k8s-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const simulator: RunningSimulator = await startSimulator({ settings: parseProfileText(configMap.data['profile.yaml']!, 'profile.yaml').simulator });
    cleanups.push(() => simulator.close());
    const influx: RunningVictoriaMetrics = await startVictoriaMetrics();
    cleanups.push(() => influx.stop());

    // The volumes: each mount path becomes a folder of ours.
    const mounts = new Map<string, string>();
    for (const mount of container.volumeMounts) {
      const local = join(folder, mount.name);
      await mkdir(local);
      mounts.set(mount.mountPath, local);
    }
    const profileFile = join(mounts.get('/etc/pacs-load')!, 'profile.yaml');
    const ports = { dimse: simulator.dimse.port, http: Number(new URL(simulator.dicomweb.baseUrl).port) };
    await writeFile(profileFile, shortenedProfile(configMap.data['profile.yaml']!, ports));

    // The names the manifests use resolve to this machine only.
    const profileHost = (parse(configMap.data['profile.yaml']!) as { target: { dimse: { host: string } } }).target.dimse.host;
    const manifestEnv = Object.fromEntries(container.env.filter((entry) => entry.value !== undefined).map((entry) => [entry.name, entry.value!]));
    const influxUrl = new URL(manifestEnv['INFLUX_URL']!);
    const hostsFile = join(folder, 'hosts');
    await writeFile(hostsFile, `127.0.0.1 localhost\n::1 localhost\n127.0.0.1 ${profileHost} ${influxUrl.hostname}\n`);

    // The pod's environment: the manifest's values (START_AT a few seconds ahead, as the user sets it
    // before applying; INFLUX_URL on our port), the Secret (envFrom), and what Kubernetes sets.
    influxUrl.port = String(influx.port);
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      ...secret.stringData,
      ...manifestEnv,
      START_AT: new Date(Date.now() + 15_000).toISOString(),
      INFLUX_URL: influxUrl.toString().replace(/\/$/, ''),
      JOB_COMPLETION_INDEX: '1',
      POD_NAME: 'pacs-load-1-x7k2p',
      HOSTNAME: 'pacs-load-1-x7k2p',
    };
    const argsWith = (podEnv: Record<string, string>): string[] =>
      container.args.map((arg) => {
        const expanded = expand(arg, podEnv);
        const mount = [...mounts.keys()].find((path) => expanded === path || expanded.startsWith(`${path}/`));
        return mount === undefined ? expanded : mounts.get(mount)! + expanded.slice(mount.length);
      });
    const args = argsWith(env);
    expect(args).toContain('--yes');
    const command = [process.execPath, join(REPO_ROOT, bin)];

    const run = await runWithHosts(hostsFile, [...command, ...args], env);
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    const summary = JSON.parse(await readFile(join(mounts.get('/tmp')!, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.run.id).toBe(env['RUN_ID']);
    expect(summary.run.endReason).toBe('completed');
    // Pod index 1 of 4 runs the second of four stripes.
    expect(summary.run.segment).toBe(`2/${job.spec.completions}`);
    expect(summary.run.target).toContain(profileHost);
    for (const operation of summary.operations) {
      expect(operation.completed, operation.scenario).toBeGreaterThan(0);
      expect(operation.failed, operation.scenario).toBe(0);
    }
    expect(summary.operations.map((operation) => operation.scenario).sort()).toEqual(Object.keys((parse(configMap.data['profile.yaml']!) as { scenarios: object }).scenarios).sort());
    const series = await influx.exportSeries(`{__name__=~"pacs_load_.*",run_id="${env['RUN_ID']}",instance="${env['POD_NAME']}"}`);
    expect(series.length).toBeGreaterThan(0);

    // Without --yes the same command line is refused without a terminal, before any load:
    // the names are not loopback to pacs-load, and 20/s is above --confirm-above's default.
    const laterEnv = { ...env, START_AT: new Date(Date.now() + 15_000).toISOString() };
    const withoutYes = argsWith(laterEnv).filter((arg) => arg !== '--yes');
    const refused = await runWithHosts(hostsFile, [...command, ...withoutYes], laterEnv);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Refusing to send .* to pacs\.example\.internal/);
  }, 120_000);
});
