/**
 * The `stored` sections of several summaries as one (issue 14, item 7), for
 * `merge` and `report --from-influx`. Acknowledged instances add up exactly:
 * the parts of a split run send disjoint instances. Studies add up too, but
 * each part counted only its own distinct Study Instance UIDs, so a study
 * several parts sent images of (a chain's worklist study, say) counts once
 * per part; the merge says so in `studiesSummedOverParts`, and the archive's
 * own study count is the one to believe.
 */
import type { StoredScenarioSummary, StoredSummary } from './types.js';

/** The parts' counts added; undefined when no part has them, the one part's own when only one has. */
export function mergeStored(parts: readonly StoredSummary[]): StoredSummary | undefined {
  const [first, ...rest] = parts;
  if (first === undefined || rest.length === 0) return first;
  const scenarios = new Map<string, StoredScenarioSummary>();
  for (const scenario of parts.flatMap((part) => part.scenarios)) {
    // Scenarios of one profile have distinct names; the operation is part of the key in case two profiles reuse one.
    const key = `${scenario.scenario}\u0000${scenario.operation}`;
    const earlier = scenarios.get(key);
    if (earlier === undefined) scenarios.set(key, { ...scenario });
    else {
      earlier.acknowledgedInstances += scenario.acknowledgedInstances;
      earlier.studies += scenario.studies;
    }
  }
  const sum = (field: (part: StoredSummary) => number): number => parts.reduce((total, part) => total + field(part), 0);
  const studiesNotCounted = sum((part) => part.studiesNotCounted ?? 0);
  return {
    scenarios: [...scenarios.values()],
    acknowledgedInstances: sum((part) => part.acknowledgedInstances),
    studies: sum((part) => part.studies),
    ...(studiesNotCounted === 0 ? {} : { studiesNotCounted }),
    // A part that is itself a merge counts as the parts it summed.
    studiesSummedOverParts: sum((part) => part.studiesSummedOverParts ?? 1),
  };
}
