/**
 * `pacs-load probe URL`: the closed-loop ceiling of one DICOMweb endpoint with
 * autocannon's programmatic API (issue 7, item 4). GET requests on
 * `connections` keep-alive connections for `durationUs`; see probe-result.ts for
 * why the result is not a RunSummary.
 */
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import { PacsLoadError } from '../errors.js';
import { urlForMessage } from '../redact.js';
import { isLoopbackHost } from '../profile/target-safety.js';
import { CLOSED_LOOP_CAVEAT, PROBE_SCHEMA_ID, PROBE_SCHEMA_VERSION, type ProbeResult } from './probe-result.js';

export interface ProbeOptions {
  url: string;
  connections: number;
  durationUs: number;
  /** Request headers, e.g. `accept` and `authorization`. */
  headers: Record<string, string>;
  /** Hosts other than loopback the user named explicitly (`--allow-host`); none by default. */
  allowedHosts: readonly string[];
  /** Per-request timeout; default 10 s. */
  timeoutUs?: number;
}

/**
 * Checks the URL and its host: http or https, and a loopback host or one the
 * user named in `allowedHosts`. Throws ERR_USAGE with the fix otherwise.
 */
export function checkProbeUrl(text: string, allowedHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new PacsLoadError('ERR_USAGE', `"${urlForMessage(text)}" is not a URL`, { hint: 'Give a full URL, e.g. http://127.0.0.1:8042/dicom-web/studies', cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PacsLoadError('ERR_USAGE', `probe needs an http or https URL, not ${url.protocol}`, { hint: 'e.g. http://127.0.0.1:8042/dicom-web/studies' });
  }
  if (url.username !== '' || url.password !== '') {
    // Refused, not shown: the URL is echoed in the result and its JSON (issue 10, item 4).
    throw new PacsLoadError('ERR_USAGE', 'the probe URL must not contain a user name or password (the URL is not shown)', {
      hint: 'Give the URL without `user:password@`; send a token with --bearer-env NAME (the environment variable that holds it).',
    });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = allowedHosts.map((name) => name.replace(/^\[|\]$/g, '').toLowerCase());
  if (!isLoopbackHost(host) && !allowed.includes(host)) {
    throw new PacsLoadError('ERR_USAGE', `${url.hostname} is not this machine; probe sends as fast as the endpoint answers`, {
      hint: `If ${url.hostname} is a test system you may load, say so: --allow-host ${url.hostname}. Never probe production.`,
    });
  }
  return url;
}

/** Runs autocannon against `options.url`; resolves with the result in our units. */
export async function runProbe(options: ProbeOptions): Promise<ProbeResult> {
  const url = checkProbeUrl(options.url, options.allowedHosts);
  const startedAt = new Date();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: url.toString(),
        connections: options.connections,
        duration: options.durationUs / 1e6,
        headers: options.headers,
        timeout: (options.timeoutUs ?? 10_000_000) / 1e6,
      },
      (error, outcome) => (error === null || error === undefined ? resolve(outcome) : reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
  const seconds = result.duration > 0 ? result.duration : options.durationUs / 1e6;
  const requests = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  if (requests === 0) {
    throw new PacsLoadError('ERR_TARGET_UNREACHABLE', `no response from ${url.toString()} in ${seconds} s (${result.errors} connection errors, ${result.timeouts} timeouts)`, {
      hint: 'Check the URL (scheme, host, port, path) and that the server is running; there is no ceiling to measure without answers.',
    });
  }
  const us = (ms: number): number => Math.round(ms * 1000);
  return {
    schema: PROBE_SCHEMA_ID,
    version: PROBE_SCHEMA_VERSION,
    model: 'closed-loop',
    caveat: CLOSED_LOOP_CAVEAT,
    url: url.toString(),
    startedAt: startedAt.toISOString(),
    connections: options.connections,
    durationSeconds: seconds,
    requests,
    ratePerSec: requests / seconds,
    okPerSec: result['2xx'] / seconds,
    statusClasses: { '1xx': result['1xx'], '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    errors: result.errors,
    timeouts: result.timeouts,
    bytesReceived: result.throughput.total,
    bytesPerSec: result.throughput.total / seconds,
    latency: { meanUs: us(result.latency.mean), p50Us: us(result.latency.p50), p90Us: us(result.latency.p90), p99Us: us(result.latency.p99), maxUs: us(result.latency.max) },
    tool: { name: 'autocannon', version: autocannonVersion() },
  };
}

function autocannonVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('autocannon/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
