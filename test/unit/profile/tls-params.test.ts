/**
 * `target.dicomweb.tls` (issue 4, item 1): what it resolves to, the messages
 * when it is misused, and how the CA file it names is read at operation setup
 * (src/operations/dicomweb-tls.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dicomwebTlsOptions } from '../../../src/operations/dicomweb-tls.js';
import { valid, problemAt } from '../../helpers/profile-validation.js';

type Raw = Record<string, unknown>;

function withDicomweb(dicomweb: Raw): Raw {
  return {
    name: 'test',
    target: { dicomweb },
    scenarios: { s: { operation: 'qido.studies', executor: 'constant-arrival-rate', rate: '10/s', duration: '30s' } },
  };
}

const HTTPS = 'https://pacs.test/dicom-web';

describe('target.dicomweb.tls', () => {
  it('is absent unless written: system CAs, verification on', () => {
    expect(valid(withDicomweb({ baseUrl: HTTPS })).target?.dicomweb?.tls).toBeUndefined();
  });

  it('resolves caFile, with verification on by default', () => {
    const tls = valid(withDicomweb({ baseUrl: HTTPS, tls: { caFile: 'certs/ca.pem' } })).target?.dicomweb?.tls;
    expect(tls).toEqual({ caFile: 'certs/ca.pem', rejectUnauthorized: true });
  });

  it('takes rejectUnauthorized: false without a CA', () => {
    const tls = valid(withDicomweb({ baseUrl: HTTPS, tls: { rejectUnauthorized: false } })).target?.dicomweb?.tls;
    expect(tls).toEqual({ caFile: undefined, rejectUnauthorized: false });
  });

  it('rejects tls on a plain http baseUrl, saying it would be ignored', () => {
    const problem = problemAt(withDicomweb({ baseUrl: 'http://pacs.test/dicom-web', tls: { caFile: 'ca.pem' } }), 'target.dicomweb.tls');
    expect(problem.message).toContain('only to an https');
    expect(problem.fix).toContain('https://');
  });

  it('rejects a certificate pasted where the file path goes', () => {
    const pasted = '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n';
    const problem = problemAt(withDicomweb({ baseUrl: HTTPS, tls: { caFile: pasted } }), 'target.dicomweb.tls.caFile');
    expect(problem.message).toContain('not a file path');
    expect(problem.fix).toContain('caFile: certs/pacs-ca.pem');
  });

  it('rejects yes/no text for rejectUnauthorized and unknown keys, naming the valid ones', () => {
    const notBoolean = problemAt(withDicomweb({ baseUrl: HTTPS, tls: { rejectUnauthorized: 'no' } }), 'target.dicomweb.tls.rejectUnauthorized');
    expect(notBoolean.fix).toContain('rejectUnauthorized: false');
    const unknown = problemAt(withDicomweb({ baseUrl: HTTPS, tls: { ca: 'ca.pem' } }), 'target.dicomweb.tls.ca');
    expect(unknown.fix).toContain('caFile');
  });
});

describe('dicomwebTlsOptions (the CA file, read at operation setup)', () => {
  let folder: string;
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pacsload-tls-params-'));
    await writeFile(join(folder, 'ca.pem'), PEM);
    await writeFile(join(folder, 'not-pem.txt'), 'hello');
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('gives no options without tls, and the PEM text with a caFile', () => {
    expect(dicomwebTlsOptions(undefined)).toBeUndefined();
    expect(dicomwebTlsOptions({ caFile: undefined, rejectUnauthorized: false })).toEqual({ rejectUnauthorized: false });
    expect(dicomwebTlsOptions({ caFile: join(folder, 'ca.pem'), rejectUnauthorized: true })).toEqual({ ca: PEM, rejectUnauthorized: true });
  });

  it('throws ERR_FILE_NOT_FOUND for a missing file, naming the profile key', () => {
    const missing = join(folder, 'missing.pem');
    expect(() => dicomwebTlsOptions({ caFile: missing, rejectUnauthorized: true })).toThrow(
      expect.objectContaining({ code: 'ERR_FILE_NOT_FOUND', message: expect.stringContaining('target.dicomweb.tls.caFile') }),
    );
  });

  it('throws ERR_PROFILE_INVALID for a file with no PEM certificate, and ERR_USAGE for a directory', () => {
    expect(() => dicomwebTlsOptions({ caFile: join(folder, 'not-pem.txt'), rejectUnauthorized: true })).toThrow(
      expect.objectContaining({ code: 'ERR_PROFILE_INVALID', hint: expect.stringContaining('openssl x509') }),
    );
    expect(() => dicomwebTlsOptions({ caFile: folder, rejectUnauthorized: true })).toThrow(expect.objectContaining({ code: 'ERR_USAGE' }));
  });
});
