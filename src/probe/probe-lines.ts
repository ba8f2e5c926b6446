/** The probe result as console lines, the closed-loop caveat first. */
import { formatBitsPerSec, formatBytesPerSec, formatDurationUs, formatRate } from '../metrics/format.js';
import type { ProbeResult } from './probe-result.js';

export function renderProbe(result: ProbeResult): string[] {
  const classes = Object.entries(result.statusClasses)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  return [
    `probe ${result.url}: ${result.connections} connections for ${formatDurationUs(result.durationSeconds * 1e6)} (autocannon ${result.tool.version})`,
    `  CLOSED-LOOP CEILING, NOT A USER-EXPERIENCE FIGURE`,
    `  ceiling     ${formatRate(result.ratePerSec)} (${formatRate(result.okPerSec)} with 2xx); ${result.requests} responses: ${classes === '' ? 'none' : classes}`,
    `  bandwidth   ${formatBytesPerSec(result.bytesPerSec)} = ${formatBitsPerSec(result.bytesPerSec)} received`,
    `  latency     p50 ${formatDurationUs(result.latency.p50Us)}, p90 ${formatDurationUs(result.latency.p90Us)}, p99 ${formatDurationUs(result.latency.p99Us)}, max ${formatDurationUs(result.latency.maxUs)} (closed loop)`,
    `  errors      ${result.errors} (timeouts ${result.timeouts})`,
    `  note: ${result.caveat}`,
  ];
}
