/**
 * A small seeded pseudo-random generator for synthetic data: the same seed gives
 * the same data on every run, thread and machine. Not for anything secret.
 */

/** Returns numbers in [0, 1), like Math.random. */
export type Random = () => number;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): one 32-bit state, good enough
 * statistics for test data, and cheap.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/**
 * Combines integers into one 32-bit seed (each part is folded in with the
 * murmur3 finalizer), so that item 42 of seed 7 gets its own stream whatever
 * the other items are.
 */
export function deriveSeed(...parts: number[]): number {
  let hash = 0x9e3779b9;
  for (const part of parts) {
    hash = fmix32((hash ^ fmix32(part >>> 0 || 0)) + 0x9e3779b9);
  }
  return hash >>> 0;
}

/** An integer in [min, max], both inclusive. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick() needs a non-empty list');
  return item;
}

/** murmur3's 32-bit finalizer: every input bit affects every output bit. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
