/**
 * Synthetic UIDs under the 2.25 root (PS3.5 section B.2: a UUID written as one
 * decimal integer). The 128 bits come from the seeded generator, with the UUID
 * version set to 8 ("custom", RFC 9562 section 5.8) and the RFC variant bits, so
 * the value is a well-formed UUID that says it was not randomly generated.
 * The longest result is 2.25. plus 39 digits, within the 64-character UI limit.
 */
import type { Random } from './random.js';

export const SYNTHETIC_UID_ROOT = '2.25';

export function syntheticUid(random: Random): string {
  const words = [0, 1, 2, 3].map(() => BigInt(Math.floor(random() * 0x1_0000_0000)));
  let value = 0n;
  for (const word of words) value = (value << 32n) | word;
  // Version nibble (bits 76-79 from the right) = 8; variant (bits 62-63) = 0b10.
  value = (value & ~(0xfn << 76n)) | (0x8n << 76n);
  value = (value & ~(0x3n << 62n)) | (0x2n << 62n);
  return `${SYNTHETIC_UID_ROOT}.${value.toString(10)}`;
}
