/**
 * scripts/peers.sh (issue 3 item 6): `start` brings up Orthanc (worklist and
 * DICOMweb plugins), DCMTK wlmscpfs and storescp on free 127.0.0.1 ports and
 * writes them to peers.env; each answers; `stop` ends every process and
 * removes the folder. Uses DCMTK's echoscu as an independent client.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { hasOrthancDicomweb } from '../../helpers/orthanc.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '../../../scripts/peers.sh');
const hasPeers = hasOrthancDicomweb && existsSync('/usr/bin/wlmscpfs') && existsSync('/usr/bin/storescp');

describe.skipIf(skipWithoutPeer(hasPeers))('scripts/peers.sh', () => {
  let parent: string | undefined;
  let peersDir = '';

  afterAll(async () => {
    // Whatever happened, leave no peer running.
    if (peersDir !== '') await run('bash', [SCRIPT, 'stop'], { env: { ...process.env, PEERS_DIR: peersDir } }).catch(() => undefined);
    if (parent !== undefined) await rm(parent, { recursive: true, force: true });
  });

  it('starts three peers that answer C-ECHO (and DICOMweb), then stops them all', async () => {
    parent = await mkdtemp(join(tmpdir(), 'pacsload-peers-'));
    peersDir = join(parent, 'peers');
    const env = { ...process.env, PEERS_DIR: peersDir };
    const started = await run('bash', [SCRIPT, 'start'], { env, timeout: 60_000 });
    expect(started.stdout).toMatch(/orthanc: running/);
    expect(started.stdout).toMatch(/wlmscpfs: running/);
    expect(started.stdout).toMatch(/storescp: running/);

    const peers = Object.fromEntries(
      (await readFile(join(peersDir, 'peers.env'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    );
    const echo = (ae: string, port: string) =>
      run('echoscu', ['-aec', ae, '127.0.0.1', port], { env: { ...process.env, TCP_NODELAY: '1' }, timeout: 10_000 });
    await expect(echo(peers['ORTHANC_AE']!, peers['ORTHANC_DICOM_PORT']!)).resolves.toBeDefined();
    await expect(echo(peers['WLMSCPFS_AE']!, peers['WLMSCPFS_PORT']!)).resolves.toBeDefined();
    await expect(echo(peers['STORESCP_AE']!, peers['STORESCP_PORT']!)).resolves.toBeDefined();
    const studies = await fetch(`${peers['ORTHANC_DICOMWEB_URL']}/studies`);
    expect(studies.status).toBe(200);
    await studies.arrayBuffer();

    const pids = await Promise.all(['orthanc', 'wlmscpfs', 'storescp'].map(async (name) => Number(await readFile(join(peersDir, `${name}.pid`), 'utf8'))));
    const stopped = await run('bash', [SCRIPT, 'stop'], { env });
    expect(stopped.stdout).toMatch(/stopped/);
    expect(existsSync(peersDir)).toBe(false);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    peersDir = '';
  }, 90_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
