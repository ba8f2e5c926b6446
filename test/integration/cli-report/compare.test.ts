/**
 * `pacs-load compare` through the built CLI (run `npm run build` first): exit
 * 99 on a crafted regression, 0 within tolerance, the
 * markdown, and exit 2 with a hint for a bad tolerance. The in-process
 * tests (test/unit/report/commands.test.ts) cover the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/cli.js';
import { writeRecordedSummary } from '../../unit/report/summary-files.js';

let dir: { path: string; cleanup: () => Promise<void> };
let base: string;
let slower: string;
beforeAll(async () => {
  dir = await tempDir();
  base = (await writeRecordedSummary(dir.path, 'last-good.json', 'night-1')).path;
  // The same traffic, every response 30% slower: a crafted regression.
  slower = (await writeRecordedSummary(dir.path, 'tonight.json', 'night-2', { latencyFactor: 1.3 })).path;
});
afterAll(async () => {
  await dir.cleanup();
});

describe('pacs-load compare (built CLI)', () => {
  it('exits 99 when a tolerance is exceeded and names which', async () => {
    const result = await runCli(['compare', base, slower, '--max-regression', 'p95=10%,errors=0.5pp,rate=-5%']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(99);
    expect(result.stdout).toContain('verdict: 2 tolerances exceeded');
    expect(result.stdout).toMatch(/modality-worklist\/mwl\.find: p95 .* allowed \+10%/);
    expect(result.stdout).toMatch(/viewer-search\/qido\.studies: p95 .* allowed \+10%/);
  });

  it('exits 0 within tolerance', async () => {
    const result = await runCli(['compare', base, slower, '--max-regression', 'p50=40%,p95=40%,p99=40%,errors=0.5pp,rate=-5%']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('verdict: within tolerance');
  });

  it('writes markdown for a CI job summary', async () => {
    const markdown = await runCli(['compare', base, slower, '--max-regression', 'p99=10%', '--format', 'md']);
    expect(markdown.code).toBe(99);
    expect(markdown.stdout.split('\n')[0]).toBe('### pacs-load compare: ❌ 2 tolerances exceeded');
    expect(markdown.stdout).toContain('| scenario/operation | metric | base | new | change | allowed |');
  });

  it('exits 2 with a hint for a bad tolerance, without a stack trace', async () => {
    const result = await runCli(['compare', base, slower, '--max-regression', 'errors=1%']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/percentage points, not %/);
    expect(result.stderr).toMatch(/\nhint: .*errors=0\.1pp/);
    expect(result.stderr).not.toContain('    at ');
  });
});
