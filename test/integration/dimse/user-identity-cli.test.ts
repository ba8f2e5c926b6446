/**
 * The DIMSE passcode through the whole tool (the built CLI, `npm run build`
 * first): it reaches the SCP in every association (preflight and load), and
 * appears in no output: not on the console, not in the summary file, not in
 * an error when the variable is unset.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';
import { startRecordingScp, type RecordingScp } from './recording-scp.js';

const PASSCODE = 'Pl-test-passcode-93c1e';

let scp: RecordingScp | undefined;
let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await scp?.close();
  scp = undefined;
  await dir.cleanup();
});

async function identityProfile(peer: RecordingScp): Promise<string> {
  return writeProfile(
    dir.path,
    'identity.yaml',
    [
      'name: identity',
      'target:',
      '  dimse:',
      `    host: 127.0.0.1`,
      `    port: ${peer.port}`,
      `    calledAe: ${peer.aeTitle}`,
      '    maxPdu: 32KiB',
      '    userIdentity: { username: loadtest, passcodeEnv: PL_TEST_DIMSE_PASSCODE }',
      'scenarios:',
      '  echo: { operation: dimse.echo, executor: iterations, iterations: 3 }',
    ].join('\n'),
  );
}

describe('user identity passcode', () => {
  it('reaches the SCP in every association and appears in no output', async () => {
    scp = await startRecordingScp();
    const profile = await identityProfile(scp);
    const out = join(dir.path, 'summary.json');
    const result = await runCli(['run', profile, '--workers', '1', '--out', out], { env: { PL_TEST_DIMSE_PASSCODE: PASSCODE } });
    expect(result.code, result.stderr).toBe(0);
    // Preflight C-ECHO plus three iterations.
    expect(scp.requests).toHaveLength(4);
    for (const request of scp.requests) {
      expect(request.userIdentity).toEqual({ type: 2, positiveResponseRequested: 0, primary: 'loadtest', secondary: PASSCODE });
      expect(request.maxPduLength).toBe(32_768);
    }
    expect(result.stdout).not.toContain(PASSCODE);
    expect(result.stderr).not.toContain(PASSCODE);
    const summary = await readFile(out, 'utf8');
    expect(summary).toContain('PL_TEST_DIMSE_PASSCODE');
    expect(summary).not.toContain(PASSCODE);
  }, 60_000);

  it('fails before any association, naming the variable, when it is unset', async () => {
    scp = await startRecordingScp();
    const profile = await identityProfile(scp);
    const result = await runCli(['run', profile, '--workers', '1'], { env: { PL_TEST_DIMSE_PASSCODE: '' } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('PL_TEST_DIMSE_PASSCODE');
    expect(scp.requests).toHaveLength(0);
  }, 60_000);
});
