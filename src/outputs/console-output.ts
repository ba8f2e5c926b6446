/**
 * The console output (docs/architecture.md section 7): a header when the run starts, one live
 * line per interval, and the end-of-run report (console-summary.ts). It writes
 * to a TextSink, so only src/cli/ decides that the text goes to stdout.
 */
import { formatDurationUs, formatSignificant } from '../metrics/format.js';
import type { IntervalReport, LiveStatus, RunSummary } from '../metrics/types.js';
import { formatCount, renderRunSummary } from './console-summary.js';
import { renderTable } from './table.js';
import type { Output, RunStartInfo, TextSink } from './types.js';

export interface ConsoleOutputOptions {
  write: TextSink;
  /** No live lines (CI logs); the header, the table and the verdict still print. */
  quiet: boolean;
  /** ANSI green/red for pass/fail; the CLI enables it only on a TTY without NO_COLOR. */
  color: boolean;
}

/**
 * Creates the console output. Every call writes whole lines, each ending in a
 * newline; `stop()` writes the report in one call so it is never interleaved.
 */
export function createConsoleOutput(options: ConsoleOutputOptions): Output {
  const { write, quiet, color } = options;
  return {
    name: 'console',
    start(info: RunStartInfo) {
      write(toText(renderHeader(info)));
    },
    interval(report: IntervalReport) {
      if (!quiet) write(toText([renderLiveLine(report.status)]));
    },
    async stop(summary: RunSummary) {
      write(toText(renderRunSummary(summary, { color })));
    },
  };
}

/** The run header: id, profile, target, workers, one line per scenario. */
export function renderHeader(info: RunStartInfo): string[] {
  const scenarioRows = info.scenarioLines.map((line, index) => [index === 0 ? 'scenarios' : '', line]);
  const rows = [
    ['profile', info.profile],
    ['target', info.target],
    ['workers', String(info.workers)],
    ...(scenarioRows.length === 0 ? [['scenarios', 'none']] : scenarioRows),
  ];
  const columns = [
    { header: '', align: 'left' as const },
    { header: '', align: 'left' as const },
  ];
  // Drop the (empty) header line of the key/value table.
  return [`pacs-load run ${info.runId}`, ...renderTable(columns, rows, { indent: '  ' }).slice(1)];
}

/**
 * One live line, e.g.
 * `[  12s] 1984 ops/s  p95 3.1 ms  errors 0 (total 0)  in flight 4  dropped 0`.
 */
export function renderLiveLine(status: LiveStatus): string {
  // Padded to 4 digits so the line does not shift for runs under about 2.7 hours.
  const elapsedSeconds = String(Math.round(status.elapsedUs / 1_000_000)).padStart(4);
  const p95 = status.p95Us === undefined ? '-' : formatDurationUs(status.p95Us);
  return (
    `[${elapsedSeconds}s] ${formatSignificant(status.opsPerSec)} ops/s  p95 ${p95}  ` +
    `errors ${formatCount(status.errors)} (total ${formatCount(status.errorsTotal)})  ` +
    `in flight ${formatCount(status.inFlight)}  dropped ${formatCount(status.droppedTotal)}`
  );
}

function toText(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}
