import type { Command } from 'commander';
import { renderRunSummary } from '../../outputs/console-summary.js';
import { renderHtmlReport } from '../../outputs/html/render-report.js';
import { renderJunit } from '../../outputs/junit/render-junit.js';
import { readSummaryFile } from '../../report/read-summary.js';
import { writeFileAtomically } from '../../report/write-file-atomically.js';
import type { CliContext } from '../context.js';

interface ReportFlags {
  html?: string;
  junit?: string;
  color?: boolean;
}

/**
 * `pacs-load report SUMMARY.json [--html FILE] [--junit FILE]`: rebuilds the
 * reports of a finished run (or a merge) from its summary file. Without
 * `--html`/`--junit` it prints the end-of-run console report. It renders and
 * does not judge: exit 0 whatever the thresholds say (the verdict is in the
 * reports; `run` and `merge` gave it as their exit code).
 */
export function registerReport(program: Command, context: CliContext): void {
  program
    .command('report')
    .description('rebuild the reports of a run from its summary JSON: the console report, or --html and --junit files')
    .argument('<summary>', 'summary JSON (from `run --out` or `merge`)')
    .option('--html <file>', 'write the self-contained HTML report to this file')
    .option('--junit <file>', 'write JUnit XML (a test case per threshold and per operation) to this file')
    .option('--no-color', 'no ANSI colours in the console report')
    .action(async (path: string, flags: ReportFlags) => {
      const summary = await readSummaryFile(path);
      if (flags.html === undefined && flags.junit === undefined) {
        const lines = renderRunSummary(summary, { color: context.color && flags.color !== false });
        context.out(`${lines.join('\n')}\n`);
        return;
      }
      if (flags.html !== undefined) {
        await writeFileAtomically(flags.html, renderHtmlReport(summary), 'the HTML report', '--html');
        context.out(`wrote ${flags.html}\n`);
      }
      if (flags.junit !== undefined) {
        await writeFileAtomically(flags.junit, renderJunit(summary), 'the JUnit XML', '--junit');
        context.out(`wrote ${flags.junit}\n`);
      }
    });
}
