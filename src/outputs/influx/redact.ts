/**
 * Keeps InfluxDB credentials out of everything the output reports (warnings,
 * `summary.outputs.influxdb.lastError`): an error message may quote a request
 * header or a server's echo of it.
 */

const REDACTED = '[redacted]';

/**
 * The forms a credential may take on the wire: itself, and for a v1 user and
 * password the RFC 7617 Basic form (base64 of `user:password`) and the
 * `user:password` pair. Empty strings are left out.
 */
export function credentialForms(token: string | undefined, username?: string, password?: string): string[] {
  const forms: string[] = [];
  if (token !== undefined && token !== '') forms.push(token, encodeURIComponent(token));
  if (password !== undefined && password !== '') {
    const pair = `${username ?? ''}:${password}`;
    forms.push(pair, Buffer.from(pair, 'utf8').toString('base64'), password, encodeURIComponent(password));
  }
  // Longest first, so a pair is replaced whole before its password part.
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of every secret replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret === '') continue;
    result = result.split(secret).join(REDACTED);
  }
  return result;
}
