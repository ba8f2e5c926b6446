/**
 * `pacs-load merge` keeps every section (issue 14, item 7): the parts'
 * `--verify` results add up (and a failed one makes the merge exit 98, as
 * `run` does), `stored` counts add up, `breakpoint`, `migration` and
 * `identities` are kept, or listed per file where they differ, in the merged file, in what merge prints, and in the reports
 * of the merged file (`report`, `report --html`). In process
 * (test/helpers/in-process-cli.ts): nothing here starts workers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { tempDir } from '../../helpers/cli.js';
import { runCommand } from '../../helpers/in-process-cli.js';
import { breakpointSection, identitySection, migrationSection, storedSection, verifySection } from '../../unit/metrics/section-fixtures.js';
import { recordedSamples, summaryOfSamples } from '../../unit/report/recorded-summaries.js';
import { THRESHOLDS } from '../../unit/report/summary-files.js';

let dir: { path: string; cleanup: () => Promise<void> };
const paths: Record<string, string> = {};

/** One machine's summary of a run split in two, with the sections given. */
async function writePart(name: string, seed: number, sections: Partial<RunSummary>): Promise<void> {
  const samples = recordedSamples({ seed, perInterval: 100, intervals: 2, errorFraction: 0 });
  const summary: RunSummary = { ...summaryOfSamples(samples, { id: `split-${name}`, thresholds: THRESHOLDS }), ...sections };
  paths[name] = join(dir.path, `${name}.json`);
  await writeFile(paths[name], JSON.stringify(summary));
}

beforeAll(async () => {
  dir = await tempDir();
  // Machine A lost an instance and sent one twice; B found everything. Their knees differ, their migrations agree.
  await writePart('a', 1, { verify: verifySection({ checked: 60, missing: ['2.25.11'], duplicates: ['2.25.12'] }), breakpoint: breakpointSection(30), migration: migrationSection(4) });
  await writePart('b', 2, { verify: verifySection({ checked: 60 }), breakpoint: breakpointSection(40), migration: migrationSection(4) });
  await writePart('c', 3, { verify: verifySection({ checked: 50 }), breakpoint: breakpointSection(40), migration: migrationSection(4) });
  // Two halves of one split run (same run component), with what each had acknowledged; a third part re-sent fixed identities.
  const identities = identitySection('unique', 'split-run');
  await writePart('s1', 4, { stored: storedSection([['ct', 'dimse.store', 60, 3], ['wl', 'chain', 40, 4]]), identities });
  await writePart('s2', 5, { stored: storedSection([['ct', 'dimse.store', 50, 2], ['wl', 'chain', 30, 4]]), identities });
  await writePart('f', 6, { stored: storedSection([['ct', 'dimse.store', 10, 1]]), identities: identitySection('fixed', 'seed-7') });
});
afterAll(async () => {
  await dir.cleanup();
});

const readSummary = async (path: string): Promise<RunSummary> => JSON.parse(await readFile(path, 'utf8')) as RunSummary;

describe('pacs-load merge keeps every section', () => {
  it('adds the verify results up and exits 98 when the merged check fails; lists differing knees per file and keeps the migration', async () => {
    const out = join(dir.path, 'ab.json');
    const result = await runCommand(['merge', paths['a']!, paths['b']!, '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(98);
    const merged = await readSummary(out);
    expect(merged.verify).toMatchObject({
      checked: 120,
      missing: 1,
      missingInstances: ['2.25.11'],
      acknowledgedSends: 121,
      distinctInstances: 120,
      acknowledgedMoreThanOnce: 1,
      duplicateInstances: ['2.25.12'],
      duplicatesIntended: false,
    });
    expect(merged.verify?.detail).toBe('121 acknowledged sends of 120 distinct instances: 1 acknowledged more than once (unintended, 1 extra acknowledgement); 120 checked: 1 missing');
    expect(merged.breakpoint).toBeUndefined();
    expect(merged.instanceSections).toEqual([
      { instance: paths['a'], breakpoint: breakpointSection(30) },
      { instance: paths['b'], breakpoint: breakpointSection(40) },
    ]);
    expect(merged.migration).toEqual(migrationSection(4));
    expect(result.stdout).toContain(`verify: FAILED: ${merged.verify?.detail}`);
    expect(result.stdout).toContain(`breakpoint (ramp) of ${paths['a']}: sustainable rate 30/s; first failed step 40/s`);
    expect(result.stdout).toContain(`breakpoint (ramp) of ${paths['b']}: sustainable rate 40/s; first failed step 50/s`);
    expect(result.stdout).toContain('migration: sent 4 GB in 100 s: sustained 144 GB/hour');

    // The merged file's own reports show all of it.
    const report = await runCommand(['report', out]);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain(`verify: ${merged.verify?.detail}`);
    expect(report.stdout).toContain('  missing 2.25.11');
    expect(report.stdout).toContain('  duplicate 2.25.12');
    expect(report.stdout).toContain(`breakpoint (ramp) of ${paths['a']}`);
    expect(report.stdout).toContain('migration\n  sent 4 GB in 100 s');
    const html = join(dir.path, 'ab.html');
    expect((await runCommand(['report', out, '--html', html])).code).toBe(0);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<strong>FAILED</strong>');
    expect(page).toContain(`<h3>Breakpoint: ramp of ${paths['b']}</h3>`);
    expect(page).toContain('<h3>Migration</h3>');
  });

  it('keeps sections every part has alike, and exits 0 when the merged check and thresholds pass', async () => {
    const out = join(dir.path, 'bc.json');
    const result = await runCommand(['merge', paths['b']!, paths['c']!, '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const merged = await readSummary(out);
    expect(merged.verify).toMatchObject({ checked: 110, missing: 0, acknowledgedSends: 110, distinctInstances: 110, acknowledgedMoreThanOnce: 0 });
    expect(merged.breakpoint).toEqual(breakpointSection(40));
    expect(merged.migration).toEqual(migrationSection(4));
    expect(merged.instanceSections).toBeUndefined();
    expect(result.stdout).toContain('verify: 110 acknowledged sends of 110 distinct instances; 110 checked: all stored');
    expect(result.stdout).toContain('breakpoint (ramp): sustainable rate 40/s');
  });

  it('merges a merge again without losing what it listed per file', async () => {
    const ab = join(dir.path, 'ab.json');
    const out = join(dir.path, 'abc.json');
    const result = await runCommand(['merge', ab, paths['c']!, '-o', out]);
    expect(result.code).toBe(98);
    const merged = await readSummary(out);
    expect(merged.verify).toMatchObject({ checked: 170, missing: 1, acknowledgedMoreThanOnce: 1 });
    expect(merged.instanceSections?.map((entry) => [entry.instance, entry.breakpoint?.sustainableRatePerSec])).toEqual([
      [paths['a'], 30],
      [paths['b'], 40],
      [paths['c'], 40],
    ]);
  });

  it('adds the stored counts up, saying the studies are summed over parts, and keeps identities the parts made alike', async () => {
    const out = join(dir.path, 's.json');
    const result = await runCommand(['merge', paths['s1']!, paths['s2']!, '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const merged = await readSummary(out);
    expect(merged.stored).toEqual({
      scenarios: [
        { scenario: 'ct', operation: 'dimse.store', acknowledgedInstances: 110, studies: 5 },
        { scenario: 'wl', operation: 'chain', acknowledgedInstances: 70, studies: 8 },
      ],
      acknowledgedInstances: 180,
      studies: 13,
      studiesSummedOverParts: 2,
    });
    expect(merged.identities).toEqual(identitySection('unique', 'split-run'));
    expect(merged.instanceSections).toBeUndefined();
    expect(result.stdout).toContain('stored: 180 acknowledged instances in 13 studies (summed over 2 parts)');
    expect(result.stdout).toContain('  wl (chain): 70 instances in 8 studies');

    // The merged file's own reports say the same.
    const report = await runCommand(['report', out]);
    expect(report.stdout).toContain('stored: 180 acknowledged instances in 13 studies (summed over 2 parts)');
    const html = join(dir.path, 's.html');
    expect((await runCommand(['report', out, '--html', html])).code).toBe(0);
    expect(await readFile(html, 'utf8')).toContain('<p>Stored: 180 acknowledged instances in 13 studies (summed over 2 parts).</p>');
  });

  it('lists identities per file where the parts made them differently, and says duplicates were intended', async () => {
    const out = join(dir.path, 'sf.json');
    const result = await runCommand(['merge', paths['s1']!, paths['f']!, '-o', out]);
    expect(result.stderr).toBe('');
    const merged = await readSummary(out);
    expect(merged.identities).toBeUndefined();
    expect(merged.identitiesPerPart).toEqual({ modes: ['fixed', 'unique'], duplicatesIntended: true });
    expect(merged.instanceSections).toEqual([
      { instance: paths['s1'], identities: identitySection('unique', 'split-run') },
      { instance: paths['f'], identities: identitySection('fixed', 'seed-7') },
    ]);
    expect(merged.stored?.acknowledgedInstances).toBe(110);
    expect(result.stdout).toContain('identities: made differently per part (fixed, unique); some parts sent objects more than once on purpose');
    expect(result.stdout).toContain(`  identities of ${paths['f']}: fixed (run component seed-7, UID root 2.25), duplicates intended`);
    // A merged file read back keeps them (the summary schema accepts them).
    expect((await runCommand(['report', out])).stdout).toContain(`identities of ${paths['s1']}: unique`);
  });
});
