/** The InfluxDB output (issue 5): see influx-output.ts, and measurements.ts for the metric-name table. */
export { createInfluxOutput, INFLUX_DEFAULTS, INFLUX_OUTPUT_NAME, mergeFactor } from './influx-output.js';
export type { InfluxOutput, InfluxOutputOptions } from './influx-output.js';
export { createInfluxWriter, InfluxWriteError } from './influx-writer.js';
export type { InfluxApi, InfluxConnection, InfluxServer, InfluxV1Api, InfluxWriter } from './influx-writer.js';
export { lacksV2WriteApi } from './server-version.js';
export { createDatabaseStatement, ensureV1Database } from './v1-database.js';
export type { DatabaseCheck } from './v1-database.js';
export { MEASUREMENTS, MEASUREMENT_FIELDS, MEASUREMENT_TAGS, RUN_TAGS } from './measurements.js';
export type { MeasurementKey, MeasurementName } from './measurements.js';
export { intervalLines, runEndLines, runStartLine, TIMESTAMP_PRECISION } from './points.js';
export type { RunStartFacts, RunTags } from './points.js';
