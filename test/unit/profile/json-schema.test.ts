import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../../src/metrics/names.js';
import { profileJsonSchema } from '../../../src/profile/json-schema.js';

type Json = Record<string, unknown>;

function child(schema: unknown, ...keys: string[]): Json {
  let node = schema as Json;
  for (const key of keys) node = node[key] as Json;
  return node;
}

describe('profileJsonSchema', () => {
  it('is valid JSON, draft-07, strict at the top level', () => {
    const schema = profileJsonSchema();
    const roundTripped = JSON.parse(JSON.stringify(schema)) as Json;
    expect(roundTripped).toEqual(schema);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.title).toBe('pacs-load profile');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'scenarios']);
  });

  it('describes every scenario key, as input (durations and rates are text)', () => {
    const scenario = child(profileJsonSchema(), 'properties', 'scenarios', 'additionalProperties');
    const properties = child(scenario, 'properties');
    // Operations add their own keys (dimse.store, stow.study, ...): these are the spine's, in order, and every one is described.
    expect(Object.keys(properties).slice(0, 17)).toEqual([
      'operation',
      'executor',
      'rate',
      'duration',
      'maxInFlight',
      'startRate',
      'stages',
      'users',
      'startUsers',
      'iterations',
      'maxDuration',
      'startAfter',
      'gracefulStop',
      'stations',
      'modality',
      'expectItems',
      'limit',
    ]);
    expect(scenario.required).toEqual(['operation', 'executor']);
    expect(scenario.additionalProperties).toBe(false);
    expect(child(properties, 'operation').enum).toEqual([...OPERATION_NAMES]);
    expect(Object.keys(properties)).toContain('imagesPerRequest');
    expect(child(properties, 'executor').enum).toContain('ramping-arrival-rate');
    expect(child(properties, 'rate')).toMatchObject({ type: 'string', examples: ['40/s'] });
    expect(child(properties, 'duration')).toMatchObject({ type: 'string', examples: ['5m'] });
    expect(child(properties, 'gracefulStop')).toMatchObject({ type: 'string', default: '30s' });
    expect(child(properties, 'maxInFlight')).toMatchObject({ type: 'integer', minimum: 1, default: 100 });
    expect(String(child(properties, 'rate').description)).toContain('constant-arrival-rate');
  });

  it('gives editors patterns that match the accepted units', () => {
    const properties = child(profileJsonSchema(), 'properties', 'scenarios', 'additionalProperties', 'properties');
    const duration = new RegExp(String(child(properties, 'duration').pattern));
    expect(['500ms', '30s', '1m30s', '1h'].every((text) => duration.test(text))).toBe(true);
    expect(['30', '5min', 'soon'].some((text) => duration.test(text))).toBe(false);
    const rate = new RegExp(String(child(properties, 'rate').pattern));
    expect(['40/s', '300/m', '0.2/s'].every((text) => rate.test(text))).toBe(true);
    expect(['40', '40/min'].some((text) => rate.test(text))).toBe(false);
  });

  it('describes the target, simulator and thresholds', () => {
    const properties = child(profileJsonSchema(), 'properties');
    expect(Object.keys(properties)).toEqual(['name', 'description', 'seed', 'identities', 'uidRoot', 'interval', 'preflight', 'target', 'simulator', 'migration', 'seedPriors', 'scenarios', 'thresholds', '$schema']);
    expect(child(properties, 'target', 'properties', 'dimse', 'properties', 'port')).toMatchObject({ minimum: 1, maximum: 65535 });
    expect(child(properties, 'target', 'properties', 'dimse', 'properties', 'callingAe').default).toBe('PACSLOAD');
    expect(child(properties, 'simulator', 'properties', 'stations').default).toBe(10);
    const thresholdItem = child(properties, 'thresholds', 'additionalProperties', 'items');
    expect(JSON.stringify(thresholdItem)).toContain('abortOnFail');
  });
});
