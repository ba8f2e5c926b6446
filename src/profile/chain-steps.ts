/**
 * `operation: chain` (issue 3): the steps one arrival runs in order, the way a
 * modality works through a worklist item (src/operations/chain.ts). Which
 * steps exist, the default chain, and the checks on a `steps` list.
 */
import type { z } from 'zod';
import type { OperationName } from '../metrics/names.js';
import { enumField, listField } from './fields.js';
import { problemText } from './problems.js';
import type { ChainStepName } from './types.js';

/** The steps a chain may run: a modality's DIMSE exchanges (each at most once). */
export const CHAIN_STEP_NAMES = ['dimse.echo', 'mwl.find', 'mpps.inProgress', 'dimse.store', 'mpps.completed'] as const satisfies readonly ChainStepName[];

/** A modality's day (issue 3): worklist query, MPPS IN PROGRESS, study send, MPPS COMPLETED. */
export const DEFAULT_CHAIN_STEPS: readonly ChainStepName[] = ['mwl.find', 'mpps.inProgress', 'dimse.store', 'mpps.completed'];

/** Scenario keys of the step operations that make no sense in a chain, and why. */
export const KEYS_NOT_IN_CHAIN: Readonly<Record<string, string>> = {
  mix: 'a chain sends a study of its worklist item\'s modality; write `modality`, and one chain scenario per modality',
  duplicateSends: 'a chain makes new series and instances every time it performs an item, as a modality does; re-send on purpose with a `dimse.store` scenario',
};

export const stepsField = listField(
  enumField(CHAIN_STEP_NAMES, { description: 'A chain step.', noun: 'chain step' }),
  {
    description: `chain: the operations each arrival runs in order, passing on what it found (the worklist item, the MPPS instance, the study sent). Default: ${DEFAULT_CHAIN_STEPS.join(', ')}.`,
    example: `[${DEFAULT_CHAIN_STEPS.join(', ')}]`,
    minItems: 1,
  },
);

/** The steps of a chain scenario as written, or the default; undefined when `steps` is not a list of known steps. */
export function chainStepsOf(raw: Record<string, unknown>): ChainStepName[] | undefined {
  if (raw.steps === undefined) return [...DEFAULT_CHAIN_STEPS];
  if (!Array.isArray(raw.steps)) return undefined;
  const steps = raw.steps as unknown[];
  return steps.every(isChainStep) ? steps : undefined;
}

export function isChainStep(value: unknown): value is ChainStepName {
  return (CHAIN_STEP_NAMES as readonly unknown[]).includes(value);
}

/** Each step once; `mpps.completed` completes the procedure step an earlier `mpps.inProgress` of the same chain opened. */
export function checkChainSteps(steps: readonly ChainStepName[], ctx: z.RefinementCtx): void {
  steps.forEach((step, index) => {
    if (steps.indexOf(step) !== index) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps', index],
        message: problemText(`\`${step}\` appears twice in the chain`, 'list each step once; for two studies per worklist item, use two scenarios'),
      });
    }
  });
  const completed = steps.indexOf('mpps.completed');
  const inProgress = steps.indexOf('mpps.inProgress');
  if (completed >= 0 && (inProgress < 0 || inProgress > completed)) {
    ctx.addIssue({
      code: 'custom',
      path: ['steps', completed],
      message: problemText(
        '`mpps.completed` needs an earlier `mpps.inProgress` in the chain (the N-SET completes the procedure step the chain created)',
        `put \`mpps.inProgress\` before it, e.g. \`steps: [${DEFAULT_CHAIN_STEPS.join(', ')}]\``,
      ),
    });
  }
}

/** The operations whose keys a scenario takes: its operation, or for a chain its steps. */
export function keyOwners(operation: OperationName, steps: readonly ChainStepName[] | undefined): readonly OperationName[] {
  return operation === 'chain' ? (steps ?? DEFAULT_CHAIN_STEPS) : [operation];
}
