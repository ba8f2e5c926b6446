/**
 * The HTML report output (`run --html FILE`): checks at start that the file
 * can be written, so a bad path fails before any load, and writes the report
 * atomically at stop, after outputs that deliver elsewhere have reported.
 */
import type { RunSummary } from '../../metrics/types.js';
import type { Output } from '../types.js';
import { renderHtmlReport } from './render-report.js';
import { checkOutputFileWritable, writeOutputFileAtomically, type OutputFile } from '../output-file.js';

export interface HtmlReportOutputOptions {
  /** Where the report goes; parent directories are created. */
  path: string;
}

/** Creates the HTML report output; start() and stop() reject with ERR_FILE_WRITE naming the path. */
export function createHtmlReportOutput(options: HtmlReportOutputOptions): Output {
  const file: OutputFile = { path: options.path, what: 'HTML report', flag: '--html' };
  return {
    name: 'html-report',
    async start() {
      await checkOutputFileWritable(file);
    },
    interval() {},
    async stop(summary: RunSummary) {
      await writeOutputFileAtomically(file, renderHtmlReport(summary));
    },
  };
}
