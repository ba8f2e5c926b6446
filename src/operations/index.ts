/** The operation registry: one factory per operation name (docs/architecture.md section 4). */
import type { OperationName } from '../metrics/names.js';
import type { Operation, OperationFactory, OperationSetup } from './types.js';
import { createDimseEcho } from './dimse-echo.js';
import { createDimseStore } from './dimse-store.js';
import { createMwlFind } from './mwl-find.js';
import { createMppsCompleted } from './mpps-completed.js';
import { createMppsInProgress } from './mpps-in-progress.js';
import { createQrFind } from './qr-find.js';
import { createQrGet } from './qr-get.js';
import { createQrMove } from './qr-move.js';
import { createQidoStudies } from './qido-studies.js';
import { createQidoInstances } from './qido-instances.js';
import { createQidoSeries } from './qido-series.js';
import { createStowStudy } from './stow-study.js';
import { createWadoFrames } from './wado-frames.js';
import { createWadoInstance } from './wado-instance.js';
import { createWadoMetadata } from './wado-metadata.js';
import { createWadoRendered } from './wado-rendered.js';
import { createViewerOpen } from './viewer-open.js';
import { createChain } from './chain.js';

const FACTORIES: Record<OperationName, OperationFactory> = {
  'dimse.echo': createDimseEcho,
  'mwl.find': createMwlFind,
  'qido.studies': createQidoStudies,
  'dimse.store': createDimseStore,
  'qido.series': createQidoSeries,
  'qido.instances': createQidoInstances,
  'wado.metadata': createWadoMetadata,
  'wado.instance': createWadoInstance,
  'wado.frames': createWadoFrames,
  'wado.rendered': createWadoRendered,
  'stow.study': createStowStudy,
  'mpps.inProgress': createMppsInProgress,
  'mpps.completed': createMppsCompleted,
  'qr.find': createQrFind,
  'qr.move': createQrMove,
  'qr.get': createQrGet,
  'viewer.open': createViewerOpen,
  chain: createChain,
};

export function createOperation(name: OperationName, setup: OperationSetup): Operation {
  return FACTORIES[name](setup);
}

export type * from './types.js';
