/**
 * The Q/R and MPPS scenario keys: patients, level, moveDestination,
 * storeScpPort (qr.*), and stations/modality for mpps.*, each problem with its path and fix.
 */
import { describe, expect, it } from 'vitest';
import { valid, problemAt } from '../../helpers/profile-validation.js';

const ITERATIONS = { executor: 'iterations', iterations: 2 };

function withScenario(scenario: Record<string, unknown>): unknown {
  return { name: 'test', scenarios: { s: { ...ITERATIONS, ...scenario } } };
}

describe('Q/R scenario keys', () => {
  it('accepts the new operations and leaves the defaults to them', () => {
    for (const operation of ['qr.find', 'qr.move', 'qr.get', 'mpps.inProgress', 'mpps.completed']) {
      const [scenario] = valid(withScenario({ operation })).scenarios;
      expect(scenario?.operation).toBe(operation);
      expect(scenario?.params.patients).toBeUndefined();
      expect(scenario?.params.level).toBeUndefined();
      expect(scenario?.params.moveDestination).toBeUndefined();
      expect(scenario?.params.storeScpPort).toBeUndefined();
    }
  });

  it('resolves every key where it applies', () => {
    const [find] = valid(withScenario({ operation: 'qr.find', patients: 250, level: 'series' })).scenarios;
    expect(find?.params).toMatchObject({ patients: 250, level: 'series' });
    const [move] = valid(withScenario({ operation: 'qr.move', moveDestination: ' PACSLOAD-SCP ', storeScpPort: 11113 })).scenarios;
    expect(move?.params).toMatchObject({ moveDestination: 'PACSLOAD-SCP', storeScpPort: 11113 });
    const [mpps] = valid(withScenario({ operation: 'mpps.completed', stations: 20, modality: 'MR' })).scenarios;
    expect(mpps?.params).toMatchObject({ stations: 20, modality: 'MR' });
  });

  it('rejects a key used with an operation it does not apply to, naming the ones it does', () => {
    const problem = problemAt(withScenario({ operation: 'qr.find', moveDestination: 'X' }), 'scenarios.s.moveDestination');
    expect(problem.message).toContain('does not apply to operation qr.find');
    expect(problem.fix).toContain('qr.move');
    expect(problemAt(withScenario({ operation: 'mwl.find', patients: 3 }), 'scenarios.s.patients').fix).toContain('qr.find, qr.move, qr.get');
    expect(problemAt(withScenario({ operation: 'qr.get', level: 'series' }), 'scenarios.s.level').message).toContain('qr.get');
  });

  it('rejects an unknown level with the valid ones', () => {
    const problem = problemAt(withScenario({ operation: 'qr.find', level: 'image' }), 'scenarios.s.level');
    expect(problem.message).toContain('unknown query level `image`');
    expect(problem.fix).toContain('study, series');
  });

  it('rejects a move destination that is not an AE title (PS3.5 Table 6.2-1)', () => {
    const tooLong = problemAt(withScenario({ operation: 'qr.move', moveDestination: 'A-VERY-LONG-AE-TITLE' }), 'scenarios.s.moveDestination');
    expect(tooLong.message).toContain('is not an AE title');
    expect(tooLong.fix).toContain('moveDestination: PACSLOAD-SCP');
    expect(problemAt(withScenario({ operation: 'qr.move', moveDestination: 'A\\B' }), 'scenarios.s.moveDestination').message).toContain(
      'no backslash',
    );
    expect(problemAt(withScenario({ operation: 'qr.move', moveDestination: '   ' }), 'scenarios.s.moveDestination').message).toContain(
      'is not an AE title',
    );
  });

  it('rejects out-of-range numbers with the range', () => {
    expect(problemAt(withScenario({ operation: 'qr.move', storeScpPort: 70000 }), 'scenarios.s.storeScpPort').message).toContain(
      'from 0 to 65535',
    );
    expect(problemAt(withScenario({ operation: 'qr.find', patients: 0 }), 'scenarios.s.patients').message).toContain('from 1 to 999999');
  });
});
