/**
 * `--verify` (issue 3, item 4): after the load, the coordinator checks with
 * IMAGE-level C-FIND that every instance the target acknowledged is stored.
 * Targets: the embedded simulator (keeps everything), a simulator whose index
 * "loses" some instances it acknowledged (a PACS whose ingest dropped them),
 * and that same simulator behind a proxy that kills every store association
 * mid-study (the target dies; C-FIND associations are small and pass).
 * Runs through runLoad and the built CLI: `npm run build` first.
 */
import { readFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import { verifyStored } from '../../../src/coordinator/verify-stored.js';
import { ExitCode } from '../../../src/errors.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { startDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import type { RunningDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import { StoredInstanceIndex } from '../../../src/simulator/dimse-store.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { WORKER_PATH, runCli, tempDir, writeProfile } from '../../helpers/cli.js';

/** Acknowledges every C-STORE (the simulator answers success) but keeps only some in its index. */
class LosingIndex extends StoredInstanceIndex {
  readonly lost: string[] = [];
  constructor(private readonly loses: (sopInstanceUid: string) => boolean) {
    super();
  }
  override record(instance: Parameters<StoredInstanceIndex['record']>[0]): void {
    if (this.loses(instance.sopInstanceUid)) this.lost.push(instance.sopInstanceUid);
    else super.record(instance);
  }
}

/** Synthetic instance UIDs end in `.<instance number>` (src/synth/store-study.ts): lose every 4th. */
const everyFourth = (uid: string): boolean => Number(uid.slice(uid.lastIndexOf('.') + 1)) % 4 === 0;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startLosingSimulator(loses: (uid: string) => boolean): Promise<{ simulator: RunningDimseSimulator; index: LosingIndex }> {
  const index = new LosingIndex(loses);
  const simulator = await startDimseSimulator({ worklist: [], faults: new FaultInjector(NO_FAULTS), storeIndex: index });
  cleanups.push(() => simulator.close());
  return { simulator, index };
}

function storeProfile(target: string | undefined, iterations: number, images: number): string {
  return [
    'name: verify',
    'preflight: false',
    ...(target === undefined ? [] : [`target: { dimse: ${target} }`]),
    'scenarios:',
    `  sends: { operation: dimse.store, executor: iterations, iterations: ${iterations}, modality: CT, images: ${images}, imageSize: 64KiB }`,
  ].join('\n');
}

describe('run --verify', () => {
  it('checks every acknowledged instance on the embedded simulator and finds none missing', async () => {
    const profile = parseProfileText(storeProfile(undefined, 3, 20), 'verify.yaml');
    const { summary } = await runLoad({ profile, workers: 2, outputs: [], env: {}, workerFilename: WORKER_PATH, verify: true });
    expect(summary.operations[0]?.outcomes).toEqual({ ok: 3 });
    expect(summary.verify).toEqual({
      checked: 60,
      missing: 0,
      missingInstances: [],
      notChecked: 0,
      acknowledgedSends: 60,
      distinctInstances: 60,
      acknowledgedMoreThanOnce: 0,
      extraAcknowledgements: 0,
      duplicateInstances: [],
      duplicatesIntended: false,
      detail: '60 acknowledged sends of 60 distinct instances; 60 checked: all stored',
    });
  });

  it('has no verify section without --verify', async () => {
    const profile = parseProfileText(storeProfile(undefined, 1, 2), 'verify.yaml');
    const { summary } = await runLoad({ profile, workers: 1, outputs: [], env: {}, workerFilename: WORKER_PATH });
    expect(summary.verify).toBeUndefined();
  });

  it('names the acknowledged instances a target lost, and the CLI exits 98', async () => {
    const { simulator, index } = await startLosingSimulator(everyFourth);
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const target = `{ host: 127.0.0.1, port: ${simulator.port}, calledAe: ${simulator.aeTitle} }`;
    const file = await writeProfile(dir.path, 'losing.yaml', storeProfile(target, 2, 12));
    const out = join(dir.path, 'summary.json');
    const result = await runCli(['run', file, '--workers', '1', '--quiet', '--verify', '--out', out]);
    expect(result.code, result.stderr).toBe(ExitCode.verifyFailed);
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    expect(summary.operations[0]?.outcomes).toEqual({ ok: 2 });
    // Instances 4, 8 and 12 of each of the two studies.
    expect(index.lost).toHaveLength(6);
    expect(summary.verify?.checked).toBe(24);
    expect(summary.verify?.missing).toBe(6);
    expect([...(summary.verify?.missingInstances ?? [])].sort()).toEqual([...index.lost].sort());
    expect(summary.verify?.error).toBeUndefined();
    expect(result.stdout).toContain('verify: 24 acknowledged sends of 24 distinct instances; 24 checked: 6 missing');
    expect(result.stdout).toContain(`missing ${index.lost[0]}`);
  });

  it('on a target that dies mid-study: studies are aborted, the run completes, and only acknowledged instances are expected', async () => {
    const { simulator, index } = await startLosingSimulator(everyFourth);
    const proxy = await startDyingProxy(simulator.port, 700_000);
    const profile = parseProfileText(
      storeProfile(`{ host: 127.0.0.1, port: ${proxy.port}, calledAe: ${simulator.aeTitle} }`, 3, 40),
      'dies.yaml',
    );
    const { summary } = await runLoad({ profile, workers: 1, outputs: [], env: {}, workerFilename: WORKER_PATH, verify: true });
    expect(summary.run.endReason).toBe('completed');
    expect(summary.operations[0]?.outcomes).toEqual({ aborted: 3 });
    const verify = summary.verify;
    expect(verify?.error).toBeUndefined();
    const kept = simulator.storeIndex.stats().instances;
    const received = kept + index.lost.length;
    // Each study died after some 10 images of 40: the rest was never acknowledged, so never expected.
    expect(verify?.checked).toBeGreaterThan(0);
    expect(verify?.checked).toBeLessThan(3 * 40);
    // The simulator records an image before answering it: at most the last image of each study went unanswered.
    expect(verify?.checked).toBeGreaterThanOrEqual(received - 3);
    expect(verify?.checked).toBeLessThanOrEqual(received);
    // What is missing is exactly what the target lost of what it acknowledged.
    expect(verify?.missing).toBeGreaterThan(0);
    for (const uid of verify?.missingInstances ?? []) expect(index.lost).toContain(uid);
    expect(verify?.missing).toBeGreaterThanOrEqual(index.lost.length - 3);
  });
});

describe('verifyStored', () => {
  it('reports instances it could not check, never as missing, when the target refuses', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const target = { host: '127.0.0.1', port, calledAe: 'NOBODY', callingAe: 'PACSLOAD', connectTimeoutUs: 2_000_000, operationTimeoutUs: 5_000_000 };
    const instances = [
      { studyUid: '1.2.3', seriesUid: '1.2.3.1', sopInstanceUid: '1.2.3.1.1' },
      { studyUid: '1.2.3', seriesUid: '1.2.3.1', sopInstanceUid: '1.2.3.1.2' },
    ];
    const summary = await verifyStored({ target, instances, notKept: 1 });
    expect(summary).toMatchObject({ checked: 0, missing: 0, missingInstances: [], notChecked: 3, acknowledgedSends: 3, distinctInstances: 2 });
    expect(summary.error).toMatch(/1 of 1 C-FIND queries failed \(first: no answer \(connection-refused\)\)/);
  });
});

/**
 * A TCP proxy to the simulator that resets the modality's connection once
 * `resetAfterBytes` came from it: the PACS died mid-study. Small associations
 * (the C-FIND checks) pass untouched.
 */
async function startDyingProxy(upstreamPort: number, resetAfterBytes: number): Promise<{ port: number }> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    track(client);
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
    track(upstream);
    let received = 0;
    client.on('data', (data: Buffer) => {
      received += data.length;
      if (received > resetAfterBytes) {
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => client.write(data));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as AddressInfo).port };
}
