/**
 * The sections of a summary besides operations and intervals, merged for
 * `pacs-load merge` (issue 14, item 7), so that a run split over machines
 * keeps what each machine found:
 * - `verify`: counts add up (checked, missing, not checked, sends, distinct
 *   instances, duplicates), UID lists are joined up to the list limit, and an
 *   error of any part is kept (the merge is then not verified). A part run
 *   without `--verify` beside parts run with it leaves the merge not verified:
 *   its instances were never checked.
 * - `breakpoint`, `migration`: kept when every part that has one has the same;
 *   otherwise each part's own is listed under `instanceSections`, named by its
 *   file, since the parts' judged steps cannot be added into one knee.
 * - `seedPriors`: of a split run only one instance seeds, so its section is
 *   kept as it is; sections of several parts add up (studies, instances,
 *   bytes, failures by reason; the longest time).
 * - `stored` (src/metrics/merge-stored.ts): acknowledged instances and studies
 *   add up, per scenario and in total; the studies are marked as summed over
 *   parts, since a study several parts sent images of counts once per part.
 * - `identities`: kept when every part that has one made them alike;
 *   otherwise each part's own is listed under `instanceSections`, and
 *   `identitiesPerPart` says which modes the parts used and whether any part
 *   meant to send duplicates.
 */
import { mergeStored } from './merge-stored.js';
import type {
  IdentitiesPerPart,
  IdentitySummary,
  InstanceSections,
  RunSummary,
  SeedPriorsSummary,
  VerifySummary,
} from './types.js';
import { VERIFY_LIST_LIMIT, withVerifyDetail } from './verify-summary.js';

export type MergedSections = Pick<RunSummary, 'verify' | 'breakpoint' | 'migration' | 'instanceSections' | 'seedPriors' | 'stored' | 'identities' | 'identitiesPerPart'>;

/** The sections listed per instance when the parts' own differ. */
type ListedSection = 'breakpoint' | 'migration' | 'identities';
const LISTED_SECTIONS: readonly ListedSection[] = ['breakpoint', 'migration', 'identities'];

/**
 * The merged sections of `summaries` (or of what each instance of a run wrote
 * to InfluxDB), each named by `labels[i]` where one must be named. Only the
 * sections some part has are present.
 */
export function mergeSections(summaries: readonly MergedSections[], labels: readonly string[]): MergedSections {
  const merged: MergedSections = {};
  const verify = mergeVerify(summaries, labels);
  if (verify !== undefined) merged.verify = verify;
  const entries = summaries.flatMap((summary, index) => sectionEntries(summary, labels[index] ?? `#${index + 1}`));
  const breakpoint = keepOrList(entries, 'breakpoint');
  const migration = keepOrList(entries, 'migration');
  const identities = keepOrList(entries, 'identities');
  if (breakpoint.kept !== undefined) merged.breakpoint = breakpoint.kept;
  if (migration.kept !== undefined) merged.migration = migration.kept;
  if (identities.kept !== undefined) merged.identities = identities.kept;
  if (identities.listed) merged.identitiesPerPart = identitiesPerPart(entries.flatMap((entry) => (entry.identities === undefined ? [] : [entry.identities])));
  const listedSections = LISTED_SECTIONS.filter((section) => ({ breakpoint, migration, identities })[section].listed);
  const listed = entries
    .map((entry) => {
      const kept: InstanceSections = { instance: entry.instance };
      for (const section of listedSections) copySection(entry, kept, section);
      return kept;
    })
    .filter(hasListedSection);
  if (listed.length > 0) merged.instanceSections = listed;
  const seedPriors = mergeSeedPriors(summaries.flatMap((summary) => (summary.seedPriors === undefined ? [] : [summary.seedPriors])));
  if (seedPriors !== undefined) merged.seedPriors = seedPriors;
  const stored = mergeStored(summaries.flatMap((summary) => (summary.stored === undefined ? [] : [summary.stored])));
  if (stored !== undefined) merged.stored = stored;
  return merged;
}

/** The parts' identities differ: which modes they used, and whether any meant to send duplicates. */
function identitiesPerPart(parts: readonly IdentitySummary[]): IdentitiesPerPart {
  const modes = [...new Set(parts.map((part) => part.mode))].sort();
  return { modes, duplicatesIntended: parts.some((part) => part.duplicatesIntended) };
}

function copySection(from: InstanceSections, to: InstanceSections, section: ListedSection): void {
  // One assignment per section keeps each value's type without a cast.
  if (section === 'breakpoint' && from.breakpoint !== undefined) to.breakpoint = from.breakpoint;
  if (section === 'migration' && from.migration !== undefined) to.migration = from.migration;
  if (section === 'identities' && from.identities !== undefined) to.identities = from.identities;
}

function hasListedSection(entry: InstanceSections): boolean {
  return LISTED_SECTIONS.some((section) => entry[section] !== undefined);
}

/** Distinct failure reasons kept in a merged `seedPriors`, as one seeding keeps (src/operations/seed-priors.ts). */
const SEED_FAILURE_REASONS = 10;

/** The parts' seedings as one: the first part's block, counts added, the longest time, reasons by count. */
function mergeSeedPriors(parts: readonly SeedPriorsSummary[]): SeedPriorsSummary | undefined {
  const [first, ...rest] = parts;
  if (first === undefined || rest.length === 0) return first;
  const sum = (field: (part: SeedPriorsSummary) => number): number => parts.reduce((total, part) => total + field(part), 0);
  const reasons = new Map<string, number>();
  for (const failure of parts.flatMap((part) => part.failures)) reasons.set(failure.reason, (reasons.get(failure.reason) ?? 0) + failure.count);
  return {
    ...first,
    studiesPlanned: sum((part) => part.studiesPlanned),
    studiesStored: sum((part) => part.studiesStored),
    studiesFailed: sum((part) => part.studiesFailed),
    studiesNotSent: sum((part) => part.studiesNotSent),
    instancesPlanned: sum((part) => part.instancesPlanned),
    instancesStored: sum((part) => part.instancesStored),
    bytesSent: sum((part) => part.bytesSent),
    durationSeconds: Math.max(...parts.map((part) => part.durationSeconds)),
    failures: [...reasons]
      .sort((a, b) => b[1] - a[1])
      .slice(0, SEED_FAILURE_REASONS)
      .map(([reason, count]) => ({ reason, count })),
  };
}

/** Sums the parts' verify results; undefined when no part ran with `--verify`. */
export function mergeVerify(summaries: readonly MergedSections[], labels: readonly string[]): VerifySummary | undefined {
  const parts = summaries.map((summary, index) => ({ verify: summary.verify, label: labels[index] ?? `#${index + 1}` }));
  const checked = parts.filter((part): part is { verify: VerifySummary; label: string } => part.verify !== undefined);
  if (checked.length === 0) return undefined;
  const sum = (field: (verify: VerifySummary) => number): number => checked.reduce((total, part) => total + field(part.verify), 0);
  const merged: VerifySummary = {
    checked: sum((verify) => verify.checked),
    missing: sum((verify) => verify.missing),
    missingInstances: checked.flatMap((part) => part.verify.missingInstances).slice(0, VERIFY_LIST_LIMIT),
    notChecked: sum((verify) => verify.notChecked),
  };
  // Send counts only when every part has them (a part of an older version would make the sums wrong).
  if (checked.every((part) => part.verify.acknowledgedSends !== undefined)) {
    merged.acknowledgedSends = sum((verify) => verify.acknowledgedSends ?? 0);
    // Parts of one split run send disjoint instances, so distinct instances add up.
    merged.distinctInstances = sum((verify) => verify.distinctInstances ?? 0);
    merged.acknowledgedMoreThanOnce = sum((verify) => verify.acknowledgedMoreThanOnce ?? 0);
    merged.extraAcknowledgements = sum((verify) => verify.extraAcknowledgements ?? 0);
    merged.duplicateInstances = checked.flatMap((part) => part.verify.duplicateInstances ?? []).slice(0, VERIFY_LIST_LIMIT);
    // Intended only if every part that acknowledged an instance twice meant to.
    const withDuplicates = checked.filter((part) => (part.verify.acknowledgedMoreThanOnce ?? 0) > 0);
    merged.duplicatesIntended = withDuplicates.length > 0 ? withDuplicates.every((part) => part.verify.duplicatesIntended === true) : checked.every((part) => part.verify.duplicatesIntended === true);
  }
  const errors = [
    ...checked.filter((part) => part.verify.error !== undefined).map((part) => `${part.label}: ${part.verify.error as string}`),
    ...parts.filter((part) => part.verify === undefined).map((part) => `${part.label}: run without --verify, its instances were not checked`),
  ];
  if (errors.length > 0) merged.error = errors.length === 1 ? (errors[0] as string) : `${errors[0] as string} (and ${errors.length - 1} more: ${errors.slice(1).join('; ')})`;
  return withVerifyDetail(merged);
}

/** A part's sections: its own, and those its earlier merge listed per instance. */
function sectionEntries(summary: MergedSections, label: string): InstanceSections[] {
  const own: InstanceSections = { instance: label };
  if (summary.breakpoint !== undefined) own.breakpoint = summary.breakpoint;
  if (summary.migration !== undefined) own.migration = summary.migration;
  if (summary.identities !== undefined) own.identities = summary.identities;
  const earlier: InstanceSections[] = summary.instanceSections ?? [];
  return [own, ...earlier.map((entry) => ({ ...entry }))].filter(hasListedSection);
}

/** One value when all the parts that have the section agree; otherwise `listed` (each part's own). */
function keepOrList<S extends ListedSection>(entries: readonly InstanceSections[], section: S): { kept?: NonNullable<InstanceSections[S]>; listed: boolean } {
  const values = entries.map((entry) => entry[section]).filter((value): value is NonNullable<InstanceSections[S]> => value !== undefined);
  if (values.length === 0) return { listed: false };
  const distinct = new Set(values.map((value) => JSON.stringify(value)));
  return distinct.size === 1 ? { kept: values[0] as NonNullable<InstanceSections[S]>, listed: false } : { listed: true };
}

/** Each part's segment (`2/8`), else its run id, numbered where two would read the same. */
export function defaultLabels(summaries: readonly RunSummary[]): string[] {
  const labels = summaries.map((summary) => summary.run.segment ?? summary.run.id);
  return labels.map((label, index) => (labels.indexOf(label) === labels.lastIndexOf(label) ? label : `${label} #${index + 1}`));
}
