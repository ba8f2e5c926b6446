import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PacsLoadError } from '../../../src/errors.js';
import { createSummaryJsonOutput } from '../../../src/outputs/summary-json-output.js';
import { buildSummary, intervalReport, startInfo } from './fixtures.js';

describe('summary JSON output', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'pacs-load-summary-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
    await rm(`${directory}.tmp`, { force: true });
  });

  it('writes the summary as re-readable JSON, creating parent directories', async () => {
    const path = join(directory, 'nested', 'deeper', 'summary.json');
    const output = createSummaryJsonOutput({ path });
    const summary = buildSummary();

    await output.start(startInfo);
    output.interval(intervalReport());
    await output.stop(summary);

    const text = await readFile(path, 'utf8');
    expect(JSON.parse(text)).toEqual(summary);
    // Pretty-printed, for humans diffing two runs.
    expect(text).toContain('\n  "schema": "pacs-load/summary"');
    // Atomic write: only the final file remains, no `.tmp` left behind.
    expect(await readdir(join(directory, 'nested', 'deeper'))).toEqual(['summary.json']);
  });

  it('replaces an existing file whole', async () => {
    const path = join(directory, 'summary.json');
    await writeFile(path, 'old contents that are longer than nothing at all');
    await createSummaryJsonOutput({ path }).stop(buildSummary());
    expect(JSON.parse(await readFile(path, 'utf8')).run.id).toBe('run-20240601-0800-a1b2');
  });

  it('fails with ERR_FILE_WRITE and a hint naming the path when the path cannot be written', async () => {
    // A parent that is a regular file fails even for root, unlike permission bits.
    const blocker = join(directory, 'not-a-directory');
    await writeFile(blocker, '');
    const path = join(blocker, 'summary.json');

    const error = await createSummaryJsonOutput({ path }).stop(buildSummary()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PacsLoadError);
    const pacsError = error as PacsLoadError;
    expect(pacsError.code).toBe('ERR_FILE_WRITE');
    expect(pacsError.message).toContain(path);
    expect(pacsError.hint).toContain(path);
  });

  it('fails with ERR_FILE_WRITE when the path is a directory, leaving no temporary file', async () => {
    const error = await createSummaryJsonOutput({ path: directory }).stop(buildSummary()).catch((caught: unknown) => caught);
    expect((error as PacsLoadError).code).toBe('ERR_FILE_WRITE');
    // Its temporary files would sit beside it, named after it.
    const leftovers = (await readdir(dirname(directory))).filter((name) => name.startsWith(`${basename(directory)}.`) && name.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('a checkpoint overlapping the final write makes neither fail, and leaves one whole summary', async () => {
    const path = join(directory, 'summary.json');
    const output = createSummaryJsonOutput({ path });
    const partial = buildSummary({ run: { ...buildSummary().run, endReason: 'running' } });
    const final = buildSummary();
    await Promise.all([output.checkpoint?.(partial), output.stop(final)]);
    // Which rename lands last is up to the file system; the run itself waits for
    // a checkpoint in flight before the final write (run-load.ts), so there the final one does.
    expect([partial, final]).toContainEqual(JSON.parse(await readFile(path, 'utf8')));
    expect(await readdir(directory)).toEqual(['summary.json']);
  });
});
