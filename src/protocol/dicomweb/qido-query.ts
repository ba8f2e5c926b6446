/**
 * Builds QIDO-RS search paths (PS3.18 section 10.6; query parameters in section 8.3.4). Pure: no I/O.
 */

export interface QidoQuery {
  /**
   * Attribute matching (PS3.18 section 8.3.4): key is a keyword (`PatientID`)
   * or a tag (`00100020`), value is the match as PS3.4 C.2.2.2 spells it
   * (`20250301-20250301` for a date range, `CT` for a modality).
   */
  match?: Readonly<Record<string, string>>;
  /** Attributes to return beyond the defaults (PS3.18 section 8.3.4, includefield), keywords or tags. */
  includeField?: readonly string[];
  /** Maximum number of results (PS3.18 section 8.3.4, paging). */
  limit?: number | undefined;
  /** Results to skip (PS3.18 section 8.3.4, paging). */
  offset?: number | undefined;
}

/** The resources a QIDO-RS search can target at the service root (PS3.18 section 10.6.1). */
export type QidoResource = 'studies' | 'series' | 'instances';

/**
 * `/studies?...` (or series, instances) relative to the service root. Values are
 * percent-encoded per RFC 3986 (space as %20, never `+`); keys keep the order given.
 */
export function qidoSearchPath(resource: QidoResource, query: QidoQuery): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query.match ?? {})) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  if (query.limit !== undefined) parts.push(`limit=${integerParam('limit', query.limit)}`);
  if (query.offset !== undefined) parts.push(`offset=${integerParam('offset', query.offset)}`);
  // PS3.18 8.3.4: includefield takes a comma-separated list (or repeats).
  if (query.includeField !== undefined && query.includeField.length > 0) {
    parts.push(`includefield=${query.includeField.map(encodeURIComponent).join(',')}`);
  }
  return parts.length === 0 ? `/${resource}` : `/${resource}?${parts.join('&')}`;
}

/** A DICOM DA date range `from-to` (PS3.4 section C.2.2.2.5.1); the same day twice matches that day. */
export function dateRange(fromDa: string, toDa: string): string {
  return `${fromDa}-${toDa}`;
}

function integerParam(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}
