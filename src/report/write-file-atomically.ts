/**
 * Writing a file so that a reader (a CI step, a browser, `compare`) never sees
 * half of it; the one implementation is src/outputs/output-file.ts.
 */
import { writeOutputFileAtomically } from '../outputs/output-file.js';

/**
 * Writes `text` (UTF-8) to `path` atomically; parent directories are created.
 * `what` names the file in the error (`the merged summary`) and `flag` the
 * option that chose the path (`-o`), for the hint. Throws ERR_FILE_WRITE.
 */
export async function writeFileAtomically(path: string, text: string, what: string, flag: string): Promise<void> {
  await writeOutputFileAtomically({ path, what: what.replace(/^the /, ''), flag }, text);
}
