/**
 * Issue 10, item 3: profile fuzzing. Whatever text a user gives `validate` or
 * `run`, the loader (loadProfileFile: read, parse, validate, sanity limits)
 * either resolves a profile or throws a PacsLoadError with exit code 3 and at
 * least one problem; never another exception, never a hang. Inputs: arbitrary
 * JSON and YAML values and text, and mutations of the built-in profiles
 * (profiles/*.yaml). Seeded, so a failure replays; fast-check prints the
 * seed and the shrunk counterexample.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parse } from 'yaml';
import { ExitCode, PacsLoadError } from '../../../src/errors.js';
import { describeProfile, describeScenario } from '../../../src/profile/describe.js';
import { loadProfileFile } from '../../../src/profile/load.js';
import { targetLoad } from '../../../src/profile/target-safety.js';

const PROFILES_DIR = join(import.meta.dirname, '../../../profiles');
/** Fixed, so a failure replays; PACS_LOAD_FUZZ_SEED explores others. */
const SEED = Number(process.env.PACS_LOAD_FUZZ_SEED ?? 20_261_128);
/** One case may take this long at most (a hang is a failure, not a slow test). */
const CASE_TIMEOUT_MS = 5_000;

let dir: string;
let file: string;
const builtIn: Array<{ name: string; value: unknown }> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pacs-load-fuzz-'));
  file = join(dir, 'fuzzed.yaml');
  for (const name of (await readdir(PROFILES_DIR)).filter((entry) => entry.endsWith('.yaml')).sort()) {
    builtIn.push({ name, value: parse(await readFile(join(PROFILES_DIR, name), 'utf8')) as unknown });
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The property: resolves (and the CLI's describe and safety code run on it), or a PacsLoadError with exit 3 and problems. */
async function resolvesOrRefuses(text: string | Buffer): Promise<void> {
  await writeFile(file, text);
  let profile;
  try {
    profile = await loadProfileFile(file);
  } catch (error) {
    if (!(error instanceof PacsLoadError)) throw new Error(`not a PacsLoadError: ${String(error)}`, { cause: error });
    expect(error.exitCode, `${error.code}: ${error.message}`).toBe(ExitCode.invalidProfile);
    expect(error.problems.length, error.message).toBeGreaterThan(0);
    for (const problem of error.problems) {
      expect(typeof problem.message).toBe('string');
      expect(problem.message.length).toBeGreaterThan(0);
    }
    return;
  }
  // What `validate` and `run` do next with a resolved profile must not throw either.
  for (const scenario of profile.scenarios) expect(describeScenario(scenario).length).toBeGreaterThan(0);
  describeProfile(profile);
  targetLoad(profile);
}

/** Serialized as YAML (block or flow) or JSON, as a user might write it. */
function serialize(value: unknown, format: number): string {
  switch (format % 3) {
    case 0:
      return stringify(value, { aliasDuplicateObjects: false });
    case 1:
      return stringify(value, { aliasDuplicateObjects: false, collectionStyle: 'flow' });
    default:
      return JSON.stringify(value) ?? 'null';
  }
}

/** Every path into a YAML value: object keys and array indexes. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const found: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => found.push(...paths(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) found.push(...paths(item, [...prefix, key]));
  }
  return found;
}

function deepNest(depth: number, asArray: boolean): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = asArray ? [value] : { a: value };
  return value;
}

/** Values unlike a profile's: wrong types, absurd numbers and units, long and unicode text, deep nesting. */
const strangeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    null,
    true,
    0,
    -0,
    -1,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    0.000_000_1,
    '',
    ' ',
    '1e999/s',
    '-5/s',
    'NaN/s',
    'Infinity/s',
    '0x10/s',
    '1e400ms',
    '-1s',
    'NaNs',
    '99999999999999999999h',
    '1e9/s',
    '876000h',
    '10000000',
    '50%',
    '-50%',
    '1e999%',
    'p95 < NaNms',
    'p101 < 1s',
    'errors < -1%',
    '999999999999999999999TB',
    '-1KiB',
    '__proto__',
    'constructor',
    'x'.repeat(100_000),
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.bigInt().map((n) => Number(n)),
  // Deep but cheap: flow-style YAML of a deep value grows with the square of its depth.
  fc.integer({ min: 20, max: 80 }).map((depth) => deepNest(depth, depth % 2 === 0)),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
);

type Mutation =
  | { kind: 'replace'; pathSeed: number; value: unknown }
  | { kind: 'delete'; pathSeed: number }
  | { kind: 'add'; pathSeed: number; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pathSeed: fc.nat(), value: strangeValue }),
  fc.record({ kind: fc.constant('delete' as const), pathSeed: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    pathSeed: fc.nat(),
    key: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'rate', 'duration', 'stages')),
    value: strangeValue,
  }),
);

/** Applies the mutations in turn to a deep copy of `value`. */
function mutate(value: unknown, mutations: readonly Mutation[]): unknown {
  let root = structuredClone(value);
  for (const change of mutations) {
    const all = paths(root);
    const path = all[change.pathSeed % all.length] ?? [];
    if (path.length === 0) {
      if (change.kind === 'replace') root = change.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root) as Record<string | number, unknown> | unknown[];
    const last = path[path.length - 1]!;
    if (change.kind === 'replace') (parent as Record<string | number, unknown>)[last] = change.value;
    else if (change.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      const target = (parent as Record<string | number, unknown>)[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, change.key, { value: change.value, enumerable: true, configurable: true, writable: true });
      }
    }
  }
  return root;
}

describe('profile fuzzing', () => {
  it('every built-in profile resolves unchanged (the mutations start from valid input)', async () => {
    for (const { value } of builtIn) await resolvesOrRefuses(serialize(value, 0));
    expect(builtIn.length).toBeGreaterThan(5);
  });

  it('arbitrary JSON and YAML values resolve or are refused with exit 3', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), strangeValue), fc.nat(), async (value, format) => {
        await resolvesOrRefuses(serialize(value, format));
      }),
      { seed: SEED, numRuns: 150, timeout: CASE_TIMEOUT_MS },
    );
  });

  it('arbitrary text resolves or is refused with exit 3', async () => {
    const yamlish = fc
      .array(fc.constantFrom('name: x\n', 'scenarios:\n', '  a:\n', '    rate: 5/s\n', '- ', ': ', '{', '}', '[', ']', '&a ', '*a ', '!!binary ', '!!js/function ', '%YAML 1.1\n', '---\n', '<<: *a\n', '\t', '"', "'", '#', '\uFEFF', '\0', '?'), { maxLength: 30 })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), yamlish), async (text) => {
        await resolvesOrRefuses(text);
      }),
      { seed: SEED, numRuns: 150, timeout: CASE_TIMEOUT_MS },
    );
  });

  it('mutated built-in profiles resolve or are refused with exit 3', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.nat(), async (profileSeed, mutations, format) => {
        const base = builtIn[profileSeed % builtIn.length]!;
        await resolvesOrRefuses(serialize(mutate(base.value, mutations), format));
      }),
      { seed: SEED, numRuns: 400, timeout: CASE_TIMEOUT_MS },
    );
  });

  it('text nested deeper than the parser\'s stack is refused with exit 3', async () => {
    for (const [open, close] of [['[', ']'], ['{a: ', '}']] as const) {
      await resolvesOrRefuses(`name: x\nscenarios: ${open.repeat(20_000)}1${close.repeat(20_000)}\n`);
    }
  });

  it('a binary file, or one too large to be a profile, is refused with exit 3 without parsing it', async () => {
    await resolvesOrRefuses(Buffer.from([0x44, 0x49, 0x43, 0x4d, 0x00, 0x02, 0xff, 0xfe, 0x00, 0x0a]));
    await resolvesOrRefuses(`# ${'x'.repeat(2 * 1024 * 1024)}\nname: big\n`);
  });

  it('a billion-alias document (YAML bomb) is refused, not expanded', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`);
    }
    await resolvesOrRefuses(levels.join('\n') + '\n');
  });
});
