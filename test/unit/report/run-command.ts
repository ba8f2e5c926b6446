/**
 * Runs the `compare`, `merge` and `report` commands in this process, the way
 * src/cli/main.ts does (commander, a CliContext, errors printed by
 * `formatError`, the exit code from the error), without spawning a process:
 * a spawned CLI takes seconds on a busy machine, and the matrix of bad inputs
 * is large. test/integration/cli-report/ runs the built CLI for real.
 */
import { Command, CommanderError } from 'commander';
import type { CliContext } from '../../../src/cli/context.js';
import { registerCompare } from '../../../src/cli/commands/compare.js';
import { registerMerge } from '../../../src/cli/commands/merge.js';
import { registerReport } from '../../../src/cli/commands/report.js';
import { formatError } from '../../../src/cli/print-error.js';
import { ExitCode, isPacsLoadError } from '../../../src/errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(args: string[]): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  let code: number = ExitCode.ok;
  const context: CliContext = {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
    env: {},
    color: false,
    interrupt: new AbortController().signal,
    setExitCode: (exitCode) => (code = exitCode),
    cwd: process.cwd(),
  };
  const program = new Command()
    .name('pacs-load')
    .exitOverride()
    .configureOutput({ writeOut: context.out, writeErr: context.err });
  registerCompare(program, context);
  registerMerge(program, context);
  registerReport(program, context);
  try {
    await program.parseAsync(['node', 'pacs-load', ...args]);
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    } else {
      stderr += formatError(error, false);
      code = isPacsLoadError(error) ? error.exitCode : ExitCode.internal;
    }
  }
  return { code, stdout, stderr };
}
