/**
 * The `breakpoint` executor's own keys (issue 7, item 2):
 *
 *   executor: breakpoint
 *   startRate: 10/s        # the first step's rate
 *   stepRate: 10/s         # added at each step
 *   stepDuration: 30s      # how long each step holds its rate
 *   maxRate: 200/s         # the last step's rate at most
 *   stopWhen: { p95: 500ms, errors: 1%, dropped: 1% }
 *
 * A step fails when any limit in `stopWhen` is exceeded by that step's own
 * figures (all workers merged); the run then stops, and the summary names the
 * last step that passed (the sustainable rate) and the first that failed.
 */
import { z } from 'zod';
import { durationField, objectField, textOrNumberField } from './fields.js';
import { problemText } from './problems.js';
import type { BreakpointStopWhen } from './types.js';
import { tryParsePercent } from './units.js';

function percentField(description: string, example: string) {
  return textOrNumberField({ description, example }).transform((value, ctx) => {
    const parsed = tryParsePercent(String(value));
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: problemText(parsed.message, parsed.fix) });
      return z.NEVER;
    }
    return parsed.value;
  });
}

const latency = (percentile: string) =>
  durationField({ description: `breakpoint: a step fails when its response-time ${percentile} exceeds this.`, example: '500ms' }).optional();

/** `stopWhen`: the limits a step must stay within. */
export const stopWhenSchema = objectField(
  {
    p50: latency('p50'),
    p90: latency('p90'),
    p95: latency('p95'),
    p99: latency('p99'),
    errors: percentField('breakpoint: a step fails when more than this share of its completed operations failed.', '1%').optional(),
    dropped: percentField(
      'breakpoint: a step fails when more than this share of its planned operations did not complete within the step (they queued behind maxInFlight, or were dropped).',
      '1%',
    ).optional(),
  },
  {
    description: 'breakpoint: when a step fails (any limit exceeded); the run stops at the first failed step. At least one key.',
    example: '{ p95: 500ms, errors: 1%, dropped: 1% }',
  },
).superRefine((value, ctx) => {
  if (Object.values(value).every((limit) => limit === undefined)) {
    ctx.addIssue({ code: 'custom', message: problemText('`stopWhen` sets no limit', 'add at least one, e.g. `stopWhen: { p95: 500ms, errors: 1% }`') });
  }
});

export type StopWhenOutput = z.output<typeof stopWhenSchema>;

/** The resolved stop conditions. */
export function resolveStopWhen(value: StopWhenOutput): BreakpointStopWhen {
  const result: BreakpointStopWhen = {};
  if (value.p50 !== undefined) result.p50Us = value.p50;
  if (value.p90 !== undefined) result.p90Us = value.p90;
  if (value.p95 !== undefined) result.p95Us = value.p95;
  if (value.p99 !== undefined) result.p99Us = value.p99;
  if (value.errors !== undefined) result.errorRate = value.errors;
  if (value.dropped !== undefined) result.droppedRate = value.dropped;
  return result;
}
