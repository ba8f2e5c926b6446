/** `--junit FILE`: JUnit XML for CI (one test case per threshold, one per operation). */
import { checkOutputFileWritable } from '../../outputs/output-file.js';
import { createJunitOutput } from '../../outputs/junit/junit-output.js';
import type { RunOutputOption } from './types.js';

export const junitOption: RunOutputOption = {
  register: (command) => command.option('--junit <file>', 'write JUnit XML for CI (a test case per threshold and per operation) to this file'),
  create: async (flags) => {
    const path = flags['junit'];
    if (typeof path !== 'string') return undefined;
    // Before the simulator or any worker starts: a typo in the path costs nothing.
    await checkOutputFileWritable({ path, what: 'JUnit XML report', flag: '--junit' });
    return createJunitOutput({ path });
  },
};
