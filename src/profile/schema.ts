/**
 * The profile schema: the single source of truth for what a profile file may say
 * (docs/architecture.md section 5). It validates the parsed YAML/JSON, reports every problem in
 * one pass (path, message and fix), and transforms a valid profile into a
 * `ResolvedProfile` (src/profile/types.ts) with durations in integer
 * microseconds and rates per second. The JSON Schema for editors is generated
 * from it (json-schema.ts).
 *
 * Unknown keys are errors everywhere. Checks that relate several keys
 * (executor keys, target services, threshold subjects) run even when other keys
 * failed, so a user fixes a profile in one round.
 */
import { z } from 'zod';
import type { Problem } from '../errors.js';
import { DICOMWEB_OPERATIONS, DIMSE_OPERATIONS, OPERATION_NAMES, type OperationName } from '../metrics/names.js';
import { didYouMean } from './did-you-mean.js';
import {
  asRecord,
  booleanField,
  durationField,
  enumField,
  intField,
  listField,
  mapField,
  objectField,
  textField,
  textOrObjectField,
} from './fields.js';
import { problemsFromIssues, problemText } from './problems.js';
import { chainStepsOf } from './chain-steps.js';
import { resolveScenario, scenarioSchema } from './scenario-schema.js';
import { migrationSchema } from './migration-schema.js';
import { checkSeedPriors, resolveSeedPriors, seedPriorsSchema } from './seed-priors-schema.js';
import { resolveSimulator, resolveTarget, simulatorSchema, targetSchema } from './target-schema.js';
import { tryParseThresholdExpression } from './threshold-expression.js';
import type { ResolvedProfile, ThresholdSpec } from './types.js';
import { uidRootProblem } from './uid-root.js';

/** The operations that look priors up by synthetic patient (src/operations/qr-priors.ts). */
const PRIOR_LOOKUP_OPERATIONS: ReadonlySet<OperationName> = new Set(['qr.find', 'qr.move', 'qr.get']);

/** Scenario names become tags in outputs; they may not look like operation names. */
const SCENARIO_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

const thresholdObjectSchema = objectField(
  {
    threshold: textField({ description: 'The expression, e.g. `p95 < 500ms`.', example: 'p95 < 500ms' }),
    abortOnFail: booleanField({ description: 'Stop the run as soon as this threshold fails. Default false.' }).optional(),
    delayAbortEval: durationField({
      description: 'With abortOnFail: evaluate for aborting only after this much of the run. Default 0s.',
      example: '30s',
      minUs: 0,
    }).optional(),
  },
  { description: 'A threshold with options (k6 convention).', example: '{ threshold: p95 < 500ms, abortOnFail: true }' },
);

const thresholdItemSchema = textOrObjectField(thresholdObjectSchema, {
  description:
    'A threshold: `<metric> <comparator> <value>` with metric p50, p90, p95, p99, p99.9, max, mean (a duration), errors, dropped (a percentage) or rate (a rate), e.g. `p95 < 500ms`, `errors < 0.1%`, `rate >= 40/s`; or `{ threshold, abortOnFail, delayAbortEval }`.',
  example: '"p95 < 500ms"',
}).transform((item, ctx) => {
  const text = typeof item === 'string' ? item : item.threshold;
  const parsed = tryParseThresholdExpression(text);
  if (!parsed.ok) {
    ctx.addIssue({
      code: 'custom',
      path: typeof item === 'string' ? [] : ['threshold'],
      message: problemText(parsed.message, parsed.fix),
    });
    return z.NEVER;
  }
  const abortOnFail = typeof item === 'string' ? false : (item.abortOnFail ?? false);
  const delayAbortEvalUs = typeof item === 'string' ? 0 : (item.delayAbortEval ?? 0);
  if (typeof item !== 'string' && item.delayAbortEval !== undefined && !abortOnFail) {
    ctx.addIssue({
      code: 'custom',
      path: ['delayAbortEval'],
      message: problemText('`delayAbortEval` has no effect without `abortOnFail: true`', 'add `abortOnFail: true`, or remove `delayAbortEval`'),
    });
    return z.NEVER;
  }
  return { expression: parsed.expression, abortOnFail, delayAbortEvalUs };
});

/**
 * `$schema` (issue 16, item 6): the JSON Schema an editor checks the file
 * against (`pacs-load schema` prints it). Editors read it; pacs-load accepts
 * any text there and ignores it, so it is never an unknown key.
 */
const editorSchemaField = z
  .string({ error: (issue) => problemText(`must be text (the path or URL of the JSON Schema), not ${typeof issue.input}`, 'write e.g. `$schema: ./pacs-load.schema.json`') })
  .meta({
    description: 'The JSON Schema editors check this file against, e.g. `./pacs-load.schema.json` (write it with `pacs-load schema > pacs-load.schema.json`). Ignored by pacs-load.',
    examples: ['./pacs-load.schema.json'],
  });

const profileObjectSchema = objectField(
  {
    name: textField({ description: 'Name of the profile; it tags every result.', example: 'morning-peak' }),
    description: textField({ description: 'What this profile simulates.', example: 'MWL polling of 200 modalities' }).optional(),
    seed: intField({
      description: 'Seed for synthetic data, so that two runs send the same patients and studies. Default: derived from the run id.',
      example: '42',
      min: 0,
      max: 4_294_967_295,
    }).optional(),
    identities: enumField(['unique', 'fixed'], {
      description:
        'unique (default): every run sends new UIDs, patient IDs and accession numbers (a per-run part from the run id), so a rerun against the same PACS adds new objects. fixed: identities depend only on the seed, so a rerun with the same seed re-sends the same objects (a deliberate duplicate-send test). `--identities` overrides it.',
      noun: 'identity mode',
    }).optional(),
    uidRoot: textField({
      description:
        'Your organisation\'s UID root (PS3.5 section 9.1), quoted: UIDs become `<uidRoot>.<run>.<stream>.<scenario>.<iteration>[.<series>.<instance>]`. At most 27 characters for up to 10 scenarios. Default: 2.25 UUID-derived UIDs (PS3.5 B.2).',
      example: '"1.2.826.0.1.3680043.10.543"',
    }).optional(),
    interval: durationField({ description: 'How often workers report results (snapshot interval). Default 1s.', example: '1s', minUs: 10_000 }).prefault(
      '1s',
    ),
    preflight: booleanField({ description: 'Check that the target answers before the load starts. Default true.' }).prefault(true),
    target: targetSchema.optional(),
    simulator: simulatorSchema.optional(),
    migration: migrationSchema.optional(),
    seedPriors: seedPriorsSchema.optional(),
    scenarios: mapField(scenarioSchema, {
      description: 'The scenarios, by name (letters, digits, - and _). They run in parallel, each from its `startAfter`.',
      example: '{ worklist: { operation: mwl.find, executor: constant-arrival-rate, rate: 10/s, duration: 1m } }',
    }),
    thresholds: mapField(
      listField(thresholdItemSchema, { description: 'Thresholds for this subject.', example: '["p95 < 500ms"]', minItems: 1 }),
      {
        description: 'Pass/fail criteria, by operation name (`mwl.find`) or scenario name. A failed threshold makes the run exit with code 99.',
        example: '{ mwl.find: ["p95 < 500ms", "errors < 0.1%"] }',
      },
    ).optional(),
    $schema: editorSchemaField.optional(),
  },
  { description: 'A pacs-load profile.', example: '{ name: quickstart, scenarios: { ... } }' },
).superRefine(checkProfile, { when: (payload) => asRecord(payload.value) !== undefined });

type ProfileOutput = z.output<typeof profileObjectSchema>;

/** The profile schema: raw YAML/JSON in, `ResolvedProfile` out. */
export const profileSchema = profileObjectSchema
  .meta({ title: 'pacs-load profile' })
  .transform((profile): ResolvedProfile => resolveProfile(profile));

/** The checks that span blocks: scenario names, target services per operation, simulator vs target, threshold subjects. */
function checkProfile(profile: ProfileOutput, ctx: z.RefinementCtx<ProfileOutput>): void {
  const raw = profile as unknown as Record<string, unknown>;
  const scenarios = asRecord(raw.scenarios);
  const target = asRecord(raw.target);

  if (raw.simulator !== undefined && raw.target !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['simulator'],
      message: problemText(
        'simulator applies only when there is no target',
        'remove `simulator` to test the target, or remove `target` to run against the embedded simulator',
      ),
    });
  }
  checkSeedPriors(raw, ctx);
  if (scenarios === undefined) return;

  const names = Object.keys(scenarios);
  if (typeof raw.uidRoot === 'string') {
    const problem = uidRootProblem(raw.uidRoot, names.length);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['uidRoot'], message: problemText(problem.message, problem.fix) });
  }
  if (names.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['scenarios'],
      message: problemText(
        'the profile has no scenarios',
        'add one, e.g. `worklist: { operation: mwl.find, executor: constant-arrival-rate, rate: 10/s, duration: 1m }`',
      ),
    });
  }
  // The summary has one `breakpoint` verdict (src/scheduler/breakpoint-verdict.ts): one ramp per profile.
  const ramps = names.filter((name) => asRecord(scenarios[name])?.executor === 'breakpoint');
  for (const extra of ramps.slice(1)) {
    ctx.addIssue({
      code: 'custom',
      path: ['scenarios', extra, 'executor'],
      message: problemText(
        `only one breakpoint scenario per profile; \`${ramps[0] ?? ''}\` is one already`,
        'find each breakpoint in its own profile (scenarios that share a run share the target, so each ramp would skew the other)',
      ),
    });
  }
  const operationsUsed = new Set<OperationName>();
  let everyOperationKnown = true;
  for (const name of names) {
    if (!SCENARIO_NAME.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['scenarios', name],
        message: problemText(
          `scenario name \`${name}\` may hold only letters, digits, - and _, and must start with a letter`,
          `rename it, e.g. \`${suggestScenarioName(name)}\``,
        ),
      });
    }
    const operation = asRecord(scenarios[name])?.operation;
    if (!isOperationName(operation)) {
      everyOperationKnown = false;
      continue;
    }
    operationsUsed.add(operation);
    // A chain's steps are series of their own, so they are threshold subjects too.
    const steps = operation === 'chain' ? (chainStepsOf(asRecord(scenarios[name]) ?? {}) ?? []) : [];
    for (const step of steps) operationsUsed.add(step);
    if (target === undefined) continue;
    if (DIMSE_OPERATIONS.includes(operation) && target.dimse === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'dimse'],
        message: problemText(
          operation === 'chain'
            ? `scenario \`${name}\` runs a chain of ${steps.join(', ')}, DIMSE operations, but the target has no \`dimse\``
            : `scenario \`${name}\` runs ${operation}, a DIMSE operation, but the target has no \`dimse\``,
          'add `target.dimse: { host, port, calledAe }`, or remove `target` to use the embedded simulator',
        ),
      });
    }
    if (DICOMWEB_OPERATIONS.includes(operation) && target.dicomweb === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'dicomweb'],
        message: problemText(
          `scenario \`${name}\` runs ${operation}, a DICOMweb operation, but the target has no \`dicomweb\``,
          'add `target.dicomweb: { baseUrl }`, or remove `target` to use the embedded simulator',
        ),
      });
    }
  }

  const thresholds = asRecord(raw.thresholds);
  if (thresholds === undefined) return;
  const subjects = [...names, ...operationsUsed];
  for (const subject of Object.keys(thresholds)) {
    if (subjects.includes(subject)) continue;
    // A scenario whose operation is itself an error may be the one meant to run this operation.
    if (isOperationName(subject) && !everyOperationKnown) continue;
    const message = isOperationName(subject)
      ? `threshold subject \`${subject}\` is an operation no scenario runs`
      : `unknown threshold subject \`${subject}\``;
    ctx.addIssue({
      code: 'custom',
      path: ['thresholds', subject],
      message: problemText(
        message,
        `${didYouMean(subject, subjects)}use an operation a scenario runs or a scenario name: ${subjects.join(', ')}`,
      ),
    });
  }
}

function isOperationName(value: unknown): value is OperationName {
  return (OPERATION_NAMES as readonly unknown[]).includes(value);
}

function suggestScenarioName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z]+/, '')
    .replace(/-+$/, '');
  return cleaned === '' ? 'worklist' : cleaned;
}

function resolveProfile(profile: ProfileOutput): ResolvedProfile {
  const thresholds: ThresholdSpec[] = [];
  for (const [subject, items] of Object.entries(profile.thresholds ?? {})) {
    for (const item of items) thresholds.push({ subject, ...item });
  }
  const resolved: ResolvedProfile = {
    name: profile.name,
    description: profile.description,
    target: profile.target === undefined ? undefined : resolveTarget(profile.target),
    simulator: resolveSimulator(profile.simulator),
    scenarios: Object.entries(profile.scenarios).map(([name, scenario]) => resolveScenario(name, scenario)),
    thresholds,
    options: { intervalUs: profile.interval, preflight: profile.preflight },
  };
  if (profile.seed !== undefined) resolved.options.seed = profile.seed;
  if (profile.identities !== undefined) resolved.options.identities = profile.identities;
  if (profile.uidRoot !== undefined) resolved.options.uidRoot = profile.uidRoot;
  if (profile.migration !== undefined) resolved.migration = { archiveSizeBytes: profile.migration.archiveSize };
  if (profile.seedPriors !== undefined) {
    const seedPriors = resolveSeedPriors(profile.seedPriors, resolved.target);
    resolved.seedPriors = seedPriors;
    // The look-ups ask for the seeded patients unless a scenario says otherwise.
    resolved.scenarios = resolved.scenarios.map((scenario) =>
      PRIOR_LOOKUP_OPERATIONS.has(scenario.operation) && scenario.params.patients === undefined
        ? { ...scenario, params: { ...scenario.params, patients: seedPriors.patients } }
        : scenario,
    );
  }
  return resolved;
}

/** The outcome of validating a parsed profile. */
export type ProfileValidation = { ok: true; profile: ResolvedProfile } | { ok: false; problems: Problem[] };

/**
 * Validates a parsed YAML/JSON value against the profile schema. Never throws
 * for bad input: every problem is returned, each with a dotted path, a message
 * and a fix.
 */
export function validateProfile(raw: unknown): ProfileValidation {
  if (raw === null || raw === undefined) {
    return { ok: false, problems: [{ path: '', message: 'the profile is empty', fix: 'write at least `name` and `scenarios`' }] };
  }
  const result = profileSchema.safeParse(raw);
  if (result.success) return { ok: true, profile: result.data };
  return { ok: false, problems: problemsFromIssues(result.error.issues, raw) };
}
