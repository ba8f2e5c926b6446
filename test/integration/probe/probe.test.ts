/**
 * `pacs-load probe` against the embedded simulator's DICOMweb (issue 7, item 4):
 * autocannon's closed-loop ceiling in our units, said to be a ceiling; and
 * only loopback hosts unless the user names one. The CLI part uses the built
 * CLI: run `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../src/errors.js';
import { checkProbeUrl, runProbe } from '../../../src/probe/index.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.js';
import { runCli } from '../../helpers/cli.js';
import { freePort } from '../../helpers/ports.js';

let simulator: RunningSimulator;
let studiesUrl: string;
beforeAll(async () => {
  simulator = await startSimulator({ settings: parseProfileText('name: s\nscenarios: { e: { operation: qido.studies, executor: iterations, iterations: 1 } }\n', 's.yaml').simulator, seed: 1 });
  studiesUrl = `${simulator.target.dicomweb?.baseUrl ?? ''}/studies?limit=5`;
});
afterAll(async () => {
  await simulator.close();
});

describe('pacs-load probe', () => {
  it('measures the closed-loop ceiling of a QIDO endpoint in our units', async () => {
    const result = await runProbe({ url: studiesUrl, connections: 4, durationUs: 1_000_000, headers: { accept: 'application/dicom+json' }, allowedHosts: [] });
    expect(result.schema).toBe('pacs-load/probe');
    expect(result.model).toBe('closed-loop');
    expect(result.caveat).toContain('not a user-experience figure');
    expect(result.requests).toBeGreaterThan(10);
    expect(result.statusClasses['2xx']).toBe(result.requests);
    expect(result.errors).toBe(0);
    expect(result.ratePerSec).toBeCloseTo(result.requests / result.durationSeconds, 6);
    expect(result.bytesReceived).toBeGreaterThan(0);
    expect(Number.isInteger(result.latency.p99Us)).toBe(true);
    expect(result.latency.p99Us).toBeGreaterThanOrEqual(result.latency.p50Us);
  });

  it('refuses a host that is not this machine unless the user names it', () => {
    expect(() => checkProbeUrl('http://10.1.2.3:8042/dicom-web/studies', [])).toThrow(/not this machine/);
    try {
      checkProbeUrl('http://pacs.example.org/dicom-web/studies', []);
    } catch (error) {
      expect(isPacsLoadError(error) && error.code).toBe('ERR_USAGE');
      expect(isPacsLoadError(error) && error.hint).toContain('--allow-host pacs.example.org');
    }
    expect(checkProbeUrl('http://pacs.example.org/dicom-web/studies', ['pacs.example.org']).hostname).toBe('pacs.example.org');
    expect(checkProbeUrl('http://[::1]:8042/x', []).hostname).toBe('[::1]');
    expect(() => checkProbeUrl('ftp://127.0.0.1/x', [])).toThrow(/http or https/);
  });

  it('prints the ceiling through the built CLI, saying it is not a user-experience figure', async () => {
    const table = await runCli(['probe', studiesUrl, '--connections', '2', '--duration', '1s']);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('CLOSED-LOOP CEILING, NOT A USER-EXPERIENCE FIGURE');
    expect(table.stdout).toMatch(/ceiling\s+[\d.]+\/s/);
    const refused = await runCli(['probe', 'http://192.0.2.10/dicom-web/studies', '--duration', '1s']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--allow-host 192.0.2.10');
    const port = await freePort();
    const unreachable = await runCli(['probe', `http://127.0.0.1:${port}/dicom-web/studies`, '--duration', '1s']);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('no response from');
  }, 30_000);
});
