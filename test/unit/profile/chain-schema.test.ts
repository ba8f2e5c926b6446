/** `operation: chain` with `steps` (issue 3, item 2): resolution and every validation message. */
import { describe, expect, it } from 'vitest';
import { validateProfile } from '../../../src/profile/schema.js';
import { describeProfile } from '../../../src/profile/describe.js';
import { problemAt, valid } from '../../helpers/profile-validation.js';

const RATE = { executor: 'constant-arrival-rate', rate: '1/s', duration: '10s' };

function chainProfile(scenario: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 't', scenarios: { modality: { operation: 'chain', ...RATE, ...scenario } }, ...extra };
}

describe('operation: chain', () => {
  it("defaults to a modality's four steps", () => {
    const [scenario] = valid(chainProfile({})).scenarios;
    expect(scenario?.operation).toBe('chain');
    expect(scenario?.params.steps).toEqual(['mwl.find', 'mpps.inProgress', 'dimse.store', 'mpps.completed']);
    expect(scenario?.params.stations).toBe(1);
    expect(scenario?.params.modality).toBe('CT');
  });

  it('takes the steps as written and the keys of its steps', () => {
    const [scenario] = valid(
      chainProfile({ steps: ['dimse.echo', 'mpps.inProgress', 'mpps.completed'], stations: 4, modality: 'CR' }),
    ).scenarios;
    expect(scenario?.params.steps).toEqual(['dimse.echo', 'mpps.inProgress', 'mpps.completed']);
    expect(scenario?.params.stations).toBe(4);
    const [store] = valid(chainProfile({ images: 5, imageSize: '64KiB', imagesPerAssociation: 2, transferSyntax: 'implicit-little-endian', expectItems: 5 })).scenarios;
    expect(store?.params).toMatchObject({ images: 5, imageSizeBytes: 65_536, imagesPerAssociation: 2, transferSyntax: 'implicit-little-endian', expectItems: 5 });
  });

  it('names an unknown step and lists the valid ones', () => {
    const problem = problemAt(chainProfile({ steps: ['mwl.find', 'qido.studies'] }), 'scenarios.modality.steps[1]');
    expect(problem.message).toContain('unknown chain step `qido.studies`');
    expect(problem.fix).toContain('dimse.echo, mwl.find, mpps.inProgress, dimse.store, mpps.completed');
    expect(problemAt(chainProfile({ steps: ['mwl.fnd'] }), 'scenarios.modality.steps[0]').fix).toContain('did you mean `mwl.find`?');
  });

  it('wants at least one step, each once', () => {
    expect(problemAt(chainProfile({ steps: [] }), 'scenarios.modality.steps').message).toContain('at least 1');
    expect(problemAt(chainProfile({ steps: ['mwl.find', 'mwl.find'] }), 'scenarios.modality.steps[1]').message).toContain('appears twice');
  });

  it('needs mpps.inProgress before mpps.completed', () => {
    for (const steps of [['mwl.find', 'mpps.completed'], ['mpps.completed', 'mpps.inProgress']]) {
      const problem = problemAt(chainProfile({ steps }), `scenarios.modality.steps[${steps.indexOf('mpps.completed')}]`);
      expect(problem.message).toContain('needs an earlier `mpps.inProgress`');
    }
  });

  it('rejects keys none of its steps take, `mix`, and `steps` on another operation', () => {
    expect(problemAt(chainProfile({ limit: 5 }), 'scenarios.modality.limit').message).toBe(
      '`limit` does not apply to a chain of mwl.find, mpps.inProgress, dimse.store, mpps.completed',
    );
    expect(problemAt(chainProfile({ steps: ['mwl.find'], images: 5 }), 'scenarios.modality.images').message).toContain('does not apply to a chain of mwl.find');
    expect(problemAt(chainProfile({ mix: { CT: 1, MR: 1 } }), 'scenarios.modality.mix').fix).toContain('one chain scenario per modality');
    const other = { name: 't', scenarios: { w: { operation: 'mwl.find', ...RATE, steps: ['mwl.find'] } } };
    expect(problemAt(other, 'scenarios.w.steps').message).toBe('`steps` does not apply to operation mwl.find');
  });

  it('checks the modality of the study a chain sends', () => {
    expect(problemAt(chainProfile({ modality: 'OT' }), 'scenarios.modality.modality').message).toContain('no synthetic study');
    expect(valid(chainProfile({ modality: 'OT', steps: ['mwl.find', 'mpps.inProgress', 'mpps.completed'] })).scenarios).toHaveLength(1);
  });

  it('needs a DIMSE target, naming the steps', () => {
    const problem = problemAt(chainProfile({}, { target: { dicomweb: { baseUrl: 'http://127.0.0.1:8042/dicom-web' } } }), 'target.dimse');
    expect(problem.message).toContain('runs a chain of mwl.find, mpps.inProgress, dimse.store, mpps.completed, DIMSE operations');
  });

  it('accepts thresholds on the chain, on its steps and on the scenario', () => {
    const profile = valid(
      chainProfile({}, { thresholds: { chain: ['p95 < 30s'], 'mpps.completed': ['errors < 1%'], modality: ['p99 < 1m'] } }),
    );
    expect(profile.thresholds.map((threshold) => threshold.subject)).toEqual(['chain', 'mpps.completed', 'modality']);
    expect(validateProfile(chainProfile({ steps: ['mwl.find'] }, { thresholds: { 'dimse.store': ['p95 < 1s'] } })).ok).toBe(false);
  });

  it('is described with its steps', () => {
    expect(describeProfile(valid(chainProfile({ stations: 3 }))).join('\n')).toContain(
      'steps mwl.find -> mpps.inProgress -> dimse.store -> mpps.completed, 3 stations, modality CT',
    );
  });
});
