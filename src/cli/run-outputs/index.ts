/** The outputs `pacs-load run` can write besides the console, in the order their flags are listed in --help. */
import { htmlReportOption } from './html.js';
import { influxOption } from './influx.js';
import { junitOption } from './junit.js';
import { summaryJsonOption } from './summary-json.js';
import type { RunOutputOption } from './types.js';

export const RUN_OUTPUT_OPTIONS: readonly RunOutputOption[] = [summaryJsonOption, htmlReportOption, junitOption, influxOption];
