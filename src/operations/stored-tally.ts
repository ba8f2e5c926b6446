/**
 * What a worker's storing scenarios had acknowledged (C-STORE success or
 * warning, STOW-RS ReferencedSOPSequence), kept for every run, not only under
 * `--verify`: per scenario, the acknowledged instances (a count) and the
 * distinct Study Instance UIDs with at least one acknowledged instance, so
 * the coordinator can report exactly what the archive should have gained
 * (src/coordinator/stored-counts.ts).
 *
 * Cheap: one count per instance, one set entry per study (not per instance),
 * bounded at `capacity` study UIDs per worker; beyond it studies are only
 * counted as `studiesNotKept` and the distinct total is reported as a lower bound.
 */
import type { AcknowledgedInstance } from './types.js';

/** Per worker: about 100 bytes a study UID, so at most about 100 MB. */
export const DEFAULT_STUDY_UID_CAPACITY = 1_000_000;
/** Study UIDs per `stored` message, so no single structured clone is huge. */
export const STORED_CHUNK_SIZE = 10_000;

/** One scenario's part of a `stored` message (src/wire/messages.ts). */
export interface StoredChunk {
  scenario: string;
  /** Acknowledged instances (counted once, in the first chunk of the scenario). */
  acknowledgedInstances: number;
  /** Distinct Study Instance UIDs of this worker (this chunk's share). */
  studyUids: string[];
  /** Studies acknowledged beyond the capacity (counted once, in the first chunk). */
  studiesNotKept: number;
}

interface ScenarioTally {
  acknowledgedInstances: number;
  studyUids: Set<string>;
  studiesNotKept: number;
}

export class StoredTally {
  readonly #capacity: number;
  readonly #scenarios = new Map<string, ScenarioTally>();
  #kept = 0;

  constructor(capacity: number = DEFAULT_STUDY_UID_CAPACITY) {
    this.#capacity = capacity;
  }

  /** Counts `instances` acknowledged by a send of `scenario`. */
  add(scenario: string, instances: readonly AcknowledgedInstance[]): void {
    let tally = this.#scenarios.get(scenario);
    if (tally === undefined) {
      tally = { acknowledgedInstances: 0, studyUids: new Set(), studiesNotKept: 0 };
      this.#scenarios.set(scenario, tally);
    }
    tally.acknowledgedInstances += instances.length;
    let previous: string | undefined;
    for (const { studyUid } of instances) {
      // A send's instances share a study: look it up once per run of equal UIDs.
      if (studyUid === previous || tally.studyUids.has(studyUid)) {
        previous = studyUid;
        continue;
      }
      previous = studyUid;
      if (this.#kept < this.#capacity) {
        tally.studyUids.add(studyUid);
        this.#kept++;
      } else {
        tally.studiesNotKept++;
      }
    }
  }

  /** Every scenario's tally as message chunks of at most `chunkSize` study UIDs (at least one chunk per scenario seen). */
  chunks(chunkSize: number = STORED_CHUNK_SIZE): StoredChunk[] {
    const chunks: StoredChunk[] = [];
    for (const [scenario, tally] of this.#scenarios) {
      const uids = [...tally.studyUids];
      for (let start = 0; start === 0 || start < uids.length; start += chunkSize) {
        const first = start === 0;
        chunks.push({
          scenario,
          acknowledgedInstances: first ? tally.acknowledgedInstances : 0,
          studyUids: uids.slice(start, start + chunkSize),
          studiesNotKept: first ? tally.studiesNotKept : 0,
        });
      }
    }
    return chunks;
  }
}
