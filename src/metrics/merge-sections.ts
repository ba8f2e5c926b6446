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
 */
import type { BreakpointSummary, InstanceSections, MigrationSummary, RunSummary, SeedPriorsSummary, VerifySummary } from './types.js';
import { VERIFY_LIST_LIMIT, withVerifyDetail } from './verify-summary.js';

export type MergedSections = Pick<RunSummary, 'verify' | 'breakpoint' | 'migration' | 'instanceSections' | 'seedPriors'>;

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
  if (breakpoint.kept !== undefined) merged.breakpoint = breakpoint.kept as BreakpointSummary;
  if (migration.kept !== undefined) merged.migration = migration.kept as MigrationSummary;
  const listed = entries
    .map((entry) => ({
      instance: entry.instance,
      ...(breakpoint.listed && entry.breakpoint !== undefined ? { breakpoint: entry.breakpoint } : {}),
      ...(migration.listed && entry.migration !== undefined ? { migration: entry.migration } : {}),
    }))
    .filter((entry) => entry.breakpoint !== undefined || entry.migration !== undefined);
  if (listed.length > 0) merged.instanceSections = listed;
  const seedPriors = mergeSeedPriors(summaries.flatMap((summary) => (summary.seedPriors === undefined ? [] : [summary.seedPriors])));
  if (seedPriors !== undefined) merged.seedPriors = seedPriors;
  return merged;
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

interface SectionEntry {
  instance: string;
  breakpoint?: BreakpointSummary;
  migration?: MigrationSummary;
}

/** A part's sections: its own, and those its earlier merge listed per instance. */
function sectionEntries(summary: MergedSections, label: string): SectionEntry[] {
  const own: SectionEntry = { instance: label };
  if (summary.breakpoint !== undefined) own.breakpoint = summary.breakpoint;
  if (summary.migration !== undefined) own.migration = summary.migration;
  const earlier: InstanceSections[] = summary.instanceSections ?? [];
  return [own, ...earlier.map((entry) => ({ ...entry }))].filter((entry) => entry.breakpoint !== undefined || entry.migration !== undefined);
}

/** One value when all the parts that have the section agree; otherwise `listed` (each part's own). */
function keepOrList(entries: readonly SectionEntry[], section: 'breakpoint' | 'migration'): { kept?: BreakpointSummary | MigrationSummary; listed: boolean } {
  const values = entries.map((entry) => entry[section]).filter((value) => value !== undefined);
  if (values.length === 0) return { listed: false };
  const distinct = new Set(values.map((value) => JSON.stringify(value)));
  return distinct.size === 1 ? { kept: values[0] as BreakpointSummary | MigrationSummary, listed: false } : { listed: true };
}

/** Each part's segment (`2/8`), else its run id, numbered where two would read the same. */
export function defaultLabels(summaries: readonly RunSummary[]): string[] {
  const labels = summaries.map((summary) => summary.run.segment ?? summary.run.id);
  return labels.map((label, index) => (labels.indexOf(label) === labels.lastIndexOf(label) ? label : `${label} #${index + 1}`));
}
