/** target.dimse association options: maxPdu, userIdentity, tls (issue 3, item 3). */
import { describe, expect, it } from 'vitest';
import { describeProfile } from '../../../src/profile/describe.js';
import { validateProfile } from '../../../src/profile/schema.js';
import { problemAt, valid } from '../../helpers/profile-validation.js';

const ECHO = { operation: 'dimse.echo', executor: 'iterations', iterations: 1 };

function withDimse(extra: Record<string, unknown>): Record<string, unknown> {
  return { name: 't', target: { dimse: { host: '127.0.0.1', port: 4242, calledAe: 'PACS', ...extra } }, scenarios: { s: ECHO } };
}

describe('target.dimse association options', () => {
  it('leaves every option out by default', () => {
    const dimse = valid(withDimse({})).target?.dimse;
    expect(dimse).toEqual({
      host: '127.0.0.1',
      port: 4242,
      calledAe: 'PACS',
      callingAe: 'PACSLOAD',
      connectTimeoutUs: 5_000_000,
      operationTimeoutUs: 30_000_000,
    });
  });

  it('resolves maxPdu, userIdentity and tls', () => {
    const dimse = valid(
      withDimse({
        maxPdu: '64KiB',
        userIdentity: { username: 'loadtest', passcodeEnv: 'PACS_DIMSE_PASSCODE', positiveResponse: true },
        tls: { caFile: 'certs/ca.pem', certFile: 'certs/me.pem', keyFile: 'certs/me.key', servername: 'pacs.example' },
      }),
    ).target?.dimse;
    expect(dimse?.maxPduLength).toBe(65_536);
    expect(dimse?.userIdentity).toEqual({ username: 'loadtest', passcodeEnv: 'PACS_DIMSE_PASSCODE', positiveResponseRequested: true });
    expect(dimse?.tls).toEqual({
      caFile: 'certs/ca.pem',
      certFile: 'certs/me.pem',
      keyFile: 'certs/me.key',
      rejectUnauthorized: true,
      servername: 'pacs.example',
    });
  });

  it('takes maxPdu as a number of bytes, defaults userIdentity to no passcode and no confirmation, tls to verification on', () => {
    const dimse = valid(withDimse({ maxPdu: 16384, userIdentity: { username: 'modality' }, tls: {} })).target?.dimse;
    expect(dimse?.maxPduLength).toBe(16_384);
    expect(dimse?.userIdentity).toEqual({ username: 'modality', passcodeEnv: undefined, positiveResponseRequested: false });
    expect(dimse?.tls?.rejectUnauthorized).toBe(true);
  });

  it('rejects a maxPdu below 4KiB and a value that is not a size', () => {
    expect(problemAt(withDimse({ maxPdu: 1000 }), 'target.dimse.maxPdu').fix).toContain('4KiB');
    expect(problemAt(withDimse({ maxPdu: 'big' }), 'target.dimse.maxPdu').message).toContain('not a size');
  });

  it('wants the name of the passcode variable, never the passcode', () => {
    const problem = problemAt(withDimse({ userIdentity: { username: 'u', passcodeEnv: '$PACS_PASS' } }), 'target.dimse.userIdentity.passcodeEnv');
    expect(problem.fix).toContain('`PACS_PASS`');
    expect(problemAt(withDimse({ userIdentity: { username: 'u', passcode: 'secret' } }), 'target.dimse.userIdentity.passcode').message).toMatch(/unknown/i);
    expect(problemAt(withDimse({ userIdentity: { passcodeEnv: 'P' } }), 'target.dimse.userIdentity.username')).toBeDefined();
  });

  it('needs certFile and keyFile together, and file paths rather than PEM text', () => {
    expect(problemAt(withDimse({ tls: { certFile: 'me.pem' } }), 'target.dimse.tls.keyFile').message).toContain('needs `keyFile`');
    expect(problemAt(withDimse({ tls: { keyFile: 'me.key' } }), 'target.dimse.tls.certFile').message).toContain('needs `certFile`');
    expect(problemAt(withDimse({ tls: { caFile: '-----BEGIN CERTIFICATE-----\nMII' } }), 'target.dimse.tls.caFile').message).toContain('PEM text');
  });

  it('is described without secrets', () => {
    const profile = valid(withDimse({ maxPdu: '16KiB', userIdentity: { username: 'loadtest', passcodeEnv: 'PACS_PASS' }, tls: { caFile: 'ca.pem' } }));
    expect(describeProfile(profile)).toContain(
      'target dimse: PACS@127.0.0.1:4242 (calling AE PACSLOAD, max PDU 16384 bytes, user loadtest with passcode from PACS_PASS, TLS)',
    );
  });

  it('rejects unknown keys in tls', () => {
    const result = validateProfile(withDimse({ tls: { ca: 'x.pem' } }));
    expect(result.ok).toBe(false);
  });
});
