/**
 * Issue 10's fault matrix, the unreachable port: a profile whose DIMSE and
 * DICOMweb targets point at a closed port on 127.0.0.1. With preflight off, the
 * run measures what a user would see (every operation connection_refused,
 * counted per operation) and finishes; with preflight on, it stops before any
 * load with the clear ERR_TARGET_UNREACHABLE error (exit 4), never a stack trace.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/types.js';
import { runCli, tempDir, writeProfile } from '../../helpers/cli.js';

/** A port nothing listens on: bound (port 0), then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function unreachableProfile(port: number, preflight: boolean): string {
  return [
    'name: unreachable-port',
    `preflight: ${preflight}`,
    'target:',
    `  dimse: { host: 127.0.0.1, port: ${port}, calledAe: NOBODY }`,
    `  dicomweb: { baseUrl: "http://127.0.0.1:${port}/dicom-web" }`,
    'scenarios:',
    '  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 10/s, duration: 1s }',
    '  search: { operation: qido.studies, executor: constant-arrival-rate, rate: 10/s, duration: 1s }',
    '  frames: { operation: wado.frames, executor: constant-arrival-rate, rate: 10/s, duration: 1s }',
  ].join('\n');
}

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.cleanup();
});

describe('an unreachable port (nothing listens on the target)', () => {
  it('with preflight off: every operation is connection_refused, counted per operation, and the run finishes', { timeout: 120_000 }, async () => {
    const port = await closedPort();
    const profile = await writeProfile(dir.path, 'refused.yaml', unreachableProfile(port, false));
    const summaryPath = join(dir.path, 'refused-summary.json');
    const result = await runCli(['run', profile, '--out', summaryPath]);
    // No threshold: target failures are measured, not fatal (docs/architecture.md section 3, point 5).
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as RunSummary;
    const byOperation = Object.fromEntries(summary.operations.map((one) => [one.operation, one]));
    for (const operation of ['dimse.echo', 'qido.studies', 'wado.frames']) {
      const entry = byOperation[operation];
      expect(entry, operation).toBeDefined();
      expect(entry!.outcomes, operation).toEqual({ connection_refused: 10 });
      expect(entry!.failed, operation).toBe(10);
      // The console's error table names the key on this operation's row.
      expect(result.stdout.split('\n').some((line) => line.includes(operation) && line.includes('connection_refused')), operation).toBe(true);
    }
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('with preflight on: the clear preflight error (exit 4) naming the unreachable address, no stack trace', { timeout: 120_000 }, async () => {
    const port = await closedPort();
    const profile = await writeProfile(dir.path, 'preflight.yaml', unreachableProfile(port, true));
    const summaryPath = join(dir.path, 'preflight-summary.json');
    const result = await runCli(['run', profile, '--out', summaryPath]);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain('ERR_TARGET_UNREACHABLE');
    expect(result.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}`));
    expect(result.stderr).toContain('connection refused');
    expect(result.stderr).toContain('hint:');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).not.toMatch(/^\s+at /m);
  });
});
