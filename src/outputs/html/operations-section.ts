/**
 * The report's tables of the whole run, as the console prints them
 * (console-summary.ts): per operation (count, rate, response percentiles,
 * errors, dropped, bandwidth), p95 by phase (so queueing shows), what the
 * retrievals retrieved, and errors by outcome class with their meaning.
 */
import type { OperationSummary } from '../../metrics/types.js';
import {
  OPERATION_FIGURE_HEADERS,
  RETRIEVED_FIGURE_HEADERS,
  errorClassRows,
  operationFigures,
  phaseColumns,
  phaseFigures,
  retrievalOperations,
  retrievedFigures,
  seriesLabel,
} from '../console-summary.js';
import { escapeHtml } from './escape-html.js';
import { htmlTable, type HtmlRow } from './html-table.js';

export function renderOperationsSection(operations: readonly OperationSummary[]): string {
  if (operations.length === 0) return '<h2 id="operations">Operations</h2>\n<p>No operations ran.</p>';
  return [
    '<h2 id="operations">Operations</h2>',
    '<p class="muted">Latency is response time, from the intended start (it includes any wait to start).</p>',
    renderOperationTable(operations),
    '<h3>p95 by phase</h3>',
    '<p class="muted">Start lag is queueing before the start; response includes it, service does not.</p>',
    renderPhaseTable(operations),
    renderRetrievedTable(operations),
    renderErrorsByClass(operations),
  ].join('\n');
}

function renderOperationTable(operations: readonly OperationSummary[]): string {
  const rows: HtmlRow[] = operations.map((operation, index) => ({
    cells: [{ html: `<a href="#${operationAnchor(index)}">${escapeHtml(seriesLabel(operation))}</a>` }, ...operationFigures(operation)],
    ...(operation.succeeded === 0 ? { className: 'failed' } : {}),
  }));
  return htmlTable([{ header: 'scenario/operation', text: true }, ...OPERATION_FIGURE_HEADERS.map((header) => ({ header }))], rows);
}

/** The anchor of an operation's own section, by its index in the summary. */
export function operationAnchor(index: number): string {
  return `operation-${index}`;
}

function renderPhaseTable(operations: readonly OperationSummary[]): string {
  const phases = phaseColumns(operations);
  const rows: HtmlRow[] = operations.map((operation) => ({ cells: [seriesLabel(operation), ...phaseFigures(operation, phases)] }));
  return htmlTable([{ header: 'scenario/operation', text: true }, ...phases.map((phase) => ({ header: phase.header }))], rows);
}

/** Matches and instances retrieved, for the retrievals only; nothing when none ran. */
function renderRetrievedTable(operations: readonly OperationSummary[]): string {
  const retrievals = retrievalOperations(operations);
  if (retrievals.length === 0) return '';
  const rows: HtmlRow[] = retrievals.map((operation) => ({
    cells: [seriesLabel(operation), ...retrievedFigures(operation)],
    ...((operation.outcomes['empty'] ?? 0) > 0 ? { className: 'failed' } : {}),
  }));
  return [
    '<h3>Retrieved</h3>',
    '<p class="muted">Matches are C-FIND and QIDO results; instances are C-MOVE/C-GET sub-operations completed, WADO parts and viewer frames. An answer with nothing in it where the scenario expects something is <code>empty</code>, counted as an error.</p>',
    htmlTable([{ header: 'scenario/operation', text: true }, ...RETRIEVED_FIGURE_HEADERS.map((header) => ({ header }))], rows),
  ].join('\n');
}

function renderErrorsByClass(operations: readonly OperationSummary[]): string {
  const { rows, hasWarnings } = errorClassRows(operations);
  if (rows.length === 0) return '<h3>Errors by class</h3>\n<p>None.</p>';
  return [
    `<h3>${hasWarnings ? 'Errors and warnings by class' : 'Errors by class'}</h3>`,
    htmlTable(
      [{ header: 'scenario/operation', text: true }, { header: 'outcome', text: true }, { header: 'count' }, { header: 'meaning', text: true }],
      rows.map((cells) => ({ cells })),
    ),
  ].join('\n');
}
