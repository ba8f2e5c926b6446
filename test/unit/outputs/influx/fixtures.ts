/**
 * Synthetic interval reports for the InfluxDB output tests: histograms recorded
 * from known values, so every percentile a point carries can be checked exactly.
 */
import { encodeHistogram, newHistogram, recordUs } from '../../../../src/metrics/histogram.js';
import type { IntervalReport, IntervalSeriesReport, LiveStatus } from '../../../../src/metrics/types.js';

export const STATUS: LiveStatus = { elapsedUs: 0, opsPerSec: 0, p95Us: undefined, errors: 0, errorsTotal: 0, inFlight: 0, droppedTotal: 0 };

export function encoded(valuesUs: readonly number[]): string {
  const histogram = newHistogram();
  for (const value of valuesUs) recordUs(histogram, value);
  return encodeHistogram(histogram);
}

export interface SeriesSpec {
  scenario: string;
  operation: string;
  outcomes: Record<string, number>;
  failed?: number;
  responseUs?: readonly number[];
  serviceUs?: readonly number[];
  bytesSent?: number;
  bytesReceived?: number;
  inFlight?: number;
  dropped?: number;
}

export function series(spec: SeriesSpec, startUs: number, endUs: number): IntervalSeriesReport {
  const completed = Object.values(spec.outcomes).reduce((sum, count) => sum + count, 0);
  const histograms: IntervalSeriesReport['histograms'] = {};
  if (spec.responseUs !== undefined) histograms.response = encoded(spec.responseUs);
  if (spec.serviceUs !== undefined) histograms.service = encoded(spec.serviceUs);
  return {
    point: {
      scenario: spec.scenario,
      operation: spec.operation,
      startUs,
      endUs,
      completed,
      failed: spec.failed ?? 0,
      outcomes: { ...spec.outcomes },
      dropped: spec.dropped ?? 0,
      inFlight: spec.inFlight ?? 0,
      bytesSent: spec.bytesSent ?? 0,
      bytesReceived: spec.bytesReceived ?? 0,
      response: undefined,
    },
    histograms,
  };
}

export function report(sequence: number, specs: readonly SeriesSpec[], intervalUs = 1_000_000): IntervalReport {
  const startUs = sequence * intervalUs;
  const endUs = startUs + intervalUs;
  return { sequence, startUs, endUs, status: STATUS, series: specs.map((spec) => series(spec, startUs, endUs)) };
}

/** `count` values spread evenly from `fromUs` to `toUs`. */
export function spread(count: number, fromUs: number, toUs: number): number[] {
  return Array.from({ length: count }, (_, index) => Math.round(fromUs + ((toUs - fromUs) * index) / Math.max(1, count - 1)));
}

/** Parses a line-protocol line enough for the tests (no spaces or commas escaped in field values except in quoted strings). */
export function parseLine(line: string): { measurement: string; tags: Record<string, string>; fields: Record<string, string>; timestamp: string } {
  const parts = splitUnescaped(line, ' ');
  const [head = '', fieldText = '', timestamp = ''] = parts;
  const [measurement = '', ...tagParts] = splitUnescaped(head, ',');
  const tags = Object.fromEntries(tagParts.map((part) => splitOnce(part).map(unescape))) as Record<string, string>;
  const fields = Object.fromEntries(splitUnescaped(fieldText, ',').map((part) => splitOnce(part))) as Record<string, string>;
  return { measurement, tags, fields, timestamp };
}

function splitOnce(text: string): [string, string] {
  const index = text.indexOf('=');
  return [text.slice(0, index), text.slice(index + 1)];
}

function unescape(text: string): string {
  return text.replace(/\\([ ,=])/g, '$1');
}

/** Splits on `separator` outside backslash escapes and double quotes. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (char === '\\' && index + 1 < text.length) {
      current += char + (text[index + 1] as string);
      index++;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
