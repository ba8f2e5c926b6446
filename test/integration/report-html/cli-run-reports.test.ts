/**
 * `pacs-load run --html FILE --junit FILE` with the built CLI: both reports
 * are written and agree with the summary and the exit code; a path that
 * cannot be written fails before the load with ERR_FILE_WRITE.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';

let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.cleanup();
});

const PROFILE = [
  'name: reports <&> test',
  'scenarios:',
  '  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 20/s, duration: 1s }',
  '  search: { operation: qido.studies, executor: iterations, iterations: 5 }',
  'thresholds:',
  '  dimse.echo: ["p99 < 60s", "rate > 100000/s"]',
].join('\n');

describe('pacs-load run --html --junit (built CLI)', () => {
  it('writes the HTML report and the JUnit XML, both telling the failed threshold that made it exit 99', async () => {
    const profile = await writeProfile(dir.path, 'reports.yaml', PROFILE);
    const html = join(dir.path, 'out', 'report.html');
    const junit = join(dir.path, 'out', 'junit.xml');
    const out = join(dir.path, 'out', 'summary.json');
    const result = await runCli(['run', profile, '--workers', '1', '--quiet', '--out', out, '--html', html, '--junit', junit]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(99);
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;

    const page = await readFile(html, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<strong>FAILED</strong>');
    expect(page).toContain('<h1>pacs-load report: reports &lt;&amp;&gt; test</h1>');
    // The profile as run, from the file given.
    expect(page).toContain('  dimse.echo: [&quot;p99 &lt; 60s&quot;, &quot;rate &gt; 100000/s&quot;]');
    expect(page).toContain(`Run ${summary.run.id}`);

    const xml = await readFile(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml) as {
      testsuites: { '@tests': string; '@failures': string };
    };
    // Two thresholds and two operations; one threshold failed.
    expect(parsed.testsuites['@tests']).toBe('4');
    expect(parsed.testsuites['@failures']).toBe('1');
    expect(xml).toContain('<testcase classname="thresholds.dimse.echo" name="rate &gt; 100000/s" time="0">');
    expect(xml).toContain('type="ThresholdFailed"');
  });

  it('fails before the load with ERR_FILE_WRITE (exit 2) naming an unwritable --html or --junit path', async () => {
    const profile = await writeProfile(dir.path, 'reports.yaml', PROFILE);
    const blocker = join(dir.path, 'not-a-directory');
    await writeFile(blocker, 'x');
    for (const flag of ['--html', '--junit']) {
      const path = join(blocker, 'report.out');
      const out = join(dir.path, `never-${flag.slice(2)}.json`);
      const result = await runCli(['run', profile, '--workers', '1', '--quiet', '--out', out, flag, path]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('ERR_FILE_WRITE');
      expect(result.stderr).toContain(path);
      expect(result.stderr).toContain(flag);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      // Nothing ran, so there is no summary.
      await expect(stat(out)).rejects.toThrow();
    }
  });
});
