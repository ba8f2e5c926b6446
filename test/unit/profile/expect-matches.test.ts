/**
 * The `expectMatches` scenario key (issue 14, item 5): which operations take
 * it, its defaults, how it resolves and describes, each problem with its path
 * and fix, and its place in the JSON Schema editors read.
 */
import { describe, expect, it } from 'vitest';
import { EXPECT_MATCHES_DEFAULTS, expectsMatches } from '../../../src/profile/expect-matches.js';
import { describeScenario } from '../../../src/profile/describe.js';
import { profileJsonSchema } from '../../../src/profile/json-schema.js';
import { problemAt, valid } from '../../helpers/profile-validation.js';

const ITERATIONS = { executor: 'iterations', iterations: 2 };

function withScenario(scenario: Record<string, unknown>): unknown {
  return { name: 'test', scenarios: { s: { ...ITERATIONS, ...scenario } } };
}

describe('expectMatches', () => {
  it('expects something by default for prior look-ups and fetches, nothing for the study-list search', () => {
    for (const operation of ['qr.find', 'qr.move', 'qr.get', 'qido.series', 'qido.instances', 'wado.metadata', 'wado.instance', 'wado.frames', 'wado.rendered', 'viewer.open'] as const) {
      expect(expectsMatches(operation, {}), operation).toBe(true);
    }
    expect(expectsMatches('qido.studies', {})).toBe(false);
    expect(Object.keys(EXPECT_MATCHES_DEFAULTS)).toHaveLength(11);
  });

  it('resolves what the profile says, and leaves the default to the operation when it says nothing', () => {
    const [optional] = valid(withScenario({ operation: 'qr.find', expectMatches: false })).scenarios;
    expect(optional?.params.expectMatches).toBe(false);
    expect(expectsMatches('qr.find', optional?.params ?? {})).toBe(false);
    const [strict] = valid(withScenario({ operation: 'qido.studies', expectMatches: true })).scenarios;
    expect(expectsMatches('qido.studies', strict?.params ?? {})).toBe(true);
    const [unsaid] = valid(withScenario({ operation: 'wado.frames' })).scenarios;
    expect(unsaid?.params).not.toHaveProperty('expectMatches');
  });

  it('is described when the profile sets it', () => {
    const [optional] = valid(withScenario({ operation: 'qr.get', expectMatches: false })).scenarios;
    expect(describeScenario(optional!)).toContain('an empty answer is ok');
    const [unsaid] = valid(withScenario({ operation: 'qr.get' })).scenarios;
    expect(describeScenario(unsaid!)).not.toContain('empty');
  });

  it('is refused where nothing is retrieved, naming the operations that take it', () => {
    const problem = problemAt(withScenario({ operation: 'mwl.find', expectMatches: true }), 'scenarios.s.expectMatches');
    expect(problem.message).toContain('does not apply to operation mwl.find');
    expect(problem.fix).toContain('qr.find, qr.move, qr.get');
    expect(problem.fix).toContain('viewer.open');
  });

  it('is true or false, not a number or text', () => {
    expect(problemAt(withScenario({ operation: 'qr.find', expectMatches: 'yes' }), 'scenarios.s.expectMatches').message).toContain('must be true or false');
    expect(problemAt(withScenario({ operation: 'qr.find', expectMatches: 1 }), 'scenarios.s.expectMatches').fix).toContain('expectMatches: true');
  });

  it('is in the JSON Schema, described with its defaults', () => {
    const scenario = (profileJsonSchema() as { properties: { scenarios: { additionalProperties: { properties: Record<string, { type?: string; description?: string }> } } } })
      .properties.scenarios.additionalProperties;
    const field = scenario.properties['expectMatches'];
    expect(field?.type).toBe('boolean');
    expect(field?.description).toContain('empty');
    expect(field?.description).toContain('qido.studies');
  });
});
