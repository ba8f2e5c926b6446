/**
 * A DICOMweb HTTP client over one undici `Pool`: keep-alive connections to one
 * origin, no pipelining (many PACS and proxies mishandle it), timing and byte
 * counts per exchange. It knows nothing of metrics: it returns what happened and
 * the operation decides what to record (docs/architecture.md section 2).
 *
 * Never throws for a target failure: refused, reset, timed out, 4xx/5xx all come
 * back as an `HttpExchange` with a classified `outcome`.
 *
 * Nagle: undici's connector (lib/core/connect.js, `buildConnector`) calls
 * `socket.setNoDelay(true)` on every socket it opens, TCP and TLS alike, with no
 * option to turn it off; passing `connect` as an options object keeps that
 * connector, so every socket of this pool has TCP_NODELAY (docs/architecture.md section 10, defect 1).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { authorizationHeader, type HttpAuth } from './auth.js';
import { credentialForms } from '../../redact.js';
import { BODY_EXCERPT_BYTES, outcomeForError, outcomeForStatus, type HttpOutcome } from './http-outcome.js';

export interface DicomwebTlsOptions {
  /** Extra trusted CA certificates (PEM), for a test PACS with a private CA. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
}

export interface DicomwebClientOptions {
  /** `http(s)://host:port/prefix`, the service root (PS3.18 section 8.2); a trailing slash is ignored. */
  baseUrl: string;
  /** Keep-alive connections this client may open (undici Pool `connections`). */
  connections: number;
  /** A whole exchange (waiting for a connection, connect, headers, body) must finish within this. */
  timeoutUs: number;
  /** Resolved credentials; never logged. */
  auth?: HttpAuth | undefined;
  tls?: DicomwebTlsOptions | undefined;
  /** Idle connections close after this unless the server says less (default 4 s, undici's). */
  keepAliveTimeoutUs?: number;
}

export interface GetOptions {
  /** The Accept header (PS3.18 section 8.7: media types of the resource). */
  accept: string;
  /** Aborts the request; the exchange then ends with outcome `aborted`. */
  signal?: AbortSignal | undefined;
  /** Count body bytes but keep none: for large answers, or ones checked chunk by chunk with `onBodyChunk`. */
  discardBody?: boolean;
  /** Sees each body chunk as it arrives, in order (for checks that need no whole-body copy). Must not throw. */
  onBodyChunk?: (chunk: Buffer) => void;
  /** Sees the final status and headers before the first body chunk (e.g. to read a multipart boundary). Must not throw. */
  onResponseHeaders?: (status: number, headers: IncomingHttpHeaders) => void;
}

/** A POST (STOW-RS, PS3.18 section 10.5): the body as buffers written in order, never concatenated. */
export interface PostOptions extends GetOptions {
  /** The request's Content-Type, e.g. `multipart/related; type="application/dicom"; boundary=...`. */
  contentType: string;
  body: readonly Buffer[];
  /** Sum of the body buffers' lengths (sent as Content-Length). */
  bodyBytes: number;
}

/** What one exchange did. All times are integer microseconds. */
export interface HttpExchange {
  outcome: HttpOutcome;
  /** The final HTTP status, when response headers arrived. */
  status: number | undefined;
  /** Response headers, lower-case names; empty when none arrived. */
  headers: IncomingHttpHeaders;
  /** The whole response body (empty when discarded or when none arrived). */
  body: Buffer;
  /**
   * From the `get()` call to the first byte of the response. It includes waiting
   * for a free pooled connection and connecting, as a user would feel them;
   * undefined when no response started.
   */
  ttfbUs: number | undefined;
  /**
   * The request head as undici writes it (request line, host, connection, our
   * headers, blank line), computed from the strings rather than read off the
   * socket; a GET has no body. TCP/TLS overhead is not counted.
   */
  bytesSent: number;
  /**
   * Body bytes as they arrived plus the response head (status line and header
   * lines rebuilt from the raw header bytes). Chunked-encoding framing is not counted.
   */
  bytesReceived: number;
}

export interface DicomwebClient {
  /** The service root, without a trailing slash. */
  readonly baseUrl: string;
  /** GETs `pathAndQuery` (relative to the service root, starting with `/`). Never rejects for target failures. */
  get(pathAndQuery: string, options: GetOptions): Promise<HttpExchange>;
  /** POSTs a body to `pathAndQuery`; `bytesSent` counts the head and the body. Never rejects for target failures. */
  post(pathAndQuery: string, options: PostOptions): Promise<HttpExchange>;
  /** Closes the pool's connections at once; idempotent. Call after the last `get()` settled. */
  close(): Promise<void>;
}

/** Creates a client; throws a TypeError for a malformed base URL or options (a bug in the caller). */
export function createDicomwebClient(options: DicomwebClientOptions): DicomwebClient {
  const url = new URL(options.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`baseUrl must be http: or https:, got ${url.protocol}`);
  }
  if (!Number.isInteger(options.connections) || options.connections < 1) {
    throw new TypeError(`connections must be a positive integer, got ${options.connections}`);
  }
  if (!(options.timeoutUs > 0)) throw new TypeError(`timeoutUs must be positive, got ${options.timeoutUs}`);

  const basePath = url.pathname.replace(/\/+$/, '');
  const baseUrl = `${url.origin}${basePath}`;
  const timeoutMs = Math.max(1, Math.ceil(options.timeoutUs / 1000));
  const pool = new Pool(url.origin, {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutUs === undefined ? 4_000 : Math.ceil(options.keepAliveTimeoutUs / 1000),
    // An options object (not a function) keeps undici's connector, which sets noDelay.
    connect: {
      timeout: timeoutMs,
      ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca }),
      rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
    },
  });

  const fixedHeaders: Record<string, string> = {};
  if (options.auth !== undefined) fixedHeaders['authorization'] = authorizationHeader(options.auth);
  // undici writes `host: <host>\r\n` and `connection: keep-alive\r\n` itself (lib/dispatcher/client-h1.js).
  const fixedHeadBytes =
    headerLineBytes('host', url.host) +
    headerLineBytes('connection', 'keep-alive') +
    Object.entries(fixedHeaders).reduce((sum, [name, value]) => sum + headerLineBytes(name, value), 0);

  const aborts = new AbortFanOut();
  // What an error answer's excerpt must never quote back (a 401 body echoing the header).
  const secrets =
    options.auth === undefined
      ? []
      : options.auth.kind === 'bearer'
        ? credentialForms(options.auth.token)
        : credentialForms(undefined, options.auth.username, options.auth.password);
  let closing: Promise<void> | undefined;

  return {
    baseUrl,
    get(pathAndQuery, getOptions) {
      const path = `${basePath}${pathAndQuery}`;
      const headers = { ...fixedHeaders, accept: getOptions.accept };
      // Request line `GET <path> HTTP/1.1\r\n`, the headers, and the blank line.
      const bytesSent =
        Buffer.byteLength(`GET ${path} HTTP/1.1\r\n`) + fixedHeadBytes + headerLineBytes('accept', getOptions.accept) + 2;
      return exchange(pool, aborts, { path, method: 'GET', headers }, { bytesSent, timeoutMs, secrets, ...getOptions });
    },
    post(pathAndQuery, postOptions) {
      const path = `${basePath}${pathAndQuery}`;
      const contentLength = String(postOptions.bodyBytes);
      const headers = {
        ...fixedHeaders,
        accept: postOptions.accept,
        'content-type': postOptions.contentType,
        'content-length': contentLength,
      };
      const bytesSent =
        Buffer.byteLength(`POST ${path} HTTP/1.1\r\n`) +
        fixedHeadBytes +
        headerLineBytes('accept', postOptions.accept) +
        headerLineBytes('content-type', postOptions.contentType) +
        headerLineBytes('content-length', contentLength) +
        2 +
        postOptions.bodyBytes;
      // A stream over the buffers, so a multi-megabyte study is written piece by piece, never joined.
      const body = postOptions.body.length === 1 ? postOptions.body[0]! : Readable.from(postOptions.body, { objectMode: false });
      const request: Dispatcher.DispatchOptions = { path, method: 'POST', headers, body };
      return exchange(pool, aborts, request, { bytesSent, timeoutMs, secrets, ...postOptions });
    },
    close() {
      // destroy, not close: by contract every get() has settled, so all that can
      // be left are requests abandoned at their timeout, and close() would wait for them.
      closing ??= pool.destroy();
      return closing;
    },
  };
}

function headerLineBytes(name: string, value: string): number {
  // `name: value\r\n`
  return Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
}

interface ExchangeSettings extends GetOptions {
  bytesSent: number;
  timeoutMs: number;
  secrets: readonly string[];
}

/** Runs one request through `dispatch` with a handler, so no stream objects are made per request. */
function exchange(
  pool: Pool,
  aborts: AbortFanOut,
  request: Dispatcher.DispatchOptions,
  settings: ExchangeSettings,
): Promise<HttpExchange> {
  const startMs = performance.now();
  const elapsedUs = (): number => Math.round((performance.now() - startMs) * 1000);

  return new Promise<HttpExchange>((resolve) => {
    const result: HttpExchange = {
      outcome: { kind: 'ok' },
      status: undefined,
      headers: {},
      body: EMPTY_BODY,
      ttfbUs: undefined,
      bytesSent: settings.bytesSent,
      bytesReceived: 0,
    };
    const chunks: Buffer[] = [];
    /** The start of a non-2xx body, kept even when the body is discarded, for the outcome's reason. */
    const errorBodyStart: Buffer[] = [];
    let errorBodyBytes = 0;
    let statusText: string | undefined;
    let settled = false;
    let timedOut = false;
    let callerAborted = false;
    let controller: Dispatcher.DispatchController | undefined;
    const { signal } = settings;

    const finish = (outcome: HttpOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (signal !== undefined) aborts.remove(signal, onCallerAbort);
      result.outcome = outcome;
      if (!settings.discardBody) result.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      resolve(result);
    };
    // Ends the exchange now and stops the request wherever it is: a request still
    // queued in the pool is stopped as soon as it gets a connection (onRequestStart).
    const stop = (reason: Error): void => {
      finish(outcomeForError(reason, { timedOut, callerAborted, timeoutReason: timeoutStep(), secrets: settings.secrets }));
      controller?.abort(reason);
    };
    /** Which step our timer cut short: no connection yet, no response headers, or the body. */
    const timeoutStep = (): string => {
      const limit = `${settings.timeoutMs} ms`;
      if (controller === undefined) return `connect: no connection to the server within ${limit} (connecting, or waiting for a free pooled connection)`;
      if (result.status === undefined) return `response: no response headers within ${limit}`;
      return `response: HTTP ${result.status} body incomplete after ${limit}`;
    };
    const onCallerAbort = (): void => {
      callerAborted = true;
      stop(new Error('aborted by the caller'));
    };

    const timer = setTimeout(() => {
      timedOut = true;
      stop(new Error(`no complete answer within ${settings.timeoutMs} ms`));
    }, settings.timeoutMs);

    if (signal?.aborted) {
      onCallerAbort();
      return;
    }
    if (signal !== undefined) aborts.add(signal, onCallerAbort);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(requestController) {
        controller = requestController;
        if (settled) requestController.abort(new Error('the exchange already ended'));
      },
      // Called by undici's HTTP/1.1 parser on the first byte of a response (onMessageBegin).
      onResponseStarted() {
        result.ttfbUs ??= elapsedUs();
      },
      onResponseStart(responseController, statusCode, headers, statusMessage) {
        // 1xx informational heads are followed by the real one; keep the last.
        result.ttfbUs ??= elapsedUs();
        result.status = statusCode;
        statusText = statusMessage;
        result.headers = headers;
        result.bytesReceived += responseHeadBytes(statusMessage, responseController.rawHeaders);
        if (statusCode >= 200) settings.onResponseHeaders?.(statusCode, headers);
      },
      onResponseData(_responseController, chunk) {
        result.bytesReceived += chunk.length;
        if ((result.status ?? 0) >= 300 && errorBodyBytes < BODY_EXCERPT_BYTES) {
          const piece = chunk.subarray(0, BODY_EXCERPT_BYTES - errorBodyBytes);
          errorBodyStart.push(Buffer.from(piece));
          errorBodyBytes += piece.length;
        }
        settings.onBodyChunk?.(chunk);
        if (!settings.discardBody) chunks.push(chunk);
      },
      onResponseEnd() {
        const contentType = result.headers['content-type'];
        finish(
          outcomeForStatus(result.status ?? 0, {
            statusText,
            contentType: Array.isArray(contentType) ? contentType[0] : contentType,
            bodyStart: errorBodyBytes > 0 ? Buffer.concat(errorBodyStart) : undefined,
            secrets: settings.secrets,
          }),
        );
      },
      onResponseError(_responseController, error) {
        finish(outcomeForError(error, { timedOut, callerAborted, timeoutReason: timeoutStep(), secrets: settings.secrets }));
      },
    };

    try {
      pool.dispatch(request, handler);
    } catch (error) {
      finish(outcomeForError(error, { timedOut, callerAborted, secrets: settings.secrets }));
    }
  });
}

const EMPTY_BODY = Buffer.alloc(0);

/**
 * One 'abort' listener per caller signal, fanned out to the exchanges waiting on
 * it. A scenario shares one signal among hundreds of in-flight requests; a
 * listener each would be slow to add and remove and would trip Node's
 * MaxListenersExceededWarning on the caller's signal.
 */
class AbortFanOut {
  readonly #waiting = new WeakMap<AbortSignal, Set<() => void>>();

  add(signal: AbortSignal, onAbort: () => void): void {
    let callbacks = this.#waiting.get(signal);
    if (callbacks === undefined) {
      const created = new Set<() => void>();
      callbacks = created;
      this.#waiting.set(signal, created);
      signal.addEventListener(
        'abort',
        () => {
          this.#waiting.delete(signal);
          for (const callback of created) callback();
        },
        { once: true },
      );
    }
    callbacks.add(onAbort);
  }

  remove(signal: AbortSignal, onAbort: () => void): void {
    this.#waiting.get(signal)?.delete(onAbort);
  }
}

/** `HTTP/1.1 <status> <reason>\r\n`, each `name: value\r\n`, and the blank line. */
function responseHeadBytes(statusMessage: string | undefined, rawHeaders: unknown): number {
  let bytes = 'HTTP/1.1 000 \r\n'.length + Buffer.byteLength(statusMessage ?? '') + 2;
  if (Array.isArray(rawHeaders)) {
    for (const part of rawHeaders as Array<Buffer | string>) bytes += Buffer.byteLength(part);
    // Each name/value pair adds `: ` and CRLF.
    bytes += (rawHeaders.length / 2) * 4;
  }
  return bytes;
}
