/**
 * The result of `pacs-load probe` (issue 7, item 4): the closed-loop ceiling of
 * one DICOMweb endpoint, measured with autocannon.
 *
 * A dedicated, versioned JSON (`pacs-load/probe`), not a RunSummary: a
 * RunSummary's figures obey docs/architecture.md section 3 (open model, latency from the
 * intended start, exact integer-µs HDR histograms that merge), and `compare`,
 * `merge` and the reports treat them so. autocannon measures a closed loop
 * (each connection sends its next request when the last one answered, so a
 * slow server lowers the offered load) and reports its own percentiles; put
 * into a RunSummary, its latency would pass for a user-experience figure.
 * The units are ours (per second, integer µs, bytes) so the numbers read alike.
 */
export const PROBE_SCHEMA_ID = 'pacs-load/probe';
export const PROBE_SCHEMA_VERSION = 1;

/** Said with every probe result, in the JSON and on the console. */
export const CLOSED_LOOP_CAVEAT =
  'closed-loop ceiling: each connection sends its next request only when the previous one answered, so this is the most the endpoint answered with this many connections, not a user-experience figure; its latencies hide queueing (coordinated omission). Use a profile with an arrival-rate executor (or a breakpoint) for latencies users feel.';

export interface ProbeResult {
  schema: typeof PROBE_SCHEMA_ID;
  version: typeof PROBE_SCHEMA_VERSION;
  model: 'closed-loop';
  caveat: string;
  url: string;
  startedAt: string;
  connections: number;
  durationSeconds: number;
  /** Responses received (any status). */
  requests: number;
  /** Responses per second over the probe: the ceiling. */
  ratePerSec: number;
  /** Responses with a 2xx status, per second. */
  okPerSec: number;
  statusClasses: { '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  bytesReceived: number;
  bytesPerSec: number;
  /** autocannon's latency percentiles (closed loop), converted to integer µs. */
  latency: { meanUs: number; p50Us: number; p90Us: number; p99Us: number; maxUs: number };
  tool: { name: 'autocannon'; version: string };
}
