/**
 * The frame shared by the DICOMweb operations that fetch what the target holds
 * (qido.series, qido.instances, wado.*): one client per worker and scenario, a
 * catalog of the target's studies looked up once (in `prepare`, before time
 * zero, tried again while the target answers busy), a failed lookup reported
 * as that run's outcome, and the pool closed
 * at the end. Each operation supplies only its one request and its check.
 */
import type { OperationName, Outcome } from '../metrics/names.js';
import type { DicomwebClient } from '../protocol/dicomweb/client.js';
import { expectsMatches } from '../profile/expect-matches.js';
import { DicomwebCatalog, type CatalogDepth, type TargetCatalog } from './dicomweb-catalog.js';
import { createOperationClient, lookupFailedResult, nothingToFetchResult } from './dicomweb-setup.js';
import type { Operation, OperationResult, OperationSetup } from './types.js';

export interface CatalogFetch {
  client: DicomwebClient;
  catalog: TargetCatalog;
  iteration: number;
  signal: AbortSignal;
  /** The scenario's `expectMatches` (src/profile/expect-matches.ts): whether an answer with nothing is `empty`. */
  expectMatches: boolean;
}

/**
 * Lookup attempts in `prepare` while the target answers "busy" (429, 5xx).
 * They are set-up, before time zero, not measured requests (the open model
 * never retries those): each attempt goes on from the answers already
 * received, so a target that fails a share of requests is still looked up
 * before the load, and the load's outcomes are its own requests'. A target
 * that does not answer at all is not retried: each try could cost a timeout.
 */
const PREPARE_LOOKUP_ATTEMPTS = 30;

function isBusyAnswer(outcome: Outcome): boolean {
  return outcome.kind === 'http-status' && (outcome.status === 429 || outcome.status >= 500);
}

/**
 * `counts`: what the operation retrieves, so that a run with nothing to fetch
 * (the lookup found no studies of `modality`) records 0 of it: QIDO `matches`,
 * WADO `instances`.
 */
export function createCatalogOperation(
  name: OperationName,
  setup: OperationSetup,
  depth: CatalogDepth,
  counts: 'matches' | 'instances',
  fetch: (request: CatalogFetch) => Promise<OperationResult>,
): Operation {
  const client = createOperationClient(name, setup);
  const lookups = new DicomwebCatalog(client, { modality: setup.params.modality, depth });
  const expectMatches = expectsMatches(name, setup.params);
  return {
    name,
    async run({ iteration, signal }) {
      const lookup = await lookups.get(signal);
      if (!lookup.ok) return lookup.outcome.kind === 'empty' ? nothingToFetchResult(lookup.outcome, expectMatches, counts) : lookupFailedResult(lookup.outcome);
      return fetch({ client, catalog: lookup.catalog, iteration, signal, expectMatches });
    },
    // The target lookup, before time zero when the worker calls it (see Operation.prepare).
    prepare: async (signal) => {
      for (let attempt = 1; attempt <= PREPARE_LOOKUP_ATTEMPTS && !signal.aborted; attempt++) {
        const lookup = await lookups.get(signal);
        if (lookup.ok || !isBusyAnswer(lookup.outcome)) return;
      }
    },
    close: () => client.close(),
  };
}
