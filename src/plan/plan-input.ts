/**
 * The inputs of `pacs-load plan` (issue 7, item 1), from a small YAML file, from
 * flags, or both (flags win). Every default is one of docs/architecture.md section 6's
 * figures where that section has one; where it has none, the default is ours
 * and `computePlan` prints it as an assumption to replace with the site's own.
 */
import type { Problem } from '../errors.js';
import { PacsLoadError } from '../errors.js';
import { tryParseDurationUs } from '../profile/units.js';
import { DEFAULT_MODALITY_MIX } from '../synth/studies.js';
import { STORE_MODALITIES, isStoreModality, type StoreModality } from '../synth/study-template.js';

export interface PlanInput {
  /** Studies acquired per day, all modalities. */
  studiesPerDay: number;
  /** Share of studies per modality (weights, any scale). */
  modalityMix: Readonly<Partial<Record<StoreModality, number>>>;
  /** Share of the day's studies in the busiest hour (0..1). */
  peakHourShare: number;
  /** Extra capacity planned above the peak (0.5 = 50%). */
  headroom: number;
  /** Modalities querying the worklist. */
  modalities: number;
  /** How often each modality polls the worklist. */
  worklistPollIntervalUs: number;
  /** Radiologists reading at the peak hour. */
  readers: number;
  /** Studies each reader reads per hour. */
  readsPerReaderHour: number;
  /** Prior studies opened per read, on average. */
  priorsPerRead: number;
  /** Studies opened by referring physicians per day. */
  referringViewsPerDay: number;
  /** Duration of each scenario of a written profile. */
  profileDurationUs: number;
}

/** The keys of a plan input file, and the flags that set them. */
export const PLAN_INPUT_KEYS = [
  'studiesPerDay',
  'modalityMix',
  'peakHourShare',
  'headroom',
  'modalities',
  'worklistPollInterval',
  'readers',
  'readsPerReaderHour',
  'priorsPerRead',
  'referringViewsPerDay',
  'profileDuration',
] as const;
export type PlanInputKey = (typeof PLAN_INPUT_KEYS)[number];

/** Defaults and where each comes from (printed beside the plan). */
export const PLAN_DEFAULTS = {
  modalityMix: { value: DEFAULT_MODALITY_MIX, source: 'docs/architecture.md section 5 default mix (CT 30, MR 15, CR 40, US 10, MG 5)' },
  peakHourShare: { value: 0.1, source: 'docs/architecture.md section 6: the busiest hour carries about 10% of the day (up to 15%)' },
  headroom: { value: 0.5, source: 'docs/architecture.md section 6: plan 50% headroom (Wilson and Smith, 1994)' },
  modalities: { value: 10, source: 'pacs-load default (docs/architecture.md section 6 gives no figure): set --modalities' },
  worklistPollInterval: { value: 60_000_000, source: 'pacs-load default (docs/architecture.md section 6: modalities poll "at an interval", no figure): set --poll-interval' },
  readers: { value: 4, source: 'pacs-load default (docs/architecture.md section 6 gives no figure): set --readers' },
  readsPerReaderHour: { value: 12, source: 'pacs-load default (docs/architecture.md section 6 gives no figure): set --reads-per-hour' },
  priorsPerRead: { value: 0.55, source: 'docs/architecture.md section 6: 45% of patients have no relevant prior, so 0.55 priors opened per read' },
  referringViewsPerDay: { value: undefined, source: 'pacs-load default: one referring view per study (docs/architecture.md section 6 gives no figure): set --referring-views' },
  profileDuration: { value: 600_000_000, source: 'pacs-load default: 10 minutes at the peak' },
} as const;

/** Which inputs were given and which defaulted (for the assumption list). */
export type GivenInputs = ReadonlySet<PlanInputKey>;

/**
 * Resolves raw inputs (parsed YAML values or flag strings) into a PlanInput.
 * Throws ERR_INPUT_INVALID listing every problem (key, what is wrong, the fix).
 */
export function resolvePlanInput(raw: Readonly<Record<string, unknown>>): { input: PlanInput; given: GivenInputs } {
  const problems: Problem[] = [];
  const given = new Set<PlanInputKey>();
  for (const key of Object.keys(raw)) {
    if (raw[key] === undefined) continue;
    if ((PLAN_INPUT_KEYS as readonly string[]).includes(key)) given.add(key as PlanInputKey);
    else problems.push({ path: key, message: `unknown plan input \`${key}\``, fix: `use one of: ${PLAN_INPUT_KEYS.join(', ')}` });
  }
  const number = (key: PlanInputKey, fallback: number | undefined, options: { integer?: boolean; positive?: boolean } = {}): number => {
    const value = raw[key];
    if (value === undefined) return fallback ?? 0;
    const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    const ok = Number.isFinite(parsed) && (options.positive === true ? parsed > 0 : parsed >= 0) && (options.integer !== true || Number.isInteger(parsed));
    if (!ok) {
      const what = `${options.integer === true ? 'a whole number' : 'a number'} ${options.positive === true ? 'above 0' : 'of 0 or more'}`;
      problems.push({ path: key, message: `\`${String(value)}\` is not ${what}`, fix: `write e.g. \`${key}: ${options.integer === true ? 20 : 1.5}\`` });
      return fallback ?? 1;
    }
    return parsed;
  };
  const percent = (key: PlanInputKey, fallback: number, max: number): number => {
    const value = raw[key];
    if (value === undefined) return fallback;
    const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/.exec(value) : null;
    const fraction = match === null ? Number.NaN : Number(match[1]) / 100;
    if (!(fraction >= 0 && fraction <= max)) {
      problems.push({ path: key, message: `\`${String(value)}\` is not a percentage from 0% to ${max * 100}%`, fix: `write e.g. \`${key}: 10%\`` });
      return fallback;
    }
    return fraction;
  };
  const duration = (key: PlanInputKey, fallback: number): number => {
    const value = raw[key];
    if (value === undefined) return fallback;
    const parsed = tryParseDurationUs(String(value));
    if (!parsed.ok || parsed.value <= 0) {
      problems.push({ path: key, message: parsed.ok ? 'must be longer than 0s' : parsed.message, fix: parsed.ok ? 'write e.g. `60s`' : parsed.fix });
      return fallback;
    }
    return parsed.value;
  };

  const studiesPerDay = raw.studiesPerDay === undefined ? Number.NaN : number('studiesPerDay', undefined, { positive: true });
  if (raw.studiesPerDay === undefined) {
    problems.push({ path: 'studiesPerDay', message: 'the studies acquired per day are required', fix: 'give --studies-per-day 500 (or `studiesPerDay: 500` in the input file)' });
  }
  const input: PlanInput = {
    studiesPerDay,
    modalityMix: raw.modalityMix === undefined ? PLAN_DEFAULTS.modalityMix.value : parseMix(raw.modalityMix, problems),
    peakHourShare: percent('peakHourShare', PLAN_DEFAULTS.peakHourShare.value, 1),
    headroom: percent('headroom', PLAN_DEFAULTS.headroom.value, 10),
    modalities: number('modalities', PLAN_DEFAULTS.modalities.value, { integer: true }),
    worklistPollIntervalUs: duration('worklistPollInterval', PLAN_DEFAULTS.worklistPollInterval.value),
    readers: number('readers', PLAN_DEFAULTS.readers.value, { integer: true }),
    readsPerReaderHour: number('readsPerReaderHour', PLAN_DEFAULTS.readsPerReaderHour.value),
    priorsPerRead: number('priorsPerRead', PLAN_DEFAULTS.priorsPerRead.value),
    referringViewsPerDay: number('referringViewsPerDay', Number.isFinite(studiesPerDay) ? studiesPerDay : 0),
    profileDurationUs: duration('profileDuration', PLAN_DEFAULTS.profileDuration.value),
  };
  if (input.peakHourShare === 0) problems.push({ path: 'peakHourShare', message: 'a peak hour share of 0% plans no load', fix: 'write e.g. `peakHourShare: 10%`' });
  if (problems.length > 0) {
    throw new PacsLoadError('ERR_INPUT_INVALID', `the plan inputs have ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
      hint: 'fix the inputs listed; `pacs-load plan --help` lists the flags and their defaults',
      problems,
    });
  }
  return { input, given };
}

/** `{ CT: 30, MR: 15 }` or the flag text `CT:30,MR:15`. */
function parseMix(value: unknown, problems: Problem[]): Partial<Record<StoreModality, number>> {
  let entries: Array<[string, unknown]>;
  if (typeof value === 'string') {
    entries = value.split(',').filter((part) => part.trim() !== '').map((part) => {
      const [name, weight] = part.split(':');
      return [(name ?? '').trim(), weight === undefined ? Number.NaN : Number(weight)];
    });
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    entries = Object.entries(value);
  } else {
    problems.push({ path: 'modalityMix', message: 'must be a mapping of modality to weight', fix: 'write e.g. `modalityMix: { CT: 30, MR: 15, CR: 55 }` or --mix CT:30,MR:15,CR:55' });
    return {};
  }
  const mix: Partial<Record<StoreModality, number>> = {};
  for (const [name, weight] of entries) {
    if (!isStoreModality(name)) {
      problems.push({ path: `modalityMix.${name}`, message: `\`${name}\` has no study shape`, fix: `use one of ${STORE_MODALITIES.join(', ')}` });
    } else if (typeof weight !== 'number' || !(weight >= 0) || !Number.isFinite(weight)) {
      problems.push({ path: `modalityMix.${name}`, message: `weight \`${String(weight)}\` is not a number of 0 or more`, fix: `write e.g. \`${name}: 30\`` });
    } else {
      mix[name] = weight;
    }
  }
  if (Object.values(mix).every((weight) => weight === 0) && problems.every((p) => !p.path.startsWith('modalityMix'))) {
    problems.push({ path: 'modalityMix', message: 'needs at least one positive weight', fix: 'write e.g. `modalityMix: { CT: 30, CR: 70 }`' });
  }
  return mix;
}
