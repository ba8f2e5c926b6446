/**
 * The coordinator's side of src/operations/stored-tally.ts: sums the workers'
 * acknowledged instances per storing scenario and unions their study UIDs, so
 * `studies` counts a study once however many workers, scenarios or chain runs
 * sent images of it (an archive counts it once too).
 */
import type { StoredSummary } from '../metrics/types.js';
import type { StoredChunk } from '../operations/stored-tally.js';
import type { ResolvedProfile, ResolvedScenario } from '../profile/types.js';

interface ScenarioCounts {
  acknowledgedInstances: number;
  studyUids: Set<string>;
}

/** True for the scenarios that store: dimse.store, stow.study, a chain with a dimse.store step. */
export function isStoringScenario(scenario: ResolvedScenario): boolean {
  if (scenario.operation === 'dimse.store' || scenario.operation === 'stow.study') return true;
  return scenario.operation === 'chain' && (scenario.params.steps ?? []).includes('dimse.store');
}

export class StoredCounts {
  readonly #scenarios = new Map<string, ScenarioCounts>();
  #studiesNotCounted = 0;

  add(chunk: StoredChunk): void {
    let counts = this.#scenarios.get(chunk.scenario);
    if (counts === undefined) {
      counts = { acknowledgedInstances: 0, studyUids: new Set() };
      this.#scenarios.set(chunk.scenario, counts);
    }
    counts.acknowledgedInstances += chunk.acknowledgedInstances;
    for (const uid of chunk.studyUids) counts.studyUids.add(uid);
    this.#studiesNotCounted += chunk.studiesNotKept;
  }

  /** The summary for the profile's storing scenarios; undefined when none stores. */
  summary(profile: ResolvedProfile): StoredSummary | undefined {
    const storing = profile.scenarios.filter(isStoringScenario);
    if (storing.length === 0) return undefined;
    const allStudies = new Set<string>();
    let acknowledgedInstances = 0;
    const scenarios = storing.map((scenario) => {
      const counts = this.#scenarios.get(scenario.name);
      for (const uid of counts?.studyUids ?? []) allStudies.add(uid);
      acknowledgedInstances += counts?.acknowledgedInstances ?? 0;
      return { scenario: scenario.name, operation: scenario.operation, acknowledgedInstances: counts?.acknowledgedInstances ?? 0, studies: counts?.studyUids.size ?? 0 };
    });
    return {
      scenarios,
      acknowledgedInstances,
      studies: allStudies.size,
      ...(this.#studiesNotCounted === 0 ? {} : { studiesNotCounted: this.#studiesNotCounted }),
    };
  }
}
