/** The operation registry: one factory per operation name (DESIGN section 4). */
import type { OperationName } from '../metrics/names.js';
import type { Operation, OperationFactory, OperationSetup } from './types.js';
import { createDimseEcho } from './dimse-echo.js';
import { createMwlFind } from './mwl-find.js';
import { createQidoStudies } from './qido-studies.js';

const FACTORIES: Record<OperationName, OperationFactory> = {
  'dimse.echo': createDimseEcho,
  'mwl.find': createMwlFind,
  'qido.studies': createQidoStudies,
};

export function createOperation(name: OperationName, setup: OperationSetup): Operation {
  return FACTORIES[name](setup);
}

export type * from './types.js';
