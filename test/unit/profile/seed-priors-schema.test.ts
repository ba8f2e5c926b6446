/**
 * The `seedPriors` block (issue 14, item 6): defaults, `via` chosen from the
 * target, the look-ups' patients filled in from it, and every bad value named
 * with its path and a fix.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SEED_BYTES, sanityLimitProblems } from '../../../src/profile/limits.js';
import { profileJsonSchema } from '../../../src/profile/json-schema.js';
import { SEED_MODALITY_DEFAULTS } from '../../../src/profile/seed-priors-schema.js';
import { resolveShape, STORE_MODALITIES } from '../../../src/synth/study-template.js';
import { describeProfile } from '../../../src/profile/describe.js';
import { validateProfile } from '../../../src/profile/schema.js';
import { problemAt, valid } from '../../helpers/profile-validation.js';

const LOOKUPS = {
  find: { operation: 'qr.find', executor: 'iterations', iterations: 2 },
  get: { operation: 'qr.get', executor: 'iterations', iterations: 2, patients: 7 },
  echo: { operation: 'dimse.echo', executor: 'iterations', iterations: 2 },
};
const DIMSE = { host: '127.0.0.1', port: 4242, calledAe: 'ORTHANC' };
const DICOMWEB = { baseUrl: 'http://127.0.0.1:8042/dicom-web' };

function profile(seedPriors: unknown, extra: Record<string, unknown> = {}): unknown {
  return { name: 'test', seedPriors, scenarios: LOOKUPS, ...extra };
}

describe('seedPriors', () => {
  it('applies the defaults and makes the look-ups ask for the seeded patients unless a scenario says otherwise', () => {
    const resolved = valid(profile({ patients: 40 }));
    expect(resolved.seedPriors).toEqual({ patients: 40, studiesPerPatient: 1, modality: 'CR', images: undefined, imageSizeBytes: undefined, via: 'dimse' });
    const patientsOf = (name: string): number | undefined => resolved.scenarios.find((scenario) => scenario.name === name)?.params.patients;
    expect(patientsOf('find')).toBe(40);
    expect(patientsOf('get')).toBe(7);
    expect(patientsOf('echo')).toBeUndefined();
    // Without the block, nothing is filled in (the operations' default of 100 applies).
    expect(valid({ name: 'test', scenarios: LOOKUPS }).scenarios.find((scenario) => scenario.name === 'find')?.params.patients).toBeUndefined();
  });

  it('resolves every key, sizes with units', () => {
    const resolved = valid(profile({ patients: 5, studiesPerPatient: 3, modality: 'CT', images: 4, imageSize: '64KiB', via: 'dicomweb' }));
    expect(resolved.seedPriors).toEqual({ patients: 5, studiesPerPatient: 3, modality: 'CT', images: 4, imageSizeBytes: 65_536, via: 'dicomweb' });
  });

  it('chooses C-STORE when the target has DIMSE, STOW-RS when it has only DICOMweb', () => {
    const both = valid(profile({ patients: 2 }, { target: { dimse: DIMSE, dicomweb: DICOMWEB }, scenarios: { echo: LOOKUPS.echo } }));
    expect(both.seedPriors?.via).toBe('dimse');
    const webOnly = valid(profile({ patients: 2 }, { target: { dicomweb: DICOMWEB }, scenarios: { q: { operation: 'qido.studies', executor: 'iterations', iterations: 1 } } }));
    expect(webOnly.seedPriors?.via).toBe('dicomweb');
  });

  it('names a missing or bad patients count with its path and a fix', () => {
    expect(problemAt(profile({}), 'seedPriors.patients').fix).toContain('patients: 50');
    const zero = problemAt(profile({ patients: 0 }), 'seedPriors.patients');
    expect(zero.message).toContain('from 1 to 10000');
    expect(problemAt(profile({ patients: 2.5 }), 'seedPriors.patients').message).toContain('whole number');
    expect(problemAt(profile({ patients: '20' }), 'seedPriors.patients').fix).toContain('remove the quotes');
  });

  it('names bad studiesPerPatient, modality, images, imageSize and via', () => {
    expect(problemAt(profile({ patients: 2, studiesPerPatient: 51 }), 'seedPriors.studiesPerPatient').message).toContain('from 1 to 50');
    const modality = problemAt(profile({ patients: 2, modality: 'XA' }), 'seedPriors.modality');
    expect(modality.message).toContain('`XA`');
    expect(modality.fix).toContain('CT, MR, CR, DX, MG, US, MG_TOMO');
    expect(problemAt(profile({ patients: 2, images: 0 }), 'seedPriors.images').message).toContain('from 1 to 1000');
    expect(problemAt(profile({ patients: 2, imageSize: '10 parsecs' }), 'seedPriors.imageSize').fix).toContain('KiB');
    const via = problemAt(profile({ patients: 2, via: 'ftp' }), 'seedPriors.via');
    expect(via.message).toContain('`ftp`');
    expect(via.fix).toContain('dimse, dicomweb');
  });

  it('rejects unknown keys, suggesting the intended one', () => {
    const problem = problemAt(profile({ patients: 2, studiesPerPatients: 3 }), 'seedPriors.studiesPerPatients');
    expect(problem.message).toContain('unknown key');
    expect(problem.fix).toContain('studiesPerPatient');
  });

  it('bounds the seeding: more studies than a seeding step sends is an error that points to migration', () => {
    const problem = problemAt(profile({ patients: 10_000, studiesPerPatient: 3 }), 'seedPriors');
    expect(problem.message).toContain('30000 studies');
    expect(problem.fix).toContain('migration');
  });

  it('refuses a `via` the target cannot take', () => {
    const web = problemAt(profile({ patients: 2, via: 'dicomweb' }, { target: { dimse: DIMSE }, scenarios: { echo: LOOKUPS.echo } }), 'seedPriors.via');
    expect(web.message).toContain('no `dicomweb`');
    expect(web.fix).toContain('via: dimse');
    const dimse = problemAt(
      profile({ patients: 2, via: 'dimse' }, { target: { dicomweb: DICOMWEB }, scenarios: { q: { operation: 'qido.studies', executor: 'iterations', iterations: 1 } } }),
      'seedPriors.via',
    );
    expect(dimse.fix).toContain('via: dicomweb');
  });

  it('reports its problems together with the others of the profile', () => {
    const result = validateProfile({ name: 'test', seedPriors: { patients: 0, modality: 'XA' }, scenarios: { s: { operation: 'nope' } } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((problem) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['seedPriors.patients', 'seedPriors.modality', 'scenarios.s.operation']));
  });

  it('is in the JSON Schema with its descriptions, and `validate` describes it', () => {
    const schema = profileJsonSchema() as { properties: Record<string, { description?: string; properties?: Record<string, unknown>; required?: string[] }> };
    const block = schema.properties.seedPriors;
    expect(block?.description).toContain('Before time zero');
    expect(Object.keys(block?.properties ?? {})).toEqual(['patients', 'studiesPerPatient', 'modality', 'images', 'imageSize', 'via']);
    expect(block?.required).toEqual(['patients']);
    const lines = describeProfile(valid(profile({ patients: 50, studiesPerPatient: 3, images: 2 })));
    expect(lines).toContain('seed priors: 3 CR studies (2 images) each for 50 patients (PLSYN-000001 to PLSYN-000050) by C-STORE, before time zero');
  });

  it('knows each modality\'s default study size as the synthetic study has it', () => {
    expect(Object.keys(SEED_MODALITY_DEFAULTS)).toEqual([...STORE_MODALITIES]);
    for (const modality of STORE_MODALITIES) {
      const shape = resolveShape({ modality });
      const imageSizeBytes = shape.rows * shape.columns * shape.frames * shape.samplesPerPixel * (shape.bitsAllocated / 8);
      expect(SEED_MODALITY_DEFAULTS[modality], modality).toEqual({ images: shape.images, imageSizeBytes });
    }
  });

  it('a seeding beyond the sanity limit on bytes needs --force, with the path and the size', () => {
    // 10 CT priors of real size for 20 patients: 200 x 680 x 0.5 MiB = 71 GB.
    const large = valid(profile({ patients: 20, studiesPerPatient: 10, modality: 'CT' }));
    const [problem, ...others] = sanityLimitProblems(large);
    expect(others).toEqual([]);
    expect(problem?.path).toBe('seedPriors');
    expect(problem?.message).toContain('71.3 GB of pixel data, above the limit of 50 GB');
    expect(problem?.fix).toContain('--force');
    expect(MAX_SEED_BYTES).toBe(50e9);
    expect(sanityLimitProblems(valid(profile({ patients: 20, studiesPerPatient: 10, modality: 'CT', images: 100 })))).toEqual([]);
  });
});
