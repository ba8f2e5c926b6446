/**
 * Reading a profile: file -> text -> YAML/JSON value -> validated `ResolvedProfile`.
 * JSON is valid YAML 1.2, so one parser reads both.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
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
 * Parses and validates a profile given as text (YAML or JSON).
 * `sourceName` names the input in messages (a file path, `<stdin>`).
 * Throws `PacsLoadError` ERR_PROFILE_PARSE for syntax errors (with line and
 * column) and ERR_PROFILE_INVALID for schema problems; both list every problem.
 */
export function parseProfileText(text: string, sourceName: string): ResolvedProfile {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
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
  const result = validateProfile(document.toJS({ maxAliasCount: 100 }));
  if (result.ok) return result.profile;
  const count = result.problems.length;
  throw new PacsLoadError('ERR_PROFILE_INVALID', `${sourceName} is not a valid profile: ${count} problem${count === 1 ? '' : 's'}`, {
    hint: 'Fix each problem listed (path: what is wrong; fix), then run again; profiles/quickstart.yaml is a small valid profile.',
    problems: result.problems,
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
 * ERR_USAGE when it cannot be read, ERR_PROFILE_INVALID for a value beyond a
 * limit, else as `parseProfileText`.
 */
export async function loadProfileFile(path: string, options: LoadProfileOptions = {}): Promise<ResolvedProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
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
