/**
 * Reading a summary JSON file for `compare`, `merge` and `report`: the file may
 * come from another machine, another pacs-load version, a CI artifact download
 * that was cut short, or be some other JSON file given by mistake. Each case
 * gets its own message naming the file, never a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { PacsLoadError, type Problem } from '../errors.js';
import { SUMMARY_SCHEMA_ID, SUMMARY_SCHEMA_VERSION, type RunSummary } from '../metrics/types.js';
import { runSummarySchema } from './summary-schema.js';

/** Problems listed at most; a badly broken file could have thousands. */
const MAX_PROBLEMS = 20;

const EXPECTED = `a summary JSON written by \`pacs-load run --out FILE\` or \`pacs-load merge\` (schema "${SUMMARY_SCHEMA_ID}", version ${SUMMARY_SCHEMA_VERSION})`;

/**
 * Reads and validates a summary file. Throws `PacsLoadError`:
 * - ERR_FILE_NOT_FOUND (exit 2) when the file does not exist, ERR_USAGE (exit 2)
 *   when it cannot be read (a directory, no permission);
 * - ERR_INPUT_INVALID (exit 3) when it is not JSON (e.g. truncated), is JSON but
 *   not a pacs-load summary, is a summary of another schema version, or is
 *   structurally corrupt (every problem listed with its path, up to 20).
 */
export async function readSummaryFile(path: string): Promise<RunSummary> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') {
      throw new PacsLoadError('ERR_FILE_NOT_FOUND', `Summary file ${path} does not exist.`, {
        hint: `Check the path; give ${EXPECTED}.`,
        cause,
      });
    }
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new PacsLoadError('ERR_USAGE', `Cannot read the summary file ${path}: ${reason}`, {
      hint: 'Give the path of a readable summary JSON file (not a directory).',
      cause,
    });
  }
  return parseSummaryText(text, path);
}

/**
 * Validates a summary given as text; `sourceName` names it in messages. Throws
 * ERR_INPUT_INVALID as `readSummaryFile` does.
 */
export function parseSummaryText(text: string, sourceName: string): RunSummary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const reason = printable(cause instanceof Error ? cause.message : String(cause));
    const empty = text.trim() === '';
    throw invalid(
      empty ? `${sourceName} is empty, not a summary JSON.` : `${sourceName} is not JSON: ${reason}.`,
      `Give ${EXPECTED}. A file cut short (an interrupted copy or artifact download) reads like this: fetch it again.`,
      cause,
    );
  }
  return validateSummary(value, sourceName);
}

/** Validates a parsed JSON value as a summary; throws ERR_INPUT_INVALID naming `sourceName`. */
export function validateSummary(value: unknown, sourceName: string): RunSummary {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${sourceName} is not a pacs-load summary: it holds ${describeJson(value)}, not an object.`, `Give ${EXPECTED}.`);
  }
  const { schema, version } = value as { schema?: unknown; version?: unknown };
  if (schema !== SUMMARY_SCHEMA_ID) {
    const found = schema === undefined ? 'it has no `schema` field' : `its \`schema\` is ${JSON.stringify(schema)}`;
    throw invalid(`${sourceName} is not a pacs-load summary: ${found}.`, `Give ${EXPECTED}.`);
  }
  if (version !== SUMMARY_SCHEMA_VERSION) {
    const writer = toolVersionOf(value);
    throw invalid(
      `${sourceName} is a pacs-load summary of version ${JSON.stringify(version)}${writer}; this pacs-load reads version ${SUMMARY_SCHEMA_VERSION}.`,
      typeof version === 'number' && version > SUMMARY_SCHEMA_VERSION
        ? 'Use the pacs-load version that wrote the file (run.tool.version), or a newer one, to read it.'
        : 'Re-run the profile with this pacs-load version to get a summary it can read.',
    );
  }
  const result = runSummarySchema.safeParse(value, { reportInput: true });
  if (result.success) return result.data as RunSummary;
  const problems: Problem[] = result.error.issues.slice(0, MAX_PROBLEMS).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issueMessage(issue),
    fix: '',
  }));
  const more = result.error.issues.length - problems.length;
  if (more > 0) problems.push({ path: '', message: `... and ${more} more problems`, fix: '' });
  const total = result.error.issues.length;
  return rejectCorrupt(sourceName, total, problems);
}

function rejectCorrupt(sourceName: string, total: number, problems: Problem[]): never {
  throw new PacsLoadError(
    'ERR_INPUT_INVALID',
    `${sourceName} is a corrupt pacs-load summary: ${total} problem${total === 1 ? '' : 's'}`,
    {
      hint: 'The file was changed after pacs-load wrote it (edited, cut short or merged by another tool). Use the original file, or re-run the profile with --out.',
      problems,
    },
  );
}

function invalid(message: string, hint: string, cause?: unknown): PacsLoadError {
  return new PacsLoadError('ERR_INPUT_INVALID', message, { hint, cause });
}

/** What a zod issue says, in plain words without zod's wording for missing fields. */
function issueMessage(issue: { code: string; message: string; input?: unknown; expected?: unknown }): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `is missing (expected ${String(issue.expected)})`;
    return `should be ${String(issue.expected)}, not ${describeJson(issue.input)}`;
  }
  if (issue.code === 'custom') return issue.message;
  return issue.message.replace(/^Invalid input: /, '').replace(/^./, (first) => first.toLowerCase());
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function toolVersionOf(value: object): string {
  const version = (value as { run?: { tool?: { version?: unknown } } }).run?.tool?.version;
  return typeof version === 'string' ? ` (written by pacs-load ${version})` : '';
}

/** Characters a parser quotes from the input (it may be binary) are made safe for a terminal, and kept short. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach the terminal.
  const safe = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return safe.length > 160 ? `${safe.slice(0, 160)}...` : safe;
}
