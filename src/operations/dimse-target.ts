/** What the DIMSE operations share: the target check and the result mapping. */
import { PacsLoadError } from '../errors.js';
import type { OperationName } from '../metrics/names.js';
import type { DimseTarget } from '../profile/types.js';
import type { AssociationResult } from '../protocol/dimse/association.js';
import type { Outcome } from '../metrics/names.js';
import { resolveDimseSecurity, type DimseSecurity } from './dimse-security.js';
import type { OperationResult, OperationSetup } from './types.js';

/**
 * The DIMSE target as `runAssociation` takes it: the profile's target plus its
 * resolved security (passcode, TLS files). Spread it into the association options.
 */
export type DimseConnection = DimseTarget & DimseSecurity;

/**
 * The DIMSE target of the profile with its security resolved (dimse-security.ts).
 * Throws PacsLoadError (at setup, never in `run()`) when there is none, or when a
 * passcode variable or TLS file it names is missing.
 */
export function requireDimseTarget(setup: OperationSetup, operation: OperationName): DimseConnection {
  const target = setup.target.dimse;
  if (target === undefined) {
    throw new PacsLoadError('ERR_PROFILE_INVALID', `${operation} needs a DIMSE target.`, {
      hint: 'Add target.dimse (host, port, calledAe, callingAe) to the profile, or remove the target to use the embedded simulator.',
      problems: [{ path: 'target.dimse', message: 'missing', fix: 'set target.dimse.host, port, calledAe and callingAe' }],
    });
  }
  return { ...target, ...resolveDimseSecurity(target, setup.env) };
}

/** An association's result as an operation result, with `outcome` replaced when the caller checked the answer. */
export function toOperationResult(association: AssociationResult, outcome: Outcome = association.outcome): OperationResult {
  const result: OperationResult = {
    outcome,
    bytesSent: association.bytesSent,
    bytesReceived: association.bytesReceived,
  };
  if (association.setupUs !== undefined) result.setupUs = association.setupUs;
  return result;
}
