import { createRandom } from '../../../src/synth/random.js';

/** A seeded generator (the synthetic data's mulberry32) so the tests' samples are the same on every run. */
export const seededRandom = createRandom;

/** A long-tailed integer latency in microseconds, from 50 µs to about 50 s. */
export function latencyUs(random: () => number): number {
  return 50 + Math.floor(random() ** 6 * 50_000_000);
}
