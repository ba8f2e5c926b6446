/**
 * A small HTML table builder for the report: plain-string cells are escaped,
 * so input text (names, outcome keys, error messages) can never become markup;
 * only cells built by the report itself pass as `{ html }`.
 */
import { escapeHtml } from './escape-html.js';

/** Text (escaped here) or markup the report built from escaped parts. */
export type HtmlCell = string | { html: string };

export interface HtmlColumn {
  header: string;
  /** Left-aligned text instead of right-aligned figures. */
  text?: boolean;
}

export interface HtmlRow {
  cells: readonly HtmlCell[];
  /** `failed` marks a row in red. */
  className?: string;
}

/** A `<table>` in a horizontally scrolling wrapper (wide tables on narrow screens). */
export function htmlTable(columns: readonly HtmlColumn[], rows: readonly HtmlRow[]): string {
  const align = (column: HtmlColumn | undefined): string => (column?.text === true ? ' class="text"' : '');
  const head = columns.map((column) => `<th${align(column)}>${escapeHtml(column.header)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = row.cells.map((cell, index) => `<td${align(columns[index])}>${cellHtml(cell)}</td>`).join('');
      return `<tr${row.className === undefined ? '' : ` class="${escapeHtml(row.className)}"`}>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

function cellHtml(cell: HtmlCell): string {
  return typeof cell === 'string' ? escapeHtml(cell) : cell.html;
}
