/**
 * The scenario keys of `dimse.store` (src/operations/dimse-store.ts): how big
 * a study is and how it travels. They join the scenario mapping
 * (scenario-schema.ts), which rejects them for other operations.
 */
import type { z } from 'zod';
import { byteSizeField } from './byte-size.js';
import { asRecord, enumField, intField, mapField } from './fields.js';
import { problemText } from './problems.js';
import type { OperationParams } from './types.js';

/**
 * Modalities with a synthetic study (src/synth/study-template.ts `STORE_MODALITIES`;
 * the profile layer may not import synth, and a unit test keeps the two equal).
 */
export const STORE_MODALITY_NAMES = ['CT', 'MR', 'CR', 'DX', 'MG', 'US', 'MG_TOMO'] as const;
export const STORE_TRANSFER_SYNTAX_NAMES = ['explicit-little-endian', 'implicit-little-endian'] as const;

/** 2 GiB: one image above that is not a study send but a different test. */
const MAX_IMAGE_SIZE_BYTES = 2 * 1024 ** 3;

export const storeParamShape = {
  images: intField({
    description:
      'dimse.store: images per study. Default per modality: CT 680, MR 570, CR 2, DX 2, MG 4, US 20 (multi-frame), MG_TOMO 1 (multi-frame).',
    example: '680',
    min: 1,
    max: 100_000,
  }).optional(),
  imageSize: byteSizeField({
    description:
      'dimse.store: pixel data per image, e.g. `512KiB`, `10MB` (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024). Default per modality: CT 0.5 MiB, MR 256 KiB, CR/DX 10 MB, MG 16 MiB, US 9.2 MB (10 RGB frames), MG_TOMO 354 MB (52 frames). Rows and columns keep the modality\'s aspect ratio, rounded up.',
    example: '512KiB',
    maxBytes: MAX_IMAGE_SIZE_BYTES,
  }).optional(),
  imagesPerAssociation: intField({
    description: 'dimse.store: images sent per association; a study needs as many associations as this divides it into. Default: the whole study on one.',
    example: '100',
    min: 1,
  }).optional(),
  transferSyntax: enumField(STORE_TRANSFER_SYNTAX_NAMES, {
    description: 'dimse.store: the only transfer syntax proposed and sent (PS3.5 A.1, A.2). Default explicit-little-endian.',
    noun: 'transfer syntax',
  }).optional(),
  mix: mapField(intField({ description: 'The weight of this modality (a whole number; 0 leaves it out).', example: '30', min: 0 }), {
    description:
      'dimse.store: send studies of several modalities in these proportions (e.g. `{ CT: 30, MR: 15, CR: 40, US: 10, MG: 5 }`), instead of one `modality`. `images` and `imageSize` apply to every modality of the mix.',
    example: '{ CT: 30, MR: 15, CR: 40 }',
  }).optional(),
};

/** Refinement for a `dimse.store` scenario: its modality (or every modality of its mix) must have a synthetic study. */
export function checkStoreParams(raw: Record<string, unknown>, ctx: z.RefinementCtx): void {
  checkMix(raw, ctx);
  const modality = raw.modality;
  if (typeof modality !== 'string' || (STORE_MODALITY_NAMES as readonly string[]).includes(modality)) return;
  ctx.addIssue({
    code: 'custom',
    path: ['modality'],
    message: problemText(
      `dimse.store has no synthetic study for modality \`${modality}\``,
      `use one of: ${STORE_MODALITY_NAMES.join(', ')}`,
    ),
  });
}

/** The resolved dimse.store parameters of a valid scenario. */
export function resolveStoreParams(scenario: {
  images?: number | undefined;
  imageSize?: number | undefined;
  imagesPerAssociation?: number | undefined;
  transferSyntax?: (typeof STORE_TRANSFER_SYNTAX_NAMES)[number] | undefined;
  mix?: Record<string, number> | undefined;
}): Pick<OperationParams, 'images' | 'imageSizeBytes' | 'imagesPerAssociation' | 'transferSyntax' | 'modalityMix'> {
  return {
    modalityMix: scenario.mix,
    images: scenario.images,
    imageSizeBytes: scenario.imageSize,
    imagesPerAssociation: scenario.imagesPerAssociation,
    transferSyntax: scenario.transferSyntax,
  };
}

function checkMix(raw: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const mix = asRecord(raw.mix);
  if (mix === undefined) return;
  if (raw.modality !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['mix'],
      message: problemText('`mix` and `modality` both say which studies to send', 'keep one: `mix` for several modalities, `modality` for one'),
    });
  }
  for (const key of Object.keys(mix)) {
    if ((STORE_MODALITY_NAMES as readonly string[]).includes(key)) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['mix', key],
      message: problemText(`dimse.store has no synthetic study for modality \`${key}\``, `use these keys: ${STORE_MODALITY_NAMES.join(', ')}`),
    });
  }
  const weights = Object.values(mix);
  if (!weights.some((weight) => typeof weight === 'number' && weight > 0)) {
    ctx.addIssue({ code: 'custom', path: ['mix'], message: problemText('`mix` has no modality with a weight above 0', 'give at least one modality a positive weight, e.g. `{ CT: 1 }`') });
  }
}
