import type { Command } from 'commander';
import { ExitCode, PacsLoadError } from '../../errors.js';
import { runLoad } from '../../coordinator/run-load.js';
import { verifyPassed } from '../../coordinator/verify-compare.js';
import { createConsoleOutput } from '../../outputs/console-output.js';
import { readFile } from 'node:fs/promises';
import type { Output } from '../../outputs/types.js';
import { loadProfileFile } from '../../profile/load.js';
import type { CliContext } from '../context.js';
import { RUN_OUTPUT_OPTIONS } from '../run-outputs/index.js';
import type { RunFlagValues } from '../run-outputs/types.js';

interface RunFlags {
  workers?: string;
  quiet?: boolean;
  color?: boolean;
  seed?: string;
  runId?: string;
  verify?: boolean;
}

/**
 * `pacs-load run PROFILE`: the main job. Exit 0, 97 (a required output such
 * as `--influx-required` dropped points), 98 (`--verify` found missing
 * instances or could not check), 99 (thresholds failed) or 130 (interrupted),
 * first match wins in the order 130, 98, 97, 99.
 */
export function registerRun(program: Command, context: CliContext): void {
  let command = program
    .command('run')
    .description('run a load profile against its target (or an embedded simulator when it has none)')
    .argument('<profile>', 'profile file (YAML or JSON)')
    .option('-w, --workers <n>', 'worker threads (default: number of cores)')
    .option('-q, --quiet', 'no live line each second; the end-of-run table is still printed')
    .option('--no-color', 'no ANSI colours')
    .option('--seed <n>', 'seed of the synthetic data (default 1)')
    .option('--run-id <id>', 'run id for outputs (default: a random UUID)')
    .option('--verify', 'after the load, check with C-FIND that every instance the target acknowledged is stored; exit 98 if not');
  for (const option of RUN_OUTPUT_OPTIONS) command = option.register(command);
  command.action(async (file: string, flags: RunFlags & RunFlagValues) => {
      const profile = await loadProfileFile(file);
      const outputs: Output[] = [
        createConsoleOutput({ write: context.out, quiet: flags.quiet === true, color: context.color && flags.color !== false }),
      ];
      for (const option of RUN_OUTPUT_OPTIONS) {
        const output = await option.create(flags, context);
        if (output !== undefined) outputs.push(output);
      }
      const result = await runLoad({
        profile,
        workers: flags.workers === undefined ? undefined : positiveInteger('--workers', flags.workers),
        seed: flags.seed === undefined ? undefined : positiveInteger('--seed', flags.seed),
        runId: flags.runId,
        outputs,
        env: context.env,
        interrupt: context.interrupt,
        nodeVersion: process.version,
        verify: flags.verify === true,
        profileSource: await readFile(file, 'utf8'),
      });
      const verify = result.summary.verify;
      const outputExitCode = RUN_OUTPUT_OPTIONS.map((option) => option.exitCode?.(flags, result.summary)).find(
        (code) => code !== undefined,
      );
      if (result.summary.run.endReason === 'interrupted') context.setExitCode(ExitCode.interrupted);
      else if (verify !== undefined && !verifyPassed(verify)) context.setExitCode(ExitCode.verifyFailed);
      else if (outputExitCode !== undefined) context.setExitCode(outputExitCode);
      else if (!result.thresholdsPassed) context.setExitCode(ExitCode.thresholdsFailed);
    });
}

function positiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new PacsLoadError('ERR_USAGE', `${option} must be a whole number of at least 1, not "${text}"`, {
      hint: `For example ${option} 2`,
    });
  }
  return value;
}
