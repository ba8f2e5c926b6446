/**
 * The worker's list of instances targets acknowledged as stored, kept only
 * under `--verify` (issue 3, item 4) and sent to the coordinator at the end of
 * the run. Bounded: a long run acknowledges millions of images, and each entry
 * costs some 100-200 bytes, so beyond `capacity` instances are only counted
 * (`notKept`) and reported as not checked.
 */
import type { AcknowledgedInstance } from './types.js';

/** Per worker: at most about 150-200 MB of UIDs. */
export const DEFAULT_ACKNOWLEDGED_CAPACITY = 1_000_000;
/** Instances per `acknowledged` message, so no single structured clone is huge. */
export const ACKNOWLEDGED_CHUNK_SIZE = 10_000;

export class AcknowledgedCollector {
  readonly #capacity: number;
  readonly #instances: AcknowledgedInstance[] = [];
  #notKept = 0;

  constructor(capacity: number = DEFAULT_ACKNOWLEDGED_CAPACITY) {
    this.#capacity = capacity;
  }

  /** Keeps instances up to the capacity, counts the rest. */
  add(instances: readonly AcknowledgedInstance[]): void {
    const room = Math.max(0, this.#capacity - this.#instances.length);
    for (const instance of instances.slice(0, room)) this.#instances.push(instance);
    this.#notKept += Math.max(0, instances.length - room);
  }

  get kept(): number {
    return this.#instances.length;
  }

  /** Acknowledged instances that did not fit. */
  get notKept(): number {
    return this.#notKept;
  }

  /** The kept instances in order, in chunks of at most `chunkSize` (none when nothing was kept). */
  chunks(chunkSize: number = ACKNOWLEDGED_CHUNK_SIZE): AcknowledgedInstance[][] {
    const chunks: AcknowledgedInstance[][] = [];
    for (let start = 0; start < this.#instances.length; start += chunkSize) chunks.push(this.#instances.slice(start, start + chunkSize));
    return chunks;
  }
}
