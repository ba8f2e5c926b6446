/**
 * Runs a pacs-load command in this process, the way src/cli/main.ts does
 * (commander, a CliContext, errors printed by `formatError`, the exit code
 * from the error), without spawning a process: a spawned CLI takes seconds on
 * a busy machine, and the matrices of bad inputs are large. Tests that must
 * see what the user sees run the built CLI (test/helpers/cli.ts).
 */
import { Command, CommanderError } from 'commander';
import type { CliContext } from '../../src/cli/context.js';
import { registerCompare } from '../../src/cli/commands/compare.js';
import { registerExport } from '../../src/cli/commands/export.js';
import { registerMerge } from '../../src/cli/commands/merge.js';
import { registerPlan } from '../../src/cli/commands/plan.js';
import { registerReport } from '../../src/cli/commands/report.js';
import { registerRun } from '../../src/cli/commands/run.js';
import { registerSimulate } from '../../src/cli/commands/simulate.js';
import { registerValidate } from '../../src/cli/commands/validate.js';
import { formatError } from '../../src/cli/print-error.js';
import { ExitCode, isPacsLoadError } from '../../src/errors.js';

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
  for (const register of [registerRun, registerValidate, registerSimulate, registerCompare, registerMerge, registerReport, registerPlan, registerExport]) {
    register(program, context);
  }
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
