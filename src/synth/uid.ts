/**
 * Synthetic UIDs under the 2.25 root (PS3.5 section B.2: a UUID written as one
 * decimal integer), with the UUID version set to 8 ("custom", RFC 9562 section
 * 5.8) and the RFC variant bits, so the value is a well-formed UUID that says
 * it was not randomly generated. The longest result is 2.25. plus 39 digits,
 * within the 64-character UI limit.
 *
 * `hashedUid` takes its 128 bits from a SHA-256 of a label: as many distinct
 * UIDs as distinct labels. `syntheticUid` takes them from a seeded generator,
 * whose 32-bit state allows only 2^32 distinct streams (two collide after some
 * 65,000): it is for the simulator's own seeded data, never for what pacs-load
 * sends (src/synth/identity.ts allocates those).
 */
import { createHash } from 'node:crypto';
import type { Random } from './random.js';

export const SYNTHETIC_UID_ROOT = '2.25';

export function syntheticUid(random: Random): string {
  const words = [0, 1, 2, 3].map(() => BigInt(Math.floor(random() * 0x1_0000_0000)));
  let value = 0n;
  for (const word of words) value = (value << 32n) | word;
  return `${SYNTHETIC_UID_ROOT}.${uuidInteger(value).toString(10)}`;
}

/** The UID of `label`: the first 128 bits of its SHA-256 as a version 8 UUID. */
export function hashedUid(label: string): string {
  return digestUid(createHash('sha256').update(label).digest());
}

/** The first 128 bits of `digest` (at least 16 bytes) as a 2.25 UID. */
export function digestUid(digest: Buffer): string {
  const value = (digest.readBigUInt64BE(0) << 64n) | digest.readBigUInt64BE(8);
  return `${SYNTHETIC_UID_ROOT}.${uuidInteger(value).toString(10)}`;
}

/** `value` with the version nibble (bits 76-79 from the right) 8 and the variant (bits 62-63) 0b10 (RFC 9562 sections 4.1, 4.2). */
function uuidInteger(value: bigint): bigint {
  const versioned = (value & ~(0xfn << 76n)) | (0x8n << 76n);
  return (versioned & ~(0x3n << 62n)) | (0x2n << 62n);
}
