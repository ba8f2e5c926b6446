/**
 * `wado.instance`: one whole instance, as a prefetcher or a thick client
 * retrieves it: WADO-RS `GET /studies/{S}/series/{Se}/instances/{I}` with
 * `Accept: multipart/related; type="application/dicom"; transfer-syntax=*`
 * (PS3.18 section 10.4.1.1.1; `*` accepts the stored transfer syntax, so the
 * server need not transcode). The instance is one the target holds
 * (src/operations/dicomweb-catalog.ts), taken round robin.
 *
 * Check (streamed, src/operations/wado-multipart-check.ts): exactly one part,
 * application/dicom, a Part-10 file (`DICM` at byte 128), closing boundary present.
 */
import { DicomwebCatalog, pickRoundRobin } from './dicomweb-catalog.js';
import { createOperationClient, exchangeResult, lookupFailedResult } from './dicomweb-setup.js';
import type { Operation, OperationFactory } from './types.js';
import { MultipartAnswerCheck } from './wado-multipart-check.js';

export const ACCEPT_DICOM_INSTANCE = 'multipart/related; type="application/dicom"; transfer-syntax=*';

export const createWadoInstance: OperationFactory = (setup) => {
  const client = createOperationClient('wado.instance', setup);
  const catalog = new DicomwebCatalog(client, { modality: setup.params.modality, depth: 'instances' });
  const operation: Operation = {
    name: 'wado.instance',
    async run({ iteration, signal }) {
      const lookup = await catalog.get(signal);
      if (!lookup.ok) return lookupFailedResult(lookup.outcome);
      const instance = pickRoundRobin(lookup.catalog.instances, iteration);
      const check = new MultipartAnswerCheck({ parts: 1, partType: /^application\/dicom\b/i, part10: true });
      const exchange = await client.get(`/studies/${instance.studyUid}/series/${instance.seriesUid}/instances/${instance.sopUid}`, {
        accept: ACCEPT_DICOM_INSTANCE,
        signal,
        discardBody: true,
        onResponseHeaders: check.onResponseHeaders,
        onBodyChunk: check.onBodyChunk,
      });
      return exchangeResult(exchange, check.outcome(exchange));
    },
    // The target lookup, before time zero when the worker calls it (see Operation.prepare).
    prepare: async (signal) => {
      await catalog.get(signal);
    },
    close: () => client.close(),
  };
  return operation;
};
