import type { Command } from 'commander';
import { loadProfileFile } from '../../profile/load.js';
import { describeScenario, describeSeedPriors } from '../../profile/describe.js';
import type { CliContext } from '../context.js';

/** `pacs-load validate FILE`: every problem at once, or one line per scenario. */
export function registerValidate(program: Command, context: CliContext): void {
  program
    .command('validate')
    .description('check a profile and describe its scenarios, without sending any load')
    .argument('<profile>', 'profile file (YAML or JSON)')
    .option('--force', 'accept values beyond the sanity limits (rate above 50000/s, a duration above a week, more than 10000 users)')
    .action(async (file: string, flags: { force?: boolean }) => {
      const profile = await loadProfileFile(file, { force: flags.force === true });
      context.out(`${file}: valid profile "${profile.name}"\n`);
      for (const scenario of profile.scenarios) context.out(`  ${describeScenario(scenario)}\n`);
      context.out(
        profile.target === undefined
          ? '  target: none, so an embedded simulator is started for the run\n'
          : `  target: ${describeTargetShort(profile.target)}\n`,
      );
      if (profile.seedPriors !== undefined) context.out(`  seed priors: ${describeSeedPriors(profile.seedPriors)}\n`);
    });
}

function describeTargetShort(target: NonNullable<Awaited<ReturnType<typeof loadProfileFile>>['target']>): string {
  const parts: string[] = [];
  if (target.dimse) parts.push(`DIMSE ${target.dimse.calledAe}@${target.dimse.host}:${target.dimse.port}`);
  if (target.dicomweb) parts.push(`DICOMweb ${target.dicomweb.baseUrl}`);
  return parts.join(', ');
}
