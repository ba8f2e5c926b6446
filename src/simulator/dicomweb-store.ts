/**
 * What the simulator's DICOMweb side holds: the seeded studies (their series
 * and instances derived on demand from src/synth/dicomweb-instances.ts, so
 * 100 studies of 700 images cost nothing until asked for) and the instances
 * the simulator received, in the store it shares with its DIMSE side
 * (src/simulator/instance-store.ts): what arrives by STOW-RS or C-STORE is
 * found by QIDO-RS and served by WADO-RS, bytes as received.
 *
 * Bounded, since a load test sends studies for hours: the shared store has a
 * byte cap (and this adapter, built on its own, an instance cap); what happens
 * when it is reached is the store's policy (evict the least recently stored
 * studies, or refuse with failure reason 0xA700, out of resources).
 */
import { instanceOfSeries, seriesOfStudy, type SyntheticInstance, type SyntheticSeries } from '../synth/dicomweb-instances.js';
import { StudyTag, type DicomJsonObject } from '../synth/studies.js';
import { InstanceStore, instancesInOrder, type StoredInstance, type StoredStudyEntry } from './instance-store.js';

/** A series as the store answers for it. */
export interface StoreSeries {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  seriesNumber: number;
  modality: string;
  instanceCount: number;
}

/** What series and instance searches match on at study level. */
export interface StudyFacts {
  patientId: string;
  accessionNumber: string;
  studyDate: string;
}

/** The outcome of storing one instance (PS3.18 10.5.3: a failure has a reason code). */
export type StoreResult = { ok: true } | { ok: false; failureReason: number };

/** PS3.4 Annex GG / PS3.18 Table 10.5.3-2 failure reasons used here. */
export const FAILURE_OUT_OF_RESOURCES = 0xa700;
export const FAILURE_CANNOT_UNDERSTAND = 0xc000;

/** The instance cap of a DicomwebStore built without a shared store. */
export const DEFAULT_MAX_STORED_INSTANCES = 200_000;
/** Seeded series indexes kept (a viewer reads a few series at a time; each index is about 1,000 records). */
const SEEDED_SERIES_INDEX_ENTRIES = 64;

export class DicomwebStore {
  readonly #seeded = new Map<string, DicomJsonObject>();
  /** The received instances (shared with the DIMSE side when the simulator built it so). */
  readonly shared: InstanceStore;
  /** Seeded series recently read instance by instance (WADO frames), indexed by SOP Instance UID. */
  readonly #seededSeriesIndex = new Map<string, Map<string, SyntheticInstance>>();

  /**
   * Over the seeded studies and `store` (the simulator's shared store), or,
   * given a number, a store of its own that refuses new instances beyond that many.
   */
  constructor(seededStudies: readonly DicomJsonObject[], store: InstanceStore | number = DEFAULT_MAX_STORED_INSTANCES) {
    for (const study of seededStudies) {
      const uid = study[StudyTag.StudyInstanceUID]?.Value?.[0];
      if (typeof uid === 'string') this.#seeded.set(uid, study);
    }
    this.shared = typeof store === 'number' ? new InstanceStore({ maxInstances: store, whenFull: 'refuse' }) : store;
  }

  /** Received instances held so far. */
  get storedInstances(): number {
    return this.shared.stats().instances;
  }

  /** Changes whenever the received instances change (see InstanceStore.version). */
  get version(): number {
    return this.shared.version;
  }

  /** Stores one instance's attributes only (WADO-RS rebuilds it with the synthetic pixel pattern). */
  store(instance: SyntheticInstance): StoreResult {
    return this.storeReceived({
      attributes: instance,
      dataset: undefined,
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      pixelData: undefined,
      receivedBytes: 0,
      costBytes: InstanceStore.costOf(0),
    });
  }

  /** Stores a received instance; a second copy of the same SOP Instance UID replaces the first. Seeded studies are read-only. */
  storeReceived(instance: StoredInstance): StoreResult {
    if (this.#seeded.has(instance.attributes.studyInstanceUid)) return { ok: true };
    const result = this.shared.put(instance);
    return result.ok ? { ok: true } : { ok: false, failureReason: FAILURE_OUT_OF_RESOURCES };
  }

  /** Every study UID, seeded first. */
  studyUids(): string[] {
    return [...this.#seeded.keys(), ...this.shared.studies().map((study) => study.studyInstanceUid)];
  }

  /** The series of a study, or undefined when the study is unknown. */
  series(studyUid: string): StoreSeries[] | undefined {
    const seeded = this.#seeded.get(studyUid);
    if (seeded !== undefined) {
      return seriesOfStudy(seeded).map((series) => ({ studyInstanceUid: studyUid, ...series }));
    }
    const stored = this.shared.study(studyUid);
    if (stored === undefined) return undefined;
    return [...stored.series.values()].map((series) => {
      const first = series.instances.values().next().value?.attributes;
      return {
        studyInstanceUid: studyUid,
        seriesInstanceUid: series.seriesInstanceUid,
        seriesNumber: first?.seriesNumber ?? 1,
        modality: first?.modality ?? 'OT',
        instanceCount: series.instances.size,
      };
    });
  }

  /** The instances of a series, in instance-number order, or undefined when unknown. */
  instances(studyUid: string, seriesUid: string): SyntheticInstance[] | undefined {
    const seeded = this.#seeded.get(studyUid);
    if (seeded !== undefined) {
      const series = seriesOfStudy(seeded).find((candidate) => candidate.seriesInstanceUid === seriesUid);
      return series === undefined ? undefined : seededInstances(seeded, series);
    }
    const stored = this.shared.study(studyUid)?.series.get(seriesUid);
    if (stored === undefined) return undefined;
    return instancesInOrder(stored).map((instance) => instance.attributes);
  }

  /** One instance's attributes, or undefined. */
  instance(studyUid: string, seriesUid: string, sopUid: string): SyntheticInstance | undefined {
    if (this.#seeded.has(studyUid)) {
      const key = `${studyUid}/${seriesUid}`;
      let byUid = this.#seededSeriesIndex.get(key);
      if (byUid === undefined) {
        // Seeded instance UIDs derive from the series UID and a number: build the series' index once.
        byUid = new Map((this.instances(studyUid, seriesUid) ?? []).map((instance) => [instance.sopInstanceUid, instance]));
        if (this.#seededSeriesIndex.size >= SEEDED_SERIES_INDEX_ENTRIES) this.#seededSeriesIndex.delete(this.#seededSeriesIndex.keys().next().value!);
        this.#seededSeriesIndex.set(key, byUid);
      }
      return byUid.get(sopUid);
    }
    return this.shared.instance(studyUid, seriesUid, sopUid)?.attributes;
  }

  /** The study-level facts a series or instance search matches on, or undefined when the study is unknown. */
  studyFacts(studyUid: string): StudyFacts | undefined {
    const seeded = this.#seeded.get(studyUid);
    if (seeded !== undefined) {
      const text = (tag: string): string => {
        const value = seeded[tag]?.Value?.[0];
        return typeof value === 'string' ? value : '';
      };
      return { patientId: text(StudyTag.PatientID), accessionNumber: text(StudyTag.AccessionNumber), studyDate: text(StudyTag.StudyDate) };
    }
    const first = this.shared.study(studyUid)?.series.values().next().value?.instances.values().next().value?.attributes;
    return first === undefined ? undefined : { patientId: first.patientId, accessionNumber: first.accessionNumber, studyDate: first.studyDate };
  }

  /** A received instance with its bytes (undefined for seeded studies and unknown UIDs). */
  receivedInstance(studyUid: string, seriesUid: string, sopUid: string): StoredInstance | undefined {
    return this.#seeded.has(studyUid) ? undefined : this.shared.instance(studyUid, seriesUid, sopUid);
  }

  /** Study-level DICOM JSON of every received study (seeded ones are served by the /studies index already), least recently stored first. */
  storedStudyObjects(): DicomJsonObject[] {
    return this.shared
      .studies()
      .filter((study) => !this.#seeded.has(study.studyInstanceUid))
      .map(storedStudyObject);
  }
}

function seededInstances(study: DicomJsonObject, series: SyntheticSeries): SyntheticInstance[] {
  return Array.from({ length: series.instanceCount }, (_, index) => instanceOfSeries(study, series, index + 1));
}

/** The study-level attributes QIDO /studies returns (PS3.18 Table 10.6.3-3), from a received study. */
function storedStudyObject(study: StoredStudyEntry): DicomJsonObject {
  const series = [...study.series.values()];
  const first = series[0]?.instances.values().next().value?.attributes;
  const modalities = [...new Set(series.map((one) => one.instances.values().next().value?.attributes.modality ?? 'OT'))];
  const object: DicomJsonObject = {
    [StudyTag.SpecificCharacterSet]: { vr: 'CS', Value: ['ISO_IR 192'] },
    [StudyTag.StudyDate]: { vr: 'DA', Value: [first?.studyDate ?? ''] },
  };
  if (first?.studyTime !== undefined) object[StudyTag.StudyTime] = { vr: 'TM', Value: [first.studyTime] };
  object[StudyTag.AccessionNumber] = { vr: 'SH', Value: [first?.accessionNumber ?? ''] };
  object[StudyTag.InstanceAvailability] = { vr: 'CS', Value: ['ONLINE'] };
  object[StudyTag.ModalitiesInStudy] = { vr: 'CS', Value: modalities };
  if (first?.studyDescription !== undefined) object[StudyTag.StudyDescription] = { vr: 'LO', Value: [first.studyDescription] };
  object[StudyTag.PatientName] = { vr: 'PN', Value: [{ Alphabetic: first?.patientName ?? '' }] };
  object[StudyTag.PatientID] = { vr: 'LO', Value: [first?.patientId ?? ''] };
  object[StudyTag.StudyInstanceUID] = { vr: 'UI', Value: [study.studyInstanceUid] };
  object[StudyTag.NumberOfStudyRelatedSeries] = { vr: 'IS', Value: [study.series.size] };
  object[StudyTag.NumberOfStudyRelatedInstances] = { vr: 'IS', Value: [study.instanceCount] };
  return object;
}
