/**
 * The JSON Schema of the profile file format, for editor completion and
 * validation (e.g. `# yaml-language-server: $schema=...` in a profile). It is
 * generated from the same zod schema that validates profiles, describing the
 * input as written (`30s`, `40/s`), not the resolved form. Draft-07, the draft
 * editors support best. The cross-key rules (which keys apply to which executor)
 * are checked by pacs-load itself; the schema documents them in descriptions.
 */
import { z } from 'zod';
import { profileSchema } from './schema.js';

/** The JSON Schema (draft-07) of a profile file; a fresh object on every call. */
export function profileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(profileSchema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
  return { ...schema, title: 'pacs-load profile' };
}
