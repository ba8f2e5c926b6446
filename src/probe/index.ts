/** `pacs-load probe` (issue 7, item 4). */
export { checkProbeUrl, runProbe, type ProbeOptions } from './run-probe.js';
export { CLOSED_LOOP_CAVEAT, PROBE_SCHEMA_ID, PROBE_SCHEMA_VERSION, type ProbeResult } from './probe-result.js';
export { renderProbe } from './probe-lines.js';
