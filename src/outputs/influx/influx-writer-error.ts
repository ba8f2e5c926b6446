/** A failed write, ping or query of the InfluxDB output; `message` never contains a credential. */
export class InfluxWriteError extends Error {
  override readonly name = 'InfluxWriteError';
  constructor(
    message: string,
    /** True when trying again may succeed (network error, timeout, 404, 408, 425, 429, 5xx). */
    readonly retriable: boolean,
    /** The server's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs: number | undefined,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}
