import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPacsLoadError, type PacsLoadError } from '../../../src/errors.js';
import { loadProfileFile, parseProfileText } from '../../../src/profile/load.js';

const PROFILES_DIR = join(import.meta.dirname, '../../../profiles');

function thrown(fn: () => unknown): PacsLoadError {
  try {
    fn();
  } catch (error) {
    if (isPacsLoadError(error)) return error;
    throw error;
  }
  throw new Error('expected a PacsLoadError');
}

async function rejected(promise: Promise<unknown>): Promise<PacsLoadError> {
  try {
    await promise;
  } catch (error) {
    if (isPacsLoadError(error)) return error;
    throw error;
  }
  throw new Error('expected a PacsLoadError');
}

const VALID_YAML = `
name: tiny
scenarios:
  echo:
    operation: dimse.echo
    executor: constant-arrival-rate
    rate: 5/s
    duration: 10s
`;

describe('parseProfileText', () => {
  it('reads YAML', () => {
    const profile = parseProfileText(VALID_YAML, 'tiny.yaml');
    expect(profile.name).toBe('tiny');
    expect(profile.scenarios[0]?.executor).toEqual({ type: 'constant-arrival-rate', ratePerSec: 5, durationUs: 10_000_000, maxInFlight: 100 });
  });

  it('reads JSON', () => {
    const json = JSON.stringify({
      name: 'tiny',
      scenarios: { echo: { operation: 'dimse.echo', executor: 'iterations', iterations: 3 } },
    });
    expect(parseProfileText(json, 'tiny.json').scenarios[0]?.executor).toMatchObject({ type: 'iterations', iterations: 3 });
  });

  it('reports YAML syntax errors with line and column as ERR_PROFILE_PARSE', () => {
    const error = thrown(() => parseProfileText('name: x\nscenarios: {a: 1\nb: 2', 'bad.yaml'));
    expect(error.code).toBe('ERR_PROFILE_PARSE');
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('bad.yaml is not valid YAML or JSON');
    expect(error.problems[0]?.message).toMatch(/^line 3, column 1: /);
    expect(error.problems[0]?.fix.length).toBeGreaterThan(0);
    expect(error.hint).toContain('bad.yaml');
  });

  it('reports a repeated key as a syntax error with its own fix', () => {
    const error = thrown(() => parseProfileText('name: a\nname: b\n', 'dup.yaml'));
    expect(error.code).toBe('ERR_PROFILE_PARSE');
    expect(error.problems[0]).toEqual({
      path: '',
      message: 'line 2, column 1: Map keys must be unique',
      fix: 'remove or rename the repeated key',
    });
  });

  it('reports broken JSON as a syntax error', () => {
    const error = thrown(() => parseProfileText('{"name": "x", "scenarios": {', 'bad.json'));
    expect(error.code).toBe('ERR_PROFILE_PARSE');
    expect(error.problems.length).toBeGreaterThan(0);
  });

  it('reports an empty file', () => {
    const error = thrown(() => parseProfileText('# nothing here\n', 'empty.yaml'));
    expect(error.code).toBe('ERR_PROFILE_INVALID');
    expect(error.problems).toEqual([{ path: '', message: 'the profile is empty', fix: 'write at least `name` and `scenarios`' }]);
  });

  it('throws ERR_PROFILE_INVALID listing every problem', () => {
    const error = thrown(() => parseProfileText(VALID_YAML.replace('5/s', '5').replace('10s', '10'), 'units.yaml'));
    expect(error.code).toBe('ERR_PROFILE_INVALID');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('units.yaml is not a valid profile: 2 problems');
    expect(error.problems.map((p) => p.path)).toEqual(['scenarios.echo.rate', 'scenarios.echo.duration']);
  });
});

describe('loadProfileFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pacs-load-profile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a file, ignoring a byte order mark', async () => {
    const path = join(dir, 'bom.yaml');
    await writeFile(path, `\uFEFF${VALID_YAML}`);
    expect((await loadProfileFile(path)).name).toBe('tiny');
  });

  it('names the file in validation errors', async () => {
    const path = join(dir, 'invalid.yaml');
    await writeFile(path, 'name: x\n');
    const error = await rejected(loadProfileFile(path));
    expect(error.code).toBe('ERR_PROFILE_INVALID');
    expect(error.message).toContain(path);
  });

  it('throws ERR_FILE_NOT_FOUND with a hint for a missing file', async () => {
    const error = await rejected(loadProfileFile(join(dir, 'missing.yaml')));
    expect(error.code).toBe('ERR_FILE_NOT_FOUND');
    expect(error.message).toContain('missing.yaml');
    expect(error.hint).toContain('profiles/quickstart.yaml');
  });

  it('throws ERR_USAGE for a directory', async () => {
    const error = await rejected(loadProfileFile(dir));
    expect(error.code).toBe('ERR_USAGE');
    expect(error.message).toContain('is a directory');
  });
});

describe('the shipped profiles', () => {
  it('include quickstart, ci-smoke and community-hospital-morning-peak', async () => {
    const files = await readdir(PROFILES_DIR);
    expect(files).toEqual(expect.arrayContaining(['quickstart.yaml', 'ci-smoke.yaml', 'community-hospital-morning-peak.yaml']));
  });

  it('all validate', async () => {
    const files = (await readdir(PROFILES_DIR)).filter((f) => /\.(ya?ml|json)$/.test(f));
    for (const file of files) {
      await expect(loadProfileFile(join(PROFILES_DIR, file)), file).resolves.toMatchObject({ name: expect.any(String) });
    }
  });

  it('quickstart runs about 20 seconds against the embedded simulator, matching its worklist', async () => {
    const profile = await loadProfileFile(join(PROFILES_DIR, 'quickstart.yaml'));
    expect(profile.target).toBeUndefined();
    expect(profile.scenarios.map((s) => [s.name, s.operation, s.executor.type])).toEqual([
      ['echo', 'dimse.echo', 'constant-arrival-rate'],
      ['worklist', 'mwl.find', 'constant-arrival-rate'],
      ['qido', 'qido.studies', 'ramping-arrival-rate'],
    ]);
    const worklist = profile.scenarios.find((s) => s.name === 'worklist');
    expect(worklist?.params.stations).toBe(profile.simulator.stations);
    expect(worklist?.params.expectItems).toBe(profile.simulator.stepsPerStation);
    for (const scenario of profile.scenarios) {
      const executor = scenario.executor;
      const durationUs =
        executor.type === 'ramping-arrival-rate' ? executor.stages.reduce((sum, s) => sum + s.durationUs, 0) : 'durationUs' in executor ? executor.durationUs : 0;
      expect(scenario.startAfterUs + durationUs).toBeLessThanOrEqual(20_000_000);
    }
  });

  it('community-hospital-morning-peak targets 127.0.0.1 on 4242 and 8042', async () => {
    const profile = await loadProfileFile(join(PROFILES_DIR, 'community-hospital-morning-peak.yaml'));
    expect(profile.target?.dimse).toMatchObject({ host: '127.0.0.1', port: 4242, calledAe: 'ORTHANC' });
    expect(profile.target?.dicomweb?.baseUrl).toBe('http://127.0.0.1:8042/dicom-web');
    const worklist = profile.scenarios.find((s) => s.operation === 'mwl.find');
    expect(worklist?.executor.type).toBe('ramping-arrival-rate');
    expect(worklist?.params.stations).toBe(200);
  });

  it('ci-smoke uses the iterations executor without a target', async () => {
    const profile = await loadProfileFile(join(PROFILES_DIR, 'ci-smoke.yaml'));
    expect(profile.target).toBeUndefined();
    expect(profile.scenarios.every((s) => s.executor.type === 'iterations')).toBe(true);
    expect(profile.options.seed).toBe(1);
  });
});
