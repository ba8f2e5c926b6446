/**
 * What the peer launchers (orthanc.ts, influxdb.ts, victoria-metrics.ts) share:
 * keeping the tail of a peer's log, waiting until a freshly spawned peer
 * answers over HTTP, and stopping it.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

export interface ReadyCheck {
  /** The peer's name in messages: `Orthanc`, `influxd`. */
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** Whether an answer means ready (default: a 2xx). */
  isReady?: (status: number) => boolean;
  /** The peer's recent output, for the error when it does not start. */
  log: () => string;
}

/** Polls `check.url` until the peer answers ready; throws with its log when it exits or does not answer in time. */
export async function waitUntilReady(child: ChildProcess, check: ReadyCheck): Promise<void> {
  const isReady = check.isReady ?? ((status: number) => status >= 200 && status < 300);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${check.name} exited with code ${child.exitCode}:\n${check.log()}`);
    const ok = await fetch(check.url, { headers: check.headers ?? {} }).then(
      async (response) => {
        await response.arrayBuffer();
        return isReady(response.status);
      },
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${check.name} did not answer ${check.url} within ${READY_TIMEOUT_MS} ms:\n${check.log()}`);
}

/** Sends `signal` (SIGTERM by default), then SIGKILL if it has not exited in time; resolves once it has exited. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Keeps the last 8,000 characters the peer writes to stderr; the returned function reads them (for ReadyCheck.log). */
export function stderrTail(child: ChildProcess): () => string {
  let log = '';
  child.stderr?.on('data', (data: Buffer) => {
    log = (log + data.toString('utf8')).slice(-8000);
  });
  return () => log;
}

/** A stop function that is safe to call twice: stops the peer (stopProcess with `signal`), then removes its `folder`. */
export function stopAndRemove(child: ChildProcess, folder: string, signal: NodeJS.Signals = 'SIGTERM'): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      await stopProcess(child, signal);
      await rm(folder, { recursive: true, force: true });
    })();
    return stopping;
  };
}
