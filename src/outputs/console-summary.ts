/**
 * The end-of-run report of the console output (docs/architecture.md section 7), as text
 * lines: the table per operation, where the time went (p95 of response against
 * service, lag, setup and ttfb, so queueing is visible), errors by outcome
 * class, the thresholds and the verdict. Pure: summary in, lines out.
 */
import { formatBytes, formatBytesPerSec, formatCount, formatDurationUs, formatPercent, formatRate, formatSignificant } from '../metrics/format.js';
import type { HistogramName } from '../metrics/names.js';
import { isSuccessKey } from '../metrics/names.js';
import type { OperationSummary, OutcomeReasons, RunSummary, ThresholdResult, VerifySummary } from '../metrics/types.js';
import { describeVerify, verifyPassed } from '../metrics/verify-summary.js';
import { outcomeGloss } from './outcome-gloss.js';
import { renderBreakpoint, renderInstanceSections, renderMigration } from './capacity-lines.js';
import { renderInstanceIdentities, renderStored } from './stored-lines.js';
import { renderSeedPriors } from './seed-priors-lines.js';
import type { TableColumn } from './table.js';
import { renderTable } from './table.js';

export interface ConsoleSummaryOptions {
  /** ANSI green/red on pass/fail marks and the verdict counts. */
  color: boolean;
}

const INDENT = '  ';
const MISSING = '-';

/** Renders the whole end-of-run report; lines carry no newline. */
export function renderRunSummary(summary: RunSummary, options: ConsoleSummaryOptions): string[] {
  const paint = painter(options.color);
  const { run } = summary;
  return [
    '',
    `run ${run.id} (${run.profile}): ${formatDurationUs(run.durationSeconds * 1_000_000)}, ${run.workers} ${run.workers === 1 ? 'worker' : 'workers'}`,
    '',
    ...renderOperationTable(summary.operations),
    '',
    ...renderPhaseTable(summary.operations),
    '',
    ...renderErrorsByClass(summary.operations),
    '',
    ...renderVolumePerOperation(summary.operations),
    ...renderRetrieved(summary.operations),
    ...renderBreakpoint(summary.breakpoint),
    ...renderMigration(summary.migration),
    ...renderInstanceSections(summary.instanceSections),
    ...renderSeedPriors(summary.seedPriors),
    ...renderThresholds(summary.thresholds, paint),
    ...renderStored(summary.stored, summary.identities, summary.identitiesPerPart),
    ...renderInstanceIdentities(summary.instanceSections),
    ...renderVerify(summary.verify, paint),
    ...renderDeliveries(summary.outputs, paint),
    ...renderVerdict(summary, paint),
  ];
}

/** `scenario/operation`, or just the operation when the scenario is named after it. */
export function seriesLabel(summary: Pick<OperationSummary, 'scenario' | 'operation'>): string {
  return summary.scenario === summary.operation ? summary.operation : `${summary.scenario}/${summary.operation}`;
}

/** Kept here for the outputs that import it from the console summary. */
export { formatCount };

/** The per-operation figures of the end-of-run table, after the label; the HTML report shows the same. */
export const OPERATION_FIGURE_HEADERS = ['completed', 'rate', 'p50', 'p90', 'p95', 'p99', 'max', 'errors', 'dropped', 'received', 'sent'] as const;

/** One operation's figures, in the order of OPERATION_FIGURE_HEADERS. */
export function operationFigures(operation: OperationSummary): string[] {
  const response = operation.latency.response;
  const duration = (us: number | undefined): string => (us === undefined ? MISSING : formatDurationUs(us));
  return [
    formatCount(operation.completed),
    formatRate(operation.ratePerSec),
    duration(response?.p50Us),
    duration(response?.p90Us),
    duration(response?.p95Us),
    duration(response?.p99Us),
    duration(response?.maxUs),
    `${formatCount(operation.failed)} (${formatPercent(operation.errorRate)})`,
    formatCount(operation.dropped),
    bandwidth(operation.bytesReceived, operation.activeSeconds),
    bandwidth(operation.bytesSent, operation.activeSeconds),
  ];
}

function renderOperationTable(operations: readonly OperationSummary[]): string[] {
  if (operations.length === 0) return ['no operations ran'];
  const columns: TableColumn[] = [{ header: 'scenario/operation', align: 'left' }, ...OPERATION_FIGURE_HEADERS.map((header) => ({ header }))];
  const rows = operations.map((operation) => [seriesLabel(operation), ...operationFigures(operation)]);
  return [
    'per operation (latency is response time, from the intended start)',
    ...renderTable(columns, rows, { indent: INDENT }),
  ];
}

/**
 * For operations made of many requests (`viewer.open`, `dimse.store`): the
 * requests and bytes of one operation, on average (issue 4: requests and bytes
 * per open). Nothing when every operation is a single request.
 */
function renderVolumePerOperation(operations: readonly OperationSummary[]): string[] {
  const multi = operations.filter((operation) => operation.completed > 0 && (operation.requests ?? 0) > operation.completed);
  if (multi.length === 0) return [];
  const columns: TableColumn[] = [{ header: 'scenario/operation', align: 'left' }, { header: 'requests' }, { header: 'received' }, { header: 'sent' }];
  const rows = multi.map((operation) => [
    seriesLabel(operation),
    formatSignificant((operation.requests ?? 0) / operation.completed),
    formatBytes(operation.bytesReceived / operation.completed),
    formatBytes(operation.bytesSent / operation.completed),
  ]);
  return ['each operation, on average (protocol requests and bytes)', ...renderTable(columns, rows, { indent: INDENT }), ''];
}

/** The retrievals (qr.*, qido.*, wado.*, viewer.open) that recorded matches or instances retrieved. */
export function retrievalOperations(operations: readonly OperationSummary[]): OperationSummary[] {
  return operations.filter((operation) => operation.matches !== undefined || operation.instancesRetrieved !== undefined);
}

/** The retrieval table's headers, after the label; the HTML report shows the same. */
export const RETRIEVED_FIGURE_HEADERS = ['matches', 'matches/op', 'instances', 'instances/op', 'received', 'empty'] as const;

/** One retrieval's figures, in the order of RETRIEVED_FIGURE_HEADERS: totals, per completed operation, and `empty` answers. */
export function retrievedFigures(operation: OperationSummary): string[] {
  const each = (total: number | undefined): string =>
    total === undefined || operation.completed === 0 ? MISSING : formatSignificant(total / operation.completed);
  const empty = operation.outcomes['empty'] ?? 0;
  return [
    operation.matches === undefined ? MISSING : formatCount(operation.matches),
    each(operation.matches),
    operation.instancesRetrieved === undefined ? MISSING : formatCount(operation.instancesRetrieved),
    each(operation.instancesRetrieved),
    formatBytes(operation.bytesReceived),
    operation.completed === 0 ? formatCount(empty) : `${formatCount(empty)} (${formatPercent(empty / operation.completed)})`,
  ];
}

/**
 * What the retrievals found and brought back (issue 14, item 5): a PACS that
 * holds none of the data asked for answers fast, so "0 matches, 0 instances"
 * must be visible next to the latencies. Nothing when no retrieval ran.
 */
function renderRetrieved(operations: readonly OperationSummary[]): string[] {
  const retrievals = retrievalOperations(operations);
  if (retrievals.length === 0) return [];
  const columns: TableColumn[] = [{ header: 'scenario/operation', align: 'left' }, ...RETRIEVED_FIGURE_HEADERS.map((header) => ({ header }))];
  const rows = retrievals.map((operation) => [seriesLabel(operation), ...retrievedFigures(operation)]);
  return [
    'retrieved (matches: C-FIND/QIDO results; instances: sub-operations, parts, frames; empty: answers with nothing, counted as errors)',
    ...renderTable(columns, rows, { indent: INDENT }),
    '',
  ];
}

function bandwidth(bytes: number, activeSeconds: number): string {
  return activeSeconds > 0 ? formatBytesPerSec(bytes / activeSeconds) : MISSING;
}

/** A column of the p95-by-phase table: which histogram, under which header. */
export interface PhaseColumn {
  histogram: HistogramName;
  header: string;
}

/** The phases shown side by side; setup and ttfb only when some operation has them. */
const PHASES: readonly (PhaseColumn & { always: boolean })[] = [
  { histogram: 'response', header: 'response', always: true },
  { histogram: 'service', header: 'service', always: true },
  { histogram: 'lag', header: 'start lag', always: true },
  { histogram: 'setup', header: 'assoc setup', always: false },
  { histogram: 'ttfb', header: 'ttfb', always: false },
];

/** The phase columns for these operations (response, service, start lag; setup and ttfb when measured); the HTML report shows the same. */
export function phaseColumns(operations: readonly OperationSummary[]): PhaseColumn[] {
  return PHASES.filter((phase) => phase.always || operations.some((operation) => operation.latency[phase.histogram] !== undefined));
}

/** One operation's p95 per phase, in the order of `phases`; `-` where it has none. */
export function phaseFigures(operation: OperationSummary, phases: readonly PhaseColumn[]): string[] {
  return phases.map((phase) => {
    const stats = operation.latency[phase.histogram];
    return stats === undefined ? MISSING : formatDurationUs(stats.p95Us);
  });
}

function renderPhaseTable(operations: readonly OperationSummary[]): string[] {
  if (operations.length === 0) return [];
  const phases = phaseColumns(operations);
  const columns: TableColumn[] = [
    { header: 'scenario/operation', align: 'left' },
    ...phases.map((phase) => ({ header: phase.header })),
  ];
  const rows = operations.map((operation) => [seriesLabel(operation), ...phaseFigures(operation, phases)]);
  return [
    'p95 by phase (start lag is queueing before the start; response includes it, service does not)',
    ...renderTable(columns, rows, { indent: INDENT }),
  ];
}

/** The errors-by-class table's rows and whether any counts a success with a warning. */
export interface ErrorClassRows {
  /**
   * [scenario/operation, outcome key, count, meaning] per outcome class that is
   * not `ok`; the meaning is the reason when one reason explains every
   * operation of the class, else the gloss, followed by one row per reason
   * (['', '', count, reason]) under it.
   */
  rows: string[][];
  hasWarnings: boolean;
}

/** Every outcome class but `ok` of each operation, most frequent first, with its reasons; the HTML report shows the same. */
export function errorClassRows(operations: readonly OperationSummary[]): ErrorClassRows {
  const rows: string[][] = [];
  let hasWarnings = false;
  for (const operation of operations) {
    const classes = Object.entries(operation.outcomes)
      .filter(([key, count]) => key !== 'ok' && count > 0)
      // Most frequent first, then by key so equal counts print in a stable order.
      .sort(([keyA, countA], [keyB, countB]) => countB - countA || keyA.localeCompare(keyB));
    for (const [key, count] of classes) {
      if (isSuccessKey(key)) hasWarnings = true;
      const reasons = reasonLines(operation.reasons?.[key], count);
      const sole = reasons.length === 1 && reasons[0]?.count === count ? reasons[0] : undefined;
      rows.push([seriesLabel(operation), key, formatCount(count), sole?.text ?? outcomeGloss(key)]);
      if (sole === undefined) for (const reason of reasons) rows.push(['', '', formatCount(reason.count), `${REASON_INDENT}${reason.text}`]);
    }
  }
  return { rows, hasWarnings };
}

/** Reason rows sit under their class, their text indented under its meaning. */
const REASON_INDENT = '  ';

/**
 * One line per kept reason, then `other reasons` for the rest of the tally and
 * `no reason given` for operations of the class that carried none, so the lines
 * add up to the class's count.
 */
function reasonLines(reasons: OutcomeReasons | undefined, classCount: number): { text: string; count: number }[] {
  if (reasons === undefined) return [];
  const lines = reasons.top.map(({ reason, count }) => ({ text: reason, count }));
  if (reasons.other > 0) lines.push({ text: '(other reasons)', count: reasons.other });
  const explained = lines.reduce((sum, line) => sum + line.count, 0);
  if (lines.length > 0 && explained < classCount) lines.push({ text: '(no reason given)', count: classCount - explained });
  return lines;
}

/** Each outcome class's reasons as text lines (`check_failed 120: no accepted presentation context ...`), for reports that are not tables. */
export function reasonSummaryLines(operation: OperationSummary): string[] {
  return Object.entries(operation.reasons ?? {})
    .sort(([keyA], [keyB]) => keyA.localeCompare(keyB))
    .flatMap(([key, reasons]) => reasonLines(reasons, operation.outcomes[key] ?? 0).map((line) => `${key} ${formatCount(line.count)}: ${line.text}`));
}

function renderErrorsByClass(operations: readonly OperationSummary[]): string[] {
  const { rows, hasWarnings } = errorClassRows(operations);
  if (rows.length === 0) return ['errors by class: none'];
  const columns: TableColumn[] = [
    { header: 'scenario/operation', align: 'left' },
    { header: 'outcome', align: 'left' },
    { header: 'count' },
    { header: 'meaning', align: 'left' },
  ];
  return [hasWarnings ? 'errors and warnings by class' : 'errors by class', ...renderTable(columns, rows, { indent: INDENT })];
}

function renderThresholds(thresholds: readonly ThresholdResult[], paint: Painter): string[] {
  if (thresholds.length === 0) return [];
  const rows = thresholds.map((threshold) => [
    threshold.passed ? paint.pass('✓') : paint.fail('✗'),
    threshold.subject,
    threshold.expression,
    threshold.detail,
  ]);
  const columns: TableColumn[] = [
    { header: '', align: 'left' },
    { header: 'subject', align: 'left' },
    { header: 'threshold', align: 'left' },
    { header: 'measured', align: 'left' },
  ];
  return ['thresholds', ...renderTable(columns, rows, { indent: INDENT }), ''];
}

const END_REASON_TEXT: Record<RunSummary['run']['endReason'], string | undefined> = {
  completed: undefined,
  'threshold-abort': 'run stopped early: an abortOnFail threshold failed',
  interrupted: 'run interrupted before the end of the profile',
  'worker-failed': 'run ended early: a worker thread failed (see the error below); the figures cover only the time it ran',
  running: 'checkpoint: the run was still going when this was written',
};

function renderVerdict(summary: RunSummary, paint: Painter): string[] {
  const passed = summary.thresholds.filter((threshold) => threshold.passed).length;
  const failed = summary.thresholds.length - passed;
  const lines =
    summary.thresholds.length === 0
      ? ['thresholds: none defined']
      : [
          `thresholds: ${passed > 0 ? paint.pass(`${passed} passed`) : `${passed} passed`}, ${
            failed > 0 ? paint.fail(`${failed} failed`) : `${failed} failed`
          }`,
        ];
  const endReason = END_REASON_TEXT[summary.run.endReason];
  if (endReason !== undefined) lines.push(endReason);
  return lines;
}

/** UIDs of missing (or duplicated) instances printed at most; the summary JSON lists up to 100. */
const VERIFY_UIDS_SHOWN = 10;

/**
 * `--verify` (src/coordinator/verify-stored.ts): one line with the sends and
 * what the target holds (src/metrics/verify-summary.ts), then the first
 * missing UIDs and the first acknowledged more than once. Nothing without `--verify`.
 */
function renderVerify(verify: VerifySummary | undefined, paint: Painter): string[] {
  if (verify === undefined) return [];
  const text = describeVerify(verify);
  const lines = [`verify: ${verifyPassed(verify) ? paint.pass(text) : paint.fail(text)}`];
  lines.push(...uidLines('missing', verify.missingInstances, verify.missing));
  lines.push(...uidLines('duplicate', verify.duplicateInstances ?? [], verify.acknowledgedMoreThanOnce ?? 0));
  return lines;
}

/** `  missing 1.2.3` for the first UIDs, then how many more there are. */
function uidLines(label: string, listed: readonly string[], total: number): string[] {
  const lines = listed.slice(0, VERIFY_UIDS_SHOWN).map((uid) => `${INDENT}${label} ${uid}`);
  const unlisted = total - lines.length;
  if (unlisted > 0) lines.push(`${INDENT}... and ${formatCount(unlisted)} more (the summary JSON lists the first ${listed.length})`);
  return lines;
}

/** Outputs that deliver elsewhere (`--influx`): one line each, what reached the destination. */
function renderDeliveries(outputs: RunSummary['outputs'], paint: Painter): string[] {
  return Object.entries(outputs ?? {}).map(([name, delivery]) => {
    const dropped = delivery.dropped > 0 ? paint.fail(`${formatCount(delivery.dropped)} dropped`) : '0 dropped';
    const lastError = delivery.lastError === undefined ? '' : ` (last error: ${delivery.lastError})`;
    return `${name}: ${formatCount(delivery.written)} points written, ${formatCount(delivery.retried)} retried, ${dropped}${lastError}`;
  });
}

interface Painter {
  pass(text: string): string;
  fail(text: string): string;
}

// SGR 32 (green) and 31 (red), reset with SGR 39 (default foreground) only.
function painter(color: boolean): Painter {
  if (!color) return { pass: (text) => text, fail: (text) => text };
  return { pass: (text) => `\u001b[32m${text}\u001b[39m`, fail: (text) => `\u001b[31m${text}\u001b[39m` };
}
