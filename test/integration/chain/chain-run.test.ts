/**
 * profiles/modality-chain.yaml's form through the whole engine: real worker
 * threads (the built dist/workers/load-worker.js, `npm run build` first), the
 * embedded simulator, a threshold on a step. The summary has the chain and
 * each step as its own operation, with equal counts, and the thresholds judge them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { REPO_ROOT, WORKER_PATH } from '../../helpers/cli.js';

describe('a chain scenario in a run with two workers', () => {
  it('summarises the chain and its four steps with equal counts', async () => {
    const profile = parseProfileText(
      `
name: chain-run
seed: 3
scenarios:
  modality:
    operation: chain
    executor: constant-arrival-rate
    rate: 4/s
    duration: 2s
    stations: 2
    modality: CT            # the embedded simulator's worklist is CT
    images: 2
    imageSize: 16KiB
thresholds:
  chain: ["errors < 1%"]
  mpps.completed: ["errors < 1%"]
`,
      'chain-run.yaml',
    );
    const { summary } = await runLoad({ profile, workers: 2, outputs: [], env: {}, workerFilename: WORKER_PATH });
    const byOperation = new Map(summary.operations.filter((operation) => operation.scenario === 'modality').map((operation) => [operation.operation, operation]));
    expect([...byOperation.keys()].sort()).toEqual(['chain', 'dimse.store', 'mpps.completed', 'mpps.inProgress', 'mwl.find']);
    for (const [name, operation] of byOperation) {
      expect(operation.outcomes, name).toEqual({ ok: 8 });
      expect(operation.latency.response?.count, name).toBe(8);
    }
    expect(byOperation.get('chain')?.bytesSent).toBe(0);
    expect(byOperation.get('dimse.store')?.bytesSent).toBeGreaterThan(2 * 16_384 * 8);
    // A threshold on a step judges that step's series: measured, and passed.
    expect(summary.thresholds.map((threshold) => [threshold.subject, threshold.measured, threshold.passed])).toEqual([
      ['chain', 0, true],
      ['mpps.completed', 0, true],
    ]);
  }, 60_000);

  it('profiles/modality-chain.yaml is a valid profile of chain scenarios', async () => {
    const text = await readFile(join(REPO_ROOT, 'profiles/modality-chain.yaml'), 'utf8');
    const profile = parseProfileText(text, 'profiles/modality-chain.yaml');
    expect(profile.scenarios.length).toBeGreaterThan(0);
    expect(profile.scenarios.every((scenario) => scenario.operation === 'chain')).toBe(true);
  });
});
