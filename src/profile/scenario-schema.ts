/**
 * The `scenarios.<name>` block: which operation, which executor (docs/architecture.md
 * section 3, point 1) and the executor's and operation's settings.
 *
 * One mapping accepts the keys of every executor and operation, so that a key
 * used with the wrong executor gets a precise error ("`rate` does not apply to
 * executor constant-concurrency; use `users`") instead of "unknown key". Which
 * keys apply where is written once, in the tables below; the refinement
 * enforces them and the resolver reads them.
 */
import type { z } from 'zod';
import { OPERATION_NAMES, type OperationName } from '../metrics/names.js';
import {
  asRecord,
  checkRate,
  durationField,
  enumField,
  intField,
  listField,
  objectField,
  rateField,
  textField,
  textOrNumberField,
} from './fields.js';
import { problemText } from './problems.js';
import { checkStoreParams, resolveStoreParams, storeParamShape } from './store-params.js';
import { DEFAULT_CHAIN_STEPS, KEYS_NOT_IN_CHAIN, chainStepsOf, checkChainSteps, keyOwners, stepsField } from './chain-steps.js';
import { resolveRetrieveParams, retrieveParamShape } from './retrieve-params.js';
import { EXPECT_MATCHES_OPERATIONS, expectMatchesField } from './expect-matches.js';
import { resolveStopWhen, stopWhenSchema } from './breakpoint-schema.js';
import { EXECUTOR_TYPES, type ExecutorSpec, type ExecutorType, type ResolvedScenario } from './types.js';
import { parseDurationUs, tryParseRatePerSec } from './units.js';

/** Defaults of optional scenario keys, applied by the resolver (and shown in the JSON Schema). */
export const SCENARIO_DEFAULTS = {
  maxInFlight: 100,
  startRatePerSec: 0,
  startUsers: 0,
  iterationUsers: 1,
  maxDuration: '10m',
  startAfter: '0s',
  gracefulStop: '30s',
  stations: 1,
  modality: 'CT',
  maxFramesInFlight: 100,
} as const;

type ExecutorKey =
  | 'rate'
  | 'duration'
  | 'maxInFlight'
  | 'startRate'
  | 'stages'
  | 'users'
  | 'startUsers'
  | 'iterations'
  | 'maxDuration'
  | BreakpointKey;
/** The breakpoint executor's keys (src/profile/breakpoint-schema.ts); it shares startRate and maxInFlight. */
type BreakpointKey = 'stepRate' | 'stepDuration' | 'maxRate' | 'stopWhen';
type ParamKey =
  | 'stations'
  | 'modality'
  | 'expectItems'
  | 'expectMatches'
  | 'limit'
  | StoreParamKey
  | 'imagesPerRequest'
  | RetrieveParamKey
  | 'maxFramesInFlight'
  | 'steps'
  | 'duplicateSends';
/** The Q/R operations' keys (src/profile/retrieve-params.ts). */
type RetrieveParamKey = 'patients' | 'level' | 'moveDestination' | 'storeScpPort';
/** dimse.store's keys (src/operations/dimse-store.ts). */
type StoreParamKey = 'images' | 'imageSize' | 'imagesPerAssociation' | 'transferSyntax' | 'mix';

const EXECUTOR_SPECIFIC_KEYS: readonly ExecutorKey[] = [
  'rate',
  'duration',
  'maxInFlight',
  'startRate',
  'stages',
  'users',
  'startUsers',
  'iterations',
  'maxDuration',
  'stepRate',
  'stepDuration',
  'maxRate',
  'stopWhen',
];

/** The keys each executor takes. */
export const EXECUTOR_KEYS: Record<ExecutorType, { required: readonly ExecutorKey[]; optional: readonly ExecutorKey[] }> = {
  'constant-arrival-rate': { required: ['rate', 'duration'], optional: ['maxInFlight'] },
  'ramping-arrival-rate': { required: ['stages'], optional: ['startRate', 'maxInFlight'] },
  'constant-concurrency': { required: ['users', 'duration'], optional: [] },
  'ramping-concurrency': { required: ['stages'], optional: ['startUsers'] },
  iterations: { required: ['iterations'], optional: ['users', 'maxDuration'] },
  breakpoint: { required: ['startRate', 'stepRate', 'stepDuration', 'maxRate', 'stopWhen'], optional: ['maxInFlight'] },
};

/** The operations each parameter applies to. */
/** DICOMweb operations that fetch what the target holds, picked by `modality` (src/operations/dicomweb-catalog.ts). */
const DICOMWEB_FETCH_OPERATIONS: readonly OperationName[] = [
  'qido.series',
  'qido.instances',
  'wado.metadata',
  'wado.instance',
  'wado.frames',
  'wado.rendered',
  'viewer.open',
];

export const OPERATION_PARAM_KEYS: Record<ParamKey, readonly OperationName[]> = {
  stations: ['mwl.find', 'mpps.inProgress', 'mpps.completed'],
  modality: ['mwl.find', 'qido.studies', 'dimse.store', ...DICOMWEB_FETCH_OPERATIONS, 'stow.study', 'mpps.inProgress', 'mpps.completed'],
  expectItems: ['mwl.find'],
  expectMatches: EXPECT_MATCHES_OPERATIONS,
  limit: ['qido.studies', 'qido.series', 'qido.instances'],
  images: ['dimse.store', 'stow.study'],
  imageSize: ['dimse.store', 'stow.study'],
  imagesPerAssociation: ['dimse.store'],
  transferSyntax: ['dimse.store'],
  mix: ['dimse.store'],
  imagesPerRequest: ['stow.study'],
  patients: ['qr.find', 'qr.move', 'qr.get'],
  level: ['qr.find'],
  moveDestination: ['qr.move'],
  storeScpPort: ['qr.move'],
  maxFramesInFlight: ['viewer.open'],
  steps: ['chain'],
  duplicateSends: ['dimse.store', 'stow.study'],
};

/**
 * What a key means, so that a key used with the wrong executor can point at the
 * key that means the same there (`rate` with constant-concurrency -> `users`).
 */
type Role = 'load' | 'length' | 'start' | 'limit' | 'stop';
const KEY_ROLE: Record<ExecutorKey, Role> = {
  rate: 'load',
  users: 'load',
  iterations: 'load',
  stages: 'load',
  duration: 'length',
  maxDuration: 'length',
  startRate: 'start',
  startUsers: 'start',
  maxInFlight: 'limit',
  stepRate: 'load',
  maxRate: 'load',
  stepDuration: 'length',
  stopWhen: 'stop',
};
const ROLE_KEY: Record<ExecutorType, Partial<Record<Role, ExecutorKey>>> = {
  'constant-arrival-rate': { load: 'rate', length: 'duration', limit: 'maxInFlight' },
  'ramping-arrival-rate': { load: 'stages', length: 'stages', start: 'startRate', limit: 'maxInFlight' },
  'constant-concurrency': { load: 'users', length: 'duration', limit: 'users' },
  'ramping-concurrency': { load: 'stages', length: 'stages', start: 'startUsers' },
  iterations: { load: 'iterations', length: 'maxDuration', limit: 'users' },
  breakpoint: { load: 'stepRate', length: 'stepDuration', start: 'startRate', limit: 'maxInFlight' },
};

function isArrivalRate(executor: ExecutorType): boolean {
  return executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate' || executor === 'breakpoint';
}

/** How a key is written for an executor, for fixes. */
function exampleOf(key: ExecutorKey, executor: ExecutorType): string {
  switch (key) {
    case 'rate':
      return '40/s';
    case 'duration':
      return '5m';
    case 'maxInFlight':
      return '100';
    case 'startRate':
      return '5/s';
    case 'stages':
      return isArrivalRate(executor) ? '[{ duration: 2m, target: 40/s }]' : '[{ duration: 2m, target: 20 }]';
    case 'users':
      return '10';
    case 'startUsers':
      return '0';
    case 'iterations':
      return '100';
    case 'maxDuration':
      return '10m';
    case 'stepRate':
      return '10/s';
    case 'stepDuration':
      return '30s';
    case 'maxRate':
      return '200/s';
    case 'stopWhen':
      return '{ p95: 500ms, errors: 1% }';
  }
}

const stageSchema = objectField(
  {
    duration: durationField({ description: 'How long this stage lasts.', example: '2m' }),
    target: textOrNumberField({
      description:
        'Where the stage ends: a rate (`40/s`) for ramping-arrival-rate, a number of users for ramping-concurrency. The value changes linearly from the previous stage.',
      example: '40/s',
    }),
  },
  { description: 'One stage of a ramp.', example: '{ duration: 2m, target: 40/s }' },
);

/**
 * Modality, a Code String (PS3.5 section 6.2, CS VR: upper-case letters, digits,
 * space and underscore, at most 16 characters); defined terms in PS3.3 C.7.3.1.1.1.
 */
const modalityField = textField({
  description:
    'mwl.find, qido.studies: the modality to query for; qido.series, qido.instances, wado.*: fetch studies of this modality; viewer.open: open studies of this modality; dimse.store, stow.study: the modality of the studies sent (PS3.3 C.7.3.1.1.1 defined terms, e.g. CT, MR, CR).',
  example: 'CT',
}).superRefine((value, ctx) => {
  if (value === '' || /^[A-Z0-9_ ]{1,16}$/.test(value)) return;
  const upper = value.toUpperCase();
  ctx.addIssue({
    code: 'custom',
    message: problemText(
      `\`${value}\` is not a modality code (upper-case letters, digits, space or _, at most 16 characters; PS3.5 section 6.2 CS)`,
      /^[A-Z0-9_ ]{1,16}$/.test(upper) ? `write \`${upper}\`` : 'write a modality code such as `CT`, `MR` or `CR`',
    ),
  });
});

const scenarioShape = {
  operation: enumField(OPERATION_NAMES, {
    description: 'The operation this scenario repeats; `chain` runs several in order per arrival (`steps`).',
    noun: 'operation',
  }),
  executor: enumField(EXECUTOR_TYPES as readonly [ExecutorType, ...ExecutorType[]], {
    description: 'How operations are scheduled: arrival-rate executors are the open model (start on schedule whatever the answers), concurrency executors the closed model.',
    noun: 'executor',
  }),
  rate: rateField({ description: 'constant-arrival-rate: operations started per unit of time.', example: '40/s' }).optional(),
  duration: durationField({ description: 'constant-arrival-rate, constant-concurrency: how long the scenario runs.', example: '5m' }).optional(),
  maxInFlight: intField({
    description: `constant-arrival-rate, ramping-arrival-rate: operations in flight at most; later ones queue (their wait counts as latency) and are dropped if they cannot start before the end. Default ${SCENARIO_DEFAULTS.maxInFlight}.`,
    example: '100',
    min: 1,
  })
    .optional()
    .meta({ default: SCENARIO_DEFAULTS.maxInFlight }),
  startRate: rateField({
    description: 'ramping-arrival-rate: the rate at the start of the first stage. Default 0/s.',
    example: '5/s',
    allowZero: true,
    documentedDefault: '0/s',
  }).optional(),
  stages: listField(stageSchema, {
    description: 'ramping-arrival-rate, ramping-concurrency: the ramp, stage by stage.',
    example: '[{ duration: 2m, target: 40/s }]',
    minItems: 1,
  }).optional(),
  users: intField({
    description: 'constant-concurrency: simultaneous users, each running one operation after another. iterations: users sharing the iterations (default 1).',
    example: '10',
    min: 1,
  }).optional(),
  startUsers: intField({ description: 'ramping-concurrency: users at the start of the first stage. Default 0.', example: '0', min: 0 })
    .optional()
    .meta({ default: SCENARIO_DEFAULTS.startUsers }),
  iterations: intField({ description: 'iterations: total operations, shared by all users.', example: '100', min: 1 }).optional(),
  maxDuration: durationField({
    description: 'iterations: the scenario ends after this even if iterations remain. Default 10m.',
    example: '10m',
    documentedDefault: SCENARIO_DEFAULTS.maxDuration,
  }).optional(),
  startAfter: durationField({ description: 'Start this long after the run starts. Default 0s.', example: '30s', minUs: 0 }).prefault(
    SCENARIO_DEFAULTS.startAfter,
  ),
  gracefulStop: durationField({
    description: 'How long in-flight operations may finish after the scenario ends before they are cut off. Default 30s.',
    example: '30s',
    minUs: 0,
  }).prefault(SCENARIO_DEFAULTS.gracefulStop),
  stations: intField({
    description:
      'mwl.find: query this many scheduled station AE titles (STATION001...), round robin. mpps.inProgress, mpps.completed: perform the worklist items of this many stations. Default 1.',
    example: '10',
    min: 1,
    max: 9999,
  })
    .optional()
    .meta({ default: SCENARIO_DEFAULTS.stations }),
  modality: modalityField.optional().meta({ default: SCENARIO_DEFAULTS.modality }),
  expectItems: intField({
    description: 'mwl.find: the number of worklist items each answer should hold; another count is a check failure.',
    example: '5',
    min: 0,
  }).optional(),
  limit: intField({
    description: 'qido.studies, qido.series, qido.instances: the `limit` query parameter (PS3.18 section 8.3.4.4).',
    example: '100',
    min: 1,
  }).optional(),
  expectMatches: expectMatchesField.optional(),
  imagesPerRequest: intField({
    description: 'stow.study: instances per STOW-RS request; a study needs as many requests as this divides it into. Default: the whole study in one.',
    example: '50',
    min: 1,
  }).optional(),
  maxFramesInFlight: intField({
    description: `viewer.open: frame requests in flight at most per study open; the others wait their turn, as a viewer's image loader queues them. Default ${SCENARIO_DEFAULTS.maxFramesInFlight} (OHIF v3).`,
    example: '100',
    min: 1,
    max: 10_000,
  })
    .optional()
    .meta({ default: SCENARIO_DEFAULTS.maxFramesInFlight }),
  steps: stepsField.optional(),
  duplicateSends: intField({
    description:
      'dimse.store, stow.study: percent of sends (0-100) that re-send the identities of an earlier send of this scenario on purpose, as a modality re-sending a study does (which sends, a draw from the seed). The summary says the run intended duplicates. Default 0.',
    example: '10',
    min: 0,
    max: 100,
  }).optional(),
  stepRate: rateField({ description: 'breakpoint: the rate added at each step.', example: '10/s' }).optional(),
  stepDuration: durationField({ description: 'breakpoint: how long each step holds its rate (a whole number of intervals reads best).', example: '30s' }).optional(),
  maxRate: rateField({ description: 'breakpoint: the highest step rate; the ramp ends there if no step failed.', example: '200/s' }).optional(),
  stopWhen: stopWhenSchema.optional(),
  ...storeParamShape,
  ...retrieveParamShape,
};

/** The `scenarios.<name>` schema: types and ranges per key, then which keys apply to the executor and operation. */
export const scenarioSchema = objectField(scenarioShape, {
  description: 'One scenario: an operation, repeated on a schedule by an executor.',
  example: '{ operation: mwl.find, executor: constant-arrival-rate, rate: 10/s, duration: 1m }',
}).superRefine(checkScenarioKeys, { when: (payload) => asRecord(payload.value) !== undefined });

type ScenarioOutput = z.output<typeof scenarioSchema>;

function isExecutorType(value: unknown): value is ExecutorType {
  return (EXECUTOR_TYPES as readonly unknown[]).includes(value);
}

function isOperationName(value: unknown): value is OperationName {
  return (OPERATION_NAMES as readonly unknown[]).includes(value);
}

/**
 * Runs even when some keys failed their own checks, so one pass reports every
 * problem; values are read defensively (a failed key holds no usable value).
 */
function checkScenarioKeys(scenario: ScenarioOutput, ctx: z.RefinementCtx<ScenarioOutput>): void {
  const raw = scenario as unknown as Record<string, unknown>;
  const executor = isExecutorType(raw.executor) ? raw.executor : undefined;
  if (executor !== undefined) {
    const keys = EXECUTOR_KEYS[executor];
    const takes = [...keys.required, ...keys.optional].join(', ');
    for (const key of EXECUTOR_SPECIFIC_KEYS) {
      if (raw[key] === undefined || keys.required.includes(key) || keys.optional.includes(key)) continue;
      const analog = ROLE_KEY[executor][KEY_ROLE[key]];
      const owners = EXECUTOR_TYPES.filter((t) => EXECUTOR_KEYS[t].required.includes(key) || EXECUTOR_KEYS[t].optional.includes(key));
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: problemText(
          `\`${key}\` does not apply to executor ${executor}${analog === undefined ? '' : `; use \`${analog}\``}`,
          analog === undefined
            ? `remove it (it belongs to ${owners.join(', ')}); ${executor} takes: ${takes}`
            : `replace it with e.g. \`${analog}: ${exampleOf(analog, executor)}\` (\`${key}\` belongs to ${owners.join(', ')}); ${executor} takes: ${takes}`,
        ),
      });
    }
    for (const key of keys.required) {
      if (raw[key] !== undefined) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: problemText(`executor ${executor} needs \`${key}\``, `add e.g. \`${key}: ${exampleOf(key, executor)}\``),
      });
    }
    if (Array.isArray(raw.stages) && (executor === 'ramping-arrival-rate' || executor === 'ramping-concurrency')) {
      raw.stages.forEach((stage, index) => {
        const target = asRecord(stage)?.target;
        if (typeof target !== 'string' && typeof target !== 'number') return;
        const problem = isArrivalRate(executor) ? checkRateTarget(target) : checkUsersTarget(target);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['stages', index, 'target'], message: problem });
      });
    }
  }

  if (executor === 'breakpoint') checkBreakpointRates(raw, ctx);
  const operation = isOperationName(raw.operation) ? raw.operation : undefined;
  // A chain takes the keys of its steps (src/profile/chain-steps.ts).
  const steps = operation === 'chain' ? chainStepsOf(raw) : undefined;
  if (steps !== undefined) checkChainSteps(steps, ctx);
  const owners = operation === undefined ? [] : keyOwners(operation, steps);
  if (owners.includes('dimse.store')) checkStoreParams(raw, ctx);
  if (operation !== undefined) {
    for (const [key, operations] of Object.entries(OPERATION_PARAM_KEYS)) {
      if (raw[key] === undefined) continue;
      const notInChain = operation === 'chain' ? KEYS_NOT_IN_CHAIN[key] : undefined;
      if (notInChain !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: problemText(`\`${key}\` does not apply to operation chain`, notInChain) });
        continue;
      }
      if (key === 'steps' ? operation === 'chain' : owners.some((owner) => operations.includes(owner))) continue;
      // A chain whose steps are themselves in error may be the one meant to take this key.
      if (operation === 'chain' && steps === undefined) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: problemText(
          operation === 'chain'
            ? `\`${key}\` does not apply to a chain of ${owners.join(', ')}`
            : `\`${key}\` does not apply to operation ${operation}`,
          `remove it (it is a setting of ${operations.join(', ')})`,
        ),
      });
    }
  }
}

/** breakpoint: the ramp must have at least one step (maxRate >= startRate). */
function checkBreakpointRates(raw: Record<string, unknown>, ctx: z.RefinementCtx<ScenarioOutput>): void {
  if (typeof raw.startRate !== 'number' || typeof raw.maxRate !== 'number') return;
  if (raw.maxRate >= raw.startRate) return;
  ctx.addIssue({
    code: 'custom',
    path: ['maxRate'],
    message: problemText('`maxRate` is below `startRate`, so the ramp has no step', 'make `maxRate` at least `startRate`, e.g. `startRate: 10/s` and `maxRate: 200/s`'),
  });
}

/** A ramping-arrival-rate stage target: a rate, zero allowed (a ramp may end at 0/s). */
function checkRateTarget(target: string | number): string | undefined {
  const parsed = checkRate(String(target), true, '40/s');
  return parsed.ok ? undefined : problemText(`stage target ${parsed.message}`, parsed.fix);
}

/** A ramping-concurrency stage target: a whole number of users, zero allowed. */
function checkUsersTarget(target: string | number): string | undefined {
  if (typeof target === 'number') {
    if (Number.isInteger(target) && target >= 0) return undefined;
    return problemText(`stage target must be a whole number of users (0 or more), not ${target}`, 'write e.g. `target: 20`');
  }
  if (/^\d+$/.test(target.trim())) {
    return problemText(`stage target must be a number, not the text "${target}"`, `remove the quotes: \`target: ${target.trim()}\``);
  }
  const asRate = tryParseRatePerSec(target);
  return problemText(
    asRate.ok
      ? `stage target \`${target}\` is a rate, but ramping-concurrency stages target a number of users`
      : `stage target must be a number of users, not the text "${target}"`,
    asRate.ok ? 'write a number of users, e.g. `target: 20`, or use executor ramping-arrival-rate for rates' : 'write e.g. `target: 20`',
  );
}

/** The resolved scenario; called only for a scenario that passed every check. */
export function resolveScenario(name: string, scenario: ScenarioOutput): ResolvedScenario {
  return {
    name,
    operation: scenario.operation,
    executor: resolveExecutor(scenario),
    startAfterUs: scenario.startAfter,
    gracefulStopUs: scenario.gracefulStop,
    params: {
      stations: scenario.stations ?? SCENARIO_DEFAULTS.stations,
      modality: scenario.modality ?? SCENARIO_DEFAULTS.modality,
      expectItems: scenario.expectItems,
      ...(scenario.expectMatches === undefined ? {} : { expectMatches: scenario.expectMatches }),
      limit: scenario.limit,
      ...resolveStoreParams(scenario),
      imagesPerRequest: scenario.imagesPerRequest,
      ...(scenario.duplicateSends === undefined || scenario.duplicateSends === 0 ? {} : { duplicateSends: scenario.duplicateSends }),
      ...resolveRetrieveParams(scenario),
      ...(scenario.operation === 'viewer.open' ? { maxFramesInFlight: scenario.maxFramesInFlight ?? SCENARIO_DEFAULTS.maxFramesInFlight } : {}),
      ...(scenario.operation === 'chain' ? { steps: scenario.steps ?? DEFAULT_CHAIN_STEPS } : {}),
    },
  };
}

function resolveExecutor(s: ScenarioOutput): ExecutorSpec {
  switch (s.executor) {
    case 'constant-arrival-rate':
      return {
        type: s.executor,
        ratePerSec: present(s.rate),
        durationUs: present(s.duration),
        maxInFlight: s.maxInFlight ?? SCENARIO_DEFAULTS.maxInFlight,
      };
    case 'ramping-arrival-rate':
      return {
        type: s.executor,
        startRatePerSec: s.startRate ?? SCENARIO_DEFAULTS.startRatePerSec,
        stages: present(s.stages).map((stage) => ({
          durationUs: stage.duration,
          targetPerSec: checkedRate(stage.target),
        })),
        maxInFlight: s.maxInFlight ?? SCENARIO_DEFAULTS.maxInFlight,
      };
    case 'constant-concurrency':
      return { type: s.executor, users: present(s.users), durationUs: present(s.duration) };
    case 'ramping-concurrency':
      return {
        type: s.executor,
        startUsers: s.startUsers ?? SCENARIO_DEFAULTS.startUsers,
        stages: present(s.stages).map((stage) => ({ durationUs: stage.duration, targetUsers: Number(stage.target) })),
      };
    case 'iterations':
      return {
        type: s.executor,
        iterations: present(s.iterations),
        users: s.users ?? SCENARIO_DEFAULTS.iterationUsers,
        maxDurationUs: s.maxDuration ?? parseDurationUs(SCENARIO_DEFAULTS.maxDuration),
      };
    case 'breakpoint':
      return {
        type: s.executor,
        startRatePerSec: present(s.startRate),
        stepRatePerSec: present(s.stepRate),
        stepDurationUs: present(s.stepDuration),
        maxRatePerSec: present(s.maxRate),
        maxInFlight: s.maxInFlight ?? SCENARIO_DEFAULTS.maxInFlight,
        stopWhen: resolveStopWhen(present(s.stopWhen)),
      };
  }
}

/** A value the checks guarantee; its absence is a bug in this file, not in the profile. */
function present<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('internal: a scenario passed validation without a required value');
  return value;
}

function checkedRate(target: string | number): number {
  const parsed = tryParseRatePerSec(String(target));
  if (!parsed.ok) throw new Error('internal: a stage target passed validation but is not a rate');
  return parsed.value;
}
