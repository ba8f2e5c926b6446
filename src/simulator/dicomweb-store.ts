/**
 * What the simulator's DICOMweb side holds: the seeded studies (their series
 * and instances derived on demand from src/synth/dicomweb-instances.ts, so
 * 100 studies of 700 images cost nothing until asked for) and the instances
 * stored by STOW-RS.
 *
 * Bounded on purpose, since a load test sends studies for hours: a stored
 * instance keeps only its header fields (about 0.5 KB: UIDs, patient, geometry),
 * never its bytes, and at most `maxStoredInstances` are kept; beyond that STOW
 * answers failure 0xA700 (out of resources), as a full archive does. WADO-RS
 * of a stored instance rebuilds it from those fields with the synthetic pixel
 * pattern, which is byte for byte what pacs-load itself sends; pixels of
 * another sender's instances are not reproduced.
 *
 * TODO(#4): the DIMSE side (C-STORE) keeps a store of its own; sharing one is
 * planned, not done.
 */
import { instanceOfSeries, seriesOfStudy, type SyntheticInstance, type SyntheticSeries } from '../synth/dicomweb-instances.js';
import { StudyTag, type DicomJsonObject } from '../synth/studies.js';

/** A series as the store answers for it. */
export interface StoreSeries {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  seriesNumber: number;
  modality: string;
  instanceCount: number;
}

/** The outcome of storing one instance (PS3.18 10.5.3: a failure has a reason code). */
export type StoreResult = { ok: true } | { ok: false; failureReason: number };

/** PS3.4 Annex GG / PS3.18 Table 10.5.3-2 failure reasons used here. */
export const FAILURE_OUT_OF_RESOURCES = 0xa700;
export const FAILURE_CANNOT_UNDERSTAND = 0xc000;

export const DEFAULT_MAX_STORED_INSTANCES = 200_000;
/** Seeded series indexes kept (a viewer reads a few series at a time; each index is about 1,000 records). */
const SEEDED_SERIES_INDEX_ENTRIES = 64;

interface StoredSeries {
  seriesNumber: number;
  modality: string;
  instances: Map<string, SyntheticInstance>;
}

interface StoredStudy {
  first: SyntheticInstance;
  series: Map<string, StoredSeries>;
}

export class DicomwebStore {
  readonly #seeded = new Map<string, DicomJsonObject>();
  readonly #stored = new Map<string, StoredStudy>();
  readonly #maxStored: number;
  /** Seeded series recently read instance by instance (WADO frames), indexed by SOP Instance UID. */
  readonly #seededSeriesIndex = new Map<string, Map<string, SyntheticInstance>>();
  #storedCount = 0;

  constructor(seededStudies: readonly DicomJsonObject[], maxStoredInstances: number = DEFAULT_MAX_STORED_INSTANCES) {
    for (const study of seededStudies) {
      const uid = study[StudyTag.StudyInstanceUID]?.Value?.[0];
      if (typeof uid === 'string') this.#seeded.set(uid, study);
    }
    this.#maxStored = maxStoredInstances;
  }

  /** Instances kept from STOW so far. */
  get storedInstances(): number {
    return this.#storedCount;
  }

  /** Stores one instance's fields; a second copy of the same SOP Instance UID replaces the first. */
  store(instance: SyntheticInstance): StoreResult {
    if (this.#seeded.has(instance.studyInstanceUid)) return { ok: true };
    let study = this.#stored.get(instance.studyInstanceUid);
    let series = study?.series.get(instance.seriesInstanceUid);
    const isNew = series?.instances.has(instance.sopInstanceUid) !== true;
    if (isNew && this.#storedCount >= this.#maxStored) return { ok: false, failureReason: FAILURE_OUT_OF_RESOURCES };
    if (study === undefined) {
      study = { first: instance, series: new Map() };
      this.#stored.set(instance.studyInstanceUid, study);
    }
    if (series === undefined) {
      series = { seriesNumber: instance.seriesNumber, modality: instance.modality, instances: new Map() };
      study.series.set(instance.seriesInstanceUid, series);
    }
    series.instances.set(instance.sopInstanceUid, instance);
    if (isNew) this.#storedCount++;
    return { ok: true };
  }

  /** The series of a study, or undefined when the study is unknown. */
  series(studyUid: string): StoreSeries[] | undefined {
    const seeded = this.#seeded.get(studyUid);
    if (seeded !== undefined) {
      return seriesOfStudy(seeded).map((series) => ({ studyInstanceUid: studyUid, ...series }));
    }
    const stored = this.#stored.get(studyUid);
    if (stored === undefined) return undefined;
    return [...stored.series].map(([seriesInstanceUid, series]) => ({
      studyInstanceUid: studyUid,
      seriesInstanceUid,
      seriesNumber: series.seriesNumber,
      modality: series.modality,
      instanceCount: series.instances.size,
    }));
  }

  /** The instances of a series, in instance-number order, or undefined when unknown. */
  instances(studyUid: string, seriesUid: string): SyntheticInstance[] | undefined {
    const seeded = this.#seeded.get(studyUid);
    if (seeded !== undefined) {
      const series = seriesOfStudy(seeded).find((candidate) => candidate.seriesInstanceUid === seriesUid);
      return series === undefined ? undefined : seededInstances(seeded, series);
    }
    const stored = this.#stored.get(studyUid)?.series.get(seriesUid);
    if (stored === undefined) return undefined;
    return [...stored.instances.values()].sort((a, b) => a.instanceNumber - b.instanceNumber);
  }

  /** One instance, or undefined. */
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
    return this.#stored.get(studyUid)?.series.get(seriesUid)?.instances.get(sopUid);
  }

  /** Study-level DICOM JSON of every stored study (seeded ones are served by the /studies index already). */
  storedStudyObjects(): DicomJsonObject[] {
    return [...this.#stored].map(([studyUid, study]) => storedStudyObject(studyUid, study));
  }
}

function seededInstances(study: DicomJsonObject, series: SyntheticSeries): SyntheticInstance[] {
  return Array.from({ length: series.instanceCount }, (_, index) => instanceOfSeries(study, series, index + 1));
}

/** The study-level attributes QIDO /studies returns (PS3.18 Table 10.6.3-3), from a stored study. */
function storedStudyObject(studyUid: string, study: StoredStudy): DicomJsonObject {
  const { first } = study;
  const modalities = [...new Set([...study.series.values()].map((series) => series.modality))];
  const instanceCount = [...study.series.values()].reduce((sum, series) => sum + series.instances.size, 0);
  return {
    [StudyTag.SpecificCharacterSet]: { vr: 'CS', Value: ['ISO_IR 192'] },
    [StudyTag.StudyDate]: { vr: 'DA', Value: [first.studyDate] },
    [StudyTag.AccessionNumber]: { vr: 'SH', Value: [first.accessionNumber] },
    [StudyTag.InstanceAvailability]: { vr: 'CS', Value: ['ONLINE'] },
    [StudyTag.ModalitiesInStudy]: { vr: 'CS', Value: modalities },
    [StudyTag.PatientName]: { vr: 'PN', Value: [{ Alphabetic: first.patientName }] },
    [StudyTag.PatientID]: { vr: 'LO', Value: [first.patientId] },
    [StudyTag.StudyInstanceUID]: { vr: 'UI', Value: [studyUid] },
    [StudyTag.NumberOfStudyRelatedSeries]: { vr: 'IS', Value: [study.series.size] },
    [StudyTag.NumberOfStudyRelatedInstances]: { vr: 'IS', Value: [instanceCount] },
  };
}
