/**
 * Pure formatting of measured figures for people (console table, live line,
 * threshold details, reports). Numbers keep `significantDigits` significant
 * digits (default 3, the precision of the histograms), never fewer than their
 * integer digits, and lose trailing zeros: `850 µs`, `12.3 ms`, `1.5 s`, `3600 s`.
 */

const DURATION_UNITS: readonly Unit[] = [
  { divisor: 1, suffix: 'µs' },
  { divisor: 1_000, suffix: 'ms' },
  { divisor: 1_000_000, suffix: 's' },
];
/** Decimal (SI) units: capacity figures are compared with link speeds and disk sizes, both decimal. */
const BYTE_UNITS: readonly Unit[] = [
  { divisor: 1, suffix: 'B' },
  { divisor: 1e3, suffix: 'kB' },
  { divisor: 1e6, suffix: 'MB' },
  { divisor: 1e9, suffix: 'GB' },
  { divisor: 1e12, suffix: 'TB' },
];
const BIT_UNITS: readonly Unit[] = [
  { divisor: 1, suffix: 'bit' },
  { divisor: 1e3, suffix: 'kbit' },
  { divisor: 1e6, suffix: 'Mbit' },
  { divisor: 1e9, suffix: 'Gbit' },
];

interface Unit {
  divisor: number;
  suffix: string;
}

/** An integer count with thousands separators (`119,040`), locale-independent. */
export function formatCount(count: number): string {
  return COUNT_FORMAT.format(count);
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A duration in microseconds: `850 µs`, `12.3 ms`, `1.52 s`. */
export function formatDurationUs(durationUs: number, significantDigits = 3): string {
  return formatScaled(durationUs, DURATION_UNITS, significantDigits);
}

/** Operations per second: `41.2/s`, `0.2/s`, `1250/s`. */
export function formatRate(perSec: number, significantDigits = 3): string {
  return `${formatSignificant(perSec, significantDigits)}/s`;
}

/** A byte count in decimal units: `512 B`, `1.5 kB`, `350 MB`. */
export function formatBytes(bytes: number, significantDigits = 3): string {
  return formatScaled(bytes, BYTE_UNITS, significantDigits);
}

/** Bandwidth in bytes per second: `12.3 MB/s`. */
export function formatBytesPerSec(bytesPerSec: number, significantDigits = 3): string {
  return `${formatBytes(bytesPerSec, significantDigits)}/s`;
}

/** Bandwidth in bits per second, given bytes per second: `98.4 Mbit/s` (how networks are sized). */
export function formatBitsPerSec(bytesPerSec: number, significantDigits = 3): string {
  return `${formatScaled(bytesPerSec * 8, BIT_UNITS, significantDigits)}/s`;
}

/** A fraction (0..1) as a percentage: `0.35%`, `0.1%`, `100%`. */
export function formatPercent(fraction: number, significantDigits = 3): string {
  return `${formatSignificant(fraction * 100, significantDigits)}%`;
}

/**
 * A number rounded to `significantDigits` significant digits, but never to fewer
 * than its integer digits, without trailing zeros and never in exponent form.
 */
export function formatSignificant(value: number, significantDigits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = roundSignificant(value, significantDigits);
  // Object.is: do not print "-0".
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function roundSignificant(value: number, significantDigits: number): number {
  if (value === 0) return 0;
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  const decimals = significantDigits - 1 - exponent;
  if (decimals <= 0) return Math.round(value);
  // Divide by an exact power of ten so 12.3 prints as 12.3, not 12.300000000000001.
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** Picks the largest unit the value reaches, moving up when rounding reaches 1000 (999.96 ms is 1 s). */
function formatScaled(value: number, units: readonly Unit[], significantDigits: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  let index = 0;
  while (index + 1 < units.length && magnitude >= (units[index + 1]?.divisor ?? Infinity)) index++;
  let unit = units[index] ?? { divisor: 1, suffix: '' };
  let rounded = roundSignificant(value / unit.divisor, significantDigits);
  const next = units[index + 1];
  if (next !== undefined && Math.abs(rounded) * unit.divisor >= next.divisor) {
    unit = next;
    rounded = roundSignificant(value / unit.divisor, significantDigits);
  }
  return `${Object.is(rounded, -0) ? 0 : rounded} ${unit.suffix}`;
}
