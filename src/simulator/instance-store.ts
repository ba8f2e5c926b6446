/**
 * The simulator's archive of received instances, shared by its DIMSE side
 * (C-STORE in, C-FIND/C-MOVE/C-GET out) and its DICOMweb side (STOW-RS in,
 * QIDO-RS/WADO-RS out). Protocol-free: it holds, per instance, the attributes
 * searches match on and the data set bytes as received, and knows nothing of
 * PDUs, HTTP or status codes; the adapters (dimse-store.ts, dimse-qr*.ts,
 * dicomweb-store.ts, dicomweb-routes.ts) translate.
 *
 * In memory, with a size cap (`simulator.storeMaxBytes`): a load test sends
 * studies for hours and must not exhaust the machine. Each instance costs its
 * data set bytes plus a fixed allowance for its index entry
 * (INDEX_BYTES_PER_INSTANCE). When an instance would not fit:
 * - `evict-oldest` (the default) removes whole studies, least recently stored
 *   first, until it fits, as Orthanc does with `MaximumStorageSize` in its
 *   default `Recycle` mode; a study that is still arriving is the most recently
 *   stored, so it is the last to go. The store keeps accepting for as long as
 *   the run lasts; what was evicted is no longer found (a `--verify` after a
 *   run that outgrew the cap reports it missing, truthfully).
 * - `refuse` keeps what it has and refuses the instance, as an archive whose
 *   disk is full does; the adapters answer with the standard "out of
 *   resources" (C-STORE A700, PS3.4 B.2.3; STOW-RS failure reason A700 in a
 *   409 or 202 answer, PS3.18 10.5.3).
 * An instance larger than the whole cap is refused under either policy.
 *
 * A second copy of a SOP Instance UID replaces the first (most PACS do).
 */
import type { SyntheticInstance } from '../synth/dicomweb-instances.js';
import type { DatasetAttributes, PixelDataLocation } from './dataset-reader.js';

/** The attributes of a stored instance: the ones every search needs, plus whatever else its header said. */
export type StoredAttributes = SyntheticInstance & DatasetAttributes;

export interface StoredInstance {
  attributes: StoredAttributes;
  /**
   * The data set as received (no File Meta Information, no PDU headers), in
   * `transferSyntaxUid`; undefined when only the attributes were kept (then
   * retrieves rebuild the instance from them).
   */
  dataset: Buffer | undefined;
  transferSyntaxUid: string;
  /** Where Pixel Data's value is in `dataset`. */
  pixelData: PixelDataLocation | undefined;
  /** Data set bytes received for it (as sent, whether kept or not). */
  receivedBytes: number;
  /** What it counts against the cap. */
  costBytes: number;
}

export interface StoredSeriesEntry {
  readonly seriesInstanceUid: string;
  /** By SOP Instance UID, in arrival order. */
  readonly instances: ReadonlyMap<string, StoredInstance>;
}

export interface StoredStudyEntry {
  readonly studyInstanceUid: string;
  /** By Series Instance UID, in arrival order. */
  readonly series: ReadonlyMap<string, StoredSeriesEntry>;
  readonly instanceCount: number;
  readonly receivedBytes: number;
}

export type StoreFullPolicy = 'evict-oldest' | 'refuse';

export interface InstanceStoreOptions {
  /** The cap on kept bytes (data sets plus index allowance). */
  maxBytes?: number;
  /** An optional cap on the number of instances. */
  maxInstances?: number;
  /** What happens when an instance does not fit; `evict-oldest` by default (see the file comment). */
  whenFull?: StoreFullPolicy;
}

export type PutResult = { ok: true } | { ok: false; reason: 'full' | 'too-large' };

export interface InstanceStoreStats {
  studies: number;
  series: number;
  instances: number;
  /** Data set bytes received for the instances held. */
  receivedBytes: number;
  /** What the instances held count against the cap. */
  costBytes: number;
  maxBytes: number;
  evictedStudies: number;
  evictedInstances: number;
  refusedInstances: number;
}

/** 512 MiB: a few CT studies of real size, hundreds of small test studies. */
export const DEFAULT_STORE_MAX_BYTES = 512 * 1024 * 1024;
/** What one instance's index entry is counted as (its attributes, UIDs and map entries), whether its bytes are kept or not. */
export const INDEX_BYTES_PER_INSTANCE = 1024;

interface SeriesEntry {
  seriesInstanceUid: string;
  instances: Map<string, StoredInstance>;
}

interface StudyEntry {
  studyInstanceUid: string;
  patientId: string;
  series: Map<string, SeriesEntry>;
  instanceCount: number;
  receivedBytes: number;
  costBytes: number;
}

export class InstanceStore {
  readonly maxBytes: number;
  readonly maxInstances: number;
  readonly whenFull: StoreFullPolicy;
  /** Least recently stored first: a study moves to the end whenever an instance of it arrives. */
  readonly #studies = new Map<string, StudyEntry>();
  readonly #studiesOfPatient = new Map<string, Set<string>>();
  #series = 0;
  #instances = 0;
  #receivedBytes = 0;
  #costBytes = 0;
  #evictedStudies = 0;
  #evictedInstances = 0;
  #refusedInstances = 0;
  #version = 0;

  constructor(options: InstanceStoreOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_STORE_MAX_BYTES;
    this.maxInstances = options.maxInstances ?? Number.POSITIVE_INFINITY;
    this.whenFull = options.whenFull ?? 'evict-oldest';
  }

  /** Grows by one on every change (store, replace, evict): a reader's cache built at version v is stale once it moved. */
  get version(): number {
    return this.#version;
  }

  /** What an instance of `datasetBytes` kept bytes counts against the cap. */
  static costOf(datasetBytes: number): number {
    return datasetBytes + INDEX_BYTES_PER_INSTANCE;
  }

  /**
   * Whether an instance costing `costBytes` could be stored now (under
   * `refuse`, whether it fits; under `evict-oldest`, whether it is not larger
   * than the whole cap). Lets an adapter refuse before keeping bytes.
   */
  admits(costBytes: number): boolean {
    if (costBytes > this.maxBytes) return false;
    if (this.whenFull === 'evict-oldest') return true;
    return this.#costBytes + costBytes <= this.maxBytes && this.#instances < this.maxInstances;
  }

  /** Stores one instance (see the file comment for the cap); a second copy of a SOP Instance UID replaces the first. */
  put(instance: StoredInstance): PutResult {
    const { studyInstanceUid, seriesInstanceUid, sopInstanceUid } = instance.attributes;
    if (instance.costBytes > this.maxBytes) {
      this.#refusedInstances++;
      return { ok: false, reason: 'too-large' };
    }
    const existingStudy = this.#studies.get(studyInstanceUid);
    const previous = existingStudy?.series.get(seriesInstanceUid)?.instances.get(sopInstanceUid);
    const freedBytes = previous?.costBytes ?? 0;
    const addedInstances = previous === undefined ? 1 : 0;
    const fits = (): boolean =>
      this.#costBytes - freedBytes + instance.costBytes <= this.maxBytes && this.#instances + addedInstances <= this.maxInstances;
    if (!fits() && this.whenFull === 'evict-oldest') {
      for (const oldest of this.#studies.keys()) {
        if (fits()) break;
        if (oldest !== studyInstanceUid) this.#evict(oldest);
      }
    }
    if (!fits()) {
      this.#refusedInstances++;
      return { ok: false, reason: 'full' };
    }

    let study = this.#studies.get(studyInstanceUid);
    if (study === undefined) {
      const patientId = instance.attributes.patientId;
      study = { studyInstanceUid, patientId, series: new Map(), instanceCount: 0, receivedBytes: 0, costBytes: 0 };
      let ofPatient = this.#studiesOfPatient.get(patientId);
      if (ofPatient === undefined) this.#studiesOfPatient.set(patientId, (ofPatient = new Set()));
      ofPatient.add(studyInstanceUid);
    } else {
      // Least recently stored first: move it to the end.
      this.#studies.delete(studyInstanceUid);
    }
    this.#studies.set(studyInstanceUid, study);
    let series = study.series.get(seriesInstanceUid);
    if (series === undefined) {
      series = { seriesInstanceUid, instances: new Map() };
      study.series.set(seriesInstanceUid, series);
      this.#series++;
    }
    if (previous !== undefined) {
      series.instances.delete(sopInstanceUid);
      study.receivedBytes -= previous.receivedBytes;
      study.costBytes -= previous.costBytes;
      this.#receivedBytes -= previous.receivedBytes;
      this.#costBytes -= previous.costBytes;
    } else {
      study.instanceCount++;
      this.#instances++;
    }
    series.instances.set(sopInstanceUid, instance);
    study.receivedBytes += instance.receivedBytes;
    study.costBytes += instance.costBytes;
    this.#receivedBytes += instance.receivedBytes;
    this.#costBytes += instance.costBytes;
    this.#version++;
    return { ok: true };
  }

  /** A study by UID, or undefined. A live view: do not change it. */
  study(studyInstanceUid: string): StoredStudyEntry | undefined {
    return this.#studies.get(studyInstanceUid);
  }

  /** Every study held, least recently stored first. */
  studies(): StoredStudyEntry[] {
    return [...this.#studies.values()];
  }

  /** The studies of a patient (by exact Patient ID). */
  studiesOfPatient(patientId: string): StoredStudyEntry[] {
    const uids = this.#studiesOfPatient.get(patientId);
    if (uids === undefined) return [];
    return [...uids].map((uid) => this.#studies.get(uid)).filter((study): study is StudyEntry => study !== undefined);
  }

  /** One instance, or undefined. */
  instance(studyInstanceUid: string, seriesInstanceUid: string, sopInstanceUid: string): StoredInstance | undefined {
    return this.#studies.get(studyInstanceUid)?.series.get(seriesInstanceUid)?.instances.get(sopInstanceUid);
  }

  stats(): InstanceStoreStats {
    return {
      studies: this.#studies.size,
      series: this.#series,
      instances: this.#instances,
      receivedBytes: this.#receivedBytes,
      costBytes: this.#costBytes,
      maxBytes: this.maxBytes,
      evictedStudies: this.#evictedStudies,
      evictedInstances: this.#evictedInstances,
      refusedInstances: this.#refusedInstances,
    };
  }

  #evict(studyInstanceUid: string): void {
    const study = this.#studies.get(studyInstanceUid);
    if (study === undefined) return;
    this.#studies.delete(studyInstanceUid);
    const ofPatient = this.#studiesOfPatient.get(study.patientId);
    ofPatient?.delete(studyInstanceUid);
    if (ofPatient?.size === 0) this.#studiesOfPatient.delete(study.patientId);
    this.#series -= study.series.size;
    this.#instances -= study.instanceCount;
    this.#receivedBytes -= study.receivedBytes;
    this.#costBytes -= study.costBytes;
    this.#evictedStudies++;
    this.#evictedInstances += study.instanceCount;
    this.#version++;
  }
}

/** The instances of a series in Instance Number order (then arrival order). */
export function instancesInOrder(series: StoredSeriesEntry): StoredInstance[] {
  return [...series.instances.values()].sort((a, b) => a.attributes.instanceNumber - b.attributes.instanceNumber);
}
