/**
 * Summary files on disk for the CLI tests of `compare`, `merge` and `report`,
 * built from recorded samples with the real recorder, aggregator and
 * `buildSummary` (recorded-summaries.ts), plus the corrupt and
 * foreign files each command must refuse with exit 3 and how it must refuse them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { REPO_ROOT, tempDir } from '../../helpers/cli.js';
import { recordedSamples, specs, summaryOfSamples, type SampleOptions } from './recorded-summaries.js';

export const THRESHOLDS = specs({ 'mwl.find': ['p95 < 1s', 'errors < 5%'], 'qido.studies': ['p99 < 1s'] });

/** A summary of recorded samples (seed 5 unless given), written as `name` in `dir`. */
export async function writeRecordedSummary(
  dir: string,
  name: string,
  id: string,
  options: Partial<SampleOptions> = {},
): Promise<{ path: string; summary: RunSummary }> {
  const samples = recordedSamples({ seed: 5, perInterval: 150, intervals: 3, errorFraction: 0.01, ...options });
  const summary = summaryOfSamples(samples, { id, thresholds: THRESHOLDS });
  const path = join(dir, name);
  await writeFile(path, `${JSON.stringify(summary, null, 2)}\n`);
  return { path, summary };
}

/** Files that are not a usable summary, by what is wrong with them. */
export async function writeBadSummaries(dir: string, valid: RunSummary): Promise<Record<string, string>> {
  const text = JSON.stringify(valid, null, 2);
  const brokenHistogram = structuredClone(valid);
  const operation = brokenHistogram.operations[0] as RunSummary['operations'][number];
  operation.histograms.response = `${(operation.histograms.response as string).slice(0, 24)}AAAA`;
  const files: Record<string, string> = {
    truncated: text.slice(0, Math.floor(text.length * 0.6)),
    'empty object': '{}',
    'package.json': await readFile(join(REPO_ROOT, 'package.json'), 'utf8'),
    'broken histogram': JSON.stringify(brokenHistogram),
    'wrong version': JSON.stringify({ ...valid, version: 2 }),
  };
  const paths: Record<string, string> = {};
  for (const [kind, content] of Object.entries(files)) {
    const path = join(dir, `bad-${kind.replace(/\W+/g, '-')}.json`);
    await writeFile(path, content);
    paths[kind] = path;
  }
  return paths;
}

/** What each kind of bad file (writeBadSummaries) must be told apart by, in the error. */
export const BAD_SUMMARY_MESSAGES: Record<string, RegExp> = {
  truncated: /is not JSON: /,
  'empty object': /is not a pacs-load summary: it has no `schema` field/,
  'package.json': /is not a pacs-load summary: it has no `schema` field/,
  'broken histogram': /is a corrupt pacs-load summary: 1 problem[\s\S]*operations\.0\.histograms\.response: is not an encoded HDR histogram/,
  'wrong version': /is a pacs-load summary of version 2 \(written by pacs-load 0\.1\.0\); this pacs-load reads version 1/,
};

/**
 * Asserts that a command refused the bad file `path` of `kind` as issue 6
 * asks: exit 3, nothing on stdout, the file named first, the kind's message,
 * the stable code, a hint, and no stack trace.
 */
export function expectBadSummaryRefused(result: { code: number | null; stdout: string; stderr: string }, path: string, kind: string): void {
  expect(result.code).toBe(3);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(new RegExp(`^pacs-load: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
  expect(result.stderr).toMatch(BAD_SUMMARY_MESSAGES[kind] as RegExp);
  expect(result.stderr).toContain('[ERR_INPUT_INVALID]');
  expect(result.stderr).toMatch(/\nhint: \S/);
  expect(result.stderr).not.toContain('    at ');
}

export interface SummaryFiles {
  /** The temporary folder holding the files; tests may write more into it. */
  dir: string;
  /** `good.json`: a valid summary of run `good`. */
  good: string;
  /** Every bad file by kind (the keys of BAD_SUMMARY_MESSAGES). */
  bad: Record<string, string>;
}

/**
 * Registers beforeAll/afterAll hooks that write the good summary and every
 * bad file to a temporary folder and remove it after the test file; the
 * returned object's fields are set once beforeAll has run.
 */
export function useSummaryFiles(): SummaryFiles {
  const files: SummaryFiles = { dir: '', good: '', bad: {} };
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const dir = await tempDir();
    cleanup = dir.cleanup;
    files.dir = dir.path;
    const written = await writeRecordedSummary(dir.path, 'good.json', 'good');
    files.good = written.path;
    files.bad = await writeBadSummaries(dir.path, written.summary);
  });
  afterAll(async () => {
    await cleanup?.();
  });
  return files;
}
