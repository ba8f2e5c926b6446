/**
 * Study sizes per modality for planning: the same shapes the tool sends
 * (src/synth/study-template.ts, built on docs/architecture.md section 6's figures), so a
 * plan's bandwidth is what a profile written from it puts on the wire.
 */
import { IMAGE_SHAPES, type StoreModality } from '../synth/study-template.js';

export interface StudySize {
  images: number;
  /** Pixel data bytes of one image (all frames); headers add a few hundred bytes. */
  bytesPerImage: number;
  bytesPerStudy: number;
}

/** Images and bytes of one synthetic study of `modality`. */
export function studySize(modality: StoreModality): StudySize {
  const shape = IMAGE_SHAPES[modality];
  const bytesPerImage = shape.rows * shape.columns * shape.frames * shape.samplesPerPixel * (shape.bitsAllocated / 8);
  return { images: shape.images, bytesPerImage, bytesPerStudy: bytesPerImage * shape.images };
}

/** Images and bytes of the average study of a mix (weights of any scale, at least one positive). */
export function averageStudy(mix: Readonly<Partial<Record<StoreModality, number>>>): { images: number; bytesPerStudy: number } {
  let total = 0;
  let images = 0;
  let bytes = 0;
  for (const [modality, weight] of Object.entries(mix) as Array<[StoreModality, number]>) {
    const size = studySize(modality);
    total += weight;
    images += weight * size.images;
    bytes += weight * size.bytesPerStudy;
  }
  return { images: images / total, bytesPerStudy: bytes / total };
}
