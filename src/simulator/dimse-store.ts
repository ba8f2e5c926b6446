/**
 * The simulator's Storage SCP side (PS3.4 Annex B): it receives C-STORE data
 * sets, reads their UIDs from the first bytes, counts the rest and discards
 * it, and keeps an index of what it stored (studies, series, instances, bytes)
 * for stats and for later queries. Pixels are never kept: a load test sends
 * hundreds of megabytes a minute.
 */
import { Writable } from 'node:stream';
import { Dataset, constants, responses } from '../protocol/dimse/dcmjs.js';
import type { DcmjsCStoreRequest, DcmjsCStoreResponse } from '../protocol/dimse/dcmjs.js';
import { readStoreHeader } from '../protocol/dimse/store-header.js';
import { STATUS_SUCCESS } from '../protocol/dimse/status.js';
import type { FaultInjector } from './faults.js';

/** Every Storage SOP class dcmjs-dimse knows (PS3.4 Table B.5-1): the SCP accepts them all. */
export const STORAGE_SOP_CLASSES: readonly string[] = Object.values(constants.StorageClass as Record<string, string>);

/** C-STORE failure when the fault injector says so: Refused, Out of Resources (PS3.4 B.2.3). */
export const STATUS_STORE_OUT_OF_RESOURCES = 0xa700;
/** C-STORE failure for a data set without the UIDs an index needs: Error, Cannot Understand (PS3.4 B.2.3). */
export const STATUS_STORE_CANNOT_UNDERSTAND = 0xc000;

/** Bytes of each data set kept for reading its header; the rest is only counted. */
const HEADER_PREFIX_BYTES = 64 * 1024;

export interface StoredSeries {
  seriesInstanceUid: string;
  modality: string | undefined;
  sopInstanceUids: string[];
}

export interface StoredStudy {
  studyInstanceUid: string;
  patientId: string | undefined;
  series: StoredSeries[];
  instances: number;
  /** Data set bytes received for this study (as sent: no file meta, no PDU headers). */
  bytes: number;
}

export interface StoreIndexStats {
  studies: number;
  series: number;
  instances: number;
  bytes: number;
}

/** What the simulator stored. An instance sent twice is counted once (the second replaces the first, as in most PACS). */
export class StoredInstanceIndex {
  readonly #studies = new Map<string, StoredStudy & { seriesByUid: Map<string, StoredSeries>; instanceBytes: Map<string, number> }>();
  #series = 0;
  #instances = 0;
  #bytes = 0;

  record(instance: {
    studyInstanceUid: string;
    seriesInstanceUid: string;
    sopInstanceUid: string;
    patientId: string | undefined;
    modality: string | undefined;
    bytes: number;
  }): void {
    let study = this.#studies.get(instance.studyInstanceUid);
    if (study === undefined) {
      study = {
        studyInstanceUid: instance.studyInstanceUid,
        patientId: instance.patientId,
        series: [],
        instances: 0,
        bytes: 0,
        seriesByUid: new Map(),
        instanceBytes: new Map(),
      };
      this.#studies.set(instance.studyInstanceUid, study);
    }
    let series = study.seriesByUid.get(instance.seriesInstanceUid);
    if (series === undefined) {
      series = { seriesInstanceUid: instance.seriesInstanceUid, modality: instance.modality, sopInstanceUids: [] };
      study.seriesByUid.set(instance.seriesInstanceUid, series);
      study.series.push(series);
      this.#series++;
    }
    const previousBytes = study.instanceBytes.get(instance.sopInstanceUid);
    if (previousBytes === undefined) {
      series.sopInstanceUids.push(instance.sopInstanceUid);
      study.instances++;
      this.#instances++;
    }
    const delta = instance.bytes - (previousBytes ?? 0);
    study.instanceBytes.set(instance.sopInstanceUid, instance.bytes);
    study.bytes += delta;
    this.#bytes += delta;
  }

  stats(): StoreIndexStats {
    return { studies: this.#studies.size, series: this.#series, instances: this.#instances, bytes: this.#bytes };
  }

  /** A copy of the index, studies in the order they first arrived. */
  studies(): StoredStudy[] {
    return [...this.#studies.values()].map(copyStudy);
  }

  /**
   * A copy of the study with this UID, or undefined. A map lookup, not a scan:
   * `--verify` asks once per series after runs of thousands of studies.
   */
  study(studyInstanceUid: string): StoredStudy | undefined {
    const study = this.#studies.get(studyInstanceUid);
    return study === undefined ? undefined : copyStudy(study);
  }
}

function copyStudy(study: StoredStudy): StoredStudy {
  return {
    studyInstanceUid: study.studyInstanceUid,
    patientId: study.patientId,
    series: study.series.map((series) => ({ ...series, sopInstanceUids: [...series.sopInstanceUids] })),
    instances: study.instances,
    bytes: study.bytes,
  };
}

/** A received data set: its identifying attributes as elements, and how many bytes it had. */
export class ReceivedStoreDataset extends Dataset {
  readonly receivedBytes: number;

  constructor(elements: Record<string, unknown>, transferSyntaxUid: string, receivedBytes: number) {
    super(elements, transferSyntaxUid);
    this.receivedBytes = receivedBytes;
  }
}

/** Keeps the first 64 KiB of a data set and counts the rest. Never applies back-pressure. */
export class CountingStoreStream extends Writable {
  readonly #prefix: Buffer[] = [];
  #prefixBytes = 0;
  #bytes = 0;

  constructor() {
    // dcmjs-dimse waits for 'drain' when write() returns false; a huge high-water mark keeps it true.
    super({ highWaterMark: 1 << 30 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#bytes += chunk.length;
    if (this.#prefixBytes < HEADER_PREFIX_BYTES) {
      const take = chunk.subarray(0, HEADER_PREFIX_BYTES - this.#prefixBytes);
      // Copied: the chunk belongs to a PDU buffer we must not pin.
      this.#prefix.push(Buffer.from(take));
      this.#prefixBytes += take.length;
    }
    callback();
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The data set as far as its header goes: the identifying attributes and the byte count. */
  toDataset(transferSyntaxUid: string): ReceivedStoreDataset {
    const header = readStoreHeader(Buffer.concat(this.#prefix), transferSyntaxUid);
    const elements: Record<string, unknown> = {};
    if (header.sopClassUid !== undefined) elements.SOPClassUID = header.sopClassUid;
    if (header.sopInstanceUid !== undefined) elements.SOPInstanceUID = header.sopInstanceUid;
    if (header.studyInstanceUid !== undefined) elements.StudyInstanceUID = header.studyInstanceUid;
    if (header.seriesInstanceUid !== undefined) elements.SeriesInstanceUID = header.seriesInstanceUid;
    if (header.patientId !== undefined) elements.PatientID = header.patientId;
    if (header.modality !== undefined) elements.Modality = header.modality;
    return new ReceivedStoreDataset(elements, transferSyntaxUid, this.#bytes);
  }
}

export interface StoreCounters {
  storeRequests: number;
  failuresInjected: number;
}

/**
 * The answer to one C-STORE (PS3.4 B.2.3): after the injected delay, an
 * injected failure (A700), a failure for a data set without study, series or
 * instance UID (C000), or success with the instance recorded in `index`.
 */
export async function answerStore(
  request: DcmjsCStoreRequest,
  context: { faults: FaultInjector; index: StoredInstanceIndex; counters: StoreCounters },
): Promise<DcmjsCStoreResponse> {
  const { faults, index, counters } = context;
  counters.storeRequests++;
  await faults.delayAnswer();
  const response = responses.CStoreResponse.fromRequest(request);
  if (faults.shouldFail()) {
    counters.failuresInjected++;
    response.setStatus(STATUS_STORE_OUT_OF_RESOURCES);
    return response;
  }
  const dataset = request.getDataset();
  const elements = (dataset?.getElements() ?? {}) as Record<string, string | undefined>;
  const studyInstanceUid = elements.StudyInstanceUID;
  const seriesInstanceUid = elements.SeriesInstanceUID;
  const sopInstanceUid = elements.SOPInstanceUID ?? request.getAffectedSopInstanceUid();
  if (studyInstanceUid === undefined || seriesInstanceUid === undefined || sopInstanceUid === undefined) {
    response.setStatus(STATUS_STORE_CANNOT_UNDERSTAND);
    response.setErrorComment('data set has no Study, Series or SOP Instance UID');
    return response;
  }
  index.record({
    studyInstanceUid,
    seriesInstanceUid,
    sopInstanceUid,
    patientId: elements.PatientID,
    modality: elements.Modality,
    bytes: dataset instanceof ReceivedStoreDataset ? dataset.receivedBytes : 0,
  });
  response.setStatus(STATUS_SUCCESS);
  return response;
}
