/**
 * Reading a profile: file -> text -> YAML/JSON value -> validated `ResolvedProfile`.
 * JSON is valid YAML 1.2, so one parser reads both.
 */
import { open } from 'node:fs/promises';
import { parseDocument, type Document } from 'yaml';
import { PacsLoadError, type Problem } from '../errors.js';
import { sanityLimitProblems } from './limits.js';
import { validateProfile } from './schema.js';
import type { ResolvedProfile } from './types.js';

/** What to do about a YAML syntax error, by the `yaml` package's error code. */
const YAML_FIXES: Record<string, string> = {
  DUPLICATE_KEY: 'remove or rename the repeated key',
  MULTIPLE_DOCS: 'keep one document per file (remove the extra `---`)',
  BAD_INDENT: 'indent nested keys consistently, with spaces, and close every `{` and `[`',
  MISSING_CHAR: 'check for a missing `:`, `]`, `}` or closing quote',
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs',
};

/**
 * The largest profile file read. The largest shipped profile is a few KiB; a
 * bigger file is a data file given by mistake (a DICOM file, a summary), and
 * reading and parsing it whole could take minutes (or forever: /dev/zero).
 */
export const MAX_PROFILE_BYTES = 1024 * 1024;

/**
 * Parses and validates a profile given as text (YAML or JSON).
 * `sourceName` names the input in messages (a file path, `<stdin>`).
 * Throws `PacsLoadError` ERR_PROFILE_PARSE for syntax errors (with line and
 * column), binary text (a NUL) and documents that cannot be expanded (an alias
 * bomb, nesting deeper than the stack), and ERR_PROFILE_INVALID for schema
 * problems or another pacs-load file (a summary); all list every problem.
 * Never throws anything else (test/unit/profile/profile-fuzz.test.ts).
 */
export function parseProfileText(text: string, sourceName: string): ResolvedProfile {
  // YAML allows no NUL (YAML 1.2 section 5.1); text with one is a binary file given by mistake.
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    throw new PacsLoadError('ERR_PROFILE_PARSE', `${sourceName} is a binary file, not a YAML or JSON profile`, {
      hint: `Give the path of a .yaml or .json profile; profiles/quickstart.yaml is a small valid one.`,
      problems: [{ path: '', message: `a NUL byte at character ${nul}: this is not text`, fix: 'give a profile file (YAML or JSON text)' }],
    });
  }
  // logLevel 'error': the yaml package would otherwise print its warnings (e.g. a
  // collection used as a key) to stderr through process.emitWarning.
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
  if (document.errors.length > 0) {
    const problems: Problem[] = document.errors.map((error) => {
      const position = error.linePos?.[0];
      const summary = error.message.split(/ at line \d+, column \d+/)[0]?.split('\n')[0] ?? error.message;
      return {
        path: '',
        message: position === undefined ? summary : `line ${position.line}, column ${position.col}: ${summary}`,
        fix: YAML_FIXES[error.code] ?? 'fix the YAML syntax at that position (indentation, `:` after keys, matching brackets and quotes)',
      };
    });
    throw new PacsLoadError('ERR_PROFILE_PARSE', `${sourceName} is not valid YAML or JSON: ${problems[0]?.message ?? ''}`, {
      hint: `Fix the syntax of ${sourceName} at the line and column shown.`,
      problems,
    });
  }
  const value = documentValue(document, sourceName);
  refuseOtherPacsLoadFile(value, sourceName);
  const result = validateProfile(value);
  if (result.ok) return result.profile;
  const count = result.problems.length;
  throw new PacsLoadError('ERR_PROFILE_INVALID', `${sourceName} is not a valid profile: ${count} problem${count === 1 ? '' : 's'}`, {
    hint: 'Fix each problem listed (path: what is wrong; fix), then run again; profiles/quickstart.yaml is a small valid profile.',
    problems: result.problems,
  });
}

/**
 * The document as plain values. The yaml package throws (a ReferenceError) when
 * aliases expand beyond `maxAliasCount`, the "billion laughs" defence, and a
 * RangeError when a value nests deeper than the stack; both are the input's
 * fault, so both are parse errors, not crashes.
 */
function documentValue(document: Document.Parsed, sourceName: string): unknown {
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const aliases = /alias/i.test((error as Error).message);
    throw new PacsLoadError('ERR_PROFILE_PARSE', `${sourceName} cannot be read as a profile: ${aliases ? 'its aliases expand too far' : 'it nests too deeply'}`, {
      hint: `Fix the structure of ${sourceName}; profiles/quickstart.yaml is a small valid profile.`,
      problems: [
        aliases
          ? { path: '', message: 'YAML aliases (*name) expand to too many values', fix: 'write the values out, or use fewer aliases of aliases' }
          : { path: '', message: `the value nests too deeply to read (${(error as Error).message})`, fix: 'a profile is a few levels deep: remove the extra nesting' },
      ],
      cause: error,
    });
  }
}

/**
 * A summary (`run --out`, `merge`) or a probe result given where a profile
 * belongs: say so, instead of listing each of its keys as unknown.
 */
function refuseOtherPacsLoadFile(value: unknown, sourceName: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const schema = (value as Record<string, unknown>).schema;
  if (typeof schema !== 'string' || !schema.startsWith('pacs-load/')) return;
  const what = schema === 'pacs-load/summary' ? 'a run summary' : schema === 'pacs-load/probe' ? 'a probe result' : `a pacs-load file of schema "${schema}"`;
  throw new PacsLoadError('ERR_PROFILE_INVALID', `${sourceName} is ${what}, not a profile`, {
    hint: 'Give the profile (YAML or JSON with `name` and `scenarios`); a summary goes to `pacs-load report`, `compare` or `merge`.',
    problems: [{ path: 'schema', message: `"${schema}" is not a profile`, fix: 'give the profile file; profiles/quickstart.yaml is a small valid one' }],
  });
}

export interface LoadProfileOptions {
  /** Accept values beyond the sanity limits (limits.ts); the CLI's `--force`. */
  force?: boolean;
}

/**
 * Reads, parses and validates a profile file (YAML or JSON), and checks the
 * sanity limits (limits.ts) unless `force`.
 * Throws `PacsLoadError`: ERR_FILE_NOT_FOUND when the file does not exist,
 * ERR_USAGE when it cannot be read (a directory), ERR_PROFILE_INVALID for a
 * value beyond a limit or a file over MAX_PROFILE_BYTES (read no further), else
 * as `parseProfileText`.
 */
export async function loadProfileFile(path: string, options: LoadProfileOptions = {}): Promise<ResolvedProfile> {
  let text: string;
  try {
    text = await readAtMost(path, MAX_PROFILE_BYTES);
  } catch (error) {
    if (error instanceof PacsLoadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new PacsLoadError('ERR_FILE_NOT_FOUND', `profile not found: ${path}`, {
        hint: 'Check the path; example profiles ship in profiles/ (start with profiles/quickstart.yaml).',
        cause: error,
      });
    }
    if (code === 'EISDIR') {
      throw new PacsLoadError('ERR_USAGE', `${path} is a directory, not a profile`, {
        hint: 'Give the path of a .yaml or .json profile file.',
        cause: error,
      });
    }
    throw new PacsLoadError('ERR_USAGE', `cannot read profile ${path}: ${(error as Error).message}`, {
      hint: 'Check that the file exists and is readable by this user.',
      cause: error,
    });
  }
  const profile = parseProfileText(text.replace(/^\uFEFF/, ''), path);
  const beyond = options.force === true ? [] : sanityLimitProblems(profile);
  if (beyond.length > 0) {
    throw new PacsLoadError('ERR_PROFILE_INVALID', `${path} asks for more than any load test needs: ${beyond.length} value${beyond.length === 1 ? '' : 's'} beyond the sanity limits`, {
      hint: 'These are most likely typos (a rate in /s instead of /m, hours instead of minutes). If the values are really meant, run again with --force.',
      problems: beyond,
    });
  }
  return profile;
}

/**
 * The file's text, read as UTF-8; throws PacsLoadError ERR_PROFILE_INVALID
 * when it holds more than `maxBytes` (read in chunks, so a device or a pipe
 * without end is refused too), else the file system's error.
 */
async function readAtMost(path: string, maxBytes: number): Promise<string> {
  const file = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) {
        throw new PacsLoadError('ERR_PROFILE_INVALID', `${path} is larger than ${maxBytes / 1024 / 1024} MiB: too large to be a profile`, {
          hint: 'Give the path of a .yaml or .json profile (a few KiB), not a data, DICOM or summary file; profiles/quickstart.yaml is a small valid one.',
          problems: [{ path: '', message: `more than ${maxBytes} bytes`, fix: 'give the profile file itself (YAML or JSON text)' }],
        });
      }
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    await file.close();
  }
}
