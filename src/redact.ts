/**
 * Keeping credentials out of everything pacs-load prints or writes (issue 10,
 * item 4): console lines, error messages, summaries, reports, InfluxDB points.
 * The one place for redaction; it imports nothing, so every layer may use it.
 *
 * Secrets reach pacs-load only through environment variables (or, for a TLS
 * key, a file); profiles and flags name them. Two things still need care: an
 * error text that quotes what a server echoed (an Authorization header in a
 * 401 body), and a URL someone wrote with `user:password@` in it.
 */

/** What a removed secret reads as. */
export const REDACTED = '[redacted]';

/**
 * The forms a credential may take on the wire: itself, and for a user and
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

/**
 * The userinfo of an absolute URL (RFC 3986 section 3.2.1: `scheme://userinfo@host`),
 * up to the last `@` before the path, query or fragment; for URLs that do not parse.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/gi;

/** True when the URL `text` has a user name or password (`http://user:pass@host`). */
export function hasUrlCredentials(text: string): boolean {
  try {
    const url = new URL(text);
    return url.username !== '' || url.password !== '';
  } catch {
    URL_USERINFO.lastIndex = 0;
    return URL_USERINFO.test(text);
  }
}

/**
 * A URL the user gave (a flag or profile value, parseable or not) as a message
 * may quote it: everything from the start of the authority to the last `@` is
 * replaced, so a password with spaces or without a scheme is not shown either.
 */
export function urlForMessage(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  const start = scheme === null ? 0 : scheme[0].length;
  return at < start ? text : `${text.slice(0, start)}${REDACTED}${text.slice(at)}`;
}

/**
 * How a message names the environment variable a profile points at: the name
 * itself when it looks like one (`PACS_TOKEN`: capitals, digits, `_`), else a
 * reference to the profile key. A lower-case "name" there is most often the
 * secret pasted in by mistake (`passwordEnv: hunter2`), so it is not echoed.
 */
export function envNameForMessage(name: string, profileKey: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? name : `named by ${profileKey} (not shown: it is not in capitals, so it may be the secret itself)`;
}
