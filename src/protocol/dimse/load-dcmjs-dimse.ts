/**
 * Loads dcmjs-dimse with our fixes (dcmjs-dimse-fixes.ts) applied in memory.
 *
 * Why not patch-package: it runs from an install script, and a package's
 * install scripts do not run with `npm install --ignore-scripts`, under an
 * install-scripts allowlist that does not list the package (npm 11), or by
 * default under pnpm; and run from our package it finds the consumer's hoisted
 * dcmjs-dimse only by chance (it looks under the package's own directory).
 * Every one of those ran dcmjs-dimse unpatched, and every C-STORE failed.
 * Here the fixes travel with our code: the installed, unmodified file is read,
 * each fix replaces its exact text, and the result is compiled as the
 * CommonJS module the file is, with `require` resolving from the file's own
 * directory (so its dependencies are the same instances as everyone else's).
 *
 * When a fix's text is not found (another version of the library, or an edited
 * copy), the file is still loaded as it is, so that DICOMweb work and the
 * constants keep working, and the problem is kept for the self-check
 * (dcmjs.ts `assertDimseFixesInEffect`), which refuses DIMSE work.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import type * as DcmjsDimseModule from 'dcmjs-dimse';
import { DCMJS_DIMSE_FIXES, FIXES_MARKER, type DcmjsDimseFix } from './dcmjs-dimse-fixes.js';

export type DcmjsDimse = typeof DcmjsDimseModule;

export interface LoadedDcmjsDimse {
  library: DcmjsDimse;
  /** The file it was compiled from. */
  file: string;
  /** Why the fixes are not in effect; absent when every fix is. */
  problem?: string;
}

/** The installed dcmjs-dimse's main file, resolved as `import 'dcmjs-dimse'` would from here. */
export function installedDcmjsDimseFile(): string {
  return createRequire(import.meta.url).resolve('dcmjs-dimse');
}

/** Reads `file`, applies every fix, compiles it. Never throws for a fix that does not apply (see `problem`). */
export function loadDcmjsDimse(file: string): LoadedDcmjsDimse {
  const original = readFileSync(file, 'utf8');
  const patched = applyFixes(original, DCMJS_DIMSE_FIXES);
  if (!patched.ok) return { library: compileCommonJs(original, file), file, problem: patched.problem };
  return { library: compileCommonJs(patched.text, file), file };
}

type Applied = { ok: true; text: string } | { ok: false; problem: string };

/**
 * Each fix's `from` must occur exactly once. A text that already carries a
 * fix (its `to` once, its `from` nowhere: a node_modules patched on disk by
 * an earlier pacs-load) counts as fixed. Then the marker is added.
 */
export function applyFixes(source: string, fixes: readonly DcmjsDimseFix[]): Applied {
  let text = source;
  for (const fix of fixes) {
    const fromCount = occurrences(text, fix.from);
    if (fromCount === 1) text = text.replace(fix.from, () => fix.to);
    else if (fromCount === 0 && occurrences(text, fix.to) === 1) continue;
    else return { ok: false, problem: `the text fix ${fix.id} replaces occurs ${fromCount} times instead of once (${fix.defect})` };
  }
  if (occurrences(text, FIXES_MARKER.from) !== 1) return { ok: false, problem: 'its export object is not where the fixes marker goes' };
  return { ok: true, text: text.replace(FIXES_MARKER.from, () => FIXES_MARKER.to(fixes.map((fix) => fix.id))) };
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** Runs `source` as Node runs a CommonJS file at `file`, and returns its `module.exports`. */
function compileCommonJs(source: string, file: string): DcmjsDimse {
  const wrapper = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  const module = { exports: {} as unknown };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports as DcmjsDimse;
}
