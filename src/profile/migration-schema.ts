/**
 * The profile's `migration` block (issue 7, item 3): it marks the profile as a
 * bulk move of prior studies (its dimse.store and stow.study scenarios), so the
 * summary states the sustained GB/hour and, given the archive's size, the time
 * to move it:
 *
 *   migration:
 *     archiveSize: 50TB     # optional; `pacs-load run --archive-size` overrides it
 *
 * Sizes are decimal (TB = 10^12 B) or binary (TiB = 2^40 B), as IEC 80000-13 writes them.
 */
import { z } from 'zod';
import { objectField, textOrNumberField } from './fields.js';
import { problemText } from './problems.js';
import type { UnitParse } from './units.js';

const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
};

/** Parses an archive size such as `50TB`, `1.5PB`, `800TiB` or a number of bytes. Never throws. */
export function tryParseArchiveSize(input: string | number): UnitParse {
  const text = String(input).trim();
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)$/.exec(text);
  const factor = match === null ? undefined : (match[2] ?? '') === '' ? 1 : UNIT_BYTES[(match[2] ?? '').toLowerCase()];
  if (match === null || factor === undefined) {
    return { ok: false, message: `\`${text}\` is not an archive size`, fix: 'write a number with a unit, e.g. `50TB`, `1.2PB` or `800TiB`' };
  }
  const bytes = Math.round(Number(match[1]) * factor);
  if (!(bytes >= 1)) return { ok: false, message: `\`${text}\` is zero`, fix: 'write e.g. `50TB`' };
  return { ok: true, value: bytes };
}

export const migrationSchema = objectField(
  {
    archiveSize: textOrNumberField({
      description: 'The size of the archive to move (e.g. `50TB`); the summary states the time to move it at the sustained rate. `run --archive-size` overrides it.',
      example: '50TB',
    })
      .transform((value, ctx) => {
        const parsed = tryParseArchiveSize(value);
        if (!parsed.ok) {
          ctx.addIssue({ code: 'custom', message: problemText(parsed.message, parsed.fix) });
          return z.NEVER;
        }
        return parsed.value;
      })
      .optional(),
  },
  {
    description: 'Marks a migration profile: its dimse.store and stow.study scenarios are the bulk move, and the summary states the sustained GB/hour and the time to move `archiveSize`.',
    example: '{ archiveSize: 50TB }',
  },
);
