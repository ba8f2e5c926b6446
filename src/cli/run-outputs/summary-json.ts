/** `--out FILE`: the summary JSON (versioned, mergeable). */
import { createSummaryJsonOutput } from '../../outputs/summary-json-output.js';
import type { RunOutputOption } from './types.js';

export const summaryJsonOption: RunOutputOption = {
  register: (command) => command.option('-o, --out <file>', 'write the summary JSON (versioned, mergeable) to this file'),
  create: (flags) => (typeof flags['out'] === 'string' ? createSummaryJsonOutput({ path: flags['out'] }) : undefined),
};
