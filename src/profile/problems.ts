/**
 * How a `Problem` (path, message, fix) travels through zod and comes back out.
 *
 * zod carries one string per issue, but every profile problem needs a message
 * and a fix. The schema's own error functions and refinements therefore write
 * an encoded problem into the issue message (`problemText`), and
 * `problemsFromIssues` decodes it. Issues zod raises on its own (none are
 * expected, but a zod upgrade could add some) are translated generically, so no
 * zod wording or internals reach the user.
 */
import type { Problem } from '../errors.js';

const MARKER = 'pacs-load-problem:';

/** A problem below the issue's own path (`subpath` is appended to it). */
export interface EncodedProblem {
  subpath: Array<string | number>;
  message: string;
  fix: string;
}

/** The issue message for one problem at the issue's path. */
export function problemText(message: string, fix: string): string {
  return encode([{ subpath: [], message, fix }]);
}

/** The issue message for several problems below the issue's path (e.g. one per unknown key). */
export function problemsText(problems: EncodedProblem[]): string {
  return encode(problems);
}

/**
 * The issue message that carries the problems of a nested validation (run inside
 * an error function) below the issue's path, so their detail is not lost.
 */
export function nestedProblemsText(issues: readonly IssueLike[]): string {
  const nested: EncodedProblem[] = [];
  for (const issue of issues) {
    for (const problem of translateToEncoded(issue)) {
      nested.push({ ...problem, subpath: [...issue.path.map(pathSegment), ...problem.subpath] });
    }
  }
  return encode(nested);
}

function encode(problems: EncodedProblem[]): string {
  return MARKER + JSON.stringify(problems);
}

/** The parts of a zod issue this module reads (structurally typed, so no zod types leak). */
export interface IssueLike {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  message: string;
  keys?: string[];
  expected?: string;
}

/**
 * Translates zod issues into problems without duplicates. With `input` (the
 * validated value), problems come in document order, so the problems of one
 * scenario stand together; otherwise in zod's order.
 */
export function problemsFromIssues(issues: readonly IssueLike[], input?: unknown): Problem[] {
  const located = issues.flatMap((issue) =>
    translateToEncoded(issue).map((p) => ({
      segments: [...issue.path.map(pathSegment), ...p.subpath],
      message: p.message,
      fix: p.fix,
    })),
  );
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const entry of input === undefined ? located : inDocumentOrder(located, input)) {
    const path = dottedPath(entry.segments);
    const key = `${path}\u0000${entry.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, message: entry.message, fix: entry.fix });
  }
  return problems;
}

/** A dotted path: `scenarios.worklist.stages[1].target`; '' for the whole profile. */
export function dottedPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/** The problems of one issue, with subpaths relative to the issue's path. */
function translateToEncoded(issue: IssueLike): EncodedProblem[] {
  const decoded = decode(issue.message);
  if (decoded !== undefined) return decoded;
  if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) {
    return issue.keys.map((key) => ({
      subpath: [key],
      message: `unknown key \`${key}\``,
      fix: 'remove it or check its spelling',
    }));
  }
  if (issue.code === 'invalid_type' && issue.expected !== undefined) {
    return [{ subpath: [], message: `must be a ${issue.expected}`, fix: `write a ${issue.expected} here` }];
  }
  return [{ subpath: [], message: 'has an invalid value', fix: 'check this value against the profile reference (JSON Schema)' }];
}

/**
 * Problems sorted by where their path is in the input: the position of the
 * deepest part of the path that exists (a missing key sorts with its mapping).
 * The sort is stable, so problems at one place keep zod's order.
 */
function inDocumentOrder<T extends { segments: Array<string | number> }>(problems: T[], input: unknown): T[] {
  const order = new Map<string, number>();
  const visit = (value: unknown, path: string): void => {
    order.set(path, order.size);
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}\u0000${index}`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, `${path}\u0000${key}`);
    }
  };
  visit(input, '');
  const positionOf = (problem: T): number => {
    const segments = problem.segments.map((segment) => String(segment));
    for (let length = segments.length; length > 0; length--) {
      const position = order.get(segments.slice(0, length).map((segment) => `\u0000${segment}`).join(''));
      if (position !== undefined) return position;
    }
    return 0;
  };
  return problems
    .map((problem, index) => ({ problem, index, position: positionOf(problem) }))
    .sort((a, b) => a.position - b.position || a.index - b.index)
    .map((entry) => entry.problem);
}

function pathSegment(segment: PropertyKey): string | number {
  return typeof segment === 'number' ? segment : String(segment);
}

function decode(message: string): EncodedProblem[] | undefined {
  if (!message.startsWith(MARKER)) return undefined;
  try {
    const parsed: unknown = JSON.parse(message.slice(MARKER.length));
    return Array.isArray(parsed) ? (parsed as EncodedProblem[]) : undefined;
  } catch {
    return undefined;
  }
}
