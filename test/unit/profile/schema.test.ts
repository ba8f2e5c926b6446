/**
 * Every validation message of the profile schema, each with its path and fix
 * (docs/architecture.md section 5: every error names its path and the fix).
 */
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../src/errors.js';
import { OPERATION_NAMES } from '../../../src/metrics/names.js';
import { validateProfile } from '../../../src/profile/schema.js';
import { valid } from '../../helpers/profile-validation.js';

type Raw = Record<string, unknown>;

const WORKLIST = { operation: 'mwl.find', executor: 'constant-arrival-rate', rate: '10/s', duration: '30s' };

/** A minimal valid profile, with top-level keys replaced or added. */
function profile(overrides: Raw = {}): Raw {
  return { name: 'test', scenarios: { worklist: { ...WORKLIST } }, ...overrides };
}

/** A profile with one scenario `s`. */
function withScenario(scenario: Raw, overrides: Raw = {}): Raw {
  return profile({ scenarios: { s: scenario }, ...overrides });
}

function problemsOf(raw: unknown): Problem[] {
  const result = validateProfile(raw);
  if (result.ok) throw new Error('expected problems, but the profile is valid');
  return result.problems;
}

/** The one problem at `path`; fails with the whole list when there is none or several. */
function problemAt(raw: unknown, path: string): Problem {
  const problems = problemsOf(raw);
  const matches = problems.filter((p) => p.path === path);
  if (matches.length !== 1) {
    throw new Error(`expected one problem at "${path}", got:\n${JSON.stringify(problems, null, 2)}`);
  }
  return matches[0]!;
}

describe('a valid profile', () => {
  it('resolves with every default', () => {
    const resolved = valid(profile());
    expect(resolved).toEqual({
      name: 'test',
      description: undefined,
      target: undefined,
      simulator: {
        stations: 10,
        stepsPerStation: 5,
        studies: 50,
        faults: { latencyUs: 0, jitterUs: 0, errorRate: 0, stall: undefined, maxAssociations: 0 },
      },
      scenarios: [
        {
          name: 'worklist',
          operation: 'mwl.find',
          executor: { type: 'constant-arrival-rate', ratePerSec: 10, durationUs: 30_000_000, maxInFlight: 100 },
          startAfterUs: 0,
          gracefulStopUs: 30_000_000,
          params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined },
        },
      ],
      thresholds: [],
      options: { intervalUs: 1_000_000, preflight: true },
    });
  });

  it('resolves every executor', () => {
    const resolved = valid(
      profile({
        scenarios: {
          car: { operation: 'dimse.echo', executor: 'constant-arrival-rate', rate: '0.2/s', duration: '7m', maxInFlight: 5 },
          rar: {
            operation: 'mwl.find',
            executor: 'ramping-arrival-rate',
            startRate: '5/s',
            stages: [
              { duration: '2m', target: '40/s' },
              { duration: '1m', target: '0/s' },
            ],
            maxInFlight: 200,
            stations: 200,
            expectItems: 5,
          },
          cc: { operation: 'qido.studies', executor: 'constant-concurrency', users: 60, duration: '7m', limit: 100, modality: 'MR' },
          rc: { operation: 'qido.studies', executor: 'ramping-concurrency', stages: [{ duration: '1m', target: 20 }] },
          it: { operation: 'dimse.echo', executor: 'iterations', iterations: 100, startAfter: '10s', gracefulStop: '0s' },
        },
      }),
    );
    expect(resolved.scenarios.map((s) => s.executor)).toEqual([
      { type: 'constant-arrival-rate', ratePerSec: 0.2, durationUs: 420_000_000, maxInFlight: 5 },
      {
        type: 'ramping-arrival-rate',
        startRatePerSec: 5,
        stages: [
          { durationUs: 120_000_000, targetPerSec: 40 },
          { durationUs: 60_000_000, targetPerSec: 0 },
        ],
        maxInFlight: 200,
      },
      { type: 'constant-concurrency', users: 60, durationUs: 420_000_000 },
      { type: 'ramping-concurrency', startUsers: 0, stages: [{ durationUs: 60_000_000, targetUsers: 20 }] },
      { type: 'iterations', iterations: 100, users: 1, maxDurationUs: 600_000_000 },
    ]);
    expect(resolved.scenarios[1]!.params).toEqual({ stations: 200, modality: 'CT', expectItems: 5, limit: undefined });
    expect(resolved.scenarios[2]!.params).toEqual({ stations: 1, modality: 'MR', expectItems: undefined, limit: 100 });
    expect(resolved.scenarios[4]).toMatchObject({ startAfterUs: 10_000_000, gracefulStopUs: 0 });
  });

  it('resolves a target, trimming AE titles and the trailing slash of the base URL', () => {
    const resolved = valid(
      profile({
        target: {
          dimse: { host: '127.0.0.1', port: 4242, calledAe: ' ORTHANC ' },
          dicomweb: { baseUrl: 'http://127.0.0.1:8042/dicom-web/', auth: { bearerEnv: 'PACS_TOKEN' } },
        },
      }),
    );
    expect(resolved.target).toEqual({
      dimse: {
        host: '127.0.0.1',
        port: 4242,
        calledAe: 'ORTHANC',
        callingAe: 'PACSLOAD',
        connectTimeoutUs: 5_000_000,
        operationTimeoutUs: 30_000_000,
      },
      dicomweb: {
        baseUrl: 'http://127.0.0.1:8042/dicom-web',
        connections: 16,
        operationTimeoutUs: 30_000_000,
        auth: { kind: 'bearer', tokenEnv: 'PACS_TOKEN' },
      },
    });
  });

  it('resolves basic auth, the simulator knobs, options and thresholds', () => {
    const withBasic = valid(
      withScenario(
        { operation: 'qido.studies', executor: 'iterations', iterations: 1 },
        { target: { dicomweb: { baseUrl: 'https://pacs.test/dw', auth: { username: 'u', passwordEnv: 'PW' } } } },
      ),
    );
    expect(withBasic.target?.dicomweb?.auth).toEqual({ kind: 'basic', username: 'u', passwordEnv: 'PW' });

    const resolved = valid(
      profile({
        description: 'd',
        seed: 42,
        interval: '500ms',
        preflight: false,
        simulator: { stations: 3, latency: '20ms', jitter: '5ms', errorRate: '2%', stallAt: '10s', stallFor: '2s', maxAssociations: 4 },
        thresholds: {
          'mwl.find': ['p95 < 500ms', { threshold: 'errors < 1%', abortOnFail: true, delayAbortEval: '30s' }],
          worklist: ['rate >= 9/s'],
        },
      }),
    );
    expect(resolved.description).toBe('d');
    expect(resolved.options).toEqual({ intervalUs: 500_000, preflight: false, seed: 42 });
    expect(resolved.simulator).toEqual({
      stations: 3,
      stepsPerStation: 5,
      studies: 50,
      faults: { latencyUs: 20_000, jitterUs: 5_000, errorRate: 0.02, stall: { atUs: 10_000_000, durationUs: 2_000_000 }, maxAssociations: 4 },
    });
    expect(resolved.thresholds).toEqual([
      { subject: 'mwl.find', expression: { source: 'p95 < 500ms', metric: 'p95', comparator: '<', value: 500_000 }, abortOnFail: false, delayAbortEvalUs: 0 },
      { subject: 'mwl.find', expression: { source: 'errors < 1%', metric: 'errors', comparator: '<', value: 0.01 }, abortOnFail: true, delayAbortEvalUs: 30_000_000 },
      { subject: 'worklist', expression: { source: 'rate >= 9/s', metric: 'rate', comparator: '>=', value: 9 }, abortOnFail: false, delayAbortEvalUs: 0 },
    ]);
  });

  it('accepts an error rate as a fraction', () => {
    expect(valid(profile({ simulator: { errorRate: 0.02 } })).simulator.faults.errorRate).toBe(0.02);
  });
});

describe('unknown keys', () => {
  it('are errors at the top level, with a spelling suggestion and the valid keys', () => {
    const problem = problemAt(profile({ scenario: {} }), 'scenario');
    expect(problem.message).toBe('unknown key `scenario`');
    expect(problem.fix).toContain('did you mean `scenarios`?');
    expect(problem.fix).toContain('valid keys here: name, description, seed, identities, uidRoot, interval, preflight, target, simulator, migration, seedPriors, scenarios, thresholds, $schema');
  });

  it('are errors in nested mappings', () => {
    const raw = profile({ target: { dimse: { host: 'h', port: 1, calledAe: 'A', calledAET: 'B' } } });
    const problem = problemAt(raw, 'target.dimse.calledAET');
    expect(problem.message).toBe('unknown key `calledAET`');
    expect(problem.fix).toContain('did you mean `calledAe`?');
  });

  it('are errors in scenarios, stages and threshold options', () => {
    expect(problemAt(withScenario({ ...WORKLIST, durration: '5m' }), 'scenarios.s.durration').fix).toContain(
      'did you mean `duration`?',
    );
    const ramp = { operation: 'mwl.find', executor: 'ramping-arrival-rate', stages: [{ duration: '1m', target: '5/s', rate: '1/s' }] };
    expect(problemAt(withScenario(ramp), 'scenarios.s.stages[0].rate').fix).toContain('valid keys here: duration, target');
    const thresholds = { 'mwl.find': [{ threshold: 'p95 < 1s', abortOnFailure: true }] };
    expect(problemAt(profile({ thresholds }), 'thresholds.mwl.find[0].abortOnFailure').fix).toContain('did you mean `abortOnFail`?');
  });
});

describe('the top level', () => {
  it('must be a mapping', () => {
    const problem = problemAt(['a'], '');
    expect(problem.message).toBe('must be a mapping of keys to values, not a list');
  });

  it('requires name and scenarios', () => {
    const problems = problemsOf({});
    expect(problems).toContainEqual({ path: 'name', message: '`name` is required', fix: 'add it, e.g. `name: morning-peak`' });
    expect(problems.find((p) => p.path === 'scenarios')?.message).toBe('`scenarios` is required');
  });

  it('rejects an empty name and a name that is not text', () => {
    expect(problemAt(profile({ name: '' }), 'name').message).toBe('`name` is empty');
    expect(problemAt(profile({ name: 5 }), 'name').message).toBe('must be text, not the number 5');
  });

  it('rejects scenarios that are not a mapping, and no scenarios at all', () => {
    expect(problemAt(profile({ scenarios: 'worklist' }), 'scenarios').message).toBe(
      'must be a mapping of names to entries, not the text "worklist"',
    );
    const problem = problemAt(profile({ scenarios: {} }), 'scenarios');
    expect(problem.message).toBe('the profile has no scenarios');
    expect(problem.fix).toContain('operation: mwl.find');
  });

  it('rejects scenario names that are not tag-safe', () => {
    const problem = problemAt(profile({ scenarios: { 'my worklist': WORKLIST } }), 'scenarios.my worklist');
    expect(problem.message).toContain('may hold only letters, digits, - and _');
    expect(problem.fix).toContain('`my-worklist`');
  });

  it('rejects a seed out of range, an interval below 10ms and a non-boolean preflight', () => {
    expect(problemAt(profile({ seed: -1 }), 'seed').message).toBe('must be from 0 to 4294967295, not -1');
    const interval = problemAt(profile({ interval: '5ms' }), 'interval');
    expect(interval.message).toBe('`5ms` is too short; it must be at least 10ms');
    expect(interval.fix).toBe('write e.g. `1s`');
    const preflight = problemAt(profile({ preflight: 'yes' }), 'preflight');
    expect(preflight.message).toBe('must be true or false, not the text "yes"');
    expect(preflight.fix).toContain('`preflight: true`');
  });
});

describe('durations', () => {
  it('reject a number without a unit', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, duration: 30 }), 'scenarios.s.duration');
    expect(problem).toEqual({
      path: 'scenarios.s.duration',
      message: '`30` has no unit',
      fix: 'add a unit (ms, s, m or h), e.g. `30s` or `30ms`',
    });
  });

  it('reject text that is not a duration, and unknown units', () => {
    expect(problemAt(withScenario({ ...WORKLIST, duration: 'long' }), 'scenarios.s.duration').message).toBe('`long` is not a duration');
    const unit = problemAt(withScenario({ ...WORKLIST, duration: '5min' }), 'scenarios.s.duration');
    expect(unit.message).toBe('`5min` has an unknown unit `min`');
    expect(unit.fix).toContain('`5m`');
  });

  it('reject values of other types', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, duration: ['5m'] }), 'scenarios.s.duration');
    expect(problem.message).toBe('must be a duration such as `5m`, not a list');
    expect(problem.fix).toBe('write e.g. `duration: 5m`');
  });

  it('reject zero where a duration must be positive, and negative durations', () => {
    expect(problemAt(withScenario({ ...WORKLIST, duration: '0s' }), 'scenarios.s.duration').message).toBe(
      '`0s` is too short; it must be longer than 0s',
    );
    expect(problemAt(withScenario({ ...WORKLIST, startAfter: '-5s' }), 'scenarios.s.startAfter').message).toContain('negative');
  });
});

describe('rates', () => {
  it('reject a number without a unit', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, rate: 40 }), 'scenarios.s.rate');
    expect(problem.message).toBe('`40` has no unit');
    expect(problem.fix).toContain('`40/s`');
  });

  it('reject text that is not a rate, unknown units and other types', () => {
    expect(problemAt(withScenario({ ...WORKLIST, rate: 'fast' }), 'scenarios.s.rate').message).toBe('`fast` is not a rate');
    expect(problemAt(withScenario({ ...WORKLIST, rate: '5/min' }), 'scenarios.s.rate').fix).toContain('`5/m`');
    expect(problemAt(withScenario({ ...WORKLIST, rate: true }), 'scenarios.s.rate').message).toBe('must be a rate such as `40/s`, not `true`');
  });

  it('reject negative rates', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, rate: '-5/s' }), 'scenarios.s.rate');
    expect(problem.message).toBe('`-5/s` is negative; a rate cannot be');
    expect(problem.fix).toContain('`5/s`');
  });

  it('reject a zero rate, but allow a zero start rate', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, rate: '0/s' }), 'scenarios.s.rate');
    expect(problem.message).toBe('`0/s` is zero; the rate must be more than 0/s');
    valid(withScenario({ operation: 'mwl.find', executor: 'ramping-arrival-rate', startRate: '0/s', stages: [{ duration: '1m', target: '1/s' }] }));
  });
});

describe('numbers', () => {
  it('reject fractions where a whole number is needed', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, maxInFlight: 1.5 }), 'scenarios.s.maxInFlight');
    expect(problem).toEqual({ path: 'scenarios.s.maxInFlight', message: 'must be a whole number, not 1.5', fix: 'write e.g. `maxInFlight: 100`' });
  });

  it('reject values below the minimum', () => {
    expect(problemAt(withScenario({ ...WORKLIST, maxInFlight: 0 }), 'scenarios.s.maxInFlight').message).toBe('must be at least 1, not 0');
    const users = problemAt(withScenario({ operation: 'mwl.find', executor: 'constant-concurrency', users: 0, duration: '1m' }), 'scenarios.s.users');
    expect(users.message).toBe('must be at least 1, not 0');
  });

  it('reject quoted numbers, saying to remove the quotes', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, maxInFlight: '100' }), 'scenarios.s.maxInFlight');
    expect(problem.message).toBe('must be a number, not the text "100"');
    expect(problem.fix).toBe('remove the quotes: `maxInFlight: 100`');
  });

  it('reject other types', () => {
    expect(problemAt(withScenario({ ...WORKLIST, maxInFlight: null }), 'scenarios.s.maxInFlight').message).toBe(
      'must be a number, not an empty value (null)',
    );
  });
});

describe('operations and executors', () => {
  it('reject an unknown operation with a suggestion and the valid list', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, operation: 'mwl.fnd' }), 'scenarios.s.operation');
    expect(problem.message).toBe('unknown operation `mwl.fnd`');
    expect(problem.fix).toBe(`did you mean \`mwl.find\`? use one of: ${OPERATION_NAMES.join(', ')}`);
  });

  it('reject an unknown executor', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, executor: 'constant-rate' }), 'scenarios.s.executor');
    expect(problem.message).toBe('unknown executor `constant-rate`');
    expect(problem.fix).toContain('constant-arrival-rate, ramping-arrival-rate, constant-concurrency, ramping-concurrency, iterations');
  });

  it('require operation and executor, and reject names that are not text', () => {
    const problems = problemsOf(withScenario({ rate: '1/s', duration: '1m' }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'scenarios.s.operation', message: '`operation` is required' }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'scenarios.s.executor', message: '`executor` is required' }));
    expect(problemAt(withScenario({ ...WORKLIST, operation: 5 }), 'scenarios.s.operation').message).toBe(
      'must be the name of an operation, not the number 5',
    );
  });

  it('reject a scenario that is not a mapping', () => {
    expect(problemAt(profile({ scenarios: { s: null } }), 'scenarios.s').message).toBe(
      'must be a mapping of keys to values, not an empty value (null)',
    );
  });

  it('reject a key of another executor, naming the key to use instead', () => {
    const problem = problemAt(
      withScenario({ operation: 'mwl.find', executor: 'constant-concurrency', users: 10, duration: '1m', rate: '10/s' }),
      'scenarios.s.rate',
    );
    expect(problem.message).toBe('`rate` does not apply to executor constant-concurrency; use `users`');
    expect(problem.fix).toContain('constant-concurrency takes: users, duration');
    expect(problem.fix).toContain('belongs to constant-arrival-rate');
  });

  it('reject a key of another executor that has no counterpart, saying to remove it', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, startRate: '1/s' }), 'scenarios.s.startRate');
    expect(problem.message).toBe('`startRate` does not apply to executor constant-arrival-rate');
    expect(problem.fix).toContain('remove it (it belongs to ramping-arrival-rate, breakpoint)');
  });

  it('reject a missing required executor key, with an example', () => {
    const problem = problemAt(withScenario({ operation: 'mwl.find', executor: 'constant-arrival-rate', rate: '1/s' }), 'scenarios.s.duration');
    expect(problem).toEqual({ path: 'scenarios.s.duration', message: 'executor constant-arrival-rate needs `duration`', fix: 'add e.g. `duration: 5m`' });
    const stages = problemAt(withScenario({ operation: 'mwl.find', executor: 'ramping-concurrency' }), 'scenarios.s.stages');
    expect(stages.fix).toBe('add e.g. `stages: [{ duration: 2m, target: 20 }]`');
    const iterations = problemAt(withScenario({ operation: 'mwl.find', executor: 'iterations' }), 'scenarios.s.iterations');
    expect(iterations.message).toBe('executor iterations needs `iterations`');
  });

  it('reject a parameter of another operation', () => {
    const problem = problemAt(withScenario({ ...WORKLIST, operation: 'dimse.echo', stations: 5 }), 'scenarios.s.stations');
    expect(problem).toEqual({
      path: 'scenarios.s.stations',
      message: '`stations` does not apply to operation dimse.echo',
      fix: 'remove it (it is a setting of mwl.find, mpps.inProgress, mpps.completed)',
    });
    expect(problemAt(withScenario({ ...WORKLIST, limit: 10 }), 'scenarios.s.limit').message).toBe('`limit` does not apply to operation mwl.find');
  });

  it('reject a modality that is not a code string', () => {
    const lower = problemAt(withScenario({ ...WORKLIST, modality: 'ct' }), 'scenarios.s.modality');
    expect(lower.message).toContain('is not a modality code');
    expect(lower.fix).toBe('write `CT`');
    expect(problemAt(withScenario({ ...WORKLIST, modality: 'C\\T' }), 'scenarios.s.modality').fix).toContain('such as `CT`');
  });
});

describe('stages', () => {
  const ramp = (stages: unknown, executor = 'ramping-arrival-rate') => withScenario({ operation: 'mwl.find', executor, stages });

  it('must be a non-empty list', () => {
    const notList = problemAt(ramp('5/s'), 'scenarios.s.stages');
    expect(notList.message).toBe('must be a list, not the text "5/s"');
    expect(problemAt(ramp([]), 'scenarios.s.stages').message).toBe('`stages` needs at least 1 entry');
  });

  it('need a duration and a target', () => {
    const problems = problemsOf(ramp([{}]));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'scenarios.s.stages[0].duration', message: '`duration` is required' }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'scenarios.s.stages[0].target', message: '`target` is required' }));
    expect(problemAt(ramp([{ duration: '1m', target: true }]), 'scenarios.s.stages[0].target').message).toBe(
      'must be text or a number, not `true`',
    );
  });

  it('of ramping-arrival-rate target rates', () => {
    const problem = problemAt(ramp([{ duration: '1m', target: 40 }]), 'scenarios.s.stages[0].target');
    expect(problem.message).toBe('stage target `40` has no unit');
    expect(problem.fix).toContain('`40/s`');
    expect(problemAt(ramp([{ duration: '1m', target: '-1/s' }]), 'scenarios.s.stages[0].target').message).toContain('negative');
  });

  it('of ramping-concurrency target whole numbers of users', () => {
    const rate = problemAt(ramp([{ duration: '1m', target: '5/s' }], 'ramping-concurrency'), 'scenarios.s.stages[0].target');
    expect(rate.message).toBe('stage target `5/s` is a rate, but ramping-concurrency stages target a number of users');
    expect(rate.fix).toContain('`target: 20`');
    const fraction = problemAt(ramp([{ duration: '1m', target: 2.5 }], 'ramping-concurrency'), 'scenarios.s.stages[0].target');
    expect(fraction.message).toBe('stage target must be a whole number of users (0 or more), not 2.5');
    const quoted = problemAt(ramp([{ duration: '1m', target: '20' }], 'ramping-concurrency'), 'scenarios.s.stages[0].target');
    expect(quoted.fix).toBe('remove the quotes: `target: 20`');
    const text = problemAt(ramp([{ duration: '1m', target: 'many' }], 'ramping-concurrency'), 'scenarios.s.stages[0].target');
    expect(text.message).toBe('stage target must be a number of users, not the text "many"');
  });
});

describe('the target', () => {
  const dimse = { host: '127.0.0.1', port: 4242, calledAe: 'ORTHANC' };
  const withDimse = (fields: Raw) => profile({ target: { dimse: { ...dimse, ...fields } } });

  it('rejects ports outside 1..65535', () => {
    const problem = problemAt(withDimse({ port: 70000 }), 'target.dimse.port');
    expect(problem).toEqual({ path: 'target.dimse.port', message: 'must be from 1 to 65535, not 70000', fix: 'write e.g. `port: 4242`' });
    expect(problemAt(withDimse({ port: 0 }), 'target.dimse.port').message).toBe('must be from 1 to 65535, not 0');
  });

  it('rejects a URL as host', () => {
    const problem = problemAt(withDimse({ host: 'dicom://pacs' }), 'target.dimse.host');
    expect(problem.message).toBe('`dicom://pacs` is not a host name or address');
  });

  it('rejects AE titles longer than 16 characters', () => {
    const problem = problemAt(withDimse({ calledAe: 'A_VERY_LONG_AE_TITLE' }), 'target.dimse.calledAe');
    expect(problem.message).toBe('`A_VERY_LONG_AE_TITLE` is 20 characters; an AE title has at most 16 (PS3.5 section 6.2)');
    expect(problem.fix).toBe('shorten it, e.g. `A_VERY_LONG_AE_T`');
  });

  it('rejects AE titles of only spaces, with a backslash, control or non-ASCII characters', () => {
    expect(problemAt(withDimse({ calledAe: '   ' }), 'target.dimse.calledAe').message).toContain('only spaces');
    expect(problemAt(withDimse({ callingAe: 'A\\B' }), 'target.dimse.callingAe').message).toContain('backslash');
    expect(problemAt(withDimse({ calledAe: 'A\tB' }), 'target.dimse.calledAe').message).toContain('control character');
    expect(problemAt(withDimse({ calledAe: 'RÖNTGEN' }), 'target.dimse.calledAe').message).toContain('default character repertoire');
    expect(problemAt(withDimse({ calledAe: '' }), 'target.dimse.calledAe').message).toBe('`calledAe` is empty');
  });

  it('requires the host, port and called AE title', () => {
    const problems = problemsOf(profile({ target: { dimse: {} } }));
    expect(problems.map((p) => p.path)).toEqual(['target.dimse.host', 'target.dimse.port', 'target.dimse.calledAe']);
    expect(problems[1]).toEqual({ path: 'target.dimse.port', message: '`port` is required', fix: 'add it, e.g. `port: 4242`' });
  });

  it('must name a service', () => {
    const problem = problemAt(profile({ target: {} }), 'target');
    expect(problem.message).toBe('`target` names no service');
    expect(problem.fix).toContain('remove `target` to use the embedded simulator');
    expect(problemAt(profile({ target: 'pacs' }), 'target').message).toBe('must be a mapping of keys to values, not the text "pacs"');
  });

  it('must have dimse for a DIMSE operation, naming the scenario', () => {
    const raw = profile({ target: { dicomweb: { baseUrl: 'http://127.0.0.1:8042/dicom-web' } } });
    const problem = problemAt(raw, 'target.dimse');
    expect(problem.message).toBe('scenario `worklist` runs mwl.find, a DIMSE operation, but the target has no `dimse`');
    expect(problem.fix).toContain('target.dimse: { host, port, calledAe }');
  });

  it('must have dicomweb for a DICOMweb operation, naming the scenario', () => {
    const raw = withScenario({ operation: 'qido.studies', executor: 'iterations', iterations: 1 }, { target: { dimse } });
    expect(problemAt(raw, 'target.dicomweb').message).toBe(
      'scenario `s` runs qido.studies, a DICOMweb operation, but the target has no `dicomweb`',
    );
  });

  it('rejects base URLs that are not http(s), not URLs, or carry a query', () => {
    const at = (baseUrl: string) => problemAt(profile({ target: { dimse, dicomweb: { baseUrl } } }), 'target.dicomweb.baseUrl');
    expect(at('ftp://pacs/dw').message).toBe('`ftp://pacs/dw` is not an http or https URL');
    expect(at('pacs:8042').message).toBe('`pacs:8042` is not an http or https URL');
    expect(at('not a url').fix).toContain('http://127.0.0.1:8042/dicom-web');
    expect(at('http://pacs/dw?x=1').message).toBe('`http://pacs/dw?x=1` has a query or fragment');
  });

  it('checks DICOMweb auth', () => {
    const at = (auth: unknown, path = 'target.dicomweb.auth') =>
      problemAt(profile({ target: { dimse, dicomweb: { baseUrl: 'http://h/dw', auth } } }), path);
    expect(at({ bearerEnv: 'T', username: 'u', passwordEnv: 'P' }).message).toBe('`auth` has both `bearerEnv` and basic credentials');
    expect(at({}).message).toBe('`auth` names no credentials');
    expect(at({ username: 'u' }, 'target.dicomweb.auth.passwordEnv').message).toBe('basic authentication needs `passwordEnv`');
    expect(at({ passwordEnv: 'P' }, 'target.dicomweb.auth.username').message).toBe('basic authentication needs `username`');
    const dollar = at({ bearerEnv: '$PACS_TOKEN' }, 'target.dicomweb.auth.bearerEnv');
    expect(dollar.message).toBe('`$PACS_TOKEN` is not an environment variable name');
    expect(dollar.fix).toBe('write the name without `$`: `PACS_TOKEN`');
    expect(at({ bearerEnv: 'eyJ.secret-token' }, 'target.dicomweb.auth.bearerEnv').fix).toContain('never the secret itself');
    expect(at({ password: 'secret' }, 'target.dicomweb.auth.password').fix).toContain('did you mean `passwordEnv`?');
  });

  it('rejects connections out of range', () => {
    const raw = profile({ target: { dimse, dicomweb: { baseUrl: 'http://h/dw', connections: 0 } } });
    expect(problemAt(raw, 'target.dicomweb.connections').message).toBe('must be from 1 to 1024, not 0');
  });
});

describe('the simulator', () => {
  it('applies only when there is no target', () => {
    const raw = profile({ target: { dimse: { host: 'h', port: 1, calledAe: 'A' } }, simulator: { stations: 5 } });
    const problem = problemAt(raw, 'simulator');
    expect(problem.message).toBe('simulator applies only when there is no target');
    expect(problem.fix).toContain('remove `simulator`');
  });

  it('needs stallAt and stallFor together', () => {
    expect(problemAt(profile({ simulator: { stallAt: '5s' } }), 'simulator.stallFor').message).toBe('`stallAt` needs `stallFor`');
    expect(problemAt(profile({ simulator: { stallFor: '5s' } }), 'simulator.stallAt').message).toBe('`stallFor` needs `stallAt`');
  });

  it('checks the error rate', () => {
    const fraction = problemAt(profile({ simulator: { errorRate: 5 } }), 'simulator.errorRate');
    expect(fraction.message).toBe('5 is not a fraction from 0 to 1');
    expect(fraction.fix).toContain('`5%`');
    expect(problemAt(profile({ simulator: { errorRate: '1' } }), 'simulator.errorRate').message).toBe('`1` has no `%`');
  });

  it('checks counts and delays', () => {
    expect(problemAt(profile({ simulator: { stations: 0 } }), 'simulator.stations').message).toBe('must be from 1 to 9999, not 0');
    expect(problemAt(profile({ simulator: { latency: '20' } }), 'simulator.latency').message).toBe('`20` has no unit');
  });
});

describe('thresholds', () => {
  it('reject a bad expression, at the item or at its `threshold` key', () => {
    const text = problemAt(profile({ thresholds: { 'mwl.find': ['p95 < 500'] } }), 'thresholds.mwl.find[0]');
    expect(text.message).toBe('in `p95 < 500`: `500` has no unit');
    expect(text.fix).toContain('`500ms`');
    const object = problemAt(profile({ thresholds: { 'mwl.find': [{ threshold: 'latency < 1s' }] } }), 'thresholds.mwl.find[0].threshold');
    expect(object.message).toBe('unknown metric `latency`');
  });

  it('reject an unknown subject, listing the valid ones', () => {
    const problem = problemAt(profile({ thresholds: { 'mwl.fnd': ['p95 < 1s'] } }), 'thresholds.mwl.fnd');
    expect(problem.message).toBe('unknown threshold subject `mwl.fnd`');
    expect(problem.fix).toBe('did you mean `mwl.find`? use an operation a scenario runs or a scenario name: worklist, mwl.find');
  });

  it('reject an operation that no scenario runs', () => {
    const problem = problemAt(profile({ thresholds: { 'qido.studies': ['p95 < 1s'] } }), 'thresholds.qido.studies');
    expect(problem.message).toBe('threshold subject `qido.studies` is an operation no scenario runs');
  });

  it('must be a non-empty list of text or mappings', () => {
    expect(problemAt(profile({ thresholds: { 'mwl.find': 'p95 < 1s' } }), 'thresholds.mwl.find').message).toBe(
      'must be a list, not the text "p95 < 1s"',
    );
    expect(problemAt(profile({ thresholds: { 'mwl.find': [] } }), 'thresholds.mwl.find').message).toBe('`mwl.find` needs at least 1 entry');
    expect(problemAt(profile({ thresholds: { 'mwl.find': [5] } }), 'thresholds.mwl.find[0]').message).toBe(
      'must be text or a mapping, not the number 5',
    );
    expect(problemAt(profile({ thresholds: ['p95 < 1s'] }), 'thresholds').message).toBe('must be a mapping of names to entries, not a list');
  });

  it('report the problems inside a threshold mapping', () => {
    const problems = problemsOf(profile({ thresholds: { 'mwl.find': [{ threshold: 3, abortOnFail: 'yes' }] } }));
    expect(problems).toEqual([
      { path: 'thresholds.mwl.find[0].threshold', message: 'must be text, not the number 3', fix: 'write e.g. `threshold: p95 < 500ms`' },
      {
        path: 'thresholds.mwl.find[0].abortOnFail',
        message: 'must be true or false, not the text "yes"',
        fix: 'write `abortOnFail: true` or `abortOnFail: false` (yes/no/on/off are text in YAML 1.2)',
      },
    ]);
  });

  it('reject delayAbortEval without abortOnFail', () => {
    const raw = profile({ thresholds: { 'mwl.find': [{ threshold: 'p95 < 1s', delayAbortEval: '10s' }] } });
    expect(problemAt(raw, 'thresholds.mwl.find[0].delayAbortEval').message).toBe('`delayAbortEval` has no effect without `abortOnFail: true`');
  });
});

describe('a profile with several problems', () => {
  const raw = {
    name: 'broken',
    interval: 1,
    target: { dimse: { host: '127.0.0.1', port: 99999, calledAe: 'ORTHANC' } },
    simulator: { stations: 5 },
    scenarios: {
      worklist: { operation: 'mwl.find', executor: 'constant-concurrency', rate: '10/s', duration: '5' },
      search: { operation: 'qido.studies', executor: 'ramping-arrival-rate', stages: [{ duration: '1m', target: 10 }] },
      ping: { operation: 'dimse.ech', executor: 'iterations', iterations: 0 },
    },
    thresholds: { 'mwl.find': ['p95 < 500'], nowhere: ['errors < 1%'] },
    extra: true,
  };

  it('reports all of them at once, in document order, with paths', () => {
    const problems = problemsOf(raw);
    expect(problems.map((p) => p.path)).toEqual([
      'interval',
      'target.dicomweb',
      'target.dimse.port',
      'simulator',
      'scenarios.worklist.users',
      'scenarios.worklist.rate',
      'scenarios.worklist.duration',
      'scenarios.search.stages[0].target',
      'scenarios.ping.operation',
      'scenarios.ping.iterations',
      'thresholds.mwl.find[0]',
      'thresholds.nowhere',
      'extra',
    ]);
    for (const problem of problems) {
      expect(problem.message.length).toBeGreaterThan(0);
      expect(problem.fix.length).toBeGreaterThan(0);
    }
  });

  it('leaks no zod wording or internals', () => {
    for (const problem of problemsOf(raw)) {
      const text = `${problem.message} ${problem.fix}`;
      expect(text).not.toMatch(/Invalid input|expected \w+, received|pacs-load-problem|unrecognized_keys|invalid_type|ZodError/);
    }
  });
});
