/**
 * The InfluxDB metric-name table (issue 5): every measurement, tag and field
 * the InfluxDB output writes. The dashboards in `dashboards/` may name only
 * what is listed here (a test checks it), so renaming anything here is a
 * breaking change for every Grafana dashboard users have built on it.
 *
 * Shape (one point per interval, never per request):
 * - `pacs_load_operations`: per run, scenario, operation and outcome: how many
 *   operations completed with that outcome in the interval.
 * - `pacs_load_latency`: per run, scenario and operation (all outcomes
 *   together, like the summary's percentiles): response-time percentiles in ms,
 *   the interval's encoded HDR histograms (exact merges later), bytes, in
 *   flight, dropped. Workers record one histogram per series, not per outcome,
 *   so percentiles are per series.
 * - `pacs_load_run`: at the start and at the end of the run (`phase` tag).
 * - `pacs_load_threshold`: at the end, one point per threshold.
 * Tag names are snake_case; field names carry their unit (`_ms`, `_bytes`, `_per_sec`).
 */

export const MEASUREMENTS = {
  operations: 'pacs_load_operations',
  latency: 'pacs_load_latency',
  run: 'pacs_load_run',
  threshold: 'pacs_load_threshold',
} as const;
export type MeasurementKey = keyof typeof MEASUREMENTS;
export type MeasurementName = (typeof MEASUREMENTS)[MeasurementKey];

/** Tags on every point of the run: who wrote it and for which run. */
export const RUN_TAGS = ['run_id', 'profile', 'instance', 'target'] as const;

/** Tags per measurement (RUN_TAGS included). */
export const MEASUREMENT_TAGS = {
  operations: [...RUN_TAGS, 'scenario', 'operation', 'outcome'],
  latency: [...RUN_TAGS, 'scenario', 'operation'],
  run: [...RUN_TAGS, 'phase'],
  threshold: [...RUN_TAGS, 'subject', 'threshold'],
} as const satisfies Record<MeasurementKey, readonly string[]>;

/** Fields per measurement, with their InfluxDB type. */
export const MEASUREMENT_FIELDS = {
  operations: {
    /** Operations completed with this outcome in the interval. */
    count: 'integer',
    /** count / interval seconds. */
    rate_per_sec: 'float',
  },
  latency: {
    /** Completed operations (all outcomes) in the interval. */
    count: 'integer',
    /** Failed operations in the interval. */
    errors: 'integer',
    rate_per_sec: 'float',
    /** Response time (from the intended start, docs/architecture.md section 3), ms. */
    p50_ms: 'float',
    p90_ms: 'float',
    p95_ms: 'float',
    p99_ms: 'float',
    max_ms: 'float',
    mean_ms: 'float',
    /** Service time (from the actual start) p95, ms: the gap to p95_ms is queueing. */
    service_p95_ms: 'float',
    bytes_sent: 'integer',
    bytes_received: 'integer',
    sent_bytes_per_sec: 'float',
    received_bytes_per_sec: 'float',
    /** Gauge at the end of the interval, summed over workers. */
    in_flight: 'integer',
    /** Planned operations that could not start before the scenario ended. */
    dropped: 'integer',
    /** Retrievals only: C-FIND/QIDO results found in the interval. */
    matches: 'integer',
    /** Retrievals only: instances retrieved (sub-operations, WADO parts, viewer frames) in the interval. */
    instances_retrieved: 'integer',
    /** The interval's response-time HDR histogram, integer µs, hdr-histogram-js compressed base64. */
    hdr_response: 'string',
    /** The interval's service-time HDR histogram, as above. */
    hdr_service: 'string',
  },
  run: {
    /** Worker threads of this instance. */
    workers: 'integer',
    /** Number of scenarios in the profile. */
    scenarios: 'integer',
    /** End point only: seconds from start to end. */
    duration_s: 'float',
    /** End point only: thresholds that passed / failed. */
    thresholds_passed: 'integer',
    thresholds_failed: 'integer',
    /** End point only: 1 when every threshold passed, else 0. */
    passed: 'integer',
    /** End point only: completed | threshold-abort | interrupted. */
    end_reason: 'string',
    /** End point, `--verify` only: 1 when verified (nothing missing, no unintended duplicate, every query answered), else 0. */
    verify_passed: 'integer',
    /** End point, `--verify` only: acknowledged instances the target does not return. */
    verify_missing: 'integer',
    /** End point, `--verify` only: instances acknowledged more than once. */
    verify_acknowledged_more_than_once: 'integer',
    /** End point, `--verify` only: the summary's whole `verify` section as JSON, for `report --from-influx`. */
    verify_json: 'string',
    /** End point, breakpoint profiles only: the summary's `breakpoint` section as JSON. */
    breakpoint_json: 'string',
    /** End point, migration profiles only: the summary's `migration` section as JSON. */
    migration_json: 'string',
    /** End point, runs with a storing scenario only: the summary's `stored` section as JSON (acknowledged instances and studies). */
    stored_json: 'string',
    /** End point: the summary's `identities` section as JSON. */
    identities_json: 'string',
    /** End point, profiles with `seedPriors` only: the summary's `seedPriors` section as JSON. */
    seed_priors_json: 'string',
  },
  threshold: {
    /** The measured value in the expression's unit (µs, fraction or per second), absent when nothing was measured. */
    measured: 'float',
    limit: 'float',
    /** 1 passed, 0 failed. */
    passed: 'integer',
    /** Human text, e.g. `p95 = 612 ms, limit < 500 ms`. */
    detail: 'string',
  },
} as const satisfies Record<MeasurementKey, Record<string, 'integer' | 'float' | 'string'>>;
