/**
 * Why operations failed (issue 14, item 4): per outcome key, the distinct
 * reasons with their counts, in bounded memory. A reason is the text an
 * outcome carries (`outcomeReason()` in names.ts): the peer's Error Comment,
 * an HTTP status text, "STATION003: 3 items, expected 5".
 *
 * Bounds: at most MAX_REASONS_PER_OUTCOME distinct reasons per outcome key and
 * MAX_REASON_CHARS characters per reason. A worker keeps the first ones it
 * meets in an interval (`ReasonTally.record`); further distinct reasons are
 * counted in `other`, so the counts always add up to the operations that
 * carried a reason.
 *
 * Merging (`ReasonTally.merge`) adds counts like any counter. When more than
 * MAX_REASONS_PER_OUTCOME distinct reasons result, the ones with the highest
 * counts are kept (then the lexically smallest, so the choice does not depend
 * on arrival order within one merge) and the rest move to `other`. The total
 * (kept + other) is exact and order-independent however the parts are merged;
 * while a series has at most MAX_REASONS_PER_OUTCOME distinct reasons, each
 * reason's count is exact too. Beyond that, a kept reason's count may miss
 * occurrences that an earlier merge had already moved to `other`.
 */
import type { OutcomeReasons, ReasonCount } from './types.js';

/** Distinct reasons kept per (scenario, operation, outcome key). */
export const MAX_REASONS_PER_OUTCOME = 10;
/** Characters kept of one reason; a longer one is cut and ends with `…`. */
export const MAX_REASON_CHARS = 200;

/**
 * A reason as it is kept: control characters and runs of white space made one
 * space, trimmed, at most MAX_REASON_CHARS characters (cut ones end with `…`).
 * Empty when nothing printable is left.
 */
export function normalizeReason(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a terminal or a report.
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
  if (flat.length <= MAX_REASON_CHARS) return flat;
  return `${[...flat].slice(0, MAX_REASON_CHARS - 1).join('')}…`;
}

/** The reasons of one outcome key. */
export class ReasonTally {
  readonly #counts = new Map<string, number>();
  #other = 0;

  /** Counts one operation's reason: a new distinct reason beyond the limit goes to `other`. */
  record(reason: string, count = 1): void {
    const kept = normalizeReason(reason);
    const known = this.#counts.get(kept);
    if (known !== undefined) this.#counts.set(kept, known + count);
    else if (this.#counts.size < MAX_REASONS_PER_OUTCOME) this.#counts.set(kept, count);
    else this.#other += count;
  }

  /** Adds another tally's counts exactly, then keeps the highest counts (see the file comment). */
  merge(part: OutcomeReasons): void {
    for (const { reason, count } of part.top) {
      // A part read from a file may not be normalized; the same text must meet the same entry.
      const kept = normalizeReason(reason);
      this.#counts.set(kept, (this.#counts.get(kept) ?? 0) + count);
    }
    this.#other += part.other;
    if (this.#counts.size <= MAX_REASONS_PER_OUTCOME) return;
    const sorted = sortedReasons(this.#counts);
    for (const { reason, count } of sorted.slice(MAX_REASONS_PER_OUTCOME)) {
      this.#counts.delete(reason);
      this.#other += count;
    }
  }

  /** Operations counted, kept reasons and `other` together. */
  get total(): number {
    let total = this.#other;
    for (const count of this.#counts.values()) total += count;
    return total;
  }

  /** The tally as data: kept reasons by count (highest first), then reason. */
  toData(): OutcomeReasons {
    return { top: sortedReasons(this.#counts), other: this.#other };
  }
}

/** Per outcome key, the tallies of one series. */
export class SeriesReasons {
  readonly #byOutcome = new Map<string, ReasonTally>();

  record(outcomeKey: string, reason: string): void {
    this.#tally(outcomeKey).record(reason);
  }

  merge(parts: Readonly<Record<string, OutcomeReasons>> | undefined): void {
    for (const [outcomeKey, part] of Object.entries(parts ?? {})) this.#tally(outcomeKey).merge(part);
  }

  get isEmpty(): boolean {
    return this.#byOutcome.size === 0;
  }

  clear(): void {
    this.#byOutcome.clear();
  }

  /** Per outcome key (sorted), or undefined when no reason was counted. */
  toData(): Record<string, OutcomeReasons> | undefined {
    if (this.#byOutcome.size === 0) return undefined;
    const keys = [...this.#byOutcome.keys()].sort(compareText);
    return Object.fromEntries(keys.map((key) => [key, (this.#byOutcome.get(key) as ReasonTally).toData()]));
  }

  #tally(outcomeKey: string): ReasonTally {
    let tally = this.#byOutcome.get(outcomeKey);
    if (tally === undefined) {
      tally = new ReasonTally();
      this.#byOutcome.set(outcomeKey, tally);
    }
    return tally;
  }
}

function sortedReasons(counts: ReadonlyMap<string, number>): ReasonCount[] {
  return [...counts]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || compareText(a.reason, b.reason));
}

/** Code-unit order, the same on every machine and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
