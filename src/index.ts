/** Public library API of pacs-load: re-exports only. */
export * from './errors.js';
export * from './metrics/names.js';
export type * from './metrics/types.js';
export type * from './profile/types.js';
export { loadProfileFile, parseProfileText } from './profile/load.js';
export { validateProfile } from './profile/schema.js';
export { describeProfile, describeScenario } from './profile/describe.js';
export { profileJsonSchema } from './profile/json-schema.js';
export { runLoad, type RunLoadOptions, type RunLoadResult } from './coordinator/run-load.js';
export type { Output, RunStartInfo, TextSink } from './outputs/types.js';
export { createConsoleOutput } from './outputs/console-output.js';
export { createSummaryJsonOutput } from './outputs/summary-json-output.js';
export { mergeSummaries } from './metrics/summary.js';
export { startSimulator, type RunningSimulator, type SimulatorStartOptions } from './simulator/index.js';
export { TOOL_VERSION } from './version.js';
