import type { Command } from 'commander';
import { ExitCode, PacsLoadError } from '../../errors.js';
import { runLoad } from '../../coordinator/run-load.js';
import { verifyPassed } from '../../coordinator/verify-compare.js';
import { createConsoleOutput } from '../../outputs/console-output.js';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Output } from '../../outputs/types.js';
import { renderSeedPriors } from '../../outputs/seed-priors-lines.js';
import type { SeedPriorsSummary } from '../../metrics/types.js';
import { loadProfileFile } from '../../profile/load.js';
import { DEFAULT_CONFIRM_ABOVE_PER_SEC, describeTargetLoad, needsConfirmation, targetLoad } from '../../profile/target-safety.js';
import type { ResolvedProfile, SeedPriorsSettings } from '../../profile/types.js';
import { describeSeedPriors } from '../../profile/describe.js';
import type { CliContext } from '../context.js';
import { RUN_OUTPUT_OPTIONS } from '../run-outputs/index.js';
import type { RunFlagValues } from '../run-outputs/types.js';
import { segmentFromFlags } from '../../distributed/segment-flags.js';
import { parseStartAt } from '../../distributed/start-at.js';
import { describeExecutionSegment } from '../../scheduler/segment-execution.js';
import { tryParseArchiveSize } from '../../profile/migration-schema.js';
import { DIMSE_OPERATIONS } from '../../metrics/names.js';
import { assertDimseFixesInEffect } from '../../protocol/dimse/dcmjs.js';
import { IDENTITY_MODES, type IdentityMode } from '../../synth/identity.js';

interface RunFlags {
  workers?: string;
  quiet?: boolean;
  color?: boolean;
  seed?: string;
  runId?: string;
  verify?: boolean;
  force?: boolean;
  yes?: boolean;
  confirmAbove?: string;
  segment?: string;
  segmentFromEnv?: string;
  startAt?: string;
  archiveSize?: string;
  allowUnmarkedData?: boolean;
  identities?: string;
}

/**
 * `pacs-load run PROFILE`: the main job. Exit 0, 97 (a required output such
 * as `--influx-required` dropped points), 98 (`--verify` found missing
 * instances, instances acknowledged more than once without the run meaning
 * to send them again, or could not check), 99 (thresholds failed) or 130 (interrupted),
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
    .option('--run-id <id>', 'run id for outputs (default: a random UUID); instances of a split run share it, and with it their identities')
    .option('--identities <mode>', 'unique (default: new UIDs, patient IDs and accession numbers every run) or fixed (the same for the same seed: a rerun re-sends the same objects, for a deliberate duplicate-send test)')
    .option('--verify', 'after the load, check with C-FIND (or QIDO-RS) that every instance the target acknowledged is stored, once; exit 98 if one is missing or was acknowledged more than once')
    .option('--archive-size <size>', 'migration sizing: the archive to move (e.g. 50TB); the summary states the time to move it at the sustained rate of the dimse.store and stow.study scenarios')
    .option('--force', 'accept values beyond the sanity limits (rate above 50000/s, a duration above a week, more than 10000 users)')
    .option('--allow-unmarked-data', 'let a chain send worklist items that lack the synthetic marking (patient ID PLSYN-..., name PACSLOAD^SYNTH^...), for a test PACS whose test patients are not ours')
    .option('-y, --yes', 'do not ask before sending load to a host that is not this machine (required without a terminal, e.g. in CI)')
    .option('--confirm-above <rate>', `ask (or require --yes) before more than this many operations/s or users go to a non-loopback host (default ${DEFAULT_CONFIRM_ABOVE_PER_SEC})`)
    .option('--segment <k/N|a:b>', 'run only this share of every scenario, for a run split over machines: 2/8 (the 2nd of 8 equal parts) or 0.25:0.5 (fractions); give every instance the same --run-id')
    .option('--segment-from-env <N>', 'segment JOB_COMPLETION_INDEX+1 of N (a Kubernetes Indexed Job with completions N)')
    .option('--start-at <time>', 'begin at this instant (ISO 8601 with zone, or epoch ms), so separately started instances run together; workers are prepared before');
  for (const option of RUN_OUTPUT_OPTIONS) command = option.register(command);
  command.action(async (file: string, flags: RunFlags & RunFlagValues) => {
      // Usage errors first, before anything starts.
      const segment = segmentFromFlags(flags, context.env);
      const startAtEpochMs = flags.startAt === undefined ? undefined : parseStartAt(flags.startAt, Date.now());
      const profile = await loadProfileFile(file, { force: flags.force === true });
      // The start-up self-check, before anyone is asked to confirm: DIMSE work (or the embedded simulator's SCP) needs our dcmjs-dimse fixes in effect.
      if (profile.target === undefined || profile.scenarios.some((scenario) => DIMSE_OPERATIONS.includes(scenario.operation))) assertDimseFixesInEffect();
      await confirmRemoteLoad(profile, flags, context);
      // A split run's InfluxDB points say which segment wrote them, unless the instance tag is chosen.
      const outputFlags: RunFlagValues =
        segment !== undefined && flags['influx'] !== undefined && flags['influxInstance'] === undefined && (context.env['PACS_LOAD_INFLUX_INSTANCE'] ?? '') === ''
          ? { ...flags, influxInstance: `${hostname()}:${process.pid}/segment-${describeExecutionSegment(segment)}` }
          : flags;
      const outputs: Output[] = [
        createConsoleOutput({ write: context.out, quiet: flags.quiet === true, color: context.color && flags.color !== false }),
      ];
      for (const option of RUN_OUTPUT_OPTIONS) {
        const output = await option.create(outputFlags, context);
        if (output !== undefined) outputs.push(output);
      }
      const result = await runLoad({
        profile,
        workers: flags.workers === undefined ? undefined : positiveInteger('--workers', flags.workers),
        seed: flags.seed === undefined ? undefined : positiveInteger('--seed', flags.seed),
        runId: flags.runId,
        ...(flags.identities === undefined ? {} : { identities: identityMode(flags.identities) }),
        outputs,
        env: context.env,
        interrupt: context.interrupt,
        ...(context.forceStop === undefined ? {} : { forceStop: context.forceStop }),
        nodeVersion: process.version,
        verify: flags.verify === true,
        ...(flags.allowUnmarkedData === true ? { allowUnmarkedData: true } : {}),
        ...(flags.archiveSize === undefined ? {} : { archiveSizeBytes: archiveSizeOf(flags.archiveSize) }),
        profileSource: await readFile(file, 'utf8'),
        // Seeding may take a while before anything else is printed: say what it stored.
        ...(flags.quiet === true
          ? {}
          : {
              onSeedingPriors: (settings: SeedPriorsSettings) => context.out(`seeding priors: ${describeSeedPriors(settings)} ...\n`),
              onPriorsSeeded: (seeded: SeedPriorsSummary) => context.out(`${renderSeedPriors(seeded).join('\n')}\n`),
            }),
        ...(segment === undefined ? {} : { segment }),
        ...(startAtEpochMs === undefined
          ? {}
          : {
              startAtEpochMs,
              // Minutes may pass before the start: say that this instance is ready and waiting.
              onWorkersReady: (runEpochMs: number) =>
                context.out(`workers ready; starting at ${new Date(runEpochMs).toISOString()} (in ${Math.max(0, Math.round((runEpochMs - Date.now()) / 1000))} s)${segment === undefined ? '' : `, segment ${describeExecutionSegment(segment)}`}\n`),
            }),
      });
      // A worker failed mid-run: the outputs hold the partial results; now the error (exit 1).
      if (result.workerError !== undefined) throw result.workerError;
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

/** `--identities unique|fixed`, or ERR_USAGE with the fix. */
function identityMode(text: string): IdentityMode {
  const mode = IDENTITY_MODES.find((candidate) => candidate === text);
  if (mode === undefined) {
    throw new PacsLoadError('ERR_USAGE', `--identities must be ${IDENTITY_MODES.join(' or ')}, not "${text}"`, {
      hint: 'Use --identities fixed to re-send the identities of an earlier run with the same seed; leave it out for new identities every run.',
    });
  }
  return mode;
}

/** `--archive-size 50TB`: bytes, or ERR_USAGE with the fix. */
function archiveSizeOf(text: string): number {
  const parsed = tryParseArchiveSize(text);
  if (!parsed.ok) throw new PacsLoadError('ERR_USAGE', `--archive-size: ${parsed.message}`, { hint: parsed.fix });
  return parsed.value;
}

/**
 * Issue 10, item 5: load against a host that is not this machine, above
 * `--confirm-above`, needs the user's yes: asked on a terminal, `--yes`
 * elsewhere. Loopback targets (the simulator, local peers) never ask.
 */
async function confirmRemoteLoad(profile: ResolvedProfile, flags: RunFlags, context: CliContext): Promise<void> {
  const confirmAbove = flags.confirmAbove === undefined ? DEFAULT_CONFIRM_ABOVE_PER_SEC : Number(flags.confirmAbove);
  if (!Number.isFinite(confirmAbove) || confirmAbove < 0) {
    throw new PacsLoadError('ERR_USAGE', `--confirm-above must be a number of operations/s, not "${flags.confirmAbove}"`, { hint: 'For example --confirm-above 50' });
  }
  const load = targetLoad(profile);
  if (flags.yes === true || !needsConfirmation(load, confirmAbove)) return;
  const what = describeTargetLoad(load);
  if (context.confirm === undefined) {
    throw new PacsLoadError('ERR_USAGE', `Refusing to send ${what} without confirmation.`, {
      hint: 'This target is not this machine. If it is the system you mean to load (a test PACS, outside its working hours), run again with --yes.',
    });
  }
  if (!(await context.confirm(`pacs-load will send ${what}. Is this the system you mean to load? [y/N] `))) {
    throw new PacsLoadError('ERR_USAGE', `Not confirmed: no load sent to ${load.remoteHosts.join(', ')}.`, { hint: 'Run again and answer y, or pass --yes.' });
  }
}
