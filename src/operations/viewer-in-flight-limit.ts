/**
 * A bound on requests in flight within one `viewer.open`: at most `limit` tasks
 * run at once, the others wait their turn first come, first served, as a
 * viewer's image loader queues frame requests (OHIF v3 keeps about 100 in
 * flight, docs/architecture.md section 6).
 */
export class InFlightLimit {
  readonly #limit: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  /** `limit` is a positive integer (the profile schema checks it). */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  /** Runs `task` once a slot is free; the slot is freed when its promise settles, fulfilled or not. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `running` never exceeds the limit.
      const next = this.#waiting.shift();
      if (next === undefined) this.#running--;
      else next();
    }
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }
}
