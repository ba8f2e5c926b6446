/**
 * A real VictoriaMetrics for the InfluxDB v2 write-path tests (docs/architecture.md section
 * 9), from Debian's `victoria-metrics` package (scripts/install-peers.sh): it
 * accepts the InfluxDB line protocol on `/api/v2/write` (and `/write`), and
 * stores each numeric field as a series `<measurement>_<field>` labelled with
 * the point's tags (string fields are stored as 0). Storage in a fresh
 * temporary folder, listening on a free 127.0.0.1 port.
 *
 *   const vm = await startVictoriaMetrics();
 *   ... write to vm.url ...
 *   const series = await vm.exportSeries('{__name__=~"pacs_load_.*"}');
 *   await vm.stop();   // waits for the process to exit, removes the folder
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { stopAndRemove, stderrTail, stopProcess, waitUntilReady } from './peer-process.js';

export const VICTORIA_METRICS_BINARY = '/usr/bin/victoria-metrics';

/** True when the VictoriaMetrics binary is installed. */
export const hasVictoriaMetrics = existsSync(VICTORIA_METRICS_BINARY);

/** One series of `/api/v1/export`: its labels (`__name__` included), values and ms timestamps. */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export interface RunningVictoriaMetrics {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  url: string;
  port: number;
  /**
   * Every stored sample of the series matching the selector (e.g.
   * `{__name__=~"pacs_load_.*",run_id="x"}`), after making recent writes
   * searchable (`/internal/force_flush`).
   */
  exportSeries(selector: string): Promise<ExportedSeries[]>;
  /** SIGKILL, as when the database dies mid-run; resolves once it has exited. The folder stays until stop(). */
  kill(): Promise<void>;
  /** Stops VictoriaMetrics, waits for it to exit, removes its folder. Safe to call twice, and after kill(). */
  stop(): Promise<void>;
}


/** Starts VictoriaMetrics; resolves once `/health` answers. On failure nothing is left running. */
export async function startVictoriaMetrics(): Promise<RunningVictoriaMetrics> {
  const folder = await mkdtemp(join(tmpdir(), 'pacsload-vm-'));
  const port = await freePort();
  const child = spawn(
    VICTORIA_METRICS_BINARY,
    [`-storageDataPath=${join(folder, 'data')}`, `-httpListenAddr=127.0.0.1:${port}`, '-loggerLevel=ERROR', '-retentionPeriod=1y'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log = stderrTail(child);
  const url = `http://127.0.0.1:${port}`;
  const stop = stopAndRemove(child, folder);

  const exportSeries = async (selector: string): Promise<ExportedSeries[]> => {
    const flushed = await fetch(`${url}/internal/force_flush`);
    await flushed.arrayBuffer();
    const response = await fetch(`${url}/api/v1/export`, { method: 'POST', body: new URLSearchParams({ 'match[]': selector }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`VictoriaMetrics export ${selector}: HTTP ${response.status}: ${text}`);
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as ExportedSeries);
  };

  try {
    await waitUntilReady(child, { name: 'victoria-metrics', url: `${url}/health`, log });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, exportSeries, kill: () => stopProcess(child, 'SIGKILL'), stop };
}


