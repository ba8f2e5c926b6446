/**
 * Sizes in a profile (`imageSize: 512KiB`, `10MB`, or a number of bytes):
 * decimal units are powers of 1000, binary units (KiB, MiB, GiB) powers of
 * 1024, as IEC 80000-13 writes them. Parses to a whole number of bytes.
 */
import { z } from 'zod';
import { problemText } from './problems.js';
import type { UnitParse } from './units.js';

const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

export const BYTE_SIZE_JSON_PATTERN = '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*([kKmMgG]i?[bB]|[bB])?\\s*$';

/** Parses `512KiB`, `0.5MiB`, `10MB`, `4096`, or a number; the result is rounded up to whole bytes. */
export function tryParseByteSize(input: string | number): UnitParse {
  const text = String(input).trim();
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)$/.exec(text);
  if (match === null) {
    return { ok: false, message: `\`${text}\` is not a size`, fix: 'write a number with a unit, e.g. `512KiB`, `10MB` or `16MiB`' };
  }
  const unit = (match[2] ?? '').toLowerCase();
  const factor = unit === '' ? 1 : UNIT_BYTES[unit];
  if (factor === undefined) {
    return { ok: false, message: `\`${match[2]}\` is not a size unit`, fix: 'use B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024)' };
  }
  const bytes = Math.ceil(Number(match[1]) * factor);
  if (!(bytes >= 1)) return { ok: false, message: `\`${text}\` is zero; a size must be at least 1 byte`, fix: 'write e.g. `512KiB`' };
  return { ok: true, value: bytes };
}

/** A size field: text with a unit or a plain number of bytes, at most `maxBytes`. */
export function byteSizeField(info: { description: string; example: string; maxBytes: number }) {
  return z
    .union([z.string(), z.number()], {
      error: () => problemText('must be a size such as `512KiB`', `write e.g. \`${info.example}\``),
    })
    .meta({ description: info.description, examples: [info.example], pattern: BYTE_SIZE_JSON_PATTERN })
    .transform((input, ctx) => {
      const parsed = tryParseByteSize(input);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: problemText(parsed.message, parsed.fix) });
        return z.NEVER;
      }
      if (parsed.value > info.maxBytes) {
        ctx.addIssue({
          code: 'custom',
          message: problemText(`\`${String(input).trim()}\` is too large; at most ${info.maxBytes} bytes`, `write e.g. \`${info.example}\``),
        });
        return z.NEVER;
      }
      return parsed.value;
    });
}
