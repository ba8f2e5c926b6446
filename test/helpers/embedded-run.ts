/**
 * Runs a profile on the embedded simulator in this process (runLoad, real
 * worker threads from the built code: `npm run build`) and hands back the
 * simulator too, so a test can compare the run's counts with the simulator's.
 */
import { runLoad, type RunLoadResult } from '../../src/coordinator/run-load.js';
import { parseProfileText } from '../../src/profile/load.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { WORKER_PATH } from './cli.js';

export async function runOnEmbeddedSimulator(
  profileLines: readonly string[],
  fileName: string,
): Promise<RunLoadResult & { simulator: RunningSimulator }> {
  const profile = parseProfileText(profileLines.join('\n'), fileName);
  let simulator: RunningSimulator | undefined;
  const result = await runLoad({
    profile,
    workers: 1,
    outputs: [],
    env: {},
    workerFilename: WORKER_PATH,
    onSimulatorStarted: (started) => {
      simulator = started;
    },
  });
  if (simulator === undefined) throw new Error('the profile has a target: runOnEmbeddedSimulator wants one without');
  return { ...result, simulator };
}
