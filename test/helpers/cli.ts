/**
 * Runs the built CLI (dist/src/cli/main.js) as a child process, the way a user
 * does. `npm test` builds before vitest runs; run `npm run build` first when
 * running vitest alone.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_PATH = join(REPO_ROOT, 'dist/src/cli/main.js');
export const WORKER_PATH = join(REPO_ROOT, 'dist/workers/load-worker.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  /** Resolves when the process exits. */
  result: Promise<CliResult>;
  /** Sends a signal to the process. */
  kill(signal: NodeJS.Signals): void;
  /** Resolves once stdout contains `text`. */
  waitForOutput(text: string): Promise<void>;
  /** Standard output so far. */
  output(): string;
}

export function startCli(args: string[], options: { env?: Record<string, string> } = {}): CliRun {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void; reject: (error: Error) => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      // Anyone still waiting for output will not get it.
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`exited ${code} before printing "${waiter.text}": ${stderr}`));
      resolve({ code, stdout, stderr });
    }),
  );
  return {
    result,
    kill: (signal) => child.kill(signal),
    output: () => stdout,
    waitForOutput: (text) =>
      stdout.includes(text) ? Promise.resolve() : new Promise<void>((resolve, reject) => waiters.push({ text, resolve, reject })),
  };
}

export function runCli(args: string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

/** A temporary directory removed by the returned cleanup. */
export async function tempDir(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'pacs-load-test-'));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export async function writeProfile(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}
