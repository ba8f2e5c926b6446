/**
 * Issue 10, item 3: absurd values are refused with a clear limit (exit 3, the
 * path named, no stack trace) unless `--force`. Uses the built CLI.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const ABSURD = `name: absurd
scenarios:
  a: { operation: qido.studies, executor: constant-arrival-rate, rate: 1000000000/s, duration: 876000h }
`;

describe('sanity limits on the command line', () => {
  it('validate and run refuse a rate of 1e9/s and a 100-year duration, naming both; --force accepts them', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const file = await writeProfile(dir.path, 'absurd.yaml', ABSURD);
    for (const command of ['validate', 'run']) {
      const refused = await runCli([command, file]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('scenarios.a.rate: 1000000000/s is above the limit of 50000/s');
      expect(refused.stderr).toContain('scenarios.a.duration: 876000 h is above the limit of 168 h');
      expect(refused.stderr).toContain('--force');
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
    const forced = await runCli(['validate', file, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('valid profile "absurd"');
  });
});

describe('sanity limits on stations and users', () => {
  it('10 million stations is refused with the limit named, even with --force (station AE titles stop at STATION9999)', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const file = await writeProfile(
      dir.path,
      'stations.yaml',
      'name: stations\nsimulator: { stations: 10000000 }\nscenarios:\n  a: { operation: mwl.find, executor: constant-arrival-rate, rate: 5/s, duration: 10s, stations: 10000000 }\n',
    );
    for (const args of [['validate', file], ['validate', file, '--force']]) {
      const refused = await runCli(args);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('scenarios.a.stations: must be from 1 to 9999, not 10000000');
      expect(refused.stderr).toContain('simulator.stations: must be from 1 to 9999, not 10000000');
      expect(refused.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('10 million users is refused with the limit and --force named; --force accepts it', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const file = await writeProfile(
      dir.path,
      'users.yaml',
      'name: users\nscenarios:\n  a: { operation: dimse.echo, executor: constant-concurrency, users: 10000000, duration: 10s }\n',
    );
    const refused = await runCli(['run', file]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('scenarios.a.users: 10000000 is above the limit of 10000 concurrent operations per scenario');
    expect(refused.stderr).toContain('--force');
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    const forced = await runCli(['validate', file, '--force']);
    expect(forced.code).toBe(0);
  });
});

describe('safety of the target', () => {
  it('refuses load above --confirm-above to a host that is not this machine without a terminal or --yes, before sending anything', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    // RFC 2606: .invalid never resolves; nothing is sent anyway, the refusal comes first.
    const file = await writeProfile(
      dir.path,
      'remote.yaml',
      'name: remote\ntarget: { dicomweb: { baseUrl: "https://pacs.hospital.invalid/dicom-web" } }\nscenarios:\n  a: { operation: qido.studies, executor: constant-arrival-rate, rate: 50/s, duration: 10s }\n',
    );
    const refused = await runCli(['run', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Refusing to send up to 50 operations/s to pacs.hospital.invalid without confirmation');
    expect(refused.stderr).toContain('--yes');
    expect(refused.stdout).toBe('');
    const badFlag = await runCli(['run', file, '--confirm-above', 'lots']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--confirm-above must be a number');
  });
});
