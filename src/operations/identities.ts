/**
 * The identity allocator an operation uses (src/synth/identity.ts): the
 * scenario's, given by the worker; or, for an operation built outside a run
 * (tests, benches), one with a random run component, so its sends are as
 * unique as a run's.
 */
import { IdentityAllocator, identityIteration, randomIdentitySettings } from '../synth/identity.js';
import type { OperationSetup } from './types.js';

export function identitiesOf(setup: OperationSetup): IdentityAllocator {
  return setup.identities ?? new IdentityAllocator(randomIdentitySettings(), 0);
}

/**
 * The iteration whose study send `iteration` sends: itself, or, for the share
 * of sends the scenario's `duplicateSends` asks for, an earlier one's (a
 * deliberate re-send of the same objects).
 */
export function sendIteration(setup: OperationSetup, identities: IdentityAllocator, iteration: number): number {
  const percent = setup.params.duplicateSends ?? 0;
  return percent > 0 ? identityIteration(setup.seed, identities.scenarioIndex, iteration, percent) : iteration;
}
