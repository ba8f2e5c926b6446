/** What every benchmark script shares: where things are, free ports, durations. */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This file is dist/bench/common.js once built; the repository is two levels up. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_PATH = join(REPO_ROOT, 'dist/src/cli/main.js');
export const RESULTS_DIR = join(REPO_ROOT, 'bench/results');

/** A TCP port free on 127.0.0.1 right now (for peers that cannot bind port 0 and report it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `30s` or `5m` as seconds, for the scripts' --duration options. */
export function parseSeconds(text: string): number {
  const match = /^(\d+)(s|m)$/.exec(text);
  if (match === null) throw new Error(`bad duration ${text}; use 30s or 5m`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}
