/**
 * A profile never holds a secret (issue 10, item 4): plain-text credentials are
 * refused with a fix naming the `*Env` key, and no refusal echoes the value.
 * A TLS key that needs a passphrase is refused at setup (none is taken).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPacsLoadError, type Problem } from '../../../src/errors.js';
import { resolveDimseSecurity } from '../../../src/operations/dimse-security.js';
import { parseProfileText } from '../../../src/profile/load.js';
import type { DimseTarget } from '../../../src/profile/types.js';
import { resolveHttpAuth } from '../../../src/protocol/dicomweb/auth.js';

const SECRET = 'PL-SECRET-unit-4b1e';

function problemsOf(target: string): Problem[] {
  const text = ['name: p', 'target:', target, 'scenarios:', '  s: { operation: qido.studies, executor: iterations, iterations: 1 }', ''].join('\n');
  try {
    parseProfileText(text, 'p.yaml');
  } catch (error) {
    if (isPacsLoadError(error)) return error.problems;
    throw error;
  }
  throw new Error('the profile was accepted');
}

function problemAt(target: string, path: string): Problem {
  const problems = problemsOf(target);
  expect(JSON.stringify(problems)).not.toContain(SECRET);
  const problem = problems.find((one) => one.path === path);
  if (problem === undefined) throw new Error(`no problem at ${path}: ${JSON.stringify(problems)}`);
  return problem;
}

describe('plain-text secrets in a profile', () => {
  it('refuses password, token and passcode keys, naming the *Env key', () => {
    expect(problemAt(`  dicomweb: { baseUrl: http://h/dw, auth: { username: u, password: ${SECRET} } }`, 'target.dicomweb.auth.password').fix).toContain('`passwordEnv: PACS_PASSWORD`');
    expect(problemAt(`  dicomweb: { baseUrl: http://h/dw, auth: { token: ${SECRET} } }`, 'target.dicomweb.auth.token').fix).toContain('`bearerEnv: PACS_TOKEN`');
    const dimse = `  dimse: { host: h, port: 104, calledAe: A, userIdentity: { username: u, passcode: ${SECRET} } }\n  dicomweb: { baseUrl: http://h/dw }`;
    expect(problemAt(dimse, 'target.dimse.userIdentity.passcode').fix).toContain('`passcodeEnv: PACS_DIMSE_PASSCODE`');
  });

  it('refuses a secret written where a variable name belongs, without echoing it', () => {
    const problem = problemAt(`  dicomweb: { baseUrl: http://h/dw, auth: { bearerEnv: "${SECRET}" } }`, 'target.dicomweb.auth.bearerEnv');
    expect(problem.message).toContain('not an environment variable name');
    expect(problem.fix).toContain('PACS_TOKEN');
  });

  it('refuses credentials in baseUrl and host, without echoing them, and shows the URL without them', () => {
    const url = problemAt(`  dicomweb: { baseUrl: "https://u:${SECRET}@pacs.example:8443/dicom-web/" }`, 'target.dicomweb.baseUrl');
    expect(url.message).toContain('user name or password');
    expect(url.fix).toContain('`baseUrl: https://pacs.example:8443/dicom-web`');
    expect(url.fix).toContain('passwordEnv');
    expect(problemAt(`  dicomweb: { baseUrl: "ftp://u:${SECRET}@pacs/dw" }`, 'target.dicomweb.baseUrl').message).toContain('ftp://[redacted]@pacs/dw');
    expect(problemAt(`  dicomweb: { baseUrl: "http://u:${SECRET} x@pacs/dw" }`, 'target.dicomweb.baseUrl').message).toContain('user name or password');
    expect(problemAt(`  dicomweb: { baseUrl: "u:${SECRET}@pacs:8042" }`, 'target.dicomweb.baseUrl').message).toContain('[redacted]@pacs:8042');
    const dimse = `  dimse: { host: "u:${SECRET}@pacs", port: 104, calledAe: A }\n  dicomweb: { baseUrl: http://h/dw }`;
    expect(problemAt(dimse, 'target.dimse.host').fix).toContain('passcodeEnv');
  });
});

describe('messages about unset variables', () => {
  it('name a conventional variable, but not a lower-case "name" that may be the password pasted in', () => {
    const message = (name: string): string => {
      try {
        resolveHttpAuth({ kind: 'basic', username: 'u', passwordEnv: name }, {});
      } catch (error) {
        return isPacsLoadError(error) ? `${error.message} ${error.hint}` : String(error);
      }
      throw new Error('accepted');
    };
    expect(message('PACS_PASSWORD')).toContain('PACS_PASSWORD');
    expect(message('hunter2isMyPassword')).not.toContain('hunter2isMyPassword');
    expect(message('hunter2isMyPassword')).toContain('target.dicomweb.auth.passwordEnv');
  });
});

describe('an encrypted TLS key', () => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pacsload-secrets-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('is refused at setup, naming the file and not its content', async () => {
    const keyFile = join(folder, 'encrypted.key');
    const body = 'MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI' + 'A'.repeat(16);
    await writeFile(keyFile, `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${body}\n-----END ENCRYPTED PRIVATE KEY-----\n`);
    const certFile = join(folder, 'client.pem');
    await writeFile(certFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const target: DimseTarget = {
      host: '127.0.0.1',
      port: 104,
      calledAe: 'PACS',
      callingAe: 'PACSLOAD',
      connectTimeoutUs: 1_000_000,
      operationTimeoutUs: 1_000_000,
      tls: { caFile: undefined, certFile, keyFile, rejectUnauthorized: true, servername: undefined },
    };
    let thrown: unknown;
    try {
      resolveDimseSecurity(target, {});
    } catch (error) {
      thrown = error;
    }
    expect(isPacsLoadError(thrown)).toBe(true);
    const text = JSON.stringify({ message: (thrown as Error).message, hint: (thrown as { hint: string }).hint, problems: (thrown as { problems: unknown }).problems });
    expect(text).toContain('encrypted');
    expect(text).toContain(keyFile);
    expect(text).not.toContain(body.slice(0, 20));
  });
});
