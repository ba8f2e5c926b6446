/**
 * `pacs-load plan --write-profile FILE`: a profile (YAML, valid against the
 * profile schema) that puts the plan's peak on a target: one
 * constant-arrival-rate scenario per planned operation at its peak rate.
 * Rates are written per hour with 4 decimals so the written rate is within
 * 0.01% of the planned one (a rate such as 0.0208/s would round badly per second).
 * Without a `target` it runs against the embedded simulator; add one to test a PACS.
 * It names its JSON Schema for editors (issue 16, item 6): the
 * yaml-language-server modeline and the `$schema` key both point to
 * `pacs-load.schema.json` beside it, which `pacs-load schema` writes.
 */
import { stringify } from 'yaml';
import { formatDurationUs } from '../profile/units.js';
import type { CapacityPlan } from './compute-plan.js';
import { trim } from './compute-plan.js';

/** Where the written profile expects its JSON Schema: beside it, from `pacs-load schema > pacs-load.schema.json`. */
export const PLAN_PROFILE_SCHEMA_PATH = './pacs-load.schema.json';

/** Simulator stations are capped by the profile schema (STATION0001..9999). */
const MAX_STATIONS = 9999;

/**
 * viewer.open opens studies of one modality: the mix's commonest (its DICOM
 * Modality; MG_TOMO is MG), so retrieval looks like the studies the plan sends.
 */
function commonestModality(plan: CapacityPlan): string {
  const [modality] = Object.entries(plan.input.modalityMix).reduce((best, entry) => ((entry[1] ?? 0) > (best[1] ?? 0) ? entry : best));
  return modality === 'MG_TOMO' ? 'MG' : modality;
}

/** The profile text for `plan`; `name` names the profile. Operations planned at 0/s are left out. */
export function planProfileYaml(plan: CapacityPlan, name = 'capacity-plan-peak'): string {
  const duration = formatDurationUs(plan.input.profileDurationUs);
  const stations = Math.min(MAX_STATIONS, Math.max(1, plan.input.modalities));
  const scenarios: Record<string, Record<string, unknown>> = {};
  for (const row of plan.operations) {
    if (!(row.ratePerSec > 0)) continue;
    const scenario: Record<string, unknown> = {
      operation: row.operation,
      executor: 'constant-arrival-rate',
      rate: `${trim(row.ratePerSec * 3600)}/h`,
      duration,
      maxInFlight: 200,
    };
    if (row.operation === 'mwl.find' || row.operation.startsWith('mpps.')) scenario.stations = stations;
    if (row.operation === 'dimse.store') scenario.mix = { ...plan.input.modalityMix };
    if (row.operation === 'viewer.open') scenario.modality = commonestModality(plan);
    scenarios[row.scenario] = scenario;
  }
  const profile = {
    $schema: PLAN_PROFILE_SCHEMA_PATH,
    name,
    description: `Peak hour of ${trim(plan.input.studiesPerDay)} studies/day with ${trim(plan.input.headroom * 100)}% headroom (pacs-load plan)`,
    simulator: { stations, stepsPerStation: 5 },
    scenarios,
    thresholds: Object.fromEntries(
      [...new Set(plan.operations.filter((row) => row.ratePerSec > 0).map((row) => row.operation))].map((operation) => [operation, ['errors < 1%']]),
    ),
  };
  const header = [
    `# yaml-language-server: $schema=${PLAN_PROFILE_SCHEMA_PATH}`,
    '# Written by `pacs-load plan`: the planned peak hour as a load profile.',
    '# Each scenario runs one operation at its planned peak rate (the workload',
    "# figures of pacs-load's docs/architecture.md, section 6; the plan output",
    '# lists every assumption and its source).',
    '# Editor completion: `pacs-load schema > pacs-load.schema.json` beside this file.',
    '# There is no `target`: it runs against the embedded simulator. Add a `target`',
    '# block to test a PACS (never production), and thresholds for your service levels.',
    '',
  ].join('\n');
  return header + stringify(profile, { lineWidth: 0 });
}
