/**
 * TCP ports on 127.0.0.1 for tests: one that was free a moment ago (for peers
 * that cannot listen on port 0 and report it, or as a port nothing listens
 * on), and waiting until a peer started on a port accepts connections.
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A port that was free a moment ago: bound to port 0 once by the OS, then released. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Resolves once something accepts TCP connections on 127.0.0.1:`port`; tries
 * every 50 ms for about 5 s, then throws (naming `peer`, the program that should listen).
 */
export async function waitUntilListening(port: number, peer?: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (connected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after 5 s${peer === undefined ? '' : ` (${peer} did not start)`}`);
}
