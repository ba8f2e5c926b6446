/**
 * Issue 16, item 6: `$schema`, the standard way to get editor completion, is
 * accepted as a top-level key of YAML and JSON profiles (text, ignored);
 * `plan --write-profile` writes it, and `pacs-load schema --help` says how
 * editors use it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCHEMA_EDITOR_HELP } from '../../../src/cli/commands/schema.js';
import { isPacsLoadError } from '../../../src/errors.js';
import { computePlan, planProfileYaml, resolvePlanInput } from '../../../src/plan/index.js';
import { profileJsonSchema } from '../../../src/profile/json-schema.js';
import { loadProfileFile, parseProfileText } from '../../../src/profile/load.js';

const SCENARIOS = { echo: { operation: 'dimse.echo', executor: 'iterations', iterations: 1 } };

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'pacs-load-editor-schema-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('$schema in profiles', () => {
  it('validates in a YAML profile, with the yaml-language-server modeline too, and changes nothing', async () => {
    const path = join(directory, 'profile.yaml');
    await writeFile(path, ['# yaml-language-server: $schema=./pacs-load.schema.json', '$schema: ./pacs-load.schema.json', 'name: with-schema', `scenarios: ${JSON.stringify(SCENARIOS)}`, ''].join('\n'));
    const withSchema = await loadProfileFile(path);
    const without = parseProfileText(`name: with-schema\nscenarios: ${JSON.stringify(SCENARIOS)}\n`, 'plain.yaml');
    expect(withSchema).toEqual(without);
  });

  it('validates in a JSON profile', async () => {
    const path = join(directory, 'profile.json');
    await writeFile(path, JSON.stringify({ $schema: 'https://example.invalid/pacs-load.schema.json', name: 'json-with-schema', scenarios: SCENARIOS }, null, 2));
    expect((await loadProfileFile(path)).name).toBe('json-with-schema');
  });

  it('must be text', () => {
    const error: unknown = (() => {
      try {
        return parseProfileText(`$schema: 5\nname: x\nscenarios: ${JSON.stringify(SCENARIOS)}\n`, 'bad.yaml');
      } catch (caught) {
        return caught;
      }
    })();
    expect(isPacsLoadError(error) && error.problems.map((problem) => [problem.path, problem.message])).toEqual([['$schema', 'must be text (the path or URL of the JSON Schema), not number']]);
  });

  it('is in the JSON Schema, so editors do not flag it', () => {
    const properties = profileJsonSchema()['properties'] as Record<string, { type?: string }>;
    expect(properties['$schema']?.type).toBe('string');
  });

  it('is written by plan --write-profile, as the key and the modeline, and the profile validates', () => {
    const { input, given } = resolvePlanInput({ studiesPerDay: 500 });
    const text = planProfileYaml(computePlan(input, given));
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./pacs-load.schema.json');
    expect((parse(text) as Record<string, unknown>)['$schema']).toBe('./pacs-load.schema.json');
    expect(parseProfileText(text, 'plan.yaml').name).toBe('capacity-plan-peak');
  });

  it('schema --help says how editors use it', () => {
    expect(SCHEMA_EDITOR_HELP).toContain('pacs-load schema > pacs-load.schema.json');
    expect(SCHEMA_EDITOR_HELP).toContain('# yaml-language-server: $schema=./pacs-load.schema.json');
    expect(SCHEMA_EDITOR_HELP).toContain('"$schema": "./pacs-load.schema.json"');
  });
});
