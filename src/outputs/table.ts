/**
 * A tiny text-table renderer for the console summary (and `compare`): every
 * column is as wide as its widest cell, numbers right-aligned, text left-aligned.
 * Cells may carry ANSI colour codes; widths count only what is visible.
 */

export interface TableColumn {
  header: string;
  /** `right` (the default) for numbers so digits line up; `left` for names. */
  align?: 'left' | 'right';
}

export interface TableOptions {
  /** Prefix of every line (default none). */
  indent?: string;
  /** Space between columns (default two spaces). */
  gap?: string;
}

// SGR sequences only (`ESC [ ... m`): that is all the outputs emit.
// eslint-disable-next-line no-control-regex -- an ANSI escape sequence starts with the ESC control character.
const ANSI_SGR = /\u001b\[[0-9;]*m/g;

/** `text` without ANSI colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_SGR, '');
}

/** The number of characters a terminal shows for `text` (ANSI colour codes excluded). */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

/**
 * Renders a header line and one line per row. Rows shorter than `columns` get
 * empty cells; extra cells are ignored. Lines carry no trailing spaces and no
 * newline, so the caller decides how to join them.
 */
export function renderTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string[] {
  const indent = options.indent ?? '';
  const gap = options.gap ?? '  ';
  const allRows = [columns.map((column) => column.header), ...rows];
  const widths = columns.map((_, index) =>
    Math.max(...allRows.map((row) => visibleWidth(row[index] ?? ''))),
  );
  return allRows.map((row) => {
    const cells = columns.map((column, index) => {
      const cell = row[index] ?? '';
      const padding = ' '.repeat((widths[index] ?? 0) - visibleWidth(cell));
      return column.align === 'left' ? cell + padding : padding + cell;
    });
    return (indent + cells.join(gap)).trimEnd();
  });
}
