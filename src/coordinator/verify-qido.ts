/**
 * `--verify` over DICOMweb (issue 3, item 4: "C-FIND at image level, or
 * QIDO"), for targets without a DIMSE side: one QIDO-RS instance search per
 * acknowledged series, `GET /studies/{S}/series/{Se}/instances` (PS3.18
 * section 10.6.1; SOP Instance UID (0008,0018) is among the attributes an
 * instance-level answer always carries, Table 10.6.3-5), paged with
 * `limit`/`offset` because archives cap their answers (PS3.18 section
 * 8.3.4.4). A study-level group (series unknown) searches `/studies/{S}/instances`.
 * A search that fails (no answer, 5xx, 401...) leaves the series "not
 * checked", never "missing"; a 404 for the series means it is not there.
 */
import type { DicomwebClient } from '../protocol/dicomweb/client.js';
import type { VerifyGroup } from './verify-compare.js';

/** Instances asked for per QIDO page. */
export const QIDO_VERIFY_PAGE_SIZE = 1000;
/** Pages per series at most (a runaway server that ignores `offset` must not loop forever). */
const MAX_PAGES = 1000;
const SOP_INSTANCE_UID = '00080018';

export interface QidoSearchResult {
  /** The SOP Instance UIDs returned, or undefined when the search failed. */
  found: Set<string> | undefined;
  /** Why the search failed. */
  error?: string;
}

/** Searches the instances of one group's series (or study), all pages. Never rejects for target failures. */
export async function searchInstancesByQido(client: DicomwebClient, group: VerifyGroup, signal?: AbortSignal): Promise<QidoSearchResult> {
  const base =
    group.seriesUid === undefined
      ? `/studies/${encodeURIComponent(group.studyUid)}/instances`
      : `/studies/${encodeURIComponent(group.studyUid)}/series/${encodeURIComponent(group.seriesUid)}/instances`;
  const found = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page++) {
    const exchange = await client.get(`${base}?includefield=${SOP_INSTANCE_UID}&limit=${QIDO_VERIFY_PAGE_SIZE}&offset=${page * QIDO_VERIFY_PAGE_SIZE}`, {
      accept: 'application/dicom+json',
      signal,
    });
    // A 404 for the study or series resource (PS3.18 section 8.3.4.4 leaves it to
    // the server) says the archive holds none of it: its instances are missing.
    if (exchange.status === 404) return { found };
    if (exchange.outcome.kind !== 'ok') return { found: undefined, error: `QIDO ${exchange.outcome.kind}${exchange.status === undefined ? '' : ` (HTTP ${exchange.status})`}` };
    // PS3.18 section 10.6.3.2 (8.3.4.4): 204 No Content, or 200 with an empty array, means no match.
    if (exchange.status === 204 || exchange.body.length === 0) return { found };
    const uids = sopInstanceUidsOf(exchange.body);
    if (uids === undefined) return { found: undefined, error: 'QIDO answer is not a DICOM JSON array' };
    for (const uid of uids) found.add(uid);
    if (uids.length < QIDO_VERIFY_PAGE_SIZE) return { found };
  }
  return { found: undefined, error: `QIDO kept returning full pages after ${MAX_PAGES * QIDO_VERIFY_PAGE_SIZE} instances` };
}

/** The SOP Instance UIDs of a QIDO-RS DICOM JSON answer (PS3.18 Annex F.2), or undefined when it is not one. */
export function sopInstanceUidsOf(body: Buffer): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const uids: string[] = [];
  for (const item of parsed as unknown[]) {
    const value = (item as Record<string, { Value?: unknown[] } | undefined> | null)?.[SOP_INSTANCE_UID]?.Value?.[0];
    if (typeof value === 'string' && value !== '') uids.push(value);
  }
  return uids;
}
