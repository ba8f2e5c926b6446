/**
 * A run whose target dies mid-study (issue 3): every study it cut off is
 * counted as `aborted`, and the run itself completes with its summary. Uses
 * the built CLI (test/helpers/cli.ts) and a DIMSE peer in this process that
 * accepts each association and resets it once part of the study arrived.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { Scp, constants } from '../../../src/protocol/dimse/dcmjs.js';
import type { DcmjsAssociation } from '../../../src/protocol/dimse/dcmjs.js';

class AcceptingScp extends Scp {
  override associationRequested(association: DcmjsAssociation): void {
    for (const { context } of association.getPresentationContexts()) {
      context.setResult(constants.PresentationContextResult.Accept, context.getTransferSyntaxUids()[0]);
    }
    this.sendAssociationAccept();
  }
}

let server: Server | undefined;
const sockets = new Set<Socket>();
let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
  await cleanup?.();
  cleanup = undefined;
});

it('counts studies cut off by a dying target as aborted, and the run completes', async () => {
  server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let received = 0;
    socket.on('data', (data: Buffer) => {
      received += data.length;
      // A few images in: the PACS process dies (connection reset).
      if (received > 300_000) socket.resetAndDestroy();
    });
    new AcceptingScp(socket);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = await tempDir();
  cleanup = dir.cleanup;
  const profile = await writeProfile(
    dir.path,
    'dies.yaml',
    [
      'name: target-dies',
      'preflight: false',
      `target: { dimse: { host: 127.0.0.1, port: ${port}, calledAe: DYING } }`,
      'scenarios:',
      '  sends: { operation: dimse.store, executor: iterations, iterations: 3, modality: CT, images: 40, imageSize: 64KiB }',
    ].join('\n'),
  );
  const out = join(dir.path, 'summary.json');
  const result = await runCli(['run', profile, '--workers', '1', '--quiet', '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
  const [operation] = summary.operations;
  expect(summary.run.endReason).toBe('completed');
  expect(operation?.operation).toBe('dimse.store');
  expect(operation?.outcomes).toEqual({ aborted: 3 });
  expect(operation?.failed).toBe(3);
  expect(operation?.bytesSent).toBeGreaterThan(3 * 300_000);
});
