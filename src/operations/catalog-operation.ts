/**
 * The frame shared by the DICOMweb operations that fetch what the target holds
 * (qido.series, qido.instances, wado.*): one client per worker and scenario, a
 * catalog of the target's studies looked up once (in `prepare`, before time
 * zero), a failed lookup reported as that run's outcome, and the pool closed
 * at the end. Each operation supplies only its one request and its check.
 */
import type { OperationName } from '../metrics/names.js';
import type { DicomwebClient } from '../protocol/dicomweb/client.js';
import { DicomwebCatalog, type CatalogDepth, type TargetCatalog } from './dicomweb-catalog.js';
import { createOperationClient, lookupFailedResult } from './dicomweb-setup.js';
import type { Operation, OperationResult, OperationSetup } from './types.js';

export interface CatalogFetch {
  client: DicomwebClient;
  catalog: TargetCatalog;
  iteration: number;
  signal: AbortSignal;
}

export function createCatalogOperation(
  name: OperationName,
  setup: OperationSetup,
  depth: CatalogDepth,
  fetch: (request: CatalogFetch) => Promise<OperationResult>,
): Operation {
  const client = createOperationClient(name, setup);
  const lookups = new DicomwebCatalog(client, { modality: setup.params.modality, depth });
  return {
    name,
    async run({ iteration, signal }) {
      const lookup = await lookups.get(signal);
      if (!lookup.ok) return lookupFailedResult(lookup.outcome);
      return fetch({ client, catalog: lookup.catalog, iteration, signal });
    },
    // The target lookup, before time zero when the worker calls it (see Operation.prepare).
    prepare: async (signal) => {
      await lookups.get(signal);
    },
    close: () => client.close(),
  };
}
