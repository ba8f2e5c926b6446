/**
 * Association options of target.dimse (issue 3, item 3): the Maximum Length we
 * propose (PS3.8 D.3.3.1) and User Identity negotiation (PS3.7 D.3.3.7), read
 * from the A-ASSOCIATE-RQ bytes a recording SCP on 127.0.0.1 received, and
 * the P-DATA-TF PDUs we send bounded by the SCP's own Maximum Length.
 * The maxPdu test fails without src/protocol/dimse/dcmjs-dimse-fixes.md edit 9.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeKey } from '../../../src/metrics/names.js';
import { createDimseEcho } from '../../../src/operations/dimse-echo.js';
import { createDimseStore } from '../../../src/operations/dimse-store.js';
import { PacsLoadError } from '../../../src/errors.js';
import type { DimseTarget } from '../../../src/profile/types.js';
import { dimseTarget, iteration, operationSetup } from './helpers.js';
import { startRecordingScp, type RecordingScp } from './recording-scp.js';

const PASSCODE = 'not-a-real-secret-7f3a';

let scp: RecordingScp | undefined;
afterEach(async () => {
  await scp?.close();
  scp = undefined;
});

async function echo(target: DimseTarget, env: Record<string, string> = {}): Promise<string> {
  const operation = createDimseEcho({ ...operationSetup(target), env });
  try {
    const result = await operation.run(iteration(0));
    return result.outcome.kind === 'check-failed' ? `check-failed: ${result.outcome.reason}` : result.outcome.kind;
  } finally {
    await operation.close();
  }
}

describe('maximum PDU length (PS3.8 D.3.3.1)', () => {
  it('proposes the profile value in the Maximum Length sub-item', async () => {
    scp = await startRecordingScp();
    expect(await echo(dimseTarget(scp, { maxPduLength: 16_384 }))).toBe('ok');
    expect(scp.requests[0]?.maxPduLength).toBe(16_384);
  });

  it("proposes dcmjs-dimse's 262144 when the profile sets none", async () => {
    scp = await startRecordingScp();
    expect(await echo(dimseTarget(scp))).toBe('ok');
    expect(scp.requests[0]?.maxPduLength).toBe(262_144);
  });

  it("sends P-DATA-TF PDUs no longer than the SCP's Maximum Length, whatever we propose", async () => {
    scp = await startRecordingScp({ acceptStorage: true, maxPduLength: 8_192 });
    const operation = createDimseStore(operationSetup(dimseTarget(scp, { maxPduLength: 1_048_576 }), { modality: 'CT', images: 2, imageSizeBytes: 40_000 }));
    try {
      expect(outcomeKey((await operation.run(iteration(1))).outcome)).toBe('ok');
    } finally {
      await operation.close();
    }
    expect(scp.requests[0]?.maxPduLength).toBe(1_048_576);
    expect(scp.stores).toBe(2);
    // Two images of 40 kB cannot fit in fewer than 10 PDUs of 8 KiB.
    expect(scp.pDataLengths.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...scp.pDataLengths)).toBeLessThanOrEqual(8_192);
  });

  it('is per association, not a process-wide setting', async () => {
    scp = await startRecordingScp();
    await Promise.all([echo(dimseTarget(scp, { maxPduLength: 8_192 })), echo(dimseTarget(scp, { maxPduLength: 65_536 }))]);
    expect(scp.requests.map((request) => request.maxPduLength).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([8_192, 65_536]);
  });
});

describe('user identity negotiation (PS3.7 D.3.3.7)', () => {
  it('sends username and the passcode read from the named variable (type 2)', async () => {
    scp = await startRecordingScp();
    const target = dimseTarget(scp, { userIdentity: { username: 'loadtest', passcodeEnv: 'DIMSE_PASSCODE', positiveResponseRequested: false } });
    expect(await echo(target, { DIMSE_PASSCODE: PASSCODE })).toBe('ok');
    expect(scp.requests[0]?.userIdentity).toEqual({ type: 2, positiveResponseRequested: 0, primary: 'loadtest', secondary: PASSCODE });
  });

  it("keeps the passcode out of a failure's reason when the SCP echoes it in its Error Comment (issue 14, item 4)", async () => {
    // An SCP that quotes the identity it was given back in its Error Comment (0000,0902).
    scp = await startRecordingScp({ echoFailureComment: (request) => `identity ${request?.userIdentity?.primary ?? ''}/${request?.userIdentity?.secondary ?? ''} not allowed` });
    const target = dimseTarget(scp, { userIdentity: { username: 'loadtest', passcodeEnv: 'DIMSE_PASSCODE', positiveResponseRequested: false } });
    const operation = createDimseEcho({ ...operationSetup(target), env: { DIMSE_PASSCODE: PASSCODE } });
    try {
      const { outcome } = await operation.run(iteration(0));
      expect(outcome).toEqual({ kind: 'dimse-failure', status: 0x0110, reason: 'identity loadtest/[redacted] not allowed' });
      expect(JSON.stringify(outcome)).not.toContain(PASSCODE);
    } finally {
      await operation.close();
    }
  });

  it('sends the username alone (type 1) without passcodeEnv, and nothing without userIdentity', async () => {
    scp = await startRecordingScp();
    expect(await echo(dimseTarget(scp, { userIdentity: { username: 'modality1', passcodeEnv: undefined, positiveResponseRequested: false } }))).toBe('ok');
    expect(await echo(dimseTarget(scp))).toBe('ok');
    expect(scp.requests[0]?.userIdentity).toEqual({ type: 1, positiveResponseRequested: 0, primary: 'modality1', secondary: '' });
    expect(scp.requests[1]?.userIdentity).toBeUndefined();
  });

  it('with positiveResponse: ok when the SCP confirms, check-failed and no request when it does not', async () => {
    const identity = { username: 'loadtest', passcodeEnv: 'DIMSE_PASSCODE', positiveResponseRequested: true };
    scp = await startRecordingScp({ confirmIdentity: true });
    expect(await echo(dimseTarget(scp, { userIdentity: identity }), { DIMSE_PASSCODE: PASSCODE })).toBe('ok');
    expect(scp.requests[0]?.userIdentity?.positiveResponseRequested).toBe(1);
    expect(scp.echoes).toBe(1);
    await scp.close();

    scp = await startRecordingScp({ confirmIdentity: false });
    const outcome = await echo(dimseTarget(scp, { userIdentity: identity }), { DIMSE_PASSCODE: PASSCODE });
    expect(outcome).toMatch(/^check-failed: .*without confirming the user identity/);
    expect(outcome).not.toContain(PASSCODE);
    expect(scp.echoes).toBe(0);
  });

  it('fails at setup, naming the variable and not a value, when the passcode variable is unset', async () => {
    scp = await startRecordingScp();
    const target = dimseTarget(scp, { userIdentity: { username: 'loadtest', passcodeEnv: 'DIMSE_PASSCODE', positiveResponseRequested: false } });
    let caught: unknown;
    try {
      createDimseEcho({ ...operationSetup(target), env: {} });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PacsLoadError);
    expect((caught as PacsLoadError).code).toBe('ERR_USAGE');
    expect((caught as PacsLoadError).message).toContain('DIMSE_PASSCODE');
    expect(scp.requests).toHaveLength(0);
  });
});
