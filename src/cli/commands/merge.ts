import type { Command } from 'commander';
import { ExitCode, PacsLoadError } from '../../errors.js';
import { mergeSummaries } from '../../metrics/summary.js';
import type { RunSummary } from '../../metrics/types.js';
import { verifyPassed } from '../../metrics/verify-summary.js';
import { writeOutputFileAtomically } from '../../outputs/output-file.js';
import { loadProfileFile } from '../../profile/load.js';
import type { ThresholdSpec } from '../../profile/types.js';
import { readSummaryFile } from '../../report/read-summary.js';
import { renderMergedSummary } from '../../report/render-merged.js';
import { thresholdKeys, thresholdSpecsFromResults } from '../../report/threshold-specs.js';
import type { CliContext } from '../context.js';

interface MergeFlags {
  out: string;
  profile?: string;
}

/**
 * `pacs-load merge A.json B.json ... -o ALL.json`: the exact merge of summaries
 * from load generators that ran side by side (histograms added, counters
 * summed, time ranges joined), with thresholds re-evaluated on the merged
 * result: those of `--profile`, else those stored in the first summary. The
 * `--verify` results and `stored` counts add up, and `breakpoint`,
 * `migration` and `identities` are kept (or listed per file where they
 * differ; src/metrics/merge-sections.ts). Like
 * `run`, it writes the file and then exits 98 when the merged `--verify`
 * result fails, else 99 when a threshold fails, so CI can gate on the merged
 * verdict; 0 otherwise.
 */
export function registerMerge(program: Command, context: CliContext): void {
  program
    .command('merge')
    .description('merge summary JSON files from several load generators exactly; exit 98 when the merged --verify result fails, 99 when a re-evaluated threshold fails')
    .argument('<summaries...>', 'summary JSON files (from `run --out`, or earlier merges)')
    .requiredOption('-o, --out <file>', 'write the merged summary JSON to this file')
    .option('--profile <file>', "judge the merge by this profile's thresholds (default: those stored in the first summary)")
    .action(async (paths: string[], flags: MergeFlags) => {
      const summaries: RunSummary[] = [];
      for (const path of paths) summaries.push(await readSummaryFile(path));
      refuseRepeats(paths, summaries);
      const specs = await thresholdSpecs(paths, summaries, flags.profile, context);
      // Each part's sections are named by the file it came from.
      const merged = mergeSummaries(summaries, specs, paths);
      await writeOutputFileAtomically({ path: flags.out, what: 'merged summary', flag: '--out' }, `${JSON.stringify(merged, null, 2)}\n`);
      context.out(`${renderMergedSummary(merged, summaries.length).join('\n')}\nwrote ${flags.out}\n`);
      if (merged.verify !== undefined && !verifyPassed(merged.verify)) context.setExitCode(ExitCode.verifyFailed);
      else if (merged.thresholds.some((threshold) => !threshold.passed)) context.setExitCode(ExitCode.thresholdsFailed);
    });
}

async function thresholdSpecs(
  paths: readonly string[],
  summaries: readonly RunSummary[],
  profilePath: string | undefined,
  context: CliContext,
): Promise<ThresholdSpec[]> {
  if (profilePath !== undefined) return (await loadProfileFile(profilePath)).thresholds;
  const first = summaries[0] as RunSummary;
  const firstKeys = thresholdKeys(first.thresholds).join('\n');
  summaries.forEach((summary, index) => {
    if (thresholdKeys(summary.thresholds).join('\n') !== firstKeys) {
      context.err(
        `pacs-load: note: ${paths[index]} was judged by other thresholds than ${paths[0]}; the merge uses those of ${paths[0]} (give --profile to choose)\n`,
      );
    }
  });
  return thresholdSpecsFromResults(first.thresholds, paths[0] as string);
}

/** The same run given twice would count every operation twice. */
function refuseRepeats(paths: readonly string[], summaries: readonly RunSummary[]): void {
  const seen = new Map<string, string>();
  summaries.forEach((summary, index) => {
    const key = `${summary.run.id}\u0000${summary.run.startedAt}\u0000${summary.run.endedAt}`;
    const earlier = seen.get(key);
    const path = paths[index] as string;
    if (earlier !== undefined) {
      throw new PacsLoadError('ERR_USAGE', `${earlier} and ${path} hold the same run (${summary.run.id}); merging would count it twice.`, {
        hint: 'Give each run once. To merge a new run into an earlier merge, give the merged file and the new run only.',
      });
    }
    seen.set(key, path);
  });
}
