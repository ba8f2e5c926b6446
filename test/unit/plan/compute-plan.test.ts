/**
 * `pacs-load plan` figures against hand-computed examples (issue 7: "plan
 * figures checked by hand-computed examples"). Study sizes are the synthetic
 * shapes: CT 680 x 512 x 512 x 2 B = 356,515,840 B; CR 2 x 2500 x 2000 x 2 B = 20,000,000 B.
 */
import { describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../src/errors.js';
import { computePlan, resolvePlanInput } from '../../../src/plan/index.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { planProfileYaml } from '../../../src/plan/index.js';

const CT_STUDY = 356_515_840;
const CR_STUDY = 20_000_000;

interface Example {
  name: string;
  raw: Record<string, unknown>;
  expected: {
    studiesPerSec: number;
    imagesPerSec: number;
    ingestBytesPerSec: number;
    worklistPerSec: number;
    readingPerSec: number;
    referringPerSec: number;
    retrievalBytesPerSec: number;
    bytesPerDay: number;
  };
}

const EXAMPLES: Example[] = [
  {
    // 500 x 10% x 1.5 = 75 studies in the peak hour; 20 / 60 s x 1.5 = 0.5 queries/s;
    // 4 x 12 x (1 + 0.5) x 1.5 = 108 opens/h; 400 x 10% x 1.5 = 60 referring views/h.
    name: 'CT only, 500 studies a day, defaults for share and headroom',
    raw: { studiesPerDay: 500, modalityMix: { CT: 1 }, modalities: 20, worklistPollInterval: '60s', readers: 4, readsPerReaderHour: 12, priorsPerRead: 0.5, referringViewsPerDay: 400 },
    expected: {
      studiesPerSec: 75 / 3600,
      imagesPerSec: (75 * 680) / 3600,
      ingestBytesPerSec: (75 * CT_STUDY) / 3600,
      worklistPerSec: 0.5,
      readingPerSec: 108 / 3600,
      referringPerSec: 60 / 3600,
      retrievalBytesPerSec: ((108 + 60) * CT_STUDY) / 3600,
      bytesPerDay: 500 * CT_STUDY,
    },
  },
  {
    // Flag text: 1000 x 15% x 1.0 = 150 studies/h; 40 / 30 s = 1.333/s; readers 0.
    name: 'CR only from flag strings, 15% peak, no headroom',
    raw: { studiesPerDay: '1000', modalityMix: 'CR:1', peakHourShare: '15%', headroom: '0%', modalities: '40', worklistPollInterval: '30s', readers: '0', referringViewsPerDay: '0' },
    expected: {
      studiesPerSec: 150 / 3600,
      imagesPerSec: (150 * 2) / 3600,
      ingestBytesPerSec: (150 * CR_STUDY) / 3600,
      worklistPerSec: 40 / 30,
      readingPerSec: 0,
      referringPerSec: 0,
      retrievalBytesPerSec: 0,
      bytesPerDay: 1000 * CR_STUDY,
    },
  },
  {
    // Half CT, half CR: the average study is (680 + 2) / 2 = 341 images and
    // (CT + CR) / 2 bytes. 360 x 10% x 2.0 = 72 studies/h; referring defaults
    // to one per study: 72 views/h; 2 x 10 x 1.55 x 2 = 62 opens/h.
    name: 'CT/CR mix, 100% headroom, default priors and referring views',
    raw: { studiesPerDay: 360, modalityMix: { CT: 50, CR: 50 }, headroom: '100%', modalities: 6, worklistPollInterval: '2m', readers: 2, readsPerReaderHour: 10 },
    expected: {
      studiesPerSec: 72 / 3600,
      imagesPerSec: (72 * 341) / 3600,
      ingestBytesPerSec: (72 * (CT_STUDY + CR_STUDY)) / 2 / 3600,
      worklistPerSec: (6 / 120) * 2,
      readingPerSec: 62 / 3600,
      referringPerSec: 72 / 3600,
      retrievalBytesPerSec: ((62 + 72) * (CT_STUDY + CR_STUDY)) / 2 / 3600,
      bytesPerDay: (360 * (CT_STUDY + CR_STUDY)) / 2,
    },
  },
];

function rateOf(plan: ReturnType<typeof computePlan>, scenario: string): number {
  const row = plan.operations.find((operation) => operation.scenario === scenario);
  if (row === undefined) throw new Error(`no scenario ${scenario}`);
  return row.ratePerSec;
}

describe('computePlan (hand-computed examples)', () => {
  for (const example of EXAMPLES) {
    it(example.name, () => {
      const { input, given } = resolvePlanInput(example.raw);
      const plan = computePlan(input, given);
      const e = example.expected;
      expect(plan.ingest.studiesPerSec).toBeCloseTo(e.studiesPerSec, 9);
      expect(plan.ingest.imagesPerSec).toBeCloseTo(e.imagesPerSec, 6);
      expect(plan.ingest.bytesPerSec).toBeCloseTo(e.ingestBytesPerSec, 0);
      expect(plan.ingest.megabitsPerSec).toBeCloseTo((e.ingestBytesPerSec * 8) / 1e6, 6);
      expect(plan.ingest.megabytesPerSec).toBeCloseTo(e.ingestBytesPerSec / 1e6, 6);
      expect(rateOf(plan, 'study-sends')).toBeCloseTo(e.studiesPerSec, 9);
      expect(rateOf(plan, 'procedure-start')).toBeCloseTo(e.studiesPerSec, 9);
      expect(rateOf(plan, 'procedure-end')).toBeCloseTo(e.studiesPerSec, 9);
      expect(rateOf(plan, 'prior-lookups')).toBeCloseTo(e.studiesPerSec, 9);
      expect(rateOf(plan, 'worklist')).toBeCloseTo(e.worklistPerSec, 9);
      expect(rateOf(plan, 'reading')).toBeCloseTo(e.readingPerSec, 9);
      expect(rateOf(plan, 'referring-search')).toBeCloseTo(e.referringPerSec, 9);
      expect(rateOf(plan, 'referring-views')).toBeCloseTo(e.referringPerSec, 9);
      expect(plan.retrieval.bytesPerSec).toBeCloseTo(e.retrievalBytesPerSec, 0);
      expect(plan.storage.bytesPerDay).toBeCloseTo(e.bytesPerDay, 0);
      expect(plan.storage.bytesPerYear).toBeCloseTo(e.bytesPerDay * 365, 0);
      expect(plan.storage.terabytesPerYear).toBeCloseTo((e.bytesPerDay * 365) / 1e12, 9);
    });
  }

  it('prints every assumption with its source, docs/architecture.md section 6 for the defaults', () => {
    const { input, given } = resolvePlanInput({ studiesPerDay: 500 });
    const plan = computePlan(input, given);
    const byName = new Map(plan.assumptions.map((assumption) => [assumption.name, assumption]));
    expect(byName.get('peak hour share')).toMatchObject({ value: '10%', source: expect.stringContaining('docs/architecture.md section 6') });
    expect(byName.get('headroom')).toMatchObject({ value: '50%', source: expect.stringContaining('Wilson and Smith') });
    expect(byName.get('priors opened per read')?.source).toContain('45%');
    expect(byName.get('study sizes')?.source).toContain('docs/architecture.md section 6');
    for (const assumption of plan.assumptions) expect(assumption.source).not.toBe('');
    const overridden = resolvePlanInput({ studiesPerDay: 500, headroom: '20%' });
    expect(computePlan(overridden.input, overridden.given).assumptions.find((a) => a.name === 'headroom')?.source).toBe('your input');
  });

  it('lists every input problem at once with a fix', () => {
    try {
      resolvePlanInput({ peakHourShare: '10', modalityMix: { XX: 1 }, readers: -1, bogus: 1 });
      expect.unreachable();
    } catch (error) {
      expect(isPacsLoadError(error)).toBe(true);
      if (!isPacsLoadError(error)) return;
      expect(error.code).toBe('ERR_INPUT_INVALID');
      expect(error.problems.map((problem) => problem.path).sort()).toEqual(['bogus', 'modalityMix.XX', 'peakHourShare', 'readers', 'studiesPerDay']);
      for (const problem of error.problems) expect(problem.fix).not.toBe('');
    }
  });

  it('writes a profile that validates and carries the planned rates', () => {
    const { input, given } = resolvePlanInput(EXAMPLES[0]?.raw ?? {});
    const plan = computePlan(input, given);
    const profile = parseProfileText(planProfileYaml(plan), 'plan.yaml');
    expect(profile.target).toBeUndefined();
    for (const row of plan.operations) {
      const scenario = profile.scenarios.find((candidate) => candidate.name === row.scenario);
      expect(scenario?.operation).toBe(row.operation);
      if (scenario?.executor.type !== 'constant-arrival-rate') throw new Error('expected constant-arrival-rate');
      expect(Math.abs(scenario.executor.ratePerSec - row.ratePerSec) / row.ratePerSec).toBeLessThan(1e-4);
    }
    expect(profile.scenarios.find((s) => s.name === 'worklist')?.params.stations).toBe(20);
  });
});
