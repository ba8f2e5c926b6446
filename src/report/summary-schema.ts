/**
 * The structure of a summary JSON file (`RunSummary`, src/metrics/types.ts) as
 * a zod schema, for reading files written by another run, another machine or
 * another version (`compare`, `merge`, `report`). Beyond types it checks what
 * an exact merge relies on: every encoded histogram decodes, its count equals
 * the count of its latency stats, and the counters agree with each other, so a
 * corrupt or hand-edited file is refused instead of merged into wrong numbers.
 *
 * Unknown keys are ignored (and dropped): a file from a newer pacs-load with the
 * same schema version carries only additive fields.
 */
import { z } from 'zod';
import { decodeHistogram } from '../metrics/histogram.js';
import { HISTOGRAM_NAMES, type HistogramName } from '../metrics/names.js';
import { SUMMARY_SCHEMA_ID, SUMMARY_SCHEMA_VERSION } from '../metrics/types.js';
import { tryParseThresholdExpression } from '../profile/threshold-expression.js';

const count = z.number().int().nonnegative();
const nonNegative = z.number().nonnegative();
const fraction = z.number().min(0).max(1);
const microseconds = z.number().int().nonnegative();
const counts = z.record(z.string(), count);

const latencyStatsSchema = z.looseObject({
  count,
  minUs: microseconds,
  meanUs: microseconds,
  p50Us: microseconds,
  p90Us: microseconds,
  p95Us: microseconds,
  p99Us: microseconds,
  p999Us: microseconds,
  maxUs: microseconds,
});

/** One optional entry per histogram name, like `Partial<Record<HistogramName, T>>`. */
function perHistogram<T extends z.ZodType>(item: T) {
  const shape = {} as Record<HistogramName, z.ZodOptional<T>>;
  for (const name of HISTOGRAM_NAMES) shape[name] = item.optional();
  return z.looseObject(shape);
}

/** Why, per outcome key (src/metrics/reasons.ts); absent in summaries written before reasons were kept. */
const outcomeReasonsSchema = z.looseObject({
  top: z.array(z.looseObject({ reason: z.string(), count })),
  other: count,
});

const operationSchema = z
  .looseObject({
    scenario: z.string(),
    operation: z.string(),
    completed: count,
    succeeded: count,
    failed: count,
    dropped: count,
    ratePerSec: nonNegative,
    errorRate: fraction,
    droppedRate: fraction,
    outcomes: counts,
    bytesSent: count,
    bytesReceived: count,
    requests: count.optional(),
    // Retrievals only; absent in other operations and in summaries written before they were counted.
    matches: count.optional(),
    instancesRetrieved: count.optional(),
    activeSeconds: nonNegative,
    latency: perHistogram(latencyStatsSchema),
    histograms: perHistogram(z.string()),
    reasons: z.record(z.string(), outcomeReasonsSchema).optional(),
  })
  .superRefine((operation, context) => {
    const outcomesTotal = Object.values(operation.outcomes).reduce((sum, value) => sum + value, 0);
    if (outcomesTotal !== operation.completed) {
      context.addIssue({
        code: 'custom',
        path: ['completed'],
        message: `is ${operation.completed} but the outcomes add up to ${outcomesTotal}`,
      });
    }
    if (operation.succeeded + operation.failed !== operation.completed) {
      context.addIssue({
        code: 'custom',
        path: ['failed'],
        message: `succeeded (${operation.succeeded}) + failed (${operation.failed}) is not completed (${operation.completed})`,
      });
    }
    for (const name of HISTOGRAM_NAMES) checkHistogram(operation, name, context);
    checkReasons(operation, context);
  });

/** Each outcome's reasons count operations of that outcome: never more than the outcome's own count. */
function checkReasons(
  operation: { outcomes: Record<string, number>; reasons?: Record<string, { top: { count: number }[]; other: number }> | undefined },
  context: z.RefinementCtx,
): void {
  for (const [key, reasons] of Object.entries(operation.reasons ?? {})) {
    const total = reasons.top.reduce((sum, entry) => sum + entry.count, reasons.other);
    const outcomes = Object.hasOwn(operation.outcomes, key) ? (operation.outcomes[key] ?? 0) : 0;
    if (total > outcomes) {
      context.addIssue({
        code: 'custom',
        path: ['reasons', key],
        message: `count ${total} operations but outcomes.${key} is ${outcomes}`,
      });
    }
  }
}

/** An encoded histogram must decode and hold as many values as its stats say. */
function checkHistogram(
  operation: { latency: Partial<Record<HistogramName, { count: number }>>; histograms: Partial<Record<HistogramName, string>> },
  name: HistogramName,
  context: z.RefinementCtx,
): void {
  const stats = operation.latency[name];
  const encoded = operation.histograms[name];
  if (encoded === undefined) {
    if (stats !== undefined) {
      context.addIssue({ code: 'custom', path: ['histograms', name], message: `is missing, but latency.${name} is there` });
    }
    return;
  }
  let totalCount: number;
  try {
    totalCount = decodeHistogram(encoded).totalCount;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.addIssue({ code: 'custom', path: ['histograms', name], message: `is not an encoded HDR histogram (${reason})` });
    return;
  }
  if (stats === undefined) {
    context.addIssue({ code: 'custom', path: ['latency', name], message: `is missing, but histograms.${name} is there` });
  } else if (stats.count !== totalCount) {
    context.addIssue({
      code: 'custom',
      path: ['histograms', name],
      message: `holds ${totalCount} values but latency.${name}.count is ${stats.count}`,
    });
  }
}

const thresholdSchema = z
  .looseObject({
    subject: z.string(),
    expression: z.string(),
    measured: z.number().optional(),
    limit: z.number(),
    passed: z.boolean(),
    detail: z.string(),
  })
  .superRefine((threshold, context) => {
    const parsed = tryParseThresholdExpression(threshold.expression);
    if (!parsed.ok) context.addIssue({ code: 'custom', path: ['expression'], message: `is not a threshold: ${parsed.message}` });
  });

const intervalPointSchema = z.looseObject({
  scenario: z.string(),
  operation: z.string(),
  startUs: z.number(),
  endUs: z.number(),
  completed: count,
  failed: count,
  outcomes: counts,
  dropped: count,
  // A gauge no command uses; a bad value must not make the whole file unreadable.
  inFlight: z.number(),
  bytesSent: count,
  bytesReceived: count,
  response: latencyStatsSchema.optional(),
});

const isoTime = z.string().refine((text) => !Number.isNaN(Date.parse(text)), { message: 'is not a date and time' });

const runSchema = z.looseObject({
  id: z.string(),
  profile: z.string(),
  startedAt: isoTime,
  endedAt: isoTime,
  durationSeconds: nonNegative,
  workers: count,
  endReason: z.enum(['completed', 'threshold-abort', 'interrupted', 'worker-failed', 'running']),
  tool: z.looseObject({ name: z.literal('pacs-load'), version: z.string(), node: z.string() }),
  target: z.string(),
  environment: z
    .looseObject({
      hostname: z.string(),
      platform: z.string(),
      arch: z.string(),
      cpus: count,
      cpuModel: z.string(),
      memoryBytes: count,
    })
    .optional(),
  profileSource: z.string().optional(),
});

const verifySchema = z.looseObject({
  checked: count,
  missing: count,
  missingInstances: z.array(z.string()),
  notChecked: count,
  error: z.string().optional(),
  // Issue 14, item 3: the sends behind the check; absent in older summaries.
  acknowledgedSends: count.optional(),
  distinctInstances: count.optional(),
  acknowledgedMoreThanOnce: count.optional(),
  extraAcknowledgements: count.optional(),
  duplicateInstances: z.array(z.string()).optional(),
  duplicatesIntended: z.boolean().optional(),
  detail: z.string().optional(),
});

/** `seedPriors` (issue 14, item 6): what was stored before time zero. */
const seedPriorsSchema = z.looseObject({
  via: z.enum(['dimse', 'dicomweb']),
  modality: z.string(),
  patients: count,
  studiesPerPatient: count,
  studiesPlanned: count,
  studiesStored: count,
  studiesFailed: count,
  studiesNotSent: count,
  instancesPlanned: count,
  instancesStored: count,
  bytesSent: count,
  durationSeconds: nonNegative,
  failures: z.array(z.looseObject({ reason: z.string(), count })),
});

/** `stored` (issue 14): what the storing scenarios had acknowledged. */
const storedSchema = z.looseObject({
  scenarios: z.array(z.looseObject({ scenario: z.string(), operation: z.string(), acknowledgedInstances: count, studies: count })),
  acknowledgedInstances: count,
  studies: count,
  studiesNotCounted: count.optional(),
  studiesSummedOverParts: count.optional(),
});

const identityMode = z.enum(['unique', 'fixed']);

/** `identities` (issue 14): how the run made its identities. */
const identitiesSchema = z.looseObject({
  mode: identityMode,
  runComponent: z.string(),
  uidRoot: z.string(),
  duplicatesIntended: z.boolean(),
});

const outputDeliverySchema = z.looseObject({
  written: count,
  retried: count,
  dropped: count,
  lastError: z.string().optional(),
});

/** The whole summary; `schema` and `version` are checked before this (for a clearer message). */
export const runSummarySchema = z.looseObject({
  schema: z.literal(SUMMARY_SCHEMA_ID),
  version: z.literal(SUMMARY_SCHEMA_VERSION),
  run: runSchema,
  operations: z.array(operationSchema),
  thresholds: z.array(thresholdSchema),
  intervals: z.array(intervalPointSchema),
  verify: verifySchema.optional(),
  outputs: z.record(z.string(), outputDeliverySchema).optional(),
  workerFailure: z.looseObject({ workerIndex: count, code: z.string(), message: z.string() }).optional(),
  // `merge` of summaries whose breakpoint, migration or identities differ: each one's own.
  instanceSections: z.array(z.looseObject({ instance: z.string(), identities: identitiesSchema.optional() })).optional(),
  seedPriors: seedPriorsSchema.optional(),
  stored: storedSchema.optional(),
  identities: identitiesSchema.optional(),
  identitiesPerPart: z.looseObject({ modes: z.array(identityMode), duplicatesIntended: z.boolean() }).optional(),
});
