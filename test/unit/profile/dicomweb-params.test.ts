/**
 * The scenario keys of the DICOMweb operations of issue 4 (qido.series,
 * qido.instances, wado.*, stow.study) and the simulator's `throttleRate`: what
 * they resolve to, and the message and fix when one is misused.
 */
import { describe, expect, it } from 'vitest';
import { DICOMWEB_OPERATIONS, OPERATION_NAMES } from '../../../src/metrics/names.js';
import { valid, problemAt } from '../../helpers/profile-validation.js';

type Raw = Record<string, unknown>;

const RUN = { executor: 'constant-arrival-rate', rate: '10/s', duration: '30s' };

function withScenario(scenario: Raw, overrides: Raw = {}): Raw {
  return { name: 'test', scenarios: { s: { ...RUN, ...scenario } }, ...overrides };
}

const NEW_OPERATIONS = ['qido.series', 'qido.instances', 'wado.metadata', 'wado.instance', 'wado.frames', 'wado.rendered', 'stow.study'];

describe('DICOMweb operations of issue 4', () => {
  it('are operation names and DICOMweb operations', () => {
    for (const name of NEW_OPERATIONS) {
      expect(OPERATION_NAMES).toContain(name);
      expect(DICOMWEB_OPERATIONS).toContain(name);
    }
  });

  it('each validate with the default modality', () => {
    for (const operation of NEW_OPERATIONS) {
      const scenario = valid(withScenario({ operation })).scenarios[0]!;
      expect(scenario.operation).toBe(operation);
      expect(scenario.params.modality).toBe('CT');
    }
  });

  it('take limit for qido.series and qido.instances', () => {
    expect(valid(withScenario({ operation: 'qido.series', limit: 20 })).scenarios[0]!.params.limit).toBe(20);
    expect(valid(withScenario({ operation: 'qido.instances', limit: 500, modality: 'MR' })).scenarios[0]!.params).toMatchObject({
      limit: 500,
      modality: 'MR',
    });
  });

  it('reject limit for a WADO operation, naming where it applies', () => {
    const problem = problemAt(withScenario({ operation: 'wado.frames', limit: 10 }), 'scenarios.s.limit');
    expect(problem.message).toBe('`limit` does not apply to operation wado.frames');
    expect(problem.fix).toBe('remove it (it is a setting of qido.studies, qido.series, qido.instances)');
  });

  it('resolve stow.study images, imageSize and imagesPerRequest', () => {
    const params = valid(withScenario({ operation: 'stow.study', images: 100, imageSize: '512KiB', imagesPerRequest: 25, modality: 'MR' }))
      .scenarios[0]!.params;
    expect(params).toMatchObject({ images: 100, imageSizeBytes: 512 * 1024, imagesPerRequest: 25, modality: 'MR' });
    expect(valid(withScenario({ operation: 'stow.study' })).scenarios[0]!.params.imagesPerRequest).toBeUndefined();
  });

  it('reject imagesPerRequest for another operation, and a bad value', () => {
    const elsewhere = problemAt(withScenario({ operation: 'dimse.echo', imagesPerRequest: 5 }), 'scenarios.s.imagesPerRequest');
    expect(elsewhere.message).toBe('`imagesPerRequest` does not apply to operation dimse.echo');
    expect(elsewhere.fix).toBe('remove it (it is a setting of stow.study)');
    const zero = problemAt(withScenario({ operation: 'stow.study', imagesPerRequest: 0 }), 'scenarios.s.imagesPerRequest');
    expect(zero.message).toBe('must be at least 1, not 0');
    expect(zero.fix).toBe('write e.g. `imagesPerRequest: 50`');
  });
});

describe('simulator.throttleRate', () => {
  it('resolves a percentage or a fraction, and is left out at 0', () => {
    expect(valid(withScenario({ operation: 'qido.series' }, { simulator: { throttleRate: '5%' } })).simulator.faults.throttleRate).toBe(0.05);
    expect(valid(withScenario({ operation: 'qido.series' }, { simulator: { throttleRate: 0.2 } })).simulator.faults.throttleRate).toBe(0.2);
    expect('throttleRate' in valid(withScenario({ operation: 'qido.series' })).simulator.faults).toBe(false);
  });

  it('rejects a share above 1 with a fix', () => {
    const problem = problemAt(withScenario({ operation: 'qido.series' }, { simulator: { throttleRate: 5 } }), 'simulator.throttleRate');
    expect(problem.message).toBe('5 is not a fraction from 0 to 1');
    expect(problem.fix).toBe('write a percentage, e.g. `5%`, or a fraction such as 0.01');
  });
});
