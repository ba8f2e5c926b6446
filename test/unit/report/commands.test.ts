/**
 * The `compare`, `merge` and `report` commands in process (run-command.ts):
 * every bad input against every command, flag errors, and the merge's notes.
 * The built CLI is exercised in test/integration/cli-report/.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { tempDir } from '../../helpers/cli.js';
import { runCommand } from './run-command.js';
import { writeBadSummaries, writeRecordedSummary } from './summary-files.js';

let dir: { path: string; cleanup: () => Promise<void> };
let good: string;
let other: string;
let bad: Record<string, string>;
beforeAll(async () => {
  dir = await tempDir();
  const written = await writeRecordedSummary(dir.path, 'good.json', 'good');
  good = written.path;
  other = (await writeRecordedSummary(dir.path, 'other.json', 'other', { seed: 6 })).path;
  bad = await writeBadSummaries(dir.path, written.summary);
});
afterAll(async () => {
  await dir.cleanup();
});

const EXPECTED_MESSAGE: Record<string, RegExp> = {
  truncated: /is not JSON: /,
  'empty object': /is not a pacs-load summary: it has no `schema` field/,
  'package.json': /is not a pacs-load summary: it has no `schema` field/,
  'broken histogram': /is a corrupt pacs-load summary: 1 problem[\s\S]*operations\.0\.histograms\.response: is not an encoded HDR histogram/,
  'wrong version': /is a pacs-load summary of version 2 \(written by pacs-load 0\.1\.0\); this pacs-load reads version 1/,
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('report, compare and merge refuse corrupt and foreign summaries', () => {
  const commands: Array<[string, (path: string) => string[]]> = [
    ['report', (path) => ['report', path]],
    ['report --html', (path) => ['report', path, '--html', join(dir.path, 'never.html')]],
    ['compare (base)', (path) => ['compare', path, good, '--max-regression', 'p95=10%']],
    ['compare (new)', (path) => ['compare', good, path]],
    ['merge', (path) => ['merge', good, path, '-o', join(dir.path, 'never.json')]],
  ];
  for (const kind of Object.keys(EXPECTED_MESSAGE)) {
    for (const [name, args] of commands) {
      it(`${name} given ${kind}: exit 3, the file named, a hint, no stack trace`, async () => {
        const path = bad[kind] as string;
        const result = await runCommand(args(path));
        expect(result.code).toBe(3);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(new RegExp(`^pacs-load: ${escapeRegExp(path)} `));
        expect(result.stderr).toMatch(EXPECTED_MESSAGE[kind] as RegExp);
        expect(result.stderr).toContain('[ERR_INPUT_INVALID]');
        expect(result.stderr).toMatch(/\nhint: \S/);
        expect(result.stderr).not.toContain('    at ');
      });
    }
  }

  it('writes no merged file when an input is bad', async () => {
    const out = join(dir.path, 'not-written.json');
    await runCommand(['merge', good, bad['truncated'] as string, '-o', out]);
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('pacs-load compare', () => {
  it('exits 2 with a hint for a bad tolerance or format, without a stack trace', async () => {
    for (const [flags, message] of [
      [['--max-regression', 'errors=1%'], /percentage points, not %/],
      [['--max-regression', 'p95=fast'], /neither a percentage nor a duration/],
      [['--format', 'xml'], /--format must be one of text, md, json/],
    ] as const) {
      const result = await runCommand(['compare', good, other, ...flags]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/\nhint: \S/);
      expect(result.stderr).not.toContain('    at ');
    }
  });

  it('accepts --format markdown as md', async () => {
    const result = await runCommand(['compare', good, other, '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^### pacs-load compare: /);
  });
});

describe('pacs-load merge', () => {
  it('notes on stderr when the parts were judged by different thresholds, and uses the first', async () => {
    const changed = join(dir.path, 'other-thresholds.json');
    const summary = JSON.parse(await readFile(other, 'utf8')) as RunSummary;
    await writeFile(changed, JSON.stringify({ ...summary, thresholds: summary.thresholds.slice(1) }));
    const out = join(dir.path, 'noted.json');
    const result = await runCommand(['merge', good, changed, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `pacs-load: note: ${changed} was judged by other thresholds than ${good}; the merge uses those of ${good} (give --profile to choose)\n`,
    );
    expect((JSON.parse(await readFile(out, 'utf8')) as RunSummary).thresholds).toHaveLength(3);
  });

  it('refuses the same run given twice, a missing -o and a missing profile with exit 2', async () => {
    const twice = await runCommand(['merge', good, good, '-o', join(dir.path, 'twice.json')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`${good} and ${good} hold the same run (good); merging would count it twice.`);
    const noOut = await runCommand(['merge', good, other]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("required option '-o, --out <file>' not specified");
    const noProfile = await runCommand(['merge', good, other, '-o', join(dir.path, 'x.json'), '--profile', join(dir.path, 'none.yaml')]);
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toContain('[ERR_FILE_NOT_FOUND]');
  });

  it('exits 2 when the merged file cannot be written', async () => {
    const result = await runCommand(['merge', good, other, '-o', join(good, 'inside-a-file.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Cannot write the merged summary to');
    expect(result.stderr).toContain('pass another path to --out');
  });
});

describe('pacs-load report', () => {
  it('prints the console report and exits 0 even when thresholds failed (it renders, run and merge judge)', async () => {
    const failing = join(dir.path, 'failing.json');
    const summary = JSON.parse(await readFile(good, 'utf8')) as RunSummary;
    await writeFile(failing, JSON.stringify({ ...summary, thresholds: summary.thresholds.map((threshold) => ({ ...threshold, passed: false })) }));
    const result = await runCommand(['report', failing]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('per operation (latency is response time, from the intended start)');
    expect(result.stdout).toContain('thresholds: 0 passed, 3 failed');
  });

  it('renders the reports of a merged summary (interval points without percentiles)', async () => {
    const merged = join(dir.path, 'merged-for-report.json');
    expect((await runCommand(['merge', good, other, '-o', merged])).code).toBe(0);
    const html = join(dir.path, 'merged.html');
    const junit = join(dir.path, 'merged.xml');
    expect(await runCommand(['report', merged, '--html', html, '--junit', junit])).toMatchObject({ code: 0, stderr: '' });
    expect(await readFile(html, 'utf8')).toContain('good+other');
    expect((await runCommand(['report', merged])).stdout).toContain('run good+other (nightly)');
  });

  it('writes the HTML and JUnit files atomically, creating directories', async () => {
    const html = join(dir.path, 'reports', 'nested', 'report.html');
    const junit = join(dir.path, 'reports', 'junit.xml');
    const result = await runCommand(['report', good, '--html', html, '--junit', junit]);
    expect(result).toEqual({ code: 0, stdout: `wrote ${html}\nwrote ${junit}\n`, stderr: '' });
    expect(await readFile(html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(await readFile(junit, 'utf8')).toContain('<testsuites');
    expect((await readdir(dirname(html))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
