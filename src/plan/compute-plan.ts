/**
 * `pacs-load plan`: from study volumes to peak rates per operation, ingest and
 * retrieval bandwidth and storage growth (issue 7, item 1). Pure arithmetic;
 * every figure it rests on is listed in `assumptions` with its source.
 *
 * The model, per second at the peak hour, headroom included (H = 1 + headroom):
 * - studies arrive at studiesPerDay x peakHourShare / 3600 x H; each is one
 *   dimse.store (the whole study), one mpps.inProgress and one mpps.completed,
 *   and one qr.find (the prior lookup by patient ID that prefetching runs when
 *   a study arrives, docs/architecture.md section 6);
 * - every modality polls the worklist once per interval: modalities / interval x H;
 * - readers open readsPerReaderHour studies an hour each, plus priorsPerRead
 *   priors per read: viewer.open (reading);
 * - referring physicians' views spread like the studies: referringViewsPerDay x
 *   peakHourShare / 3600 x H, each one qido.studies search then one viewer.open;
 * - retrieval bandwidth: every viewer.open fetches the average study (the mix's);
 * - storage grows by the average study per study (as sent, before any
 *   compression), without headroom: it is a volume, not a peak.
 */
import { formatSignificant } from '../metrics/format.js';
import type { OperationName } from '../metrics/names.js';
import { formatDurationUs, formatPercent } from '../profile/units.js';
import type { StoreModality } from '../synth/study-template.js';
import { PLAN_DEFAULTS, type GivenInputs, type PlanInput, type PlanInputKey } from './plan-input.js';
import { averageStudy, studySize } from './study-sizes.js';

export interface PlanAssumption {
  name: string;
  value: string;
  /** Where the figure comes from: the user's input, or docs/architecture.md section 6 / a pacs-load default. */
  source: string;
}

/** One operation's peak rate, and the scenario a written profile runs it in. */
export interface PlannedOperation {
  scenario: string;
  operation: OperationName;
  ratePerSec: number;
  /** How the rate was computed, in words. */
  basis: string;
}

export interface Bandwidth {
  bytesPerSec: number;
  megabytesPerSec: number;
  megabitsPerSec: number;
}

export interface CapacityPlan {
  input: PlanInput;
  assumptions: PlanAssumption[];
  operations: PlannedOperation[];
  ingest: Bandwidth & { studiesPerSec: number; imagesPerSec: number };
  retrieval: Bandwidth & { studyOpensPerSec: number };
  storage: { averageStudyBytes: number; averageStudyImages: number; bytesPerDay: number; bytesPerYear: number; gigabytesPerDay: number; terabytesPerYear: number };
}

const SECONDS_PER_HOUR = 3600;

/** The plan for `input`; `given` says which inputs the user set (the others are printed as defaults with their source). */
export function computePlan(input: PlanInput, given: GivenInputs = new Set()): CapacityPlan {
  const headroomFactor = 1 + input.headroom;
  const studiesPerSec = (input.studiesPerDay * input.peakHourShare * headroomFactor) / SECONDS_PER_HOUR;
  const worklistPerSec = (input.modalities / (input.worklistPollIntervalUs / 1e6)) * headroomFactor;
  const readingPerSec = ((input.readers * input.readsPerReaderHour * (1 + input.priorsPerRead)) / SECONDS_PER_HOUR) * headroomFactor;
  const referringPerSec = (input.referringViewsPerDay * input.peakHourShare * headroomFactor) / SECONDS_PER_HOUR;
  const average = averageStudy(input.modalityMix);

  const peak = `x peak hour ${formatPercent(input.peakHourShare)} / 3600 s x ${trim(headroomFactor)} (headroom)`;
  const operations: PlannedOperation[] = [
    { scenario: 'worklist', operation: 'mwl.find', ratePerSec: worklistPerSec, basis: `${input.modalities} modalities / ${formatDurationUs(input.worklistPollIntervalUs)} poll x ${trim(headroomFactor)}` },
    { scenario: 'procedure-start', operation: 'mpps.inProgress', ratePerSec: studiesPerSec, basis: `one per study: ${input.studiesPerDay}/day ${peak}` },
    { scenario: 'study-sends', operation: 'dimse.store', ratePerSec: studiesPerSec, basis: `${input.studiesPerDay} studies/day ${peak}` },
    { scenario: 'procedure-end', operation: 'mpps.completed', ratePerSec: studiesPerSec, basis: 'one per study' },
    { scenario: 'prior-lookups', operation: 'qr.find', ratePerSec: studiesPerSec, basis: 'one prior lookup by patient ID per arriving study (prefetch)' },
    {
      scenario: 'reading',
      operation: 'viewer.open',
      ratePerSec: readingPerSec,
      basis: `${input.readers} readers x ${trim(input.readsPerReaderHour)} reads/h x (1 + ${trim(input.priorsPerRead)} priors) / 3600 s x ${trim(headroomFactor)}`,
    },
    { scenario: 'referring-search', operation: 'qido.studies', ratePerSec: referringPerSec, basis: `${trim(input.referringViewsPerDay)} referring views/day ${peak}` },
    { scenario: 'referring-views', operation: 'viewer.open', ratePerSec: referringPerSec, basis: 'one study open per referring search' },
  ];

  const imagesPerSec = studiesPerSec * average.images;
  const ingestBytesPerSec = studiesPerSec * average.bytesPerStudy;
  const studyOpensPerSec = readingPerSec + referringPerSec;
  const bytesPerDay = input.studiesPerDay * average.bytesPerStudy;
  return {
    input,
    assumptions: assumptionsOf(input, given),
    operations,
    ingest: { studiesPerSec, imagesPerSec, ...bandwidth(ingestBytesPerSec) },
    retrieval: { studyOpensPerSec, ...bandwidth(studyOpensPerSec * average.bytesPerStudy) },
    storage: {
      averageStudyBytes: average.bytesPerStudy,
      averageStudyImages: average.images,
      bytesPerDay,
      bytesPerYear: bytesPerDay * 365,
      gigabytesPerDay: bytesPerDay / 1e9,
      terabytesPerYear: (bytesPerDay * 365) / 1e12,
    },
  };
}

/** Decimal megabytes (10^6) and megabits, as network and storage vendors quote them. */
function bandwidth(bytesPerSec: number): Bandwidth {
  return { bytesPerSec, megabytesPerSec: bytesPerSec / 1e6, megabitsPerSec: (bytesPerSec * 8) / 1e6 };
}

function assumptionsOf(input: PlanInput, given: GivenInputs): PlanAssumption[] {
  const source = (key: Exclude<PlanInputKey, 'studiesPerDay'>): string => (given.has(key) ? 'your input' : PLAN_DEFAULTS[key].source);
  const mix = Object.entries(input.modalityMix)
    .map(([modality, weight]) => `${modality} ${trim(weight)}`)
    .join(', ');
  const sizes = (Object.keys(input.modalityMix) as StoreModality[])
    .map((modality) => {
      const size = studySize(modality);
      return `${modality} ${size.images} x ${formatSignificant(size.bytesPerImage / 1e6)} MB = ${formatSignificant(size.bytesPerStudy / 1e6)} MB`;
    })
    .join('; ');
  return [
    { name: 'studies per day', value: trim(input.studiesPerDay), source: 'your input (docs/architecture.md section 6: a 250-420-bed hospital does 350-600 a day)' },
    { name: 'modality mix', value: mix, source: source('modalityMix') },
    { name: 'study sizes', value: sizes, source: 'docs/architecture.md section 6 (CT about 680 x 0.5 MiB, MR about 570 x 128-512 KiB, CR/DX 1-4 x 6-17 MB, MG 4 x 16 MB), as src/synth/study-template.ts sends them' },
    { name: 'peak hour share', value: formatPercent(input.peakHourShare), source: source('peakHourShare') },
    { name: 'headroom', value: formatPercent(input.headroom), source: source('headroom') },
    { name: 'modalities polling the worklist', value: String(input.modalities), source: source('modalities') },
    { name: 'worklist poll interval', value: formatDurationUs(input.worklistPollIntervalUs), source: source('worklistPollInterval') },
    { name: 'readers at the peak', value: String(input.readers), source: source('readers') },
    { name: 'reads per reader-hour', value: trim(input.readsPerReaderHour), source: source('readsPerReaderHour') },
    { name: 'priors opened per read', value: trim(input.priorsPerRead), source: source('priorsPerRead') },
    { name: 'referring views per day', value: trim(input.referringViewsPerDay), source: source('referringViewsPerDay') },
  ];
}

/** Up to 4 decimals, no float noise. */
export function trim(value: number): string {
  return String(Number(value.toFixed(4)));
}
