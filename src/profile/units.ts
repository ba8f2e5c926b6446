/**
 * Units a profile is written in: durations (`500ms`, `30s`, `1m30s`), rates
 * (`40/s`, `300/m`) and percentages (`0.1%`). Everything downstream works in
 * integer microseconds and operations per second, so these are the only parsers
 * of human units. A bare number is never accepted: `30` could mean seconds or
 * milliseconds, and a load test that silently runs 1000x too long is worse than
 * an error.
 */
import { PacsLoadError } from '../errors.js';

/** JSON Schema patterns of the accepted forms, for editors (the parsers below are the authority). */
export const DURATION_JSON_PATTERN = '^\\s*((\\d+(\\.\\d+)?|\\.\\d+)\\s*(us|µs|ms|s|m|h)\\s*)+$';
export const RATE_JSON_PATTERN = '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*/\\s*(s|m|h)\\s*$';

/** The result of parsing a unit string: a value, or what is wrong and how to fix it. */
export type UnitParse = { ok: true; value: number } | { ok: false; message: string; fix: string };

const US_PER_UNIT: Record<string, number> = {
  us: 1,
  µs: 1,
  ms: 1_000,
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
};

/** Units people try that we do not accept, with what to write instead. */
const DURATION_UNIT_SUGGESTIONS: Record<string, string> = {
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  msec: 'ms',
  millis: 'ms',
  d: 'h (24h for a day)',
};

const DURATION_UNITS = 'ms, s, m or h';
const DURATION_COMPONENT = /\s*(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-zµ]*)\s*/y;

/**
 * Parses a duration such as `500ms`, `30s`, `5m`, `1h` or `1m30s` into integer
 * microseconds (rounded to the nearest microsecond). Components may repeat units
 * in any order and are summed; the unit is required. Never throws.
 */
export function tryParseDurationUs(text: string): UnitParse {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { ok: false, message: 'the duration is empty', fix: 'write a duration such as `30s` or `1m30s`' };
  }
  if (trimmed.startsWith('-')) {
    const positive = trimmed.slice(1).trim();
    const example = /^\d+(\.\d+)?$/.test(positive) ? `${positive}s` : positive;
    return {
      ok: false,
      message: `\`${trimmed}\` is negative; a duration cannot be`,
      fix: `write a positive duration such as \`${example}\``,
    };
  }
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return {
      ok: false,
      message: `\`${trimmed}\` has no unit`,
      fix: `add a unit (${DURATION_UNITS}), e.g. \`${trimmed}s\` or \`${trimmed}ms\``,
    };
  }
  let totalUs = 0;
  let index = 0;
  DURATION_COMPONENT.lastIndex = 0;
  while (index < trimmed.length) {
    DURATION_COMPONENT.lastIndex = index;
    const match = DURATION_COMPONENT.exec(trimmed);
    if (match === null || match[0] === '') {
      return {
        ok: false,
        message: `\`${trimmed}\` is not a duration`,
        fix: `write a number followed by a unit (${DURATION_UNITS}), e.g. \`500ms\`, \`30s\` or \`1m30s\``,
      };
    }
    const amount = Number(match[1]);
    const unit = match[2] ?? '';
    if (unit === '') {
      return {
        ok: false,
        message: `\`${trimmed}\` has a number without a unit`,
        fix: `give every number a unit (${DURATION_UNITS}), e.g. \`1m30s\``,
      };
    }
    const usPerUnit = US_PER_UNIT[unit];
    if (usPerUnit === undefined) {
      const suggestion = US_PER_UNIT[unit.toLowerCase()] === undefined ? DURATION_UNIT_SUGGESTIONS[unit.toLowerCase()] : unit.toLowerCase();
      return {
        ok: false,
        message: `\`${trimmed}\` has an unknown unit \`${match[2]}\``,
        fix:
          suggestion === undefined
            ? `use ${DURATION_UNITS}, e.g. \`30s\``
            : `use \`${suggestion}\` instead of \`${match[2]}\`, e.g. \`${match[1]}${suggestion.split(' ')[0]}\``,
      };
    }
    totalUs += amount * usPerUnit;
    index = DURATION_COMPONENT.lastIndex;
  }
  const valueUs = Math.round(totalUs);
  if (!Number.isSafeInteger(valueUs)) {
    return { ok: false, message: `\`${trimmed}\` is too long`, fix: 'use a duration shorter than 100 years' };
  }
  return { ok: true, value: valueUs };
}

/** Like `tryParseDurationUs`, but throws `PacsLoadError` (ERR_USAGE) with the fix as hint. */
export function parseDurationUs(text: string): number {
  return orThrow(tryParseDurationUs(text), 'duration');
}

const RATE_UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };
const RATE_UNIT_SUGGESTIONS: Record<string, string> = {
  sec: 's',
  second: 's',
  min: 'm',
  minute: 'm',
  hr: 'h',
  hour: 'h',
};
const RATE_PATTERN = /^(-?(?:\d+(?:\.\d+)?|\.\d+))\s*\/\s*([A-Za-z]*)$/;

/**
 * Parses a rate such as `40/s`, `300/m`, `1000/h` or `0.2/s` into operations per
 * second. Zero is accepted (a ramp may start or end at `0/s`); callers that need
 * a positive rate check it. Never throws.
 */
export function tryParseRatePerSec(text: string): UnitParse {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
    const positive = trimmed.replace(/^-/, '');
    return {
      ok: false,
      message: trimmed.startsWith('-') ? `\`${trimmed}\` is negative and has no unit` : `\`${trimmed}\` has no unit`,
      fix: `write it per second, minute or hour, e.g. \`${positive}/s\``,
    };
  }
  const match = RATE_PATTERN.exec(trimmed);
  if (match === null) {
    return {
      ok: false,
      message: `\`${trimmed}\` is not a rate`,
      fix: 'write operations per unit of time, e.g. `40/s`, `300/m` or `0.2/s`',
    };
  }
  const amount = Number(match[1]);
  const unit = match[2] ?? '';
  if (amount < 0) {
    return {
      ok: false,
      message: `\`${trimmed}\` is negative; a rate cannot be`,
      fix: `write a positive rate such as \`${trimmed.replace('-', '')}\``,
    };
  }
  const secondsPerUnit = RATE_UNIT_SECONDS[unit];
  if (secondsPerUnit === undefined) {
    const suggestion = RATE_UNIT_SECONDS[unit.toLowerCase()] === undefined ? RATE_UNIT_SUGGESTIONS[unit.toLowerCase()] : unit.toLowerCase();
    return {
      ok: false,
      message: unit === '' ? `\`${trimmed}\` has no time unit after \`/\`` : `\`${trimmed}\` has an unknown unit \`${match[2]}\``,
      fix:
        suggestion === undefined
          ? `use /s, /m or /h, e.g. \`${match[1]}/s\``
          : `write \`${match[1]}/${suggestion}\``,
    };
  }
  return { ok: true, value: amount / secondsPerUnit };
}

/** Like `tryParseRatePerSec`, but throws `PacsLoadError` (ERR_USAGE) with the fix as hint. */
export function parseRatePerSec(text: string): number {
  return orThrow(tryParseRatePerSec(text), 'rate');
}

/**
 * Parses a percentage such as `1%` or `0.1%` into a fraction (0.01, 0.001).
 * The `%` is required so that `0.1` is never read as 10%. Values above 100% are
 * errors. Never throws.
 */
export function tryParsePercent(text: string): UnitParse {
  const trimmed = text.trim();
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/.exec(trimmed);
  if (match === null) {
    if (/^-/.test(trimmed)) {
      return { ok: false, message: `\`${trimmed}\` is negative`, fix: 'write a percentage from `0%` to `100%`' };
    }
    if (/^\d+(\.\d+)?$/.test(trimmed)) {
      return { ok: false, message: `\`${trimmed}\` has no \`%\``, fix: `write it as a percentage, e.g. \`${trimmed}%\`` };
    }
    return { ok: false, message: `\`${trimmed}\` is not a percentage`, fix: 'write a percentage such as `1%` or `0.1%`' };
  }
  const percent = Number(match[1]);
  if (percent > 100) {
    return { ok: false, message: `\`${trimmed}\` is more than 100%`, fix: 'write a percentage from `0%` to `100%`' };
  }
  return { ok: true, value: percent / 100 };
}

/**
 * Parses a share of requests, as a profile writes it: a number is a fraction
 * from 0 to 1 (`0.01`), text is a percentage (`1%`; text without `%` is refused,
 * so that `0.1` in quotes is never read as 10%). Returns the fraction. Never throws.
 */
export function tryParseShare(value: string | number): UnitParse {
  if (typeof value === 'string') return tryParsePercent(value);
  if (Number.isFinite(value) && value >= 0 && value <= 1) return { ok: true, value };
  return { ok: false, message: `${value} is not a fraction from 0 to 1`, fix: `write a percentage, e.g. \`${value}%\`, or a fraction such as 0.01` };
}

/**
 * Formats integer microseconds the way a profile writes them: `500ms`, `30s`,
 * `1m30s`, `2h`, `1.5ms`, `0s`. The output parses back to the same value.
 */
export function formatDurationUs(durationUs: number): string {
  if (durationUs === 0) return '0s';
  if (durationUs < 1_000) return `${durationUs}us`;
  if (durationUs < 1_000_000) return `${trimNumber(durationUs / 1_000)}ms`;
  if (durationUs % 1_000_000 !== 0 || durationUs < 60_000_000) return `${trimNumber(durationUs / 1_000_000)}s`;
  const totalSeconds = durationUs / 1_000_000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return `${hours > 0 ? `${hours}h` : ''}${minutes > 0 ? `${minutes}m` : ''}${seconds > 0 ? `${seconds}s` : ''}`;
}

/** Formats a rate in operations per second: `40/s`, `0.2/s`; slow rates per minute (`2/m`) when that reads better. */
export function formatRatePerSec(ratePerSec: number): string {
  if (ratePerSec > 0 && ratePerSec < 0.1) {
    const perMinute = ratePerSec * 60;
    if (Math.abs(perMinute - Math.round(perMinute * 1000) / 1000) < 1e-9) return `${trimNumber(perMinute)}/m`;
  }
  return `${trimNumber(ratePerSec)}/s`;
}

/** Formats a fraction as a percentage: 0.001 -> `0.1%`. */
export function formatPercent(fraction: number): string {
  return `${trimNumber(fraction * 100)}%`;
}

/** Up to 3 decimals, without trailing zeros or float noise (0.30000000000000004 -> 0.3). */
function trimNumber(value: number): string {
  return String(Number(value.toFixed(3)));
}

function orThrow(result: UnitParse, what: string): number {
  if (result.ok) return result.value;
  throw new PacsLoadError('ERR_USAGE', `invalid ${what}: ${result.message}`, { hint: result.fix });
}
