/**
 * `dimse.echo`: one association carrying one C-ECHO (Verification SOP class,
 * PS3.4 Annex A; C-ECHO, PS3.7 section 9.1.5). The cheapest round trip a PACS
 * answers; it measures connect, association negotiation and release.
 */
import { runAssociation } from '../protocol/dimse/association.js';
import { createEchoRequest } from '../protocol/dimse/requests.js';
import { requireDimseTarget, toOperationResult } from './dimse-target.js';
import type { Operation, OperationFactory } from './types.js';

/** Throws PacsLoadError when the profile has no DIMSE target; never during `run()`. */
export const createDimseEcho: OperationFactory = (setup) => {
  const target = requireDimseTarget(setup, 'dimse.echo');
  const operation: Operation = {
    name: 'dimse.echo',
    async run({ signal }) {
      const association = await runAssociation({ ...target, requests: [createEchoRequest()], signal });
      return toOperationResult(association);
    },
    // Every association closes its own socket; nothing is pooled.
    close: () => Promise.resolve(),
  };
  return operation;
};
