#!/usr/bin/env node
/**
 * The pacs-load command line. This directory is the only code that touches
 * `process` (docs/architecture.md section 2): it reads arguments and the environment, turns
 * signals into an AbortSignal, prints, and chooses the exit code.
 */
import { Command, CommanderError } from 'commander';
import { ExitCode, isPacsLoadError } from '../errors.js';
import { formatError } from './print-error.js';
import type { CliContext } from './context.js';
import { registerRun } from './commands/run.js';
import { registerValidate } from './commands/validate.js';
import { registerSchema } from './commands/schema.js';
import { registerSimulate } from './commands/simulate.js';
import { registerCompare } from './commands/compare.js';
import { registerMerge } from './commands/merge.js';
import { registerReport } from './commands/report.js';
import { registerPlan } from './commands/plan.js';
import { registerProbe } from './commands/probe.js';
import { registerExport } from './commands/export.js';
import { createInterface } from 'node:readline/promises';
import { TOOL_VERSION } from '../version.js';

async function main(argv: string[]): Promise<number> {
  // Like k6: the first signal stops gracefully, the second stops now. Unlike
  // k6, the second still writes the summary and every output (issue 10: results
  // survive); only a third quits at once, losing what was not yet written.
  const interrupt = new AbortController();
  const forceStop = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(`\npacs-load: ${signal}: stopping; in-flight operations may finish within gracefulStop (send it again to stop now)\n`);
      interrupt.abort();
    } else if (interrupts === 2) {
      process.stderr.write(`\npacs-load: ${signal}: stopping now; in-flight operations are cut off, the results are still written (send it again to quit at once)\n`);
      forceStop.abort();
    } else {
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // A closed pipe (`pacs-load run ... | head`) must not crash the run: the
  // summary file and the exit code still matter. Stop writing to it instead.
  let stdoutOpen = true;
  let stderrOpen = true;
  process.stdout.on('error', () => (stdoutOpen = false));
  process.stderr.on('error', () => (stderrOpen = false));

  let exitCode: number = ExitCode.ok;
  const context: CliContext = {
    out: (text) => {
      if (stdoutOpen) process.stdout.write(text);
    },
    err: (text) => {
      if (stderrOpen) process.stderr.write(text);
    },
    env: process.env,
    color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
    interrupt: interrupt.signal,
    forceStop: forceStop.signal,
    setExitCode: (code) => {
      exitCode = code;
    },
    cwd: process.cwd(),
  };
  if (process.stdin.isTTY === true && process.stdout.isTTY === true) {
    context.confirm = async (question) => {
      const terminal = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return /^y(es)?$/i.test((await terminal.question(question)).trim());
      } finally {
        terminal.close();
      }
    };
  }

  const program = new Command()
    .name('pacs-load')
    .description('Load-test PACS integration (DIMSE and DICOMweb) with honest latency numbers')
    .version(TOOL_VERSION)
    .option('--verbose', 'show stack traces of internal errors')
    .exitOverride()
    .configureOutput({ writeOut: context.out, writeErr: context.err });
  registerRun(program, context);
  registerValidate(program, context);
  registerSchema(program, context);
  registerSimulate(program, context);
  registerCompare(program, context);
  registerMerge(program, context);
  registerReport(program, context);
  registerPlan(program, context);
  registerProbe(program, context);
  registerExport(program, context);

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed its message (unknown option, --help, --version).
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
    context.err(formatError(error, verbose));
    return isPacsLoadError(error) ? error.exitCode : ExitCode.internal;
  }
}

// process.exit rather than exitCode: a target that keeps a socket half-open must
// not keep the CLI alive after the summary is written. On Linux, stdout and stderr
// writes to files, pipes and terminals are synchronous, so nothing printed is lost.
main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(formatError(error, true));
    process.exit(ExitCode.internal);
  },
);
