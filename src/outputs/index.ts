/** The outputs (docs/architecture.md section 7): console and summary JSON so far. */
export type { Output, RunStartInfo, TextSink } from './types.js';
export { createConsoleOutput, renderHeader, renderLiveLine } from './console-output.js';
export type { ConsoleOutputOptions } from './console-output.js';
export { formatCount, renderRunSummary, seriesLabel } from './console-summary.js';
export type { ConsoleSummaryOptions } from './console-summary.js';
export { createSummaryJsonOutput } from './summary-json-output.js';
export type { SummaryJsonOutputOptions } from './summary-json-output.js';
export { outcomeGloss } from './outcome-gloss.js';
export { renderTable, stripAnsi, visibleWidth } from './table.js';
export type { TableColumn, TableOptions } from './table.js';
