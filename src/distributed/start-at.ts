/**
 * `--start-at TIME` (issue 8): the instant at which separately started
 * instances of a split run begin together. The coordinator prepares its
 * workers first, then uses this instant as the run's time zero.
 */
import { PacsLoadError } from '../errors.js';

/** Furthest ahead a start may be: a typo in the date should not park a fleet of pods for days. */
export const MAX_START_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * Parses `--start-at`: ISO 8601 with a time zone (`2026-11-28T06:30:00Z`,
 * `...+01:00`) or epoch milliseconds (`1795847400000`). Returns epoch ms.
 * Throws ERR_USAGE for anything else, a time in the past (compared with
 * `nowMs`), or more than 24 h ahead.
 */
export function parseStartAt(text: string, nowMs: number): number {
  const trimmed = text.trim();
  let epochMs: number;
  if (/^\d{10,16}$/.test(trimmed)) {
    epochMs = Number(trimmed);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed)) {
    epochMs = Date.parse(trimmed);
  } else {
    throw usage(
      `--start-at ${text} is not a time`,
      'Give an ISO 8601 time with its zone, e.g. --start-at 2026-11-28T06:30:00Z, or epoch milliseconds, e.g. --start-at $(( $(date +%s) * 1000 + 60000 )).',
    );
  }
  if (!Number.isFinite(epochMs)) throw usage(`--start-at ${text} is not a valid date`, 'Check the month, day and time fields.');
  if (epochMs <= nowMs) {
    throw usage(
      `--start-at ${new Date(epochMs).toISOString()} is in the past (now ${new Date(nowMs).toISOString()})`,
      'Choose a time far enough ahead for every instance to start its workers (a minute or more on Kubernetes), and check the clocks are synchronised (NTP).',
    );
  }
  if (epochMs - nowMs > MAX_START_AHEAD_MS) {
    throw usage(
      `--start-at ${new Date(epochMs).toISOString()} is more than 24 hours ahead`,
      'Start instances at most a day before the run; check the date and the time zone of --start-at.',
    );
  }
  return epochMs;
}

function usage(message: string, hint: string): PacsLoadError {
  return new PacsLoadError('ERR_USAGE', message, { hint });
}
