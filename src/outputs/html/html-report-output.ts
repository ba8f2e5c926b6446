/**
 * The HTML report output (`run --html FILE`): checks at start that the file
 * can be written, so a bad path fails before any load, and writes the report
 * atomically at stop, after outputs that deliver elsewhere have reported.
 */
import { createSummaryFileOutput } from '../summary-file-output.js';
import type { Output } from '../types.js';
import { renderHtmlReport } from './render-report.js';

export interface HtmlReportOutputOptions {
  /** Where the report goes; parent directories are created. */
  path: string;
}

/** Creates the HTML report output; start() and stop() reject with ERR_FILE_WRITE naming the path. */
export function createHtmlReportOutput(options: HtmlReportOutputOptions): Output {
  return createSummaryFileOutput('html-report', { path: options.path, what: 'HTML report', flag: '--html' }, renderHtmlReport);
}
