/**
 * Turns any error into the text a user sees: the message, every problem with its
 * path and fix, and the hint. Never a stack trace unless --verbose asked for it.
 */
import { toErrorData } from '../errors.js';

export function formatError(error: unknown, verbose: boolean): string {
  const data = toErrorData(error);
  const lines = [`pacs-load: ${data.message} [${data.code}]`];
  for (const problem of data.problems) {
    const where = problem.path === '' ? '(file)' : problem.path;
    lines.push(`  - ${where}: ${problem.message}`);
    if (problem.fix !== '') lines.push(`      fix: ${problem.fix}`);
  }
  lines.push(`hint: ${data.hint}`);
  if (verbose && data.stack !== undefined) lines.push(data.stack);
  return lines.join('\n') + '\n';
}
