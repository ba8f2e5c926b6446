/**
 * The two report outputs as `run` uses them: the path is checked at start
 * (before any load) and the file written atomically at stop.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PacsLoadError } from '../../../../src/errors.js';
import { createHtmlReportOutput } from '../../../../src/outputs/html/html-report-output.js';
import { createJunitOutput } from '../../../../src/outputs/junit/junit-output.js';
import type { Output } from '../../../../src/outputs/types.js';
import { intervalReport, startInfo } from '../fixtures.js';
import { measuredSummary } from './measured-summary.js';

const OUTPUTS: { name: string; create: (path: string) => Output; flag: string; begins: string }[] = [
  { name: 'HTML report', create: (path) => createHtmlReportOutput({ path }), flag: '--html', begins: '<!DOCTYPE html>' },
  { name: 'JUnit XML report', create: (path) => createJunitOutput({ path }), flag: '--junit', begins: '<?xml version="1.0"' },
];

async function rejection(promise: Promise<unknown> | void): Promise<PacsLoadError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PacsLoadError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe.each(OUTPUTS)('$name output', ({ name, create, flag, begins }) => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'pacs-load-report-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes the file at stop, creating parent directories, leaving no temporary file', async () => {
    const path = join(directory, 'nested', 'report.out');
    const output = create(path);
    await output.start(startInfo);
    // The check at start leaves nothing behind.
    expect(await readdir(join(directory, 'nested'))).toEqual([]);
    output.interval(intervalReport());
    await output.stop(measuredSummary());
    expect((await readFile(path, 'utf8')).startsWith(begins)).toBe(true);
    expect(await readdir(join(directory, 'nested'))).toEqual(['report.out']);
  });

  it('fails at start, before any load, with ERR_FILE_WRITE naming the path and the flag', async () => {
    // A path below a regular file cannot be created, even by root.
    const blocker = join(directory, 'a-file');
    await writeFile(blocker, 'x');
    const path = join(blocker, 'report.out');
    const error = await rejection(create(path).start(startInfo));
    expect(error.code).toBe('ERR_FILE_WRITE');
    expect(error.message).toContain(`Cannot write the ${name} to ${path}`);
    expect(error.hint).toContain(flag);
  });

  it('fails at start when the path is a directory', async () => {
    const path = join(directory, 'a-directory');
    await mkdir(path);
    const error = await rejection(create(path).start(startInfo));
    expect(error.code).toBe('ERR_FILE_WRITE');
    expect(error.message).toContain('it is a directory');
  });

  it('fails at stop with ERR_FILE_WRITE when the path became unwritable', async () => {
    const path = join(directory, 'sub', 'report.out');
    const output = create(path);
    await output.start(startInfo);
    await rm(join(directory, 'sub'), { recursive: true });
    await writeFile(join(directory, 'sub'), 'now a file');
    const error = await rejection(output.stop(measuredSummary()));
    expect(error.code).toBe('ERR_FILE_WRITE');
    expect(error.message).toContain(path);
  });
});
