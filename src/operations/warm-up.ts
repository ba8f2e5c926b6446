/**
 * JIT warm-up. V8 compiles a function well only after it has run many times: a
 * fresh thread takes about 67 ms for its first C-ECHO association and about
 * 4 ms once warm (measured on the 2-core CI machine, 0.3.3 dcmjs-dimse). Without
 * a warm-up, the first seconds of every run would report the tool's own
 * compilation as the target's latency. So each thread that sends (every worker)
 * or answers (an embedded simulator) runs its code paths against a loopback
 * peer first, before time zero, where nothing is measured.
 */
import type { OperationName } from '../metrics/names.js';
import type { ResolvedTarget } from '../profile/types.js';
import { createOperation } from './index.js';

export interface WarmUpOptions {
  /** Operations to exercise; each gets an equal share of the budget. */
  operations: readonly OperationName[];
  /** A loopback peer that answers them (never the target under test). */
  target: ResolvedTarget;
  /** Iterations per operation, at most. */
  iterations: number;
  /** Stop early once this much time has passed in all. */
  budgetMs: number;
}

/** Runs each operation up to `iterations` times against `target`; outcomes are ignored. */
export async function warmUp(options: WarmUpOptions): Promise<void> {
  const names = [...new Set(options.operations)];
  if (names.length === 0) return;
  const deadlineMs = performance.now() + options.budgetMs;
  const perOperationMs = options.budgetMs / names.length;
  for (const name of names) {
    const operation = createOperation(name, {
      target: options.target,
      // Small studies and few patients: the code paths matter, not the volume.
      params: { stations: 1, modality: 'CT', expectItems: undefined, limit: 10, images: 2, imageSizeBytes: 16_384, patients: 5 },
      workerIndex: 0,
      workerCount: 1,
      seed: 1,
      env: {},
    });
    const stopMs = Math.min(deadlineMs, performance.now() + perOperationMs);
    const signal = AbortSignal.timeout(Math.max(1, options.budgetMs));
    try {
      for (let iteration = 0; iteration < options.iterations && performance.now() < stopMs; iteration++) {
        await operation.run({ iteration, signal });
      }
    } finally {
      await operation.close();
    }
  }
}
