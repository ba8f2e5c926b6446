/**
 * The simulator's Storage SCP side (PS3.4 Annex B): it receives C-STORE data
 * sets, keeps them in the simulator's shared store (src/simulator/instance-store.ts,
 * where the DICOMweb side and Q/R find them too) and answers. The store has a
 * size cap; see there for what happens when it is reached (evict the least
 * recently stored studies, or refuse with A700).
 */
import { Writable } from 'node:stream';
import { Dataset, constants, responses } from '../protocol/dimse/dcmjs.js';
import type { DcmjsCStoreRequest, DcmjsCStoreResponse } from '../protocol/dimse/dcmjs.js';
import { STATUS_SUCCESS } from '../protocol/dimse/status.js';
import { firstBytes, readDataset } from './dataset-reader.js';
import type { DatasetReading } from './dataset-reader.js';
import { withDefaults } from './dicomweb-part10-reader.js';
import { InstanceStore } from './instance-store.js';
import type { PutResult, StoredInstance } from './instance-store.js';
import { ERROR_RATE_COMMENT, type AnswerFaults } from './faults.js';

/** Every Storage SOP class dcmjs-dimse knows (PS3.4 Table B.5-1): the SCP accepts them all. */
export const STORAGE_SOP_CLASSES: readonly string[] = Object.values(constants.StorageClass as Record<string, string>);

/** C-STORE failure when the fault injector says so, or the store is full: Refused, Out of Resources (PS3.4 B.2.3). */
export const STATUS_STORE_OUT_OF_RESOURCES = 0xa700;
/** C-STORE failure for a data set without the UIDs an index needs: Error, Cannot Understand (PS3.4 B.2.3). */
export const STATUS_STORE_CANNOT_UNDERSTAND = 0xc000;

/** Bytes of each data set kept for reading its header when the data set itself is not kept. */
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

/** One received instance, as `answerStore` records it. */
export interface RecordedInstance {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  patientId: string | undefined;
  modality: string | undefined;
  bytes: number;
  /** The instance with its data set bytes, when they were kept; without it only the UIDs are recorded. */
  stored?: StoredInstance;
}

/**
 * The DIMSE side's view of the shared store: what C-STORE stored, by study.
 * An instance sent twice is counted once (the second replaces the first, as in
 * most PACS). `record` is the one way in, so a test can subclass it to lose
 * instances on purpose.
 */
export class StoredInstanceIndex {
  readonly store: InstanceStore;

  /** Over `store`, or over a store of its own with the default cap. */
  constructor(store: InstanceStore = new InstanceStore()) {
    this.store = store;
  }

  /** Keeps the instance; the store's answer says whether it fitted (see InstanceStore.put). Subclasses that drop instances on purpose return nothing. */
  record(instance: RecordedInstance): PutResult | void {
    return this.store.put(instance.stored ?? attributesOnly(instance));
  }

  stats(): StoreIndexStats {
    const stats = this.store.stats();
    return { studies: stats.studies, series: stats.series, instances: stats.instances, bytes: stats.receivedBytes };
  }

  /** A copy of the index, studies least recently stored first. */
  studies(): StoredStudy[] {
    return this.store.studies().map((study) => this.study(study.studyInstanceUid)!);
  }

  /** A copy of the study with this UID, or undefined. A map lookup, not a scan. */
  study(studyInstanceUid: string): StoredStudy | undefined {
    const study = this.store.study(studyInstanceUid);
    if (study === undefined) return undefined;
    let patientId: string | undefined;
    const series = [...study.series.values()].map((entry) => {
      const instances = [...entry.instances.values()];
      patientId ??= instances[0]?.attributes.patientId;
      return { seriesInstanceUid: entry.seriesInstanceUid, modality: instances[0]?.attributes.modality, sopInstanceUids: [...entry.instances.keys()] };
    });
    return { studyInstanceUid, patientId: patientId || undefined, series, instances: study.instanceCount, bytes: study.receivedBytes };
  }
}

/** An instance of which only the UIDs are known (no bytes): a retrieve rebuilds it from its attributes. */
function attributesOnly(instance: RecordedInstance): StoredInstance {
  return {
    attributes: {
      studyInstanceUid: instance.studyInstanceUid,
      seriesInstanceUid: instance.seriesInstanceUid,
      sopInstanceUid: instance.sopInstanceUid,
      sopClassUid: '',
      patientId: instance.patientId ?? '',
      patientName: '',
      studyDate: '',
      accessionNumber: '',
      modality: instance.modality ?? 'OT',
      seriesNumber: 1,
      instanceNumber: 1,
      rows: 0,
      columns: 0,
      bitsAllocated: 16,
      numberOfFrames: 1,
    },
    dataset: undefined,
    transferSyntaxUid: constants.TransferSyntax.ExplicitVRLittleEndian,
    pixelData: undefined,
    receivedBytes: instance.bytes,
    costBytes: InstanceStore.costOf(0),
  };
}

/** A received data set: its identifying attributes as elements, how many bytes it had, and the bytes when kept. */
export class ReceivedStoreDataset extends Dataset {
  readonly receivedBytes: number;
  /** The whole data set, when it was kept (CountingStoreStream with a keep limit it did not exceed). */
  readonly kept: { bytes: Buffer; transferSyntaxUid: string; reading: DatasetReading } | undefined;
  /** It was larger than the keep limit (the store's cap): the store cannot hold it. */
  readonly tooLarge: boolean;

  constructor(
    elements: Record<string, unknown>,
    transferSyntaxUid: string,
    receivedBytes: number,
    kept?: { bytes: Buffer; transferSyntaxUid: string; reading: DatasetReading },
    tooLarge = false,
  ) {
    super(elements, transferSyntaxUid);
    this.receivedBytes = receivedBytes;
    this.kept = kept;
    this.tooLarge = tooLarge;
  }
}

/**
 * Counts a data set as it arrives and keeps either its first 64 KiB (for the
 * header) or, with `keepLimitBytes`, all of it up to that many bytes (beyond,
 * it drops what it kept and counts the rest: an instance larger than the
 * store's cap is refused anyway). Never applies back-pressure.
 */
export class CountingStoreStream extends Writable {
  readonly #keepLimitBytes: number;
  #chunks: Buffer[] = [];
  #keptBytes = 0;
  #overflowed = false;
  #bytes = 0;

  constructor(keepLimitBytes = 0) {
    // dcmjs-dimse waits for 'drain' when write() returns false; a huge high-water mark keeps it true.
    super({ highWaterMark: 1 << 30 });
    this.#keepLimitBytes = keepLimitBytes;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#bytes += chunk.length;
    const keepingWhole = this.#keepLimitBytes > 0 && !this.#overflowed;
    if (keepingWhole && this.#bytes > this.#keepLimitBytes) {
      // Too large to keep: fall back to the header prefix (copied, so the kept chunks can go).
      this.#overflowed = true;
      const prefix = firstBytes([...this.#chunks, chunk], HEADER_PREFIX_BYTES);
      this.#chunks = [prefix];
      this.#keptBytes = prefix.length;
    } else {
      const limit = keepingWhole ? this.#keepLimitBytes : HEADER_PREFIX_BYTES;
      if (this.#keptBytes < limit) {
        const take = chunk.subarray(0, limit - this.#keptBytes);
        // Copied: the chunk belongs to a PDU buffer we must not pin.
        this.#chunks.push(Buffer.from(take));
        this.#keptBytes += take.length;
      }
    }
    callback();
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The data set's identifying attributes and byte count, with the whole data set when it was kept. */
  toDataset(transferSyntaxUid: string): ReceivedStoreDataset {
    const bytes = Buffer.concat(this.#chunks);
    this.#chunks = [];
    const reading = readDataset(bytes, transferSyntaxUid);
    const { attributes } = reading;
    const elements: Record<string, unknown> = {};
    if (attributes.sopClassUid !== undefined) elements.SOPClassUID = attributes.sopClassUid;
    if (attributes.sopInstanceUid !== undefined) elements.SOPInstanceUID = attributes.sopInstanceUid;
    if (attributes.studyInstanceUid !== undefined) elements.StudyInstanceUID = attributes.studyInstanceUid;
    if (attributes.seriesInstanceUid !== undefined) elements.SeriesInstanceUID = attributes.seriesInstanceUid;
    if (attributes.patientId !== undefined) elements.PatientID = attributes.patientId;
    if (attributes.modality !== undefined) elements.Modality = attributes.modality;
    const wholeKept = this.#keepLimitBytes > 0 && !this.#overflowed;
    return new ReceivedStoreDataset(elements, transferSyntaxUid, this.#bytes, wholeKept ? { bytes, transferSyntaxUid, reading } : undefined, this.#overflowed);
  }
}

export interface StoreCounters {
  storeRequests: number;
  failuresInjected: number;
}

/**
 * The answer to one C-STORE (PS3.4 B.2.3): after the injected delay, an
 * injected failure (A700), a failure for a data set without study, series or
 * instance UID (C000), a refusal when the store is full or the data set
 * larger than its cap (A700), or success with the instance kept in `index`.
 */
export async function answerStore(
  request: DcmjsCStoreRequest,
  context: { faults: AnswerFaults; index: StoredInstanceIndex; counters: StoreCounters },
): Promise<DcmjsCStoreResponse> {
  const { faults, index, counters } = context;
  counters.storeRequests++;
  await faults.delayAnswer();
  const response = responses.CStoreResponse.fromRequest(request);
  if (faults.shouldFail()) {
    counters.failuresInjected++;
    response.setStatus(STATUS_STORE_OUT_OF_RESOURCES);
    response.setErrorComment(ERROR_RATE_COMMENT);
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
  const received = dataset instanceof ReceivedStoreDataset ? dataset : undefined;
  if (received?.tooLarge === true) {
    response.setStatus(STATUS_STORE_OUT_OF_RESOURCES);
    response.setErrorComment('instance larger than the simulator store');
    return response;
  }
  const stored = received?.kept === undefined ? undefined : keptInstance(received.kept, received.receivedBytes, sopInstanceUid, request);
  const result = index.record({
    studyInstanceUid,
    seriesInstanceUid,
    sopInstanceUid,
    patientId: elements.PatientID,
    modality: elements.Modality,
    bytes: received?.receivedBytes ?? 0,
    ...(stored === undefined ? {} : { stored }),
  });
  if (result !== undefined && !result.ok) {
    response.setStatus(STATUS_STORE_OUT_OF_RESOURCES);
    response.setErrorComment(result.reason === 'too-large' ? 'instance larger than the simulator store' : 'simulator store full');
    return response;
  }
  response.setStatus(STATUS_SUCCESS);
  return response;
}

/** The store's record of a kept data set; the command's Affected SOP Class fills a data set without SOP Class UID. */
function keptInstance(
  kept: NonNullable<ReceivedStoreDataset['kept']>,
  receivedBytes: number,
  sopInstanceUid: string,
  request: DcmjsCStoreRequest,
): StoredInstance | undefined {
  const attributes = withDefaults({
    ...kept.reading.attributes,
    sopInstanceUid,
    sopClassUid: kept.reading.attributes.sopClassUid ?? request.getAffectedSopClassUid(),
  });
  if (typeof attributes === 'string') return undefined;
  return {
    attributes,
    dataset: kept.bytes,
    transferSyntaxUid: kept.transferSyntaxUid,
    pixelData: kept.reading.pixelData,
    receivedBytes,
    costBytes: InstanceStore.costOf(kept.bytes.length),
  };
}
