/**
 * Issue 10, item 4: secrets come from environment variables (or a key file) and
 * appear in no output. Recognisable secrets are set (a DICOMweb bearer token and
 * basic password, a DIMSE User Identity passcode, an InfluxDB v2 token and v1
 * password, a TLS client key made with openssl here) and the BUILT CLI
 * (`npm run build` first) is run through every path that prints or writes:
 * successful runs with `--out`, `--html`, `--junit` and `--influx` (v2 and v1,
 * to a local capture server); runs whose target fails (HTTP 401/403 from a
 * server that echoes the Authorization header, A-ASSOCIATE-RJ, a TLS handshake
 * failure, an InfluxDB that answers 401 quoting the credentials or refuses the
 * connection); `validate` on profiles that hold secrets in plain text (refused,
 * the value not echoed); `schema`, `report` (also `--from-influx`), `compare`,
 * `merge`, `export k6`, `probe` (with `--bearer-env`); all with `--verbose`.
 * Then every byte of stdout, stderr, every written file and every captured
 * InfluxDB request URL and body is searched for every form of every secret. The
 * peers also prove each secret was used, so the test cannot pass by sending
 * nothing. The CLI runs take a while on a busy machine: independent ones run
 * side by side.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { startDicomwebSimulator, type RunningDicomwebSimulator } from '../../../src/simulator/dicomweb-server.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { buildStudies } from '../../../src/synth/studies.js';
import { runCli, tempDir, writeProfile, type CliResult } from '../../helpers/cli.js';
import { startRecordingScp, type RecordingScp } from '../dimse/recording-scp.js';
import { closedPort, startHostileHttp, startInfluxCapture, startRejectingAcceptor, type CaptureServer, type RejectingAcceptor } from './capture-servers.js';
import { makeTlsFiles, type TlsFiles } from './certificates.js';

const SECRET = {
  dicomwebToken: 'PL-SECRET-TOKEN-7f3a',
  dicomwebPassword: 'PL-SECRET-PASS-91c2',
  dimsePasscode: 'PL-SECRET-PASSCODE-33d8',
  influxToken: 'PL-SECRET-INFLUXTOKEN-5e61',
  influxPassword: 'PL-SECRET-INFLUXPASS-0b7d',
};
/** A password pasted where a variable name belongs; it is name-shaped, so only the run can notice. */
const PASTED_AS_NAME = 'plSecretPass91c2';
const WEB_USER = 'loadtest';
const INFLUX_USER = 'writer';
const ENV: Record<string, string> = {
  PL_TEST_DICOMWEB_TOKEN: SECRET.dicomwebToken,
  PL_TEST_DICOMWEB_PASSWORD: SECRET.dicomwebPassword,
  PL_TEST_DIMSE_PASSCODE: SECRET.dimsePasscode,
  PL_TEST_INFLUX_TOKEN: SECRET.influxToken,
  PL_TEST_INFLUX_PASSWORD: SECRET.influxPassword,
};

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const basic = (user: string, password: string): string => `Basic ${base64(`${user}:${password}`)}`;

let work: { path: string; cleanup: () => Promise<void> };
/** Profiles and key files (they name or hold secrets by design): not searched. */
let inputs = '';
/** Everything the CLI writes: searched, every file. */
let outputs = '';
let tls: TlsFiles;
let webBearer: RunningDicomwebSimulator;
let webBasic: RunningDicomwebSimulator;
let tlsScp: RecordingScp;
let rejector: RejectingAcceptor;
let influx: CaptureServer;
let hostile: CaptureServer;
let deadPort = 0;

/** Every stdout and stderr, by what produced it. */
const transcripts: Array<{ what: string; text: string }> = [];
const results = new Map<string, CliResult>();

async function cli(what: string, args: string[], env: Record<string, string> = ENV): Promise<CliResult> {
  const result = await runCli(['--verbose', ...args], { env });
  transcripts.push({ what: `${what}: stdout`, text: result.stdout }, { what: `${what}: stderr`, text: result.stderr });
  results.set(what, result);
  return result;
}

function out(name: string): string {
  return join(outputs, name);
}

function todayDa(): string {
  const now = new Date();
  return `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
}

/** The DIMSE target block: the TLS SCP that demands a client certificate, with the passcode. */
function dimseBlock(port: number, caFile: string): string {
  return [
    '  dimse:',
    '    host: 127.0.0.1',
    `    port: ${port}`,
    '    calledAe: RECORDER',
    '    userIdentity: { username: loadtest, passcodeEnv: PL_TEST_DIMSE_PASSCODE }',
    `    tls: { caFile: ${caFile}, certFile: ${tls.clientCertFile}, keyFile: ${tls.clientKeyFile}, servername: pacs.test }`,
  ].join('\n');
}

function profile(name: string, lines: string[]): Promise<string> {
  return writeProfile(inputs, `${name}.yaml`, [`name: ${name}`, ...lines, ''].join('\n'));
}

const echoScenario = (iterations: number) => `  echo: { operation: dimse.echo, executor: iterations, iterations: ${iterations} }`;
const studiesScenario = (iterations: number) => `  studies: { operation: qido.studies, executor: iterations, iterations: ${iterations} }`;

beforeAll(async () => {
  work = await tempDir();
  inputs = join(work.path, 'inputs');
  outputs = join(work.path, 'outputs');
  await mkdir(inputs);
  await mkdir(outputs);
  tls = await makeTlsFiles(inputs);
  const studies = buildStudies({ count: 5, seed: 1, date: todayDa() });
  webBearer = await startDicomwebSimulator({ studies, faults: new FaultInjector(NO_FAULTS), requiredAuthorization: `Bearer ${SECRET.dicomwebToken}` });
  webBasic = await startDicomwebSimulator({ studies, faults: new FaultInjector(NO_FAULTS), requiredAuthorization: basic(WEB_USER, SECRET.dicomwebPassword) });
  // Only a client with a certificate from our CA completes the handshake: an echo proves the key was used.
  const serverTls = { key: tls.serverKey, cert: tls.serverCert, ca: await readFile(tls.caFile, 'utf8'), requestCert: true, rejectUnauthorized: true };
  tlsScp = await startRecordingScp({ tls: serverTls });
  rejector = await startRejectingAcceptor();
  influx = await startInfluxCapture();
  hostile = await startHostileHttp();
  deadPort = await closedPort();

  // 1. Successful runs: every output, InfluxDB v2 (token) and v1 (user and password).
  const bearerProfile = await profile('secrets-bearer', [
    'target:',
    dimseBlock(tlsScp.port, tls.caFile),
    `  dicomweb: { baseUrl: ${webBearer.baseUrl}, auth: { bearerEnv: PL_TEST_DICOMWEB_TOKEN } }`,
    'scenarios:',
    echoScenario(3),
    studiesScenario(3),
    'thresholds:',
    '  qido.studies: ["p95 < 30s"]',
  ]);
  const basicProfile = await profile('secrets-basic', [
    'target:',
    `  dicomweb: { baseUrl: ${webBasic.baseUrl}, auth: { username: ${WEB_USER}, passwordEnv: PL_TEST_DICOMWEB_PASSWORD } }`,
    'scenarios:',
    studiesScenario(3),
  ]);
  const hostileWeb = (preflight: boolean) => [
    ...(preflight ? [] : ['preflight: false']),
    'target:',
    `  dicomweb: { baseUrl: ${hostile.url}/dicom-web, auth: { bearerEnv: PL_TEST_DICOMWEB_TOKEN } }`,
    'scenarios:',
    studiesScenario(4),
    'thresholds:',
    '  qido.studies: ["errors < 1%"]',
  ];
  const rejectingDimse = (preflight: boolean) => [
    ...(preflight ? [] : ['preflight: false']),
    'target:',
    '  dimse:',
    '    host: 127.0.0.1',
    `    port: ${rejector.port}`,
    '    calledAe: RECORDER',
    '    userIdentity: { username: loadtest, passcodeEnv: PL_TEST_DIMSE_PASSCODE }',
    'scenarios:',
    echoScenario(2),
  ];
  // Independent runs go side by side: the wait for failing peers overlaps.
  await Promise.all([
    cli('run bearer', [
      'run', bearerProfile, '--workers', '1', '--run-id', 'secrets-bearer',
      '--out', out('bearer-summary.json'), '--html', out('bearer-report.html'), '--junit', out('bearer-junit.xml'),
      '--influx', influx.url, '--influx-token-env', 'PL_TEST_INFLUX_TOKEN', '--influx-org', 'lab', '--influx-bucket', 'pacs_load',
    ]),
    cli('run basic', [
      'run', basicProfile, '--workers', '1', '--run-id', 'secrets-basic',
      '--out', out('basic-summary.json'), '--html', out('basic-report.html'), '--junit', out('basic-junit.xml'),
      '--influx', influx.url, '--influx-v1', '--influx-user', INFLUX_USER, '--influx-password-env', 'PL_TEST_INFLUX_PASSWORD', '--influx-db', 'pacs_load',
    ]),
    // 2. Failing targets, so that errors print.
    cli('run web 401/403 load, InfluxDB v2 401', [
      'run', await profile('secrets-web-load', hostileWeb(false)), '--workers', '1',
      '--out', out('web-load-summary.json'), '--html', out('web-load-report.html'), '--junit', out('web-load-junit.xml'),
      '--influx', hostile.url, '--influx-token-env', 'PL_TEST_INFLUX_TOKEN', '--influx-flush-timeout', '2s',
    ]),
    cli('run association rejected, InfluxDB v1 401', [
      'run', await profile('secrets-rejected', rejectingDimse(false)), '--workers', '1',
      '--out', out('rejected-summary.json'), '--html', out('rejected-report.html'), '--junit', out('rejected-junit.xml'),
      '--influx', hostile.url, '--influx-v1', '--influx-user', INFLUX_USER, '--influx-password-env', 'PL_TEST_INFLUX_PASSWORD', '--influx-flush-timeout', '2s',
    ]),
    cli('run TLS failure in load', [
      'run', await profile('secrets-tls-failure-load', ['preflight: false', 'target:', dimseBlock(tlsScp.port, tls.otherCaFile), 'scenarios:', echoScenario(2)]),
      '--workers', '1', '--out', out('tls-failure-summary.json'),
      // And an InfluxDB that is not there at all: connection refused.
      '--influx', `http://127.0.0.1:${deadPort}`, '--influx-token-env', 'PL_TEST_INFLUX_TOKEN', '--influx-flush-timeout', '1s',
    ]),
  ]);
  await Promise.all([
    cli('run web 401 preflight', ['run', await profile('secrets-web-preflight', hostileWeb(true)), '--workers', '1', '--out', out('web-preflight-summary.json')]),
    cli('run association rejected preflight', ['run', await profile('secrets-rejected-preflight', rejectingDimse(true)), '--workers', '1']),
    cli('run TLS failure', ['run', await profile('secrets-tls-failure', ['target:', dimseBlock(tlsScp.port, tls.otherCaFile), 'scenarios:', echoScenario(1)]), '--workers', '1']),
    cli('run password pasted as a variable name', [
      'run',
      await profile('secrets-pasted-name', ['target:', `  dicomweb: { baseUrl: ${webBasic.baseUrl}, auth: { username: ${WEB_USER}, passwordEnv: ${PASTED_AS_NAME} } }`, 'scenarios:', studiesScenario(1)]),
      '--workers', '1',
    ]),
    cli('run --influx with credentials in the URL', ['run', basicProfile, '--workers', '1', '--influx', `http://${INFLUX_USER}:${SECRET.influxPassword}@127.0.0.1:${influx.port}`]),

    // 3. Profiles that hold secrets in plain text: refused with every problem at once, no value echoed.
    cli('validate plain secrets', [
      'validate',
      await profile('refused-plain', [
        'target:',
        `  dicomweb: { baseUrl: "http://${WEB_USER}:${SECRET.dicomwebPassword}@127.0.0.1:${webBasic.port}/dicom-web", auth: { username: ${WEB_USER}, password: ${SECRET.dicomwebPassword}, token: ${SECRET.dicomwebToken} } }`,
        '  dimse:',
        `    host: "loadtest:${SECRET.dimsePasscode}@127.0.0.1"`,
        '    port: 104',
        '    calledAe: PACS',
        `    userIdentity: { username: loadtest, passcode: ${SECRET.dimsePasscode} }`,
        'scenarios:',
        echoScenario(1),
        studiesScenario(1),
      ]),
    ]),
    cli('validate secrets where names belong', [
      'validate',
      await profile('refused-names', [
        'target:',
        `  dicomweb: { baseUrl: "http://${WEB_USER}:${SECRET.dicomwebPassword}@127.0.0.1:${webBasic.port}/dicom-web?x=1", auth: { bearerEnv: ${SECRET.dicomwebToken} } }`,
        '  dimse:',
        '    host: 127.0.0.1',
        '    port: 104',
        '    calledAe: PACS',
        `    userIdentity: { username: loadtest, passcodeEnv: ${SECRET.dimsePasscode} }`,
        'scenarios:',
        echoScenario(1),
        studiesScenario(1),
      ]),
    ]),
    cli('validate password where its name belongs', [
      'validate',
      await profile('refused-password-name', [
        'target:',
        `  dicomweb: { baseUrl: ${webBasic.baseUrl}, auth: { username: ${WEB_USER}, passwordEnv: ${SECRET.dicomwebPassword} } }`,
        'scenarios:',
        studiesScenario(1),
      ]),
    ]),
  ]);

  // 4. The other commands, on the written summaries and profiles.
  await Promise.all([
    cli('validate bearer profile', ['validate', bearerProfile]),
    cli('schema', ['schema']),
    cli('export k6', ['export', 'k6', bearerProfile, '--out', out('k6-script.ts')]),
    cli('report', ['report', out('bearer-summary.json')]),
    cli('report files', ['report', out('web-load-summary.json'), '--html', out('rebuilt-report.html'), '--junit', out('rebuilt-junit.xml')]),
    cli('compare', ['compare', out('bearer-summary.json'), out('bearer-summary.json'), '--format', 'md']),
    cli('merge', ['merge', out('bearer-summary.json'), out('basic-summary.json'), '--out', out('merged.json')]),
    cli('report --from-influx token', ['report', '--from-influx', hostile.url, '--run-id', 'secrets-bearer', '--influx-token-env', 'PL_TEST_INFLUX_TOKEN']),
    cli('report --from-influx password', ['report', '--from-influx', hostile.url, '--run-id', 'secrets-basic', '--influx-user', INFLUX_USER, '--influx-password-env', 'PL_TEST_INFLUX_PASSWORD']),
    cli('report --from-influx credentials in URL', ['report', '--from-influx', `http://${INFLUX_USER}:${SECRET.influxPassword}@127.0.0.1:${hostile.port}`, '--run-id', 'x']),
    cli('probe with a bearer token', ['probe', `${webBearer.baseUrl}/studies`, '--duration', '1s', '--connections', '1', '--bearer-env', 'PL_TEST_DICOMWEB_TOKEN', '--format', 'json', '--out', out('probe.json')]),
    cli('probe credentials in URL', ['probe', `http://${WEB_USER}:${SECRET.dicomwebPassword}@127.0.0.1:${webBasic.port}/dicom-web/studies`, '--duration', '1s']),
  ]);
}, 240_000);

afterAll(async () => {
  await Promise.all([webBearer?.close(), webBasic?.close(), tlsScp?.close(), rejector?.close(), influx?.close(), hostile?.close()]);
  await work?.cleanup();
});

/** Every form a secret could take in an output. */
function forbiddenForms(): string[] {
  const forms = [
    'PL-SECRET',
    base64('PL-SECRET'),
    PASTED_AS_NAME,
    ...Object.values(SECRET),
    ...Object.values(SECRET).map(base64),
    base64(`${WEB_USER}:${SECRET.dicomwebPassword}`),
    base64(`${INFLUX_USER}:${SECRET.influxPassword}`),
    'PRIVATE KEY-----',
    ...tls.clientKeyBodyLines,
  ];
  return [...new Set(forms)];
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

function result(what: string): CliResult {
  const found = results.get(what);
  if (found === undefined) throw new Error(`no CLI run named "${what}"`);
  return found;
}

async function summaryOf(name: string): Promise<RunSummary> {
  return JSON.parse(await readFile(out(name), 'utf8')) as RunSummary;
}

describe('the secrets were really used', () => {
  it('the DICOMweb targets accepted the bearer token and the basic password (they answer 401 otherwise)', async () => {
    expect(result('run bearer').code, result('run bearer').stderr).toBe(0);
    expect(result('run basic').code, result('run basic').stderr).toBe(0);
    for (const file of ['bearer-summary.json', 'basic-summary.json']) {
      const studies = (await summaryOf(file)).operations.find((operation) => operation.operation === 'qido.studies');
      expect(studies?.completed, file).toBe(3);
      expect(studies?.outcomes.ok, file).toBe(3);
    }
  });

  it('the DIMSE SCP got the passcode in every association, over TLS with our client key', () => {
    // Preflight C-ECHO and three iterations; the SCP demands a client certificate from our CA.
    expect(tlsScp.echoes).toBe(4);
    expect(tlsScp.requests.length).toBeGreaterThanOrEqual(4);
    for (const request of tlsScp.requests.slice(0, 4)) expect(request.userIdentity?.secondary).toBe(SECRET.dimsePasscode);
    expect(rejector.requests.length).toBeGreaterThanOrEqual(3);
    for (const request of rejector.requests) expect(request.userIdentity?.secondary).toBe(SECRET.dimsePasscode);
  });

  it('InfluxDB got the v2 token and the v1 password, and points for both runs', () => {
    const v2 = influx.requests.filter((request) => request.url.startsWith('/api/v2/write'));
    const v1 = influx.requests.filter((request) => request.url.startsWith('/write'));
    expect(v2.length).toBeGreaterThan(0);
    expect(v1.length).toBeGreaterThan(0);
    for (const request of v2) expect(request.authorization).toBe(`Token ${SECRET.influxToken}`);
    for (const request of v1) expect(request.authorization).toBe(basic(INFLUX_USER, SECRET.influxPassword));
    expect(v2.some((request) => request.body.includes('secrets-bearer'))).toBe(true);
    expect(v1.some((request) => request.body.includes('secrets-basic'))).toBe(true);
  });

  it('probe sent the bearer token (the simulator answered 2xx, never 401)', () => {
    const probe = result('probe with a bearer token');
    expect(probe.code, probe.stderr).toBe(0);
    const answer = JSON.parse(probe.stdout) as { statusClasses: Record<string, number> };
    expect(answer.statusClasses['2xx']).toBeGreaterThan(0);
    expect(answer.statusClasses['4xx']).toBe(0);
  });

  it('the hostile server got every credential it echoes back', () => {
    const seen = new Set(hostile.requests.map((request) => request.authorization));
    expect(seen).toContain(`Bearer ${SECRET.dicomwebToken}`);
    expect(seen).toContain(`Token ${SECRET.influxToken}`);
    expect(seen).toContain(basic(INFLUX_USER, SECRET.influxPassword));
    expect(hostile.requests.some((request) => request.url.startsWith('/query'))).toBe(true);
  });
});

describe('failures are reported, classified', () => {
  it('HTTP 401/403 during the load: counted by status, thresholds fail, InfluxDB 401 reported', async () => {
    const run = result('run web 401/403 load, InfluxDB v2 401');
    expect(run.code, run.stderr).toBe(99);
    const summary = await summaryOf('web-load-summary.json');
    const outcomes = summary.operations.find((operation) => operation.operation === 'qido.studies')?.outcomes ?? {};
    expect((outcomes.http_401 ?? 0) + (outcomes.http_403 ?? 0)).toBe(4);
    expect(summary.outputs?.influxdb?.lastError).toMatch(/HTTP 40[13]/);
    expect(run.stderr).toMatch(/HTTP 40[13]/);
  });

  it('preflight failures exit 4 and say why: 401, association rejected, TLS', () => {
    expect(result('run web 401 preflight').stderr).toMatch(/Preflight QIDO-RS .* failed: http 40[13]/);
    expect(result('run association rejected preflight').stderr).toContain('association rejected');
    expect(result('run TLS failure').stderr).toMatch(/Preflight C-ECHO .* failed: network error/);
    for (const what of ['run web 401 preflight', 'run association rejected preflight', 'run TLS failure']) {
      expect(result(what).code, what).toBe(4);
    }
  });

  it('association rejected and TLS failures during the load are counted', async () => {
    expect(result('run association rejected, InfluxDB v1 401').code).toBe(0);
    const rejected = await summaryOf('rejected-summary.json');
    expect(rejected.operations[0]?.outcomes.association_rejected_1_1_1).toBe(2);
    expect(rejected.outputs?.influxdb?.lastError).toMatch(/HTTP 40[13]/);
    const tlsFailure = await summaryOf('tls-failure-summary.json');
    expect(Object.keys(tlsFailure.operations[0]?.outcomes ?? {}).some((key) => key.startsWith('network_error_'))).toBe(true);
    expect(tlsFailure.outputs?.influxdb?.lastError).toContain('ECONNREFUSED');
  });

  it('refuses credentials in URLs, naming the fix', () => {
    expect(result('run --influx with credentials in the URL').code).toBe(2);
    expect(result('run --influx with credentials in the URL').stderr).toContain('must not contain a user name or password');
    expect(result('report --from-influx credentials in URL').code).toBe(2);
    expect(result('report --from-influx credentials in URL').stderr).toContain('--influx-token-env');
    expect(result('probe credentials in URL').code).toBe(2);
    expect(result('probe credentials in URL').stderr).toContain('--bearer-env');
  });

  it('names the profile key, not the value, when a password was pasted as a variable name', () => {
    const run = result('run password pasted as a variable name');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('target.dicomweb.auth.passwordEnv');
  });
});

describe('profiles that hold a secret in plain text are refused', () => {
  const cases: Array<[string, string, string]> = [
    ['validate plain secrets', 'target.dicomweb.auth.password', 'passwordEnv: PACS_PASSWORD'],
    ['validate plain secrets', 'target.dicomweb.auth.token', 'bearerEnv: PACS_TOKEN'],
    ['validate plain secrets', 'target.dicomweb.baseUrl', 'passwordEnv'],
    ['validate plain secrets', 'target.dimse.host', 'passcodeEnv'],
    ['validate plain secrets', 'target.dimse.userIdentity.passcode', 'passcodeEnv: PACS_DIMSE_PASSCODE'],
    ['validate secrets where names belong', 'target.dicomweb.baseUrl', 'passwordEnv'],
    ['validate secrets where names belong', 'target.dicomweb.auth.bearerEnv', 'PACS_TOKEN'],
    ['validate secrets where names belong', 'target.dimse.userIdentity.passcodeEnv', 'PACS_DIMSE_PASSCODE'],
    ['validate password where its name belongs', 'target.dicomweb.auth.passwordEnv', 'PACS_PASSWORD'],
  ];
  it.each(cases)('%s: exit 3, a problem at %s, with a fix naming %s', (what, path, hint) => {
    const run = result(what);
    expect(run.code, run.stderr).toBe(3);
    const problem = run.stderr.split('\n  - ').find((entry) => entry.startsWith(`${path}:`));
    expect(problem, run.stderr).toBeDefined();
    expect(problem).toContain(hint);
  });

  it('accepts the profiles that name variables', () => {
    expect(result('validate bearer profile').code).toBe(0);
    expect(result('validate bearer profile').stdout).toContain(`DICOMweb ${webBearer.baseUrl}`);
  });
});

describe('no secret appears in any output', () => {
  it('ran every command (the search below is not over nothing)', async () => {
    expect(transcripts.length).toBe(2 * 25);
    for (const what of ['schema', 'report', 'report files', 'compare', 'merge', 'export k6']) expect(result(what).code, `${what}: ${result(what).stderr}`).toBe(0);
    const files = (await filesUnder(outputs)).map((file) => file.slice(outputs.length + 1)).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'bearer-summary.json', 'bearer-report.html', 'bearer-junit.xml', 'basic-summary.json', 'basic-report.html', 'basic-junit.xml',
        'web-load-summary.json', 'web-load-report.html', 'web-load-junit.xml', 'rejected-summary.json', 'rejected-report.html', 'rejected-junit.xml',
        'tls-failure-summary.json', 'rebuilt-report.html', 'rebuilt-junit.xml', 'merged.json', 'k6-script.ts', 'probe.json',
      ]),
    );
  });

  it('not in stdout or stderr of any command', () => {
    const leaks: string[] = [];
    for (const { what, text } of transcripts) for (const form of forbiddenForms()) if (text.includes(form)) leaks.push(`${what} contains ${form}`);
    expect(leaks).toEqual([]);
  });

  it('not in any written file (summaries, HTML, JUnit, merge, k6 script)', async () => {
    const leaks: string[] = [];
    for (const file of await filesUnder(outputs)) {
      const text = await readFile(file, 'latin1');
      for (const form of forbiddenForms()) if (text.includes(form)) leaks.push(`${file} contains ${form}`);
    }
    expect(leaks).toEqual([]);
  });

  it('not in any InfluxDB request URL or body (v2, v1, and the failing server)', () => {
    const requests = [...influx.requests, ...hostile.requests];
    expect(requests.filter((request) => request.body !== '').length).toBeGreaterThan(0);
    const leaks: string[] = [];
    for (const request of requests) {
      for (const form of forbiddenForms()) {
        if (request.url.includes(form) || decodeURIComponent(request.url).includes(form)) leaks.push(`URL ${request.url} contains ${form}`);
        if (request.body.includes(form)) leaks.push(`body of ${request.method} ${request.url} contains ${form}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
