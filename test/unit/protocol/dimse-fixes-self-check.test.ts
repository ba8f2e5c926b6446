/**
 * Issue 16, item 1: our dcmjs-dimse fixes are applied as the library loads,
 * and the start-up self-check refuses DIMSE work, with ERR_DIMSE_LIBRARY and a
 * hint, when they are not in effect. The absence is simulated with copies of
 * the installed library: one as another package loads it (no fixes), and one
 * whose text no longer matches a fix (as another version of it would).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PacsLoadError } from '../../../src/errors.js';
import { assertDimseFixesInEffect } from '../../../src/protocol/dimse/dcmjs.js';
import { DCMJS_DIMSE_FIXES } from '../../../src/protocol/dimse/dcmjs-dimse-fixes.js';
import { applyFixes, installedDcmjsDimseFile, loadDcmjsDimse, type DcmjsDimse } from '../../../src/protocol/dimse/load-dcmjs-dimse.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const installedFile = installedDcmjsDimseFile();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A copy of the installed library file, edited by `edit`, where its own `require`s still resolve (under the project's node_modules). */
async function libraryCopy(edit: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(join(REPO_ROOT, 'node_modules', '.dimse-fixes-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'build'));
  const file = join(dir, 'build', 'dcmjs-dimse.min.js');
  await writeFile(file, edit(await readFile(installedFile, 'utf8')));
  return file;
}

function refusal(run: () => void): PacsLoadError {
  try {
    run();
  } catch (error) {
    if (error instanceof PacsLoadError) return error;
    throw error;
  }
  throw new Error('the self-check did not refuse');
}

describe('dcmjs-dimse fixes and the start-up self-check', () => {
  it('passes for the library this process loaded, which carries every fix', () => {
    expect(() => assertDimseFixesInEffect()).not.toThrow();
    const loaded = loadDcmjsDimse(installedFile);
    expect(loaded.problem).toBeUndefined();
    expect((loaded.library as unknown as { pacsLoadFixes: string[] }).pacsLoadFixes).toEqual(DCMJS_DIMSE_FIXES.map((fix) => fix.id));
  });

  it('refuses the library as another package loads it, without the fixes', () => {
    const plain = createRequire(installedFile)(installedFile) as DcmjsDimse;
    const error = refusal(() => assertDimseFixesInEffect({ library: plain, file: installedFile }));
    expect(error.code).toBe('ERR_DIMSE_LIBRARY');
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(/^DIMSE refused: pacs-load's fixes to dcmjs-dimse are not in effect \(installed dcmjs-dimse 0\.3\.3 at /);
    expect(error.hint).toMatch(/Reinstall pacs-load/);
    expect(error.hint).toMatch(/npm ls dcmjs-dimse/);
  });

  it('refuses a library whose text no longer matches a fix, naming the fix, yet still loads it for its constants', async () => {
    const fix = DCMJS_DIMSE_FIXES.find((candidate) => candidate.id === '3')!;
    const file = await libraryCopy((text) => text.replace(fix.from, fix.from.replace('&&', ' && ')));
    const loaded = loadDcmjsDimse(file);
    expect(loaded.problem).toBe(`the text fix 3 replaces occurs 0 times instead of once (${fix.defect})`);
    // DICOMweb-only work and the constants still need the library itself.
    expect(loaded.library.constants.Status.Success).toBe(0);
    const error = refusal(() => assertDimseFixesInEffect(loaded));
    expect(error.code).toBe('ERR_DIMSE_LIBRARY');
    expect(error.message).toContain(file);
    expect(error.message).toContain('fix 3');
  });

  it('accepts a file that already carries the fixes (a node_modules patched on disk by an earlier install)', async () => {
    const fixedOnDisk = await libraryCopy((text) => DCMJS_DIMSE_FIXES.reduce((result, fix) => result.replace(fix.from, fix.to), text));
    const loaded = loadDcmjsDimse(fixedOnDisk);
    expect(loaded.problem).toBeUndefined();
    expect(() => assertDimseFixesInEffect(loaded)).not.toThrow();
  });

  it('applies each fix once: every from text is gone and every to text is there once', async () => {
    const applied = applyFixes(await readFile(installedFile, 'utf8'), DCMJS_DIMSE_FIXES);
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    for (const fix of DCMJS_DIMSE_FIXES) {
      expect(applied.text.split(fix.from).length - 1, `fix ${fix.id} from`).toBe(0);
      expect(applied.text.split(fix.to).length - 1, `fix ${fix.id} to`).toBe(1);
    }
  });

  it('is the copy the library is installed as: package.json pins the version the fixes were written for', async () => {
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    const installed = JSON.parse(await readFile(join(installedFile, '../../package.json'), 'utf8')) as { version: string };
    expect(manifest.dependencies['dcmjs-dimse']).toBe(installed.version);
    // No install script is needed for the fixes (they did not run in users' installs).
    expect(manifest.scripts['postinstall']).toBeUndefined();
  });
});
