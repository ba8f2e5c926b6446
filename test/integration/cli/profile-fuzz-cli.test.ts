/**
 * Issue 10, item 3, through the built CLI (`npm run build` first): a sample
 * of generated bad profiles (built-in profiles with a value replaced by one of
 * the wrong type or an absurd one, and an unknown key added) given to
 * `validate` and `run` ends with exit 3, the problems on stderr, and no stack
 * trace. test/unit/profile/profile-fuzz.test.ts fuzzes the loader itself with
 * hundreds of cases; this checks what the user sees. Seeded, so it replays.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { isPacsLoadError } from '../../../src/errors.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { REPO_ROOT, runCli, tempDir, writeProfile } from '../../helpers/cli.js';

const SAMPLES = 10;
const SEED = 1_010;

const wrongValue = fc.oneof(
  fc.constantFrom(null, true, -1, 1e308, Number.NaN, Number.NEGATIVE_INFINITY, '', '1e999/s', '-5s', 'x'.repeat(5_000), '\u{1F4A5}\u202E', [], {}, [[[[[1]]]]]),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.double(),
);

/** Every path to a value (not the root) in a parsed profile. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return prefix.length === 0 ? [] : [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  return [...(prefix.length === 0 ? [] : [prefix]), ...entries.flatMap(([key, item]) => leafPaths(item, [...prefix, key]))];
}

function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const parent = path.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, root);
  parent[path[path.length - 1]!] = value;
}

let dir: { path: string; cleanup: () => Promise<void> };
const badProfiles: Array<{ file: string; text: string }> = [];

beforeAll(async () => {
  dir = await tempDir();
  const names = (await readdir(join(REPO_ROOT, 'profiles'))).filter((name) => name.endsWith('.yaml')).sort();
  const bases = await Promise.all(names.map(async (name) => parse(await readFile(join(REPO_ROOT, 'profiles', name), 'utf8')) as Record<string, unknown>));
  const candidates = fc.sample(
    fc.record({ base: fc.nat(), path: fc.nat(), value: wrongValue, unknownKey: fc.string({ minLength: 1, maxLength: 12 }) }),
    { seed: SEED, numRuns: 200 },
  );
  for (const candidate of candidates) {
    if (badProfiles.length === SAMPLES) break;
    const profile = structuredClone(bases[candidate.base % bases.length]!);
    const paths = leafPaths(profile);
    setAt(profile, paths[candidate.path % paths.length]!, candidate.value);
    // An unknown top-level key makes every sample invalid, whatever the replacement did.
    profile[`x-${candidate.unknownKey}`] = 1;
    const text = stringify(profile, { aliasDuplicateObjects: false });
    try {
      parseProfileText(text, 'sample.yaml');
    } catch (error) {
      if (!isPacsLoadError(error)) throw error;
      badProfiles.push({ file: await writeProfile(dir.path, `bad-${badProfiles.length}.yaml`, text), text });
    }
  }
});
afterAll(async () => {
  await dir.cleanup();
});

describe('generated bad profiles on the command line', () => {
  it(`there are ${SAMPLES} samples`, () => {
    expect(badProfiles).toHaveLength(SAMPLES);
  });

  for (let index = 0; index < SAMPLES; index++) {
    it(`sample ${index}: validate and run exit 3 with the problems, no stack trace`, async () => {
      const { file } = badProfiles[index]!;
      const results = await Promise.all([runCli(['validate', file]), runCli(['run', file])]);
      for (const result of results) {
        expect(result.code, result.stderr).toBe(3);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(new RegExp(`^pacs-load: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
        expect(result.stderr).toMatch(/^ {2}- \S.*: \S/m);
        expect(result.stderr).toMatch(/^hint: \S/m);
        expect(result.stderr).not.toMatch(/^\s+at /m);
      }
    });
  }
});
