import type { Command } from 'commander';
import { ExitCode, PacsLoadError } from '../../errors.js';
import { compareSummaries } from '../../report/compare.js';
import { readSummaryFile } from '../../report/read-summary.js';
import { COMPARISON_FORMATS, renderComparison, type ComparisonFormat } from '../../report/render-comparison.js';
import { parseTolerances } from '../../report/tolerances.js';
import type { CliContext } from '../context.js';

interface CompareFlags {
  maxRegression?: string;
  format: string;
}

/**
 * `pacs-load compare BASE.json NEW.json`: per-operation changes in rate,
 * p50/p95/p99 and error rate. Exit 99 when a `--max-regression` tolerance is
 * exceeded, else 0; without `--max-regression` it only reports (exit 0).
 * Bad flags exit 2, unreadable summaries 2 (missing) or 3 (invalid).
 */
export function registerCompare(program: Command, context: CliContext): void {
  program
    .command('compare')
    .description('compare two summary JSON files per operation; exit 99 when a --max-regression tolerance is exceeded')
    .argument('<base>', 'the baseline summary JSON (e.g. last good night)')
    .argument('<new>', 'the summary JSON to judge')
    .option(
      '--max-regression <list>',
      'tolerances, e.g. p95=10%,p99=50ms,errors=0.1pp,rate=-5% (latency: increase in % or a duration; errors/dropped: percentage points; rate: drop in %); without it, report only',
    )
    .option('--format <format>', `output format: ${COMPARISON_FORMATS.join(', ')}`, 'text')
    .action(async (basePath: string, newPath: string, flags: CompareFlags) => {
      const format = parseFormat(flags.format);
      const tolerances = flags.maxRegression === undefined ? [] : parseTolerances(flags.maxRegression);
      const base = await readSummaryFile(basePath);
      const next = await readSummaryFile(newPath);
      const comparison = compareSummaries(base, next, tolerances);
      context.out(renderComparison(comparison, format));
      if (comparison.violations.length > 0) context.setExitCode(ExitCode.thresholdsFailed);
    });
}

function parseFormat(text: string): ComparisonFormat {
  const format = COMPARISON_FORMATS.find((known) => known === text.toLowerCase() || (known === 'md' && text.toLowerCase() === 'markdown'));
  if (format === undefined) {
    throw new PacsLoadError('ERR_USAGE', `--format must be one of ${COMPARISON_FORMATS.join(', ')}, not "${text}"`, {
      hint: 'Use --format md for CI comments and job summaries, --format json for scripts.',
    });
  }
  return format;
}
