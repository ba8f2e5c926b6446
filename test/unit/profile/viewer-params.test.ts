/**
 * The scenario keys of `viewer.open` (issue 4 item 3): `modality` and
 * `maxFramesInFlight`, what they resolve to, and the message and fix when one
 * is misused.
 */
import { describe, expect, it } from 'vitest';
import { DICOMWEB_OPERATIONS, OPERATION_NAMES } from '../../../src/metrics/names.js';
import { valid, problemAt } from '../../helpers/profile-validation.js';

type Raw = Record<string, unknown>;

const RUN = { executor: 'constant-concurrency', users: 60, duration: '7m' };

function withScenario(scenario: Raw): Raw {
  return { name: 'test', scenarios: { s: { ...RUN, ...scenario } } };
}

describe('viewer.open scenario keys', () => {
  it('is an operation name and a DICOMweb operation', () => {
    expect(OPERATION_NAMES).toContain('viewer.open');
    expect(DICOMWEB_OPERATIONS).toContain('viewer.open');
  });

  it('defaults to CT studies and 100 frame requests in flight', () => {
    const scenario = valid(withScenario({ operation: 'viewer.open' })).scenarios[0]!;
    expect(scenario.operation).toBe('viewer.open');
    expect(scenario.params).toMatchObject({ modality: 'CT', maxFramesInFlight: 100 });
  });

  it('takes modality and maxFramesInFlight', () => {
    const params = valid(withScenario({ operation: 'viewer.open', modality: 'MR', maxFramesInFlight: 24 })).scenarios[0]!.params;
    expect(params).toMatchObject({ modality: 'MR', maxFramesInFlight: 24 });
  });

  it('rejects a maxFramesInFlight that is not a whole number from 1 to 10000, with a fix', () => {
    for (const value of [0, 10_001, 2.5]) {
      const problem = problemAt(withScenario({ operation: 'viewer.open', maxFramesInFlight: value }), 'scenarios.s.maxFramesInFlight');
      expect(problem.message).toMatch(value === 2.5 ? /whole number/ : /from 1 to 10000/);
      expect(problem.fix).toBe('write e.g. `maxFramesInFlight: 100`');
    }
    const text = problemAt(withScenario({ operation: 'viewer.open', maxFramesInFlight: '50' }), 'scenarios.s.maxFramesInFlight');
    expect(text.fix).toBe('remove the quotes: `maxFramesInFlight: 50`');
  });

  it('rejects maxFramesInFlight on another operation, and keys viewer.open does not take', () => {
    const elsewhere = problemAt(withScenario({ operation: 'wado.frames', maxFramesInFlight: 10 }), 'scenarios.s.maxFramesInFlight');
    expect(elsewhere.message).toBe('`maxFramesInFlight` does not apply to operation wado.frames');
    expect(elsewhere.fix).toBe('remove it (it is a setting of viewer.open)');
    const limit = problemAt(withScenario({ operation: 'viewer.open', limit: 10 }), 'scenarios.s.limit');
    expect(limit.message).toBe('`limit` does not apply to operation viewer.open');
  });

  it('leaves maxFramesInFlight out of other operations’ params', () => {
    expect(valid(withScenario({ operation: 'wado.frames' })).scenarios[0]!.params.maxFramesInFlight).toBeUndefined();
  });
});
