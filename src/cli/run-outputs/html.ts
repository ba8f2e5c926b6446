/** `--html FILE`: the self-contained HTML report, written after the run. */
import { createHtmlReportOutput } from '../../outputs/html/html-report-output.js';
import { checkOutputFileWritable } from '../../outputs/output-file.js';
import type { RunOutputOption } from './types.js';

export const htmlReportOption: RunOutputOption = {
  register: (command) => command.option('--html <file>', 'write a self-contained HTML report (charts, thresholds, profile; opens offline) to this file'),
  create: async (flags) => {
    const path = flags['html'];
    if (typeof path !== 'string') return undefined;
    // Before the simulator or any worker starts: a typo in the path costs nothing.
    await checkOutputFileWritable({ path, what: 'HTML report', flag: '--html' });
    return createHtmlReportOutput({ path });
  },
};
