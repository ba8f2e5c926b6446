/**
 * The bounded buffer between the coordinator and the InfluxDB writer: the load
 * never waits for the database, so when the database is slow or down the
 * buffer fills and the OLDEST points are dropped (and counted). The newest
 * points are what a live dashboard shows, and the run's end point (written
 * last) is never the one pushed out. Memory is bounded by `capacity` lines.
 */
export class PointBuffer {
  readonly capacity: number;
  readonly #lines: (string | undefined)[];
  #head = 0;
  #size = 0;
  #dropped = 0;

  /** `capacity`: the most lines held at once (at least 1). */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`PointBuffer capacity must be a whole number >= 1, not ${capacity}`);
    this.capacity = capacity;
    this.#lines = new Array<string | undefined>(capacity);
  }

  /** Lines waiting to be written. */
  get size(): number {
    return this.#size;
  }

  /** Lines pushed out because the buffer was full, since it was created. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Appends a line; when full, the oldest line is dropped to make room. */
  push(line: string): void {
    if (this.#size === this.capacity) {
      this.#head = (this.#head + 1) % this.capacity;
      this.#size--;
      this.#dropped++;
    }
    this.#lines[(this.#head + this.#size) % this.capacity] = line;
    this.#size++;
  }

  /** Removes and returns up to `max` of the oldest lines, oldest first. */
  take(max: number): string[] {
    const count = Math.min(max, this.#size);
    const taken: string[] = new Array<string>(count);
    for (let index = 0; index < count; index++) {
      taken[index] = this.#lines[this.#head] as string;
      this.#lines[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.capacity;
    }
    this.#size -= count;
    return taken;
  }

  /** Empties the buffer, counting what it held as dropped; returns that count. */
  dropAll(): number {
    const count = this.#size;
    this.take(count);
    this.#dropped += count;
    return count;
  }
}
