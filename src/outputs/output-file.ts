/**
 * Writing output files (summary JSON, HTML report, JUnit XML, merged
 * summaries, written profiles): a check before the load that the path can be
 * written (issue 10: an unwritable path fails before any load, not after an
 * hour of it), and the atomic write after it, so a reader (a CI parser, a
 * browser, `compare`) never sees a half-written file. Both fail with
 * ERR_FILE_WRITE naming the path and the flag to change.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PacsLoadError } from '../errors.js';

export interface OutputFile {
  path: string;
  /** What the file is, for messages: `HTML report`, `summary JSON`. */
  what: string;
  /** The flag that named the path, for the hint: `--html`. */
  flag: string;
}

/**
 * Throws ERR_FILE_WRITE unless `file.path` can be written: its directory is
 * created, the path is not a directory, and a probe file beside it can be
 * created and removed (which also catches a read-only file system, even as root).
 */
export async function checkOutputFileWritable(file: OutputFile): Promise<void> {
  const probePath = `${file.path}.tmp`;
  try {
    await mkdir(dirname(file.path), { recursive: true });
    const existing = await stat(file.path).catch(() => undefined);
    if (existing?.isDirectory() === true) throw new Error('it is a directory');
    await writeFile(probePath, '', 'utf8');
    await rm(probePath, { force: true });
  } catch (cause) {
    throw writeError(file, cause);
  }
}

/**
 * Writes `text` to a temporary file beside `path` and renames it over `path`
 * (one step on POSIX file systems). Each write has its own temporary file, so
 * two writes that overlap never rename each other's: the last rename wins.
 */
export async function writeOutputFileAtomically(file: OutputFile, text: string): Promise<void> {
  // Random, so overlapping writes (a checkpoint and the final write, or two processes) never share one.
  const temporaryPath = `${file.path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(temporaryPath, text, 'utf8');
    await rename(temporaryPath, file.path);
  } catch (cause) {
    await rm(temporaryPath, { force: true }).catch(() => {});
    throw writeError(file, cause);
  }
}

function writeError(file: OutputFile, cause: unknown): PacsLoadError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new PacsLoadError('ERR_FILE_WRITE', `Cannot write the ${file.what} to ${file.path}: ${reason}`, {
    hint: `Check that ${file.path} is a writable file path (its directory can be created and is not a file), or pass another path to ${file.flag}.`,
    cause,
  });
}
