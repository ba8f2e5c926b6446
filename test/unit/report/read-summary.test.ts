import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPacsLoadError, type PacsLoadError } from '../../../src/errors.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { errorClassRows } from '../../../src/outputs/console-summary.js';
import { parseSummaryText, readSummaryFile, validateSummary } from '../../../src/report/read-summary.js';
import { tempDir } from '../../helpers/cli.js';
import { recordedSamples, specs, summaryOfSamples } from './recorded-summaries.js';

const summary = summaryOfSamples(recordedSamples({ seed: 1, perInterval: 100, intervals: 3, errorFraction: 0.02 }), {
  id: 'base',
  thresholds: specs({ 'mwl.find': ['p95 < 15ms', 'errors < 1%'] }),
});
const text = JSON.stringify(summary, null, 2);

/** A deep copy of the summary with `edit` applied. */
function edited(edit: (copy: RunSummary & Record<string, unknown>) => void): unknown {
  const copy = JSON.parse(text) as RunSummary & Record<string, unknown>;
  edit(copy);
  return copy;
}

function errorOf(action: () => unknown): PacsLoadError {
  try {
    action();
  } catch (error) {
    if (isPacsLoadError(error)) return error;
    throw error;
  }
  throw new Error('expected a PacsLoadError');
}

async function asyncErrorOf(action: () => Promise<unknown>): Promise<PacsLoadError> {
  try {
    await action();
  } catch (error) {
    if (isPacsLoadError(error)) return error;
    throw error;
  }
  throw new Error('expected a PacsLoadError');
}

describe('readSummaryFile', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir.cleanup();
  });

  it('reads a summary written by a run and gives back the same data', async () => {
    const path = join(dir.path, 'summary.json');
    await writeFile(path, text);
    expect(await readSummaryFile(path)).toEqual(JSON.parse(text));
  });

  it('says a missing file does not exist (exit 2), naming the path', async () => {
    const path = join(dir.path, 'nope.json');
    const error = await asyncErrorOf(() => readSummaryFile(path));
    expect(error.code).toBe('ERR_FILE_NOT_FOUND');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(path);
  });

  it('refuses a directory with a usage error', async () => {
    const path = join(dir.path, 'a-directory.json');
    await mkdir(path);
    const error = await asyncErrorOf(() => readSummaryFile(path));
    expect(error.code).toBe('ERR_USAGE');
    expect(error.message).toContain(path);
  });

  it('says a truncated file is not JSON (exit 3) and suggests fetching it again', async () => {
    const path = join(dir.path, 'truncated.json');
    await writeFile(path, text.slice(0, Math.floor(text.length / 2)));
    const error = await asyncErrorOf(() => readSummaryFile(path));
    expect(error.code).toBe('ERR_INPUT_INVALID');
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain(`${path} is not JSON`);
    expect(error.hint).toMatch(/cut short/);
  });
});

describe('validateSummary: foreign and corrupt input', () => {
  it('says an empty file is empty', () => {
    expect(errorOf(() => parseSummaryText('  \n', 'x.json')).message).toBe('x.json is empty, not a summary JSON.');
  });

  it('keeps control characters of a binary file out of the message', () => {
    const error = errorOf(() => parseSummaryText('PK\u0003\u0004\u0000\u001b[31mzip', 'archive.zip'));
    expect(error.message).toMatch(/^archive\.zip is not JSON: /);
    // eslint-disable-next-line no-control-regex -- the assertion is about control characters.
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('says JSON that is not an object, or has no schema field, is not a summary', () => {
    expect(errorOf(() => validateSummary([1, 2], 'a.json')).message).toContain('a.json is not a pacs-load summary: it holds an array');
    expect(errorOf(() => validateSummary(42, 'a.json')).message).toContain('number 42');
    expect(errorOf(() => validateSummary({}, 'empty.json')).message).toBe('empty.json is not a pacs-load summary: it has no `schema` field.');
    const packageJson = { name: 'pacs-load', version: '0.1.0', type: 'module' };
    const error = errorOf(() => validateSummary(packageJson, 'package.json'));
    expect(error.code).toBe('ERR_INPUT_INVALID');
    expect(error.hint).toContain('pacs-load run --out FILE');
    expect(errorOf(() => validateSummary({ schema: 'k6/summary' }, 'k6.json')).message).toContain('its `schema` is "k6/summary"');
  });

  it('names the version of a summary from another schema version and what to do', () => {
    const newer = errorOf(() => validateSummary(edited((copy) => Object.assign(copy, { version: 2 })), 'new.json'));
    expect(newer.message).toBe('new.json is a pacs-load summary of version 2 (written by pacs-load 0.1.0); this pacs-load reads version 1.');
    expect(newer.hint).toContain('newer one');
    const older = errorOf(() => validateSummary(edited((copy) => Object.assign(copy, { version: 0 })), 'old.json'));
    expect(older.hint).toContain('Re-run');
  });

  it('lists a histogram string that does not decode, with its path', () => {
    const error = errorOf(() =>
      validateSummary(
        edited((copy) => {
          const operation = copy.operations[0] as RunSummary['operations'][number];
          operation.histograms.response = (operation.histograms.response as string).slice(0, 30);
        }),
        'broken.json',
      ),
    );
    expect(error.code).toBe('ERR_INPUT_INVALID');
    expect(error.message).toBe('broken.json is a corrupt pacs-load summary: 1 problem');
    expect(error.problems).toEqual([
      { path: 'operations.0.histograms.response', message: expect.stringContaining('is not an encoded HDR histogram'), fix: '' },
    ]);
  });

  it('finds a histogram whose count does not match its stats, and counters that disagree', () => {
    const error = errorOf(() =>
      validateSummary(
        edited((copy) => {
          const [first, second] = copy.operations as [RunSummary['operations'][number], RunSummary['operations'][number]];
          first.histograms.service = second.histograms.service as string;
          first.latency.response = { ...(first.latency.response as NonNullable<typeof first.latency.response>), count: 5 };
          second.completed += 1;
        }),
        'edited.json',
      ),
    );
    const paths = error.problems.map((problem) => problem.path);
    expect(paths).toContain('operations.0.histograms.response');
    expect(paths).toContain('operations.1.completed');
    expect(paths).toContain('operations.1.failed');
    // The two operations recorded different counts, so a swapped histogram shows.
    if (summary.operations[0]?.completed !== summary.operations[1]?.completed) expect(paths).toContain('operations.0.histograms.service');
  });

  it('names missing and mistyped fields in plain words', () => {
    const error = errorOf(() =>
      validateSummary(
        edited((copy) => {
          delete (copy.operations[0] as Partial<RunSummary['operations'][number]>).latency;
          (copy.run as unknown as Record<string, unknown>).workers = 'two';
          (copy.thresholds[0] as { expression: string }).expression = 'p95 is fine';
        }),
        'x.json',
      ),
    );
    expect(error.problems).toEqual(
      expect.arrayContaining([
        { path: 'operations.0.latency', message: 'is missing (expected object)', fix: '' },
        { path: 'run.workers', message: 'should be number, not the string "two"', fix: '' },
        { path: 'thresholds.0.expression', message: expect.stringContaining('is not a threshold'), fix: '' },
      ]),
    );
  });

  it('accepts fields it does not know (additive changes within a version)', () => {
    const value = edited((copy) => {
      copy['extra'] = { anything: true };
    });
    expect(validateSummary(value, 'x.json').operations).toEqual(summary.operations);
  });

  it('lists at most 20 problems of a badly broken file', () => {
    const value = edited((copy) => {
      copy.intervals = copy.intervals.map(() => ({ junk: true })) as unknown as RunSummary['intervals'];
    });
    const error = errorOf(() => validateSummary(value, 'x.json'));
    expect(error.problems).toHaveLength(21);
    expect(error.problems[20]?.message).toMatch(/^\.\.\. and \d+ more problems$/);
  });
});

describe('reasons in a summary (issue 14, item 4)', () => {
  const operationOf = (value: unknown, index = 0): RunSummary['operations'][number] => (value as RunSummary).operations[index] as RunSummary['operations'][number];

  it('reads a summary written before reasons were kept, and renders its error table with the gloss', () => {
    const older = edited((copy) => {
      for (const operation of copy.operations) delete operation.reasons;
    });
    const read = validateSummary(older, 'older.json');
    expect(read.operations.every((operation) => operation.reasons === undefined)).toBe(true);
    const failing = read.operations.find((operation) => operation.failed > 0);
    expect(failing).toBeDefined();
    expect(errorClassRows(read.operations).rows).toContainEqual([expect.any(String), 'timeout', expect.any(String), 'no answer within the timeout']);
  });

  it('reads reasons back as written', () => {
    const withReasons = edited((copy) => {
      const operation = operationOf(copy);
      const timeouts = operation.outcomes['timeout'] ?? 0;
      operation.reasons = { timeout: { top: [{ reason: 'response: no answer within 2000 ms', count: timeouts - 1 }], other: 1 } };
    });
    expect(operationOf(validateSummary(withReasons, 'reasons.json')).reasons).toEqual(operationOf(withReasons).reasons);
  });

  it('refuses reasons that count more operations than their outcome has', () => {
    const error = errorOf(() =>
      validateSummary(
        edited((copy) => {
          const operation = operationOf(copy);
          operation.reasons = { timeout: { top: [{ reason: 'too many', count: (operation.outcomes['timeout'] ?? 0) + 1 }], other: 0 }, http_500: { top: [], other: 1 } };
        }),
        'edited.json',
      ),
    );
    expect(error.problems.map((problem) => problem.path)).toEqual(expect.arrayContaining(['operations.0.reasons.timeout', 'operations.0.reasons.http_500']));
  });
});
