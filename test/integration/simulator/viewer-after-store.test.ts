/**
 * A run on the embedded simulator where `viewer.open` starts after
 * `dimse.store` (`startAfter`) and opens the studies the run itself sent,
 * through the simulator's DICOMweb side: what arrived by C-STORE is in the
 * store both sides share. Runs real worker threads (the built code: `npm run build`).
 */
import { describe, expect, it } from 'vitest';
import { runOnEmbeddedSimulator } from '../../helpers/embedded-run.js';

const IMAGES = 6;
const STUDIES = 2;

describe('dimse.store then viewer.open on the embedded simulator', () => {
  it('opens the studies the run sent: every image requested once, all answered', async () => {
    // `studies: 0`: no seeded DICOMweb studies, so what viewer.open finds is what the run sent.
    const { summary, simulator } = await runOnEmbeddedSimulator(
      [
        'name: store-then-view',
        'simulator: { studies: 0 }',
        'scenarios:',
        `  sends: { operation: dimse.store, executor: iterations, iterations: ${STUDIES}, modality: CT, images: ${IMAGES}, imageSize: 8KiB }`,
        '  reading: { operation: viewer.open, executor: iterations, iterations: 2, modality: CT, startAfter: 2s }',
      ],
      'store-then-view.yaml',
    );
    const sends = summary.operations.find((operation) => operation.operation === 'dimse.store');
    const opens = summary.operations.find((operation) => operation.operation === 'viewer.open');
    expect(sends?.outcomes).toEqual({ ok: STUDIES });
    expect(opens?.outcomes).toEqual({ ok: 2 });
    // Each open fetched every frame of a 6-image study: at least 6 x 8 KiB of pixels.
    expect(opens!.bytesReceived).toBeGreaterThan(2 * IMAGES * 8192);
    expect(simulator.storeStats()).toMatchObject({ studies: STUDIES, instances: STUDIES * IMAGES });
  }, 60_000);
});
