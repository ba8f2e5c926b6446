/**
 * Reads a Content-Type header value into its media type and parameters (RFC 9110
 * section 8.3.1: `type/subtype *( OWS ";" OWS name=value )`, values as tokens or
 * quoted strings), as DICOMweb multipart answers need: the `boundary` of
 * `multipart/related` (RFC 2387, RFC 2046 section 5.1.1) and its `type`
 * (PS3.18 section 8.6.1.2). Pure: no I/O.
 */

export interface MediaType {
  /** `type/subtype`, lower case. */
  essence: string;
  /** Parameters by lower-case name; values unquoted, case kept (boundaries are case-sensitive). */
  parameters: ReadonlyMap<string, string>;
}

/** Parses a Content-Type value; undefined when it has no `type/subtype`. */
export function parseMediaType(value: string | undefined): MediaType | undefined {
  if (value === undefined) return undefined;
  let at = 0;
  const length = value.length;
  const skipBlanks = (): void => {
    while (at < length && (value[at] === ' ' || value[at] === '\t')) at++;
  };
  skipBlanks();
  const essenceEnd = value.indexOf(';', at);
  const essence = value
    .slice(at, essenceEnd === -1 ? length : essenceEnd)
    .trim()
    .toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence)) return undefined;
  const parameters = new Map<string, string>();
  at = essenceEnd === -1 ? length : essenceEnd + 1;
  while (at < length) {
    skipBlanks();
    const equals = value.indexOf('=', at);
    if (equals === -1) break;
    const name = value.slice(at, equals).trim().toLowerCase();
    at = equals + 1;
    let parameterValue = '';
    if (value[at] === '"') {
      // quoted-string with quoted-pair (RFC 9110 section 5.6.4).
      at++;
      while (at < length && value[at] !== '"') {
        if (value[at] === '\\' && at + 1 < length) at++;
        parameterValue += value[at];
        at++;
      }
      at++;
      const next = value.indexOf(';', at);
      at = next === -1 ? length : next + 1;
    } else {
      const next = value.indexOf(';', at);
      parameterValue = value.slice(at, next === -1 ? length : next).trim();
      at = next === -1 ? length : next + 1;
    }
    // The first occurrence wins, as most parsers do.
    if (name !== '' && !parameters.has(name)) parameters.set(name, parameterValue);
  }
  return { essence, parameters };
}
