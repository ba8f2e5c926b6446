/**
 * Identities unique by construction (issue 14, item 1): the stream registry,
 * UID syntax and length (PS3.5 section 9.1) under the default and an
 * organisation's root, the refusal of a root that leaves too little room, and
 * a property test over generated profiles and segment splits: no identity of
 * one run collides with another, across operations and identity kinds, and
 * two runs never share one, while `fixed` identities reproduce.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainStudy } from '../../../src/operations/chain.js';
import { createMppsPlan } from '../../../src/operations/mpps-steps.js';
import type { OperationSetup } from '../../../src/operations/types.js';
import { isValidUid, maxUidRootLength, uidRootProblem } from '../../../src/profile/uid-root.js';
import { validateProfile } from '../../../src/profile/schema.js';
import { iterationIndices } from '../../../src/scheduler/iterations.js';
import { parseExecutionSegment } from '../../../src/scheduler/segment-execution.js';
import { buildStowStudy } from '../../../src/synth/dicomweb-instances.js';
import { IDENTITY_STREAMS } from '../../../src/synth/identity-streams.js';
import { IdentityAllocator, identityIteration, identitySettings, type IdentitySettings } from '../../../src/synth/identity.js';
import { instanceValues, storeStudyIdentity } from '../../../src/synth/store-study.js';
import { buildWorklist } from '../../../src/synth/worklist.js';

const NOW = new Date(2026, 11, 8, 9, 30, 0);
const ORG_ROOT = '1.2.826.0.1.3680043.10.543';

describe('identity streams', () => {
  it('have unique names and unique codes of at most two digits', () => {
    const names = IDENTITY_STREAMS.map((stream) => stream.name);
    const codes = IDENTITY_STREAMS.map((stream) => stream.code);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((code) => Number.isInteger(code) && code >= 1 && code <= 99)).toBe(true);
  });
});

describe('UIDs', () => {
  const longestSend = (settings: IdentitySettings, scenarioIndex: number): string[] => {
    const send = new IdentityAllocator(settings, scenarioIndex).send('dimse.store', 9_999_999_999);
    const study = storeStudyIdentity(send, NOW);
    const last = instanceValues(study, 99_999, 100_000, 99);
    return [send.root, send.frameOfReferenceUid, last.seriesInstanceUid, last.sopInstanceUid];
  };

  it('are valid (PS3.5 section 9.1) under 2.25, at the largest iteration, series and instance', () => {
    const uids = longestSend(identitySettings({ mode: 'unique', runId: 'r', seed: 1 }), 9);
    expect(uids.every(isValidUid)).toBe(true);
    expect(uids[0]).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
  });

  it('are valid under an organisation root of the longest length allowed, with the parts as arcs', () => {
    const root = `1.2.3.${'4'.repeat(maxUidRootLength(10) - 6)}`;
    expect(root).toHaveLength(maxUidRootLength(10));
    expect(uidRootProblem(root, 10)).toBeUndefined();
    const settings = identitySettings({ mode: 'unique', runId: 'r', seed: 1, uidRoot: root });
    const uids = longestSend(settings, 9);
    expect(uids.every(isValidUid)).toBe(true);
    expect(Math.max(...uids.map((uid) => uid.length))).toBeLessThanOrEqual(64);
    expect(new IdentityAllocator(settings, 2).send('stow.study', 41).root).toBe(`${root}.${settings.runComponent}.2.2.41`);
    // A typical registered root fits a profile of up to 10 scenarios.
    expect(uidRootProblem(ORG_ROOT, 10)).toBeUndefined();
  });

  it('refuse a root that is too long, or not a UID, with the profile path and the fix', () => {
    const tooLong = `1.2.3.${'4'.repeat(maxUidRootLength(2) - 5)}`;
    const result = validateProfile({
      name: 'p',
      uidRoot: tooLong,
      scenarios: { a: { operation: 'dimse.echo', executor: 'iterations', iterations: 1 }, b: { operation: 'dimse.echo', executor: 'iterations', iterations: 1 } },
    });
    expect(result.ok).toBe(false);
    const problem = result.ok ? undefined : result.problems.find((candidate) => candidate.path === 'uidRoot');
    expect(problem?.message).toContain('64 at most');
    expect(problem?.fix).toContain(`at most ${maxUidRootLength(2)} characters`);
    for (const bad of ['1.02.3', '1..2', '1.2.', 'a.b']) expect(uidRootProblem(bad, 1)?.message).toContain('PS3.5 section 9.1');
  });
});

describe('identityIteration (duplicateSends)', () => {
  it('re-sends an earlier send of the scenario for about the share asked, the same way on every call', () => {
    const picks = Array.from({ length: 2_000 }, (_, iteration) => identityIteration(3, 1, iteration, 25));
    expect(picks).toEqual(Array.from({ length: 2_000 }, (_, iteration) => identityIteration(3, 1, iteration, 25)));
    expect(picks.every((pick, iteration) => pick <= iteration && identityIteration(3, 1, pick, 25) === pick)).toBe(true);
    const share = picks.filter((pick, iteration) => pick !== iteration).length / picks.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    expect(identityIteration(3, 1, 0, 100)).toBe(0);
    expect(identityIteration(3, 1, 17, 0)).toBe(17);
  });
});

/** A scenario of a generated profile: what it does and how many times. */
interface GeneratedScenario {
  kind: 'dimse.store' | 'stow.study' | 'chain' | 'mpps.inProgress' | 'mpps.completed';
  iterations: number;
  images: number;
  series: number;
}

const SETUP: OperationSetup = {
  target: { dimse: { host: '127.0.0.1', port: 104, calledAe: 'PACS', callingAe: 'PACSLOAD', connectTimeoutUs: 1, operationTimeoutUs: 1 }, dicomweb: undefined },
  params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined },
  workerIndex: 0,
  workerCount: 1,
  seed: 5,
  env: {},
};

/** A worklist of two items, one without a Study Instance UID: a chain meets each many times. */
const WORKLIST = buildWorklist({ stations: 1, stepsPerStation: 2, date: '20261208', seed: 5, modality: 'CT' }).map((item, index) =>
  index === 1 ? { ...item, StudyInstanceUID: '' } : item,
);

/**
 * Every identity one (segment, worker) makes for `iteration` of a scenario, as
 * [namespace:value, owner]: the same value may recur only for the same owner
 * (a series UID on each of its instances). A chain's study UID, patient and
 * accession are its worklist item's, the same on purpose every time it meets
 * the item, so they are not the chain's identities.
 */
function identitiesOf(settings: IdentitySettings, scenarioIndex: number, scenario: GeneratedScenario, iteration: number): Array<[string, string]> {
  const identities = new IdentityAllocator(settings, scenarioIndex);
  const setup: OperationSetup = { ...SETUP, identities };
  const owner = `${scenarioIndex}/${iteration}`;
  const out: Array<[string, string]> = [];
  const study = (values: { patientId: string; accessionNumber: string; studyId?: string; studyInstanceUid: string }): void => {
    out.push([`uid:${values.studyInstanceUid}`, `study ${owner}`], [`patient:${values.patientId}`, owner], [`accession:${values.accessionNumber}`, owner]);
    if (values.studyId !== undefined) out.push([`studyId:${values.studyId}`, owner]);
  };
  const images = (values: ReturnType<typeof instanceValues>): void => {
    out.push([`uid:${values.seriesInstanceUid}`, `series ${owner}/${values.seriesNumber}`], [`uid:${values.sopInstanceUid}`, `sop ${owner}/${values.instanceNumber}`]);
    out.push([`uid:${values.frameOfReferenceUid}`, `for ${owner}`]);
  };
  switch (scenario.kind) {
    case 'dimse.store': {
      const values = storeStudyIdentity(identities.send('dimse.store', iteration), NOW);
      study(values);
      for (let index = 0; index < scenario.images; index++) images(instanceValues(values, index, scenario.images, Math.min(scenario.series, scenario.images)));
      break;
    }
    case 'stow.study':
      for (const instance of buildStowStudy({ send: identities.send('stow.study', iteration), instances: scenario.images, modality: 'CT', studyDate: '20261208' })) {
        study(instance);
        out.push([`uid:${instance.seriesInstanceUid}`, `series ${owner}/1`], [`uid:${instance.sopInstanceUid}`, `sop ${owner}/${instance.instanceNumber}`]);
      }
      break;
    case 'chain': {
      const item = WORKLIST[iteration % WORKLIST.length]!;
      const plan = createMppsPlan(setup, 1, 'CT', 'chain.mpps');
      out.push([`uid:${plan.procedureStepUid(iteration)}`, `mpps ${owner}`]);
      // What the chain's mwl.find step does for an item without a study UID.
      const performed = item.StudyInstanceUID === '' ? { ...item, StudyInstanceUID: identities.send('chain.study', iteration).studyInstanceUid } : item;
      if (item.StudyInstanceUID === '') out.push([`uid:${performed.StudyInstanceUID}`, `study ${owner}`]);
      const values = chainStudy(identities, { iteration, item: performed });
      expect(values.studyInstanceUid).toBe(performed.StudyInstanceUID);
      for (let index = 0; index < scenario.images; index++) images(instanceValues(values, index, scenario.images, Math.min(scenario.series, scenario.images)));
      break;
    }
    case 'mpps.inProgress':
      out.push([`uid:${createMppsPlan(setup, 1, 'CT', 'mpps.inProgress').procedureStepUid(iteration)}`, `mpps ${owner}`]);
      break;
    case 'mpps.completed': {
      const plan = createMppsPlan(setup, 1, 'CT', 'mpps.completed');
      out.push([`uid:${plan.procedureStepUid(iteration)}`, `mpps ${owner}`]);
      for (const series of plan.syntheticPerformedSeries(iteration, 'CR')) {
        out.push([`uid:${series.seriesInstanceUid}`, `performed ${owner}`]);
        series.sopInstanceUids.forEach((uid, index) => out.push([`uid:${uid}`, `performed ${owner}/${index}`]));
      }
      break;
    }
  }
  return out;
}

/** Every identity of a run split into `segments` instances of `workers` workers each, as each worker would make them. */
function runIdentities(settings: IdentitySettings, scenarios: readonly GeneratedScenario[], segments: number, workers: number): Map<string, string> {
  const seen = new Map<string, string>();
  for (let segment = 1; segment <= segments; segment++) {
    const within = parseExecutionSegment(`${segment}/${segments}`);
    for (let worker = 0; worker < workers; worker++) {
      scenarios.forEach((scenario, scenarioIndex) => {
        const spec = { type: 'iterations' as const, iterations: scenario.iterations, users: workers * segments, maxDurationUs: 60_000_000 };
        for (const iteration of iterationIndices(spec, { index: worker, count: workers, within })) {
          for (const [key, owner] of identitiesOf(settings, scenarioIndex, scenario, iteration)) {
            const earlier = seen.get(key);
            if (earlier !== undefined && earlier !== owner) throw new Error(`${key} made twice: by ${earlier} and by ${owner}`);
            seen.set(key, owner);
          }
        }
      });
    }
  }
  return seen;
}

const scenarioArbitrary = fc.record({
  kind: fc.constantFrom('dimse.store' as const, 'stow.study' as const, 'chain' as const, 'mpps.inProgress' as const, 'mpps.completed' as const),
  iterations: fc.integer({ min: 1, max: 12 }),
  images: fc.integer({ min: 1, max: 4 }),
  series: fc.integer({ min: 1, max: 3 }),
});

describe('identities of generated profiles and segment splits', () => {
  it('never collide within a run, never between two runs, and every UID is valid', () => {
    fc.assert(
      fc.property(
        fc.array(scenarioArbitrary, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (scenarios, segments, workers, orgRoot, seed) => {
          const uidRoot = orgRoot ? ORG_ROOT : undefined;
          const first = runIdentities(identitySettings({ mode: 'unique', runId: 'run-1', seed, uidRoot }), scenarios, segments, workers);
          // The same run split differently makes exactly the same identities.
          const unsplit = runIdentities(identitySettings({ mode: 'unique', runId: 'run-1', seed, uidRoot }), scenarios, 1, 1);
          expect([...first.keys()].sort()).toEqual([...unsplit.keys()].sort());
          // Another run (same seed, another run id) shares none.
          const second = runIdentities(identitySettings({ mode: 'unique', runId: 'run-2', seed, uidRoot }), scenarios, segments, workers);
          for (const key of second.keys()) expect(first.has(key), key).toBe(false);
          for (const key of first.keys()) if (key.startsWith('uid:')) expect(isValidUid(key.slice(4)), key).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reproduce in fixed mode: the same seed gives the same identities whatever the run id', () => {
    fc.assert(
      fc.property(fc.array(scenarioArbitrary, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (scenarios, seed) => {
        const a = runIdentities(identitySettings({ mode: 'fixed', runId: 'night-1', seed }), scenarios, 2, 2);
        const b = runIdentities(identitySettings({ mode: 'fixed', runId: 'night-2', seed }), scenarios, 1, 1);
        expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
        const other = runIdentities(identitySettings({ mode: 'fixed', runId: 'night-1', seed: seed ^ 1 }), scenarios, 1, 1);
        for (const key of other.keys()) expect(a.has(key), key).toBe(false);
      }),
      { numRuns: 25 },
    );
  });
});
