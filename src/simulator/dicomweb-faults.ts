/**
 * The simulator's HTTP faults (issue 10's fault matrix), shared by the study
 * search (dicomweb-server.ts) and every other DICOMweb route
 * (dicomweb-routes.ts): what a failing PACS or the gateway in front of it does
 * to one request.
 *
 * Per request, in order: the latency and stall knobs (`delayAnswer`), the
 * older rate knobs (`throttleRate` 429, `errorRate` 503), then one draw of the
 * injected faults (`simulator.faults`, FaultInjector.drawFault('http')):
 * - http500, http503, http429: answered with that status here; 503 and 429
 *   carry Retry-After (RFC 9110 section 10.2.3, RFC 6585 section 4);
 * - reset: the connection reset (TCP RST) instead of an answer;
 * - slowDrip: the normal answer, its body sent at `dripBytesPerSec`;
 * - brokenMultipart: the normal multipart/related answer, but the boundary
 *   its Content-Type declares is not the one its parts use (RFC 2046 section
 *   5.1.1), so no client can split it. Drawn only for multipart answers.
 */
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultInjector } from './faults.js';

/** How the answer to a request that was not answered by a fault is to be sent. */
export interface HttpAnswerStyle {
  /** Send the body at this many bytes per second (slowDrip); undefined: at once. */
  dripBytesPerSec: number | undefined;
  /** Declare a boundary the parts do not use (brokenMultipart). */
  breakMultipart: boolean;
}

/** The answer as it would be without faults. */
export const PLAIN_ANSWER: HttpAnswerStyle = { dripBytesPerSec: undefined, breakMultipart: false };

/** Seconds a client is told to wait before coming back (Retry-After, RFC 9110 section 10.2.3). */
export const RETRY_AFTER_SEC = 1;

/**
 * Runs the fault knobs for one request (see the file comment). Returns
 * undefined when a fault answered the request (a status, or a reset
 * connection); otherwise how to send the normal answer. `multipart` says
 * whether that answer is multipart/related (only then can brokenMultipart be drawn).
 */
export async function injectHttpFaults(
  faults: FaultInjector,
  response: ServerResponse,
  answer: { multipart: boolean },
): Promise<HttpAnswerStyle | undefined> {
  await faults.delayAnswer();
  const retryAfter = { 'retry-after': String(RETRY_AFTER_SEC) };
  if (faults.shouldThrottle()) return statusAnswer(response, 429, retryAfter);
  if (faults.shouldFail()) return statusAnswer(response, 503, retryAfter);
  const fault = faults.drawFault('http', (kind) => kind !== 'brokenMultipart' || answer.multipart);
  switch (fault) {
    case 'http500':
      return statusAnswer(response, 500);
    case 'http503':
      return statusAnswer(response, 503, retryAfter);
    case 'http429':
      return statusAnswer(response, 429, retryAfter);
    case 'reset':
      // RST rather than FIN: the client sees ECONNRESET, as when a load balancer or a crashed PACS drops it.
      response.socket?.resetAndDestroy();
      return undefined;
    case 'slowDrip':
      return { dripBytesPerSec: faults.dripBytesPerSec, breakMultipart: false };
    case 'brokenMultipart':
      return { dripBytesPerSec: undefined, breakMultipart: true };
    default:
      return PLAIN_ANSWER;
  }
}

/**
 * The Content-Type of a multipart answer as the style says: with
 * `breakMultipart`, its boundary parameter replaced by one the body never
 * contains (a fresh random one, not a prefix or extension of the real one).
 */
export function declaredMultipartType(contentType: string, style: HttpAnswerStyle): string {
  if (!style.breakMultipart) return contentType;
  const other = `broken-${randomBytes(12).toString('hex')}`;
  return contentType.replace(/boundary=("[^"]*"|[^;\s]+)/i, `boundary=${other}`);
}

/**
 * Writes a whole answer: the head at once, then the body, at once or dripped
 * at `style.dripBytesPerSec`. Nothing is written when the client has gone or
 * an answer was already started. Resolves when the body is written or the
 * connection is gone; never rejects.
 */
export async function sendAnswer(
  response: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: readonly Buffer[],
  style: HttpAnswerStyle = PLAIN_ANSWER,
): Promise<void> {
  if (response.destroyed || response.headersSent) return;
  const byteLength = body.reduce((sum, chunk) => sum + chunk.length, 0);
  response.writeHead(status, { ...headers, 'content-length': String(byteLength) });
  if (style.dripBytesPerSec === undefined) {
    for (const chunk of body) response.write(chunk);
    response.end();
    return;
  }
  await drip(response, body, style.dripBytesPerSec);
}

/** Ticks of a drip: small enough to look continuous, large enough to be cheap. */
const DRIP_TICK_MS = 50;

/**
 * Sends `body` at `bytesPerSec`: a slice per tick, each due when the bytes
 * before it would have taken that long, so timer lateness does not add up.
 */
async function drip(response: ServerResponse, body: readonly Buffer[], bytesPerSec: number): Promise<void> {
  const sliceBytes = Math.max(1, Math.floor((bytesPerSec * DRIP_TICK_MS) / 1000));
  const startedMs = performance.now();
  let sentBytes = 0;
  // The headers go now, so the client's time to first byte is the server's, and the drip shows in the body.
  response.flushHeaders();
  for (const slice of slices(body, sliceBytes)) {
    const dueMs = startedMs + (sentBytes * 1000) / bytesPerSec;
    const waitMs = dueMs - performance.now();
    if (waitMs > 0) await sleep(waitMs);
    if (response.destroyed) return;
    response.write(slice);
    sentBytes += slice.length;
  }
  // The last slice, like every other, takes its share of a second.
  const endMs = startedMs + (sentBytes * 1000) / bytesPerSec - performance.now();
  if (endMs > 0) await sleep(endMs);
  if (!response.destroyed) response.end();
}

/** The body cut into slices of `sliceBytes` across chunk boundaries (views, except where a slice spans two chunks). */
function* slices(body: readonly Buffer[], sliceBytes: number): Generator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for (const chunk of body) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(sliceBytes - pendingBytes, chunk.length - offset);
      pending.push(chunk.subarray(offset, offset + take));
      pendingBytes += take;
      offset += take;
      if (pendingBytes === sliceBytes) {
        yield pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) yield pending.length === 1 ? pending[0]! : Buffer.concat(pending);
}

/** Answers with `status` and an empty body; undefined: the request was answered. */
function statusAnswer(response: ServerResponse, status: number, headers: Readonly<Record<string, string>> = {}): undefined {
  if (!response.destroyed && !response.headersSent) {
    response.writeHead(status, { ...headers, 'content-length': '0' });
    response.end();
  }
  return undefined;
}
