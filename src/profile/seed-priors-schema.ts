/**
 * The profile's `seedPriors` block (issue 14, item 6): before time zero, the
 * run stores prior studies for its synthetic patients on the target, so the
 * prior look-ups (`qr.find`, `qr.move`, `qr.get`, the priors search of
 * `viewer.open`) find real studies even on an empty PACS:
 *
 *   seedPriors:
 *     patients: 50            # PLSYN-000001 ... PLSYN-000050
 *     studiesPerPatient: 3    # dated 180, 360, 540 days ago
 *     modality: CR
 *     images: 2
 *     imageSize: 256KiB
 *     via: dimse              # C-STORE; `dicomweb`: STOW-RS
 *
 * Seeding is outside the measured time, like preflight; its figures are the
 * summary's `seedPriors` section.
 */
import type { z } from 'zod';
import { byteSizeField } from './byte-size.js';
import { asRecord, enumField, intField, objectField } from './fields.js';
import { problemText } from './problems.js';
import { STORE_MODALITY_NAMES } from './store-params.js';
import type { ResolvedTarget, SeedPriorsSettings } from './types.js';

export const SEED_VIA_NAMES = ['dimse', 'dicomweb'] as const;
/** Patients and studies beyond these are an archive migration, not a seeding step (see `migration`). */
export const MAX_SEED_PATIENTS = 10_000;
export const MAX_SEED_STUDIES_PER_PATIENT = 50;
export const MAX_SEED_STUDIES = 20_000;
export const MAX_SEED_IMAGES_PER_STUDY = 1_000;
/** One image of a prior: a CR is 10 MB, a tomosynthesis 354 MB; more is not a prior study. */
const MAX_SEED_IMAGE_SIZE_BYTES = 512 * 1024 ** 2;
export const DEFAULT_SEED_MODALITY = 'CR';

/**
 * Images per study and pixel data bytes per image of each modality's synthetic
 * study when `images` and `imageSize` are not given (src/synth/study-template.ts
 * IMAGE_SHAPES; the profile layer may not import synth, and a unit test keeps
 * the two equal). For the sanity limit on what a seeding sends.
 */
export const SEED_MODALITY_DEFAULTS: Readonly<Record<(typeof STORE_MODALITY_NAMES)[number], { images: number; imageSizeBytes: number }>> = {
  CT: { images: 680, imageSizeBytes: 512 * 512 * 2 },
  MR: { images: 570, imageSizeBytes: 512 * 256 * 2 },
  CR: { images: 2, imageSizeBytes: 2500 * 2000 * 2 },
  DX: { images: 2, imageSizeBytes: 2500 * 2000 * 2 },
  MG: { images: 4, imageSizeBytes: 4096 * 2048 * 2 },
  US: { images: 20, imageSizeBytes: 480 * 640 * 3 * 10 },
  MG_TOMO: { images: 1, imageSizeBytes: 2048 * 1664 * 2 * 52 },
};

/** The pixel data bytes a seeding sends in all (headers and protocol overhead aside). */
export function seedPixelBytes(settings: SeedPriorsSettings): number {
  const defaults = SEED_MODALITY_DEFAULTS[settings.modality as keyof typeof SEED_MODALITY_DEFAULTS];
  const images = settings.images ?? defaults.images;
  const imageSizeBytes = settings.imageSizeBytes ?? defaults.imageSizeBytes;
  return settings.patients * settings.studiesPerPatient * images * imageSizeBytes;
}

export const seedPriorsSchema = objectField(
  {
    patients: intField({
      description: 'Synthetic patients to seed priors for: PLSYN-000001 up to this number. The prior look-ups (qr.find, qr.move, qr.get) go round these patients unless a scenario sets `patients`.',
      example: '50',
      min: 1,
      max: MAX_SEED_PATIENTS,
    }),
    studiesPerPatient: intField({
      description: 'Prior studies per patient, the newest 180 days old, each next one 180 days older. Default 1.',
      example: '3',
      min: 1,
      max: MAX_SEED_STUDIES_PER_PATIENT,
    }).optional(),
    modality: enumField(STORE_MODALITY_NAMES, {
      description: `The modality of the seeded studies (the synthetic study dimse.store sends). Default ${DEFAULT_SEED_MODALITY}.`,
      noun: 'modality with a synthetic study',
    }).optional(),
    images: intField({
      description: 'Images per seeded study. Default per modality: CT 680, MR 570, CR 2, DX 2, MG 4, US 20, MG_TOMO 1.',
      example: '2',
      min: 1,
      max: MAX_SEED_IMAGES_PER_STUDY,
    }).optional(),
    imageSize: byteSizeField({
      description: 'Pixel data per image, e.g. `256KiB`, `10MB`. Default per modality (CR 10 MB, CT 0.5 MiB ...).',
      example: '256KiB',
      maxBytes: MAX_SEED_IMAGE_SIZE_BYTES,
    }).optional(),
    via: enumField(SEED_VIA_NAMES, {
      description: 'How the priors are stored: `dimse` (C-STORE) or `dicomweb` (STOW-RS). Default: dimse when the target has `dimse` (or there is no target), else dicomweb.',
      noun: 'way to store',
    }).optional(),
  },
  {
    description:
      'Before time zero (not measured), store prior studies for the synthetic patients the prior look-ups ask for, so a run against an empty PACS retrieves real studies. The summary\'s `seedPriors` says what was stored; if nothing could be stored the run fails (ERR_SEED_FAILED).',
    example: '{ patients: 50, studiesPerPatient: 3, modality: CR, images: 2, imageSize: 256KiB }',
  },
);

type SeedPriorsInput = z.output<typeof seedPriorsSchema>;

/** Checks that relate `seedPriors` to the rest of the profile; `raw` is the profile as written. */
export function checkSeedPriors(raw: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const block = asRecord(raw.seedPriors);
  if (block === undefined) return;
  const patients = block.patients;
  const perPatient = block.studiesPerPatient ?? 1;
  if (typeof patients === 'number' && typeof perPatient === 'number' && patients * perPatient > MAX_SEED_STUDIES) {
    ctx.addIssue({
      code: 'custom',
      path: ['seedPriors'],
      message: problemText(
        `${patients} patients x ${perPatient} studies is ${patients * perPatient} studies, more than the ${MAX_SEED_STUDIES} a seeding step sends`,
        'lower `patients` or `studiesPerPatient`; to load a large archive, run a `migration` profile instead',
      ),
    });
  }
  const target = asRecord(raw.target);
  if (target === undefined) return;
  const via = block.via;
  if (via === 'dimse' && target.dimse === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['seedPriors', 'via'],
      message: problemText('`via: dimse` stores priors by C-STORE, but the target has no `dimse`', 'write `via: dicomweb` to store them by STOW-RS, or add `target.dimse`'),
    });
  }
  if (via === 'dicomweb' && target.dicomweb === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['seedPriors', 'via'],
      message: problemText('`via: dicomweb` stores priors by STOW-RS, but the target has no `dicomweb`', 'write `via: dimse` to store them by C-STORE, or add `target.dicomweb`'),
    });
  }
}

/** The resolved block: defaults applied, `via` chosen from the target. */
export function resolveSeedPriors(block: SeedPriorsInput, target: ResolvedTarget | undefined): SeedPriorsSettings {
  const via = block.via ?? (target === undefined || target.dimse !== undefined ? 'dimse' : 'dicomweb');
  return {
    patients: block.patients,
    studiesPerPatient: block.studiesPerPatient ?? 1,
    modality: block.modality ?? DEFAULT_SEED_MODALITY,
    images: block.images,
    imageSizeBytes: block.imageSize,
    via,
  };
}
