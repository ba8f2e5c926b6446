/**
 * The dimse.store scenario keys: images, imageSize, imagesPerAssociation,
 * transferSyntax, and the modality check, each problem with its path and fix.
 */
import { describe, expect, it } from 'vitest';
import { tryParseByteSize } from '../../../src/profile/byte-size.js';
import { valid, problemAt } from '../../helpers/profile-validation.js';

const STORE = { operation: 'dimse.store', executor: 'iterations', iterations: 2 };

function withScenario(scenario: Record<string, unknown>): unknown {
  return { name: 'test', scenarios: { s: scenario } };
}

describe('dimse.store scenario keys', () => {
  it('resolves the defaults: the modality\'s study, explicit VR, one association', () => {
    const [scenario] = valid(withScenario(STORE)).scenarios;
    expect(scenario?.params).toMatchObject({ modality: 'CT' });
    expect(scenario?.params.images).toBeUndefined();
    expect(scenario?.params.imageSizeBytes).toBeUndefined();
    expect(scenario?.params.imagesPerAssociation).toBeUndefined();
    expect(scenario?.params.transferSyntax).toBeUndefined();
  });

  it('resolves every key', () => {
    const [scenario] = valid(
      withScenario({ ...STORE, modality: 'MG', images: 8, imageSize: '16MiB', imagesPerAssociation: 2, transferSyntax: 'implicit-little-endian' }),
    ).scenarios;
    expect(scenario?.params).toMatchObject({
      modality: 'MG',
      images: 8,
      imageSizeBytes: 16 * 1024 * 1024,
      imagesPerAssociation: 2,
      transferSyntax: 'implicit-little-endian',
    });
  });

  it('takes a size as a plain number of bytes too', () => {
    expect(valid(withScenario({ ...STORE, imageSize: 4096 })).scenarios[0]?.params.imageSizeBytes).toBe(4096);
  });

  it('names a modality without a synthetic study', () => {
    const problem = problemAt(withScenario({ ...STORE, modality: 'XA' }), 'scenarios.s.modality');
    expect(problem.message).toContain('no synthetic study for modality `XA`');
    expect(problem.fix).toContain('CT, MR, CR, DX, MG, US');
  });

  it('rejects a size with an unknown unit, and says which units work', () => {
    const problem = problemAt(withScenario({ ...STORE, imageSize: '10 MBytes' }), 'scenarios.s.imageSize');
    expect(problem.message).toContain('`MBytes` is not a size unit');
    expect(problem.fix).toContain('KiB');
  });

  it('rejects a size that is too large or not a size', () => {
    expect(problemAt(withScenario({ ...STORE, imageSize: '3GiB' }), 'scenarios.s.imageSize').message).toContain('too large');
    expect(problemAt(withScenario({ ...STORE, imageSize: 'big' }), 'scenarios.s.imageSize').message).toContain('is not a size');
    expect(problemAt(withScenario({ ...STORE, imageSize: true }), 'scenarios.s.imageSize').fix).toContain('512KiB');
  });

  it('rejects an unknown transfer syntax with the valid ones', () => {
    const problem = problemAt(withScenario({ ...STORE, transferSyntax: 'explicit' }), 'scenarios.s.transferSyntax');
    expect(problem.fix).toContain('explicit-little-endian');
  });

  it('rejects zero images and zero images per association', () => {
    expect(problemAt(withScenario({ ...STORE, images: 0 }), 'scenarios.s.images').message).toContain('from 1 to 100000');
    expect(problemAt(withScenario({ ...STORE, imagesPerAssociation: 0 }), 'scenarios.s.imagesPerAssociation').message).toContain('at least 1');
  });

  it('rejects the keys for other operations', () => {
    const problem = problemAt(
      withScenario({ operation: 'mwl.find', executor: 'iterations', iterations: 1, images: 3 }),
      'scenarios.s.images',
    );
    expect(problem.message).toBe('`images` does not apply to operation mwl.find');
    expect(problem.fix).toContain('dimse.store');
  });
});

describe('dimse.store mix', () => {
  it('resolves a modality mix', () => {
    const [scenario] = valid(withScenario({ ...STORE, mix: { CT: 30, MR: 15, CR: 40, US: 10, MG: 5 } })).scenarios;
    expect(scenario?.params.modalityMix).toEqual({ CT: 30, MR: 15, CR: 40, US: 10, MG: 5 });
  });

  it('names a mix key without a synthetic study', () => {
    const problem = problemAt(withScenario({ ...STORE, mix: { CT: 1, PT: 2 } }), 'scenarios.s.mix.PT');
    expect(problem.message).toContain('no synthetic study for modality `PT`');
  });

  it('refuses mix together with modality, and a mix without a positive weight', () => {
    expect(problemAt(withScenario({ ...STORE, modality: 'CT', mix: { CT: 1 } }), 'scenarios.s.mix').fix).toContain('keep one');
    expect(problemAt(withScenario({ ...STORE, mix: { CT: 0 } }), 'scenarios.s.mix').message).toContain('no modality with a weight above 0');
  });

  it('is a dimse.store key only', () => {
    const problem = problemAt(withScenario({ operation: 'mwl.find', executor: 'iterations', iterations: 1, mix: { CT: 1 } }), 'scenarios.s.mix');
    expect(problem.message).toBe('`mix` does not apply to operation mwl.find');
  });
});

describe('tryParseByteSize', () => {
  it.each([
    ['512KiB', 524_288],
    ['0.5MiB', 524_288],
    ['10MB', 10_000_000],
    ['1 GiB', 1024 ** 3],
    ['4096', 4096],
    ['1.5kb', 1500],
  ])('%s is %i bytes', (text, bytes) => {
    expect(tryParseByteSize(text)).toEqual({ ok: true, value: bytes });
  });

  it('rejects zero', () => {
    expect(tryParseByteSize('0KiB').ok).toBe(false);
  });
});
