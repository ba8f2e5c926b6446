/**
 * Which studies, series and instances the DICOMweb operations fetch: what the
 * target holds, found by QIDO-RS once per worker and scenario, on the first
 * run (lazily, so setup stays free of I/O and an unreachable target is
 * classified like any other failure, not thrown).
 *
 * Why a lookup and not the seeded studies: the seeded studies exist only in the
 * embedded simulator; a real PACS (Orthanc, a vendor archive) holds its own.
 * Looking up works against both, with the same code.
 *
 * The lookup: `/studies?ModalitiesInStudy=<modality>&limit=<maxStudies>`, then
 * `/studies/{S}/series` for each, then `/studies/{S}/series/{Se}/instances`
 * with the image geometry (NumberOfFrames, Rows, Columns, BitsAllocated) for
 * each series, as far as the `depth` asked for. Answers are parsed with
 * JSON.parse: it happens once, not per operation.
 *
 * The first run of each worker waits for the lookup, so its latency includes
 * it (shows in max, hardly in percentiles); the lookup's bytes are not counted
 * in any operation. A lookup that finds nothing to fetch is `empty` (the
 * operation decides with `expectMatches` whether that fails). A failed lookup is the outcome of the run that made it,
 * and the next run carries on from where it failed: answers already received
 * are kept until the catalog is whole, so a target that fails one request in
 * five (503, 429) still gets looked up in a few runs.
 */
import type { Outcome } from '../metrics/names.js';
import type { DicomwebClient, HttpExchange } from '../protocol/dicomweb/client.js';
import { qidoSearchPath } from '../protocol/dicomweb/qido-query.js';

export interface CatalogInstance {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  /** NumberOfFrames (0028,0008), 1 when absent. */
  frames: number;
  /** Bytes of one uncompressed frame (Rows x Columns x BitsAllocated / 8 x samples 1), undefined when unknown. */
  frameBytes: number | undefined;
}

export interface CatalogSeries {
  studyUid: string;
  seriesUid: string;
  /** Instances the lookup found (all of them, up to `maxInstancesPerSeries`). */
  instanceCount: number;
  /** True when the lookup saw every instance of the series (no `limit` cut). */
  complete: boolean;
}

export interface TargetCatalog {
  studyUids: string[];
  series: CatalogSeries[];
  instances: CatalogInstance[];
}

export type CatalogDepth = 'studies' | 'series' | 'instances';

export type CatalogLookup = { ok: true; catalog: TargetCatalog } | { ok: false; outcome: Outcome };

export interface CatalogOptions {
  /** Studies of this modality ('' for any). */
  modality: string;
  depth: CatalogDepth;
  /** Studies looked at (default 5). */
  maxStudies?: number;
  /** Instances listed per series (default 1000). */
  maxInstancesPerSeries?: number;
}

const ACCEPT_DICOM_JSON = 'application/dicom+json';

/** The lazy, shared lookup of one operation: `get()` runs it once, and again after a failure. */
export class DicomwebCatalog {
  readonly #client: DicomwebClient;
  readonly #options: Required<CatalogOptions>;
  #pending: Promise<CatalogLookup> | undefined;
  /** Search answers received so far, by path, while the lookup is incomplete. */
  readonly #answers = new Map<string, DicomJsonObject[]>();

  constructor(client: DicomwebClient, options: CatalogOptions) {
    this.#client = client;
    this.#options = { maxStudies: 5, maxInstancesPerSeries: 1000, ...options };
  }

  /** The catalog, looked up on the first call; concurrent callers share one lookup. */
  get(signal: AbortSignal): Promise<CatalogLookup> {
    this.#pending ??= this.#lookUp(signal).then((lookup) => {
      if (lookup.ok) this.#answers.clear();
      else this.#pending = undefined;
      return lookup;
    });
    return this.#pending;
  }

  async #lookUp(signal: AbortSignal): Promise<CatalogLookup> {
    const { modality, depth, maxStudies, maxInstancesPerSeries } = this.#options;
    const match: Record<string, string> = modality === '' ? {} : { ModalitiesInStudy: modality };
    const studiesPath = qidoSearchPath('studies', { match, limit: maxStudies, offset: 0 });
    const studies = await this.#search(studiesPath, signal);
    if (!studies.ok) return studies;
    const studyUids = studies.objects.map((object) => firstString(object, '0020000D')).filter((uid) => uid !== '');
    if (studyUids.length === 0) {
      // Not kept: the next run asks again, since the studies may be sent later in the run (a scenario with `startAfter`).
      this.#answers.delete(studiesPath);
      const which = modality === '' ? 'no studies' : `no ${modality} studies`;
      return {
        ok: false,
        outcome: { kind: 'empty', reason: `the target holds ${which} to fetch (send some first, e.g. with stow.study, or set modality)` },
      };
    }
    const catalog: TargetCatalog = { studyUids, series: [], instances: [] };
    if (depth === 'studies') return { ok: true, catalog };

    for (const studyUid of studyUids) {
      const series = await this.#search(`/studies/${studyUid}/series`, signal);
      if (!series.ok) return series;
      for (const object of series.objects) {
        const seriesUid = firstString(object, '0020000E');
        if (seriesUid === '') continue;
        if (depth === 'series') {
          catalog.series.push({ studyUid, seriesUid, instanceCount: firstNumber(object, '00201209') ?? 0, complete: false });
          continue;
        }
        // PS3.18 10.6.1: instances of one series, under its study and series.
        const path = `/studies/${studyUid}/series/${seriesUid}${qidoSearchPath('instances', {
          limit: maxInstancesPerSeries,
          offset: 0,
          includeField: ['00280008', '00280010', '00280011', '00280100'],
        })}`;
        const instances = await this.#search(path, signal);
        if (!instances.ok) return instances;
        for (const instance of instances.objects) {
          const sopUid = firstString(instance, '00080018');
          if (sopUid === '') continue;
          const rows = firstNumber(instance, '00280010');
          const columns = firstNumber(instance, '00280011');
          const bits = firstNumber(instance, '00280100');
          catalog.instances.push({
            studyUid,
            seriesUid,
            sopUid,
            frames: Math.max(1, firstNumber(instance, '00280008') ?? 1),
            frameBytes: rows !== undefined && columns !== undefined && bits !== undefined ? (rows * columns * bits) / 8 : undefined,
          });
        }
        catalog.series.push({
          studyUid,
          seriesUid,
          instanceCount: instances.objects.length,
          complete: instances.objects.length < maxInstancesPerSeries,
        });
      }
    }
    if (catalog.series.length === 0 || (depth === 'instances' && catalog.instances.length === 0)) {
      return { ok: false, outcome: { kind: 'empty', reason: `the target's studies have no ${depth} to fetch` } };
    }
    return { ok: true, catalog };
  }

  async #search(path: string, signal: AbortSignal): Promise<{ ok: true; objects: DicomJsonObject[] } | { ok: false; outcome: Outcome }> {
    const known = this.#answers.get(path);
    if (known !== undefined) return { ok: true, objects: known };
    const found = await this.#fetch(path, signal);
    if (found.ok) this.#answers.set(path, found.objects);
    return found;
  }

  async #fetch(path: string, signal: AbortSignal): Promise<{ ok: true; objects: DicomJsonObject[] } | { ok: false; outcome: Outcome }> {
    const exchange: HttpExchange = await this.#client.get(path, { accept: ACCEPT_DICOM_JSON, signal });
    if (exchange.outcome.kind !== 'ok') return { ok: false, outcome: exchange.outcome };
    // PS3.18 10.6.3: 204 or an empty array both mean no match.
    if (exchange.status === 204 || exchange.body.length === 0) return { ok: true, objects: [] };
    try {
      const parsed: unknown = JSON.parse(exchange.body.toString('utf8'));
      if (!Array.isArray(parsed)) throw new Error('not an array');
      return { ok: true, objects: parsed as DicomJsonObject[] };
    } catch {
      return { ok: false, outcome: { kind: 'check-failed', reason: `lookup ${path.split('?')[0]}: not a DICOM JSON array` } };
    }
  }
}

type DicomJsonObject = Record<string, { Value?: unknown[] } | undefined>;

function firstString(object: DicomJsonObject, tag: string): string {
  const value = object[tag]?.Value?.[0];
  return typeof value === 'string' ? value : '';
}

function firstNumber(object: DicomJsonObject, tag: string): number | undefined {
  const value = object[tag]?.Value?.[0];
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

/** Item `iteration` of a non-empty list, round robin. */
export function pickRoundRobin<T>(items: readonly T[], iteration: number): T {
  return items[iteration % items.length]!;
}
