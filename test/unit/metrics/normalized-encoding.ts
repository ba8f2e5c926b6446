import { build } from 'hdr-histogram-js';
import { decodeHistogram, encodeHistogram } from '../../../src/metrics/histogram.js';

/**
 * An encoded histogram re-encoded with a fixed header, so two encodings compare
 * equal exactly when their bucket counts are equal. The V2 encoding carries the
 * histogram's highestTrackableValue, which auto-resize sets by the order values
 * arrived in; everything else in it is the bucket counts.
 */
export function normalizedEncoding(encoded: string): string {
  const fixed = build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2 ** 40,
    numberOfSignificantValueDigits: 3,
  });
  fixed.add(decodeHistogram(encoded));
  return encodeHistogram(fixed);
}
