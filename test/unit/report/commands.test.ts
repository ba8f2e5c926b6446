/**
 * The `compare`, `merge` and `report` commands in process (test/helpers/in-process-cli.ts):
 * every bad input against every command, flag errors, and the merge's notes.
 * The built CLI is exercised in test/integration/cli-report/.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { runCommand } from '../../helpers/in-process-cli.js';
import { BAD_SUMMARY_MESSAGES, expectBadSummaryRefused, useSummaryFiles, writeRecordedSummary } from './summary-files.js';

const files = useSummaryFiles();
let other: string;
beforeAll(async () => {
  other = (await writeRecordedSummary(files.dir, 'other.json', 'other', { seed: 6 })).path;
});

describe('report, compare and merge refuse corrupt and foreign summaries', () => {
  const commands: Array<[string, (path: string) => string[]]> = [
    ['report', (path) => ['report', path]],
    ['report --html', (path) => ['report', path, '--html', join(files.dir, 'never.html')]],
    ['compare (base)', (path) => ['compare', path, files.good, '--max-regression', 'p95=10%']],
    ['compare (new)', (path) => ['compare', files.good, path]],
    ['merge', (path) => ['merge', files.good, path, '-o', join(files.dir, 'never.json')]],
  ];
  for (const kind of Object.keys(BAD_SUMMARY_MESSAGES)) {
    for (const [name, args] of commands) {
      it(`${name} given ${kind}: exit 3, the file named, a hint, no stack trace`, async () => {
        const path = files.bad[kind] as string;
        expectBadSummaryRefused(await runCommand(args(path)), path, kind);
      });
    }
  }

  it('writes no merged file when an input is bad', async () => {
    const out = join(files.dir, 'not-written.json');
    await runCommand(['merge', files.good, files.bad['truncated'] as string, '-o', out]);
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
      const result = await runCommand(['compare', files.good, other, ...flags]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/\nhint: \S/);
      expect(result.stderr).not.toContain('    at ');
    }
  });

  it('accepts --format markdown as md', async () => {
    const result = await runCommand(['compare', files.good, other, '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^### pacs-load compare: /);
  });
});

describe('pacs-load merge', () => {
  it('notes on stderr when the parts were judged by different thresholds, and uses the first', async () => {
    const changed = join(files.dir, 'other-thresholds.json');
    const summary = JSON.parse(await readFile(other, 'utf8')) as RunSummary;
    await writeFile(changed, JSON.stringify({ ...summary, thresholds: summary.thresholds.slice(1) }));
    const out = join(files.dir, 'noted.json');
    const result = await runCommand(['merge', files.good, changed, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `pacs-load: note: ${changed} was judged by other thresholds than ${files.good}; the merge uses those of ${files.good} (give --profile to choose)\n`,
    );
    expect((JSON.parse(await readFile(out, 'utf8')) as RunSummary).thresholds).toHaveLength(3);
  });

  it('refuses the same run given twice, a missing -o and a missing profile with exit 2', async () => {
    const twice = await runCommand(['merge', files.good, files.good, '-o', join(files.dir, 'twice.json')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`${files.good} and ${files.good} hold the same run (good); merging would count it twice.`);
    const noOut = await runCommand(['merge', files.good, other]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("required option '-o, --out <file>' not specified");
    const noProfile = await runCommand(['merge', files.good, other, '-o', join(files.dir, 'x.json'), '--profile', join(files.dir, 'none.yaml')]);
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toContain('[ERR_FILE_NOT_FOUND]');
  });

  it('exits 2 when the merged file cannot be written', async () => {
    const result = await runCommand(['merge', files.good, other, '-o', join(files.good, 'inside-a-file.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Cannot write the merged summary to');
    expect(result.stderr).toContain('pass another path to --out');
  });
});

describe('pacs-load report', () => {
  it('prints the console report and exits 0 even when thresholds failed (it renders, run and merge judge)', async () => {
    const failing = join(files.dir, 'failing.json');
    const summary = JSON.parse(await readFile(files.good, 'utf8')) as RunSummary;
    await writeFile(failing, JSON.stringify({ ...summary, thresholds: summary.thresholds.map((threshold) => ({ ...threshold, passed: false })) }));
    const result = await runCommand(['report', failing]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('per operation (latency is response time, from the intended start)');
    expect(result.stdout).toContain('thresholds: 0 passed, 3 failed');
  });

  it('renders the reports of a merged summary (interval points without percentiles)', async () => {
    const merged = join(files.dir, 'merged-for-report.json');
    expect((await runCommand(['merge', files.good, other, '-o', merged])).code).toBe(0);
    const html = join(files.dir, 'merged.html');
    const junit = join(files.dir, 'merged.xml');
    expect(await runCommand(['report', merged, '--html', html, '--junit', junit])).toMatchObject({ code: 0, stderr: '' });
    expect(await readFile(html, 'utf8')).toContain('good+other');
    expect((await runCommand(['report', merged])).stdout).toContain('run good+other (nightly)');
  });

  it('writes the HTML and JUnit files atomically, creating directories', async () => {
    const html = join(files.dir, 'reports', 'nested', 'report.html');
    const junit = join(files.dir, 'reports', 'junit.xml');
    const result = await runCommand(['report', files.good, '--html', html, '--junit', junit]);
    expect(result).toEqual({ code: 0, stdout: `wrote ${html}\nwrote ${junit}\n`, stderr: '' });
    expect(await readFile(html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(await readFile(junit, 'utf8')).toContain('<testsuites');
    expect((await readdir(dirname(html))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
