/**
 * Writing a report file so that a reader (a CI step, a browser, `compare`)
 * never sees half of it: write `<path>.tmp`, then rename it over `path`.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PacsLoadError } from '../errors.js';

/**
 * Writes `text` (UTF-8) to `path` atomically; parent directories are created.
 * `what` names the file in the error (`the merged summary`) and `flag` the
 * option that chose the path (`-o`), for the hint. Throws ERR_FILE_WRITE.
 */
export async function writeFileAtomically(path: string, text: string, what: string, flag: string): Promise<void> {
  const temporaryPath = `${path}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporaryPath, text, 'utf8');
    // rename() replaces the target in one step on POSIX file systems.
    await rename(temporaryPath, path);
  } catch (cause) {
    await rm(temporaryPath, { force: true }).catch(() => {});
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new PacsLoadError('ERR_FILE_WRITE', `Cannot write ${what} to ${path}: ${reason}`, {
      hint: `Check that ${path} is a writable file path (its directory can be created and is not a file), or pass another path to ${flag}.`,
      cause,
    });
  }
}
