/**
 * Summary files on disk for the CLI tests of `compare`, `merge` and `report`,
 * built from recorded samples with the real recorder, aggregator and
 * `buildSummary` (recorded-summaries.ts), plus the corrupt and
 * foreign files each command must refuse with exit 3.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../../../src/metrics/types.js';
import { REPO_ROOT } from '../../helpers/cli.js';
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
