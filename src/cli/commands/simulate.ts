import type { Command } from 'commander';
import { PacsLoadError } from '../../errors.js';
import { startSimulator } from '../../simulator/index.js';
import type { RunningSimulator, SimulatorStats } from '../../simulator/index.js';
import type { SimulatorSettings } from '../../profile/types.js';
import { loadProfileFile } from '../../profile/load.js';
import { resolveSimulator } from '../../profile/target-schema.js';
import { tryParseByteSize } from '../../profile/byte-size.js';
import { tryParseDurationUs, tryParseShare, type UnitParse } from '../../profile/units.js';
import { checkOutputFileWritable, writeOutputFileAtomically } from '../../outputs/output-file.js';
import type { OutputFile } from '../../outputs/output-file.js';
import type { CliContext } from '../context.js';

interface SimulateFlags {
  host: string;
  dimsePort: string;
  httpPort: string;
  profile?: string;
  stations?: string;
  steps?: string;
  studies?: string;
  latency?: string;
  errorRate?: string;
  maxAssociations?: string;
  storeMax?: string;
  storeWhenFull?: string;
  statsFile?: string;
  statsEvery: string;
  faultsFrom?: string;
  force?: boolean;
}

export const SIMULATOR_STATS_SCHEMA_ID = 'pacs-load/simulator-stats';

/** The `--stats-file` JSON: where the simulator listens and what it counted so far. */
export interface SimulatorStatsFile {
  schema: typeof SIMULATOR_STATS_SCHEMA_ID;
  version: 1;
  /** When this copy was written: ISO 8601 and epoch milliseconds. */
  writtenAt: string;
  writtenAtEpochMs: number;
  startedAt: string;
  /** True for the copy written after the servers closed (SIGINT/SIGTERM): the counts are final. */
  final: boolean;
  dimse: { host: string; port: number; aeTitle: string };
  dicomweb: { baseUrl: string };
  settings: SimulatorSettings;
  /** `--faults-from`: no random fault before this instant (ISO 8601). */
  faultsFrom?: string;
  stats: SimulatorStats;
}

/** The default simulator settings, as a profile without a `simulator` block gets them. */
const DEFAULT_SETTINGS = resolveSimulator(undefined);

/**
 * `pacs-load simulate`: the embedded PACS on its own, until SIGINT/SIGTERM.
 * Its settings come from a profile's `simulator` block (`--profile`), with the
 * flags given on the command line overriding it. With `--stats-file` it writes
 * its counters (SimulatorStatsFile) atomically at start, every `--stats-every`
 * and, final, after it stopped, so another process (a soak, bench/soak.ts) can
 * compare them with a run's summary.
 */
export function registerSimulate(program: Command, context: CliContext): void {
  program
    .command('simulate')
    .description(
      'run the embedded PACS simulator standalone until interrupted: DIMSE (C-ECHO, MWL C-FIND, MPPS, C-STORE, Q/R C-FIND/C-MOVE/C-GET) ' +
        'and DICOMweb (QIDO-RS, WADO-RS, STOW-RS), with the fault knobs of a profile\'s `simulator` block',
    )
    .option('--profile <file>', "take the settings from this profile's `simulator` block (the flags below override it)")
    .option('--host <host>', 'address to bind (loopback by default)', '127.0.0.1')
    .option('--dimse-port <port>', 'DIMSE port (0 picks a free one)', '0')
    .option('--http-port <port>', 'DICOMweb port (0 picks a free one)', '0')
    .option('--stations <n>', `scheduled station AE titles in the worklist (default ${DEFAULT_SETTINGS.stations})`)
    .option('--steps <n>', `scheduled procedure steps per station (default ${DEFAULT_SETTINGS.stepsPerStation})`)
    .option('--studies <n>', `studies answered by QIDO (default ${DEFAULT_SETTINGS.studies})`)
    .option('--latency <duration>', "added to every answer, in a profile's units: 20ms, 1.5s (default 0ms; a bare number is the old form, milliseconds)")
    .option('--error-rate <share>', "share of requests answered with a failure, in a profile's units: 5%, or a fraction 0.05 (default 0)")
    .option('--max-associations <n>', 'reject associations beyond this many (0 = no limit, the default)')
    .option('--store-max <size>', 'memory kept of received instances (C-STORE, STOW-RS), e.g. 64MiB (default 512MiB)')
    .option('--store-when-full <policy>', 'evict-oldest (the default) or refuse (A700) when a received instance does not fit')
    .option('--stats-file <file>', 'write the counters (JSON) to this file at start, periodically and when stopped')
    .option('--stats-every <duration>', 'how often --stats-file is rewritten', '5s')
    .option(
      '--faults-from <time>',
      "inject no random fault before this instant (ISO 8601 with zone, or epoch ms), and count stallAt from it: give it a run's --start-at so only the measured load meets the faults",
    )
    .option('--force', "accept the profile's values beyond the sanity limits")
    .action(async (flags: SimulateFlags) => {
      const settings = await settingsFrom(flags, context);
      const statsFile: OutputFile | undefined =
        flags.statsFile === undefined ? undefined : { path: flags.statsFile, what: 'simulator statistics', flag: '--stats-file' };
      const statsEveryMs = durationMs('--stats-every', flags.statsEvery);
      const faultsFromEpochMs = flags.faultsFrom === undefined ? undefined : instant('--faults-from', flags.faultsFrom);
      if (statsFile !== undefined) await checkOutputFileWritable(statsFile);

      const simulator = await startSimulator({
        settings,
        host: flags.host,
        dimsePort: count('--dimse-port', flags.dimsePort, 0),
        httpPort: count('--http-port', flags.httpPort, 0),
      });
      if (faultsFromEpochMs !== undefined) {
        // This process's performance clock: epoch ms = timeOrigin + now().
        const atMs = faultsFromEpochMs - performance.timeOrigin;
        simulator.holdFaultsUntil(atMs);
        simulator.startFaultClock(atMs);
      }
      const startedAt = new Date().toISOString();
      const faultsFrom = faultsFromEpochMs === undefined ? undefined : new Date(faultsFromEpochMs).toISOString();
      const writer = statsFile === undefined ? undefined : new StatsWriter(statsFile, simulator, settings, startedAt, faultsFrom);
      try {
        await writer?.write(false);
        context.out(
          `pacs-load simulator listening\n` +
            `  DIMSE     ${simulator.dimse.aeTitle}@${simulator.dimse.host}:${simulator.dimse.port}\n` +
            `  DICOMweb  ${simulator.dicomweb.baseUrl}\n` +
            (statsFile === undefined ? '' : `  stats     ${statsFile.path} (every ${statsEveryMs / 1000} s and when stopped)\n`) +
            (faultsFromEpochMs === undefined ? '' : `  faults    from ${new Date(faultsFromEpochMs).toISOString()}\n`) +
            `press Ctrl-C to stop\n`,
        );
        const timer =
          writer === undefined
            ? undefined
            : setInterval(() => {
                writer.write(false).catch((error: unknown) => context.err(`pacs-load simulate: ${(error as Error).message}\n`));
              }, statsEveryMs);
        await new Promise<void>((resolve) => {
          if (context.interrupt.aborted) resolve();
          context.interrupt.addEventListener('abort', () => resolve(), { once: true });
        });
        if (timer !== undefined) clearInterval(timer);
      } finally {
        await simulator.close();
      }
      // After close: nothing more can arrive, so these counts are final.
      await writer?.write(true);
    });
}

/** Writes the stats file one copy at a time (a periodic write never overlaps the final one). */
class StatsWriter {
  readonly #file: OutputFile;
  readonly #simulator: RunningSimulator;
  readonly #settings: SimulatorSettings;
  readonly #startedAt: string;
  readonly #faultsFrom: string | undefined;
  #last: Promise<void> = Promise.resolve();

  constructor(file: OutputFile, simulator: RunningSimulator, settings: SimulatorSettings, startedAt: string, faultsFrom: string | undefined) {
    this.#faultsFrom = faultsFrom;
    this.#file = file;
    this.#simulator = simulator;
    this.#settings = settings;
    this.#startedAt = startedAt;
  }

  write(final: boolean): Promise<void> {
    const next = this.#last.catch(() => {}).then(() => {
      const now = new Date();
      const content: SimulatorStatsFile = {
        schema: SIMULATOR_STATS_SCHEMA_ID,
        version: 1,
        writtenAt: now.toISOString(),
        writtenAtEpochMs: now.getTime(),
        startedAt: this.#startedAt,
        final,
        dimse: this.#simulator.dimse,
        dicomweb: this.#simulator.dicomweb,
        settings: this.#settings,
        ...(this.#faultsFrom === undefined ? {} : { faultsFrom: this.#faultsFrom }),
        stats: this.#simulator.stats(),
      };
      return writeOutputFileAtomically(this.#file, `${JSON.stringify(content, null, 2)}\n`);
    });
    this.#last = next;
    return next;
  }
}

/** The profile's simulator settings (or the defaults), with the flags given overriding them. */
async function settingsFrom(flags: SimulateFlags, context: CliContext): Promise<SimulatorSettings> {
  const base = flags.profile === undefined ? DEFAULT_SETTINGS : (await loadProfileFile(flags.profile, { force: flags.force === true })).simulator;
  const faults = { ...base.faults };
  if (flags.latency !== undefined) faults.latencyUs = latencyUs(flags.latency, context);
  if (flags.errorRate !== undefined) faults.errorRate = share('--error-rate', flags.errorRate);
  if (flags.maxAssociations !== undefined) faults.maxAssociations = count('--max-associations', flags.maxAssociations, 0);
  const settings: SimulatorSettings = { ...base, faults };
  if (flags.stations !== undefined) settings.stations = count('--stations', flags.stations, 1);
  if (flags.steps !== undefined) settings.stepsPerStation = count('--steps', flags.steps, 0);
  if (flags.studies !== undefined) settings.studies = count('--studies', flags.studies, 0);
  if (flags.storeMax !== undefined) settings.storeMaxBytes = byteSize('--store-max', flags.storeMax);
  if (flags.storeWhenFull !== undefined) {
    if (flags.storeWhenFull !== 'evict-oldest' && flags.storeWhenFull !== 'refuse') {
      throw new PacsLoadError('ERR_USAGE', `--store-when-full must be evict-oldest or refuse, not "${flags.storeWhenFull}"`, {
        hint: 'For example --store-when-full evict-oldest',
      });
    }
    settings.storeWhenFull = flags.storeWhenFull;
  }
  return settings;
}

const BARE_NUMBER = /^\s*(\d+(\.\d+)?|\.\d+)\s*$/;

/**
 * `--latency`: a duration as a profile writes it (`20ms`), parsed by the
 * profile's parser. A bare number is the flag's old form, milliseconds: still
 * read that way so that existing scripts keep working, with a note on stderr.
 */
function latencyUs(text: string, context: CliContext): number {
  if (BARE_NUMBER.test(text)) {
    const ms = text.trim();
    context.err(`pacs-load simulate: --latency ${ms} is read as ${ms}ms (the old form); write --latency ${ms}ms, as a profile does\n`);
    return Math.round(Number(ms) * 1000);
  }
  return unit('--latency', text, tryParseDurationUs(text), '20ms');
}

/**
 * `--error-rate`: a percentage (`5%`) or a fraction from 0 to 1 (`0.05`, the
 * flag's old form and a profile's number form), parsed by the profile's parser.
 */
function share(option: string, text: string): number {
  return unit(option, text, tryParseShare(BARE_NUMBER.test(text) ? Number(text) : text), '5%');
}

/** The parsed value, or a usage error naming the flag, the profile parser's reason and fix. */
function unit(option: string, text: string, parsed: UnitParse, example: string): number {
  if (parsed.ok) return parsed.value;
  throw new PacsLoadError('ERR_USAGE', `${option} "${text}": ${parsed.message}`, { hint: `${capitalize(parsed.fix)}, e.g. ${option} ${example}` });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An instant: ISO 8601 with a zone, or epoch milliseconds; returns epoch ms. */
function instant(option: string, text: string): number {
  const trimmed = text.trim();
  const epochMs = /^\d{10,16}$/.test(trimmed)
    ? Number(trimmed)
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed)
      ? Date.parse(trimmed)
      : NaN;
  if (!Number.isFinite(epochMs)) {
    throw new PacsLoadError('ERR_USAGE', `${option} ${text} is not a time`, {
      hint: `Give an ISO 8601 time with its zone, e.g. ${option} 2026-11-28T06:30:00Z, or epoch milliseconds.`,
    });
  }
  return epochMs;
}

function byteSize(option: string, text: string): number {
  const parsed = tryParseByteSize(text);
  if (!parsed.ok) throw new PacsLoadError('ERR_USAGE', `${option}: ${parsed.message}`, { hint: `${parsed.fix}, e.g. ${option} 64MiB` });
  return parsed.value;
}

function durationMs(option: string, text: string): number {
  const parsed = tryParseDurationUs(text);
  if (!parsed.ok || parsed.value < 100_000) {
    throw new PacsLoadError('ERR_USAGE', `${option} must be a duration of at least 100ms, not "${text}"`, { hint: `For example ${option} 5s` });
  }
  return parsed.value / 1000;
}

function number(option: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new PacsLoadError('ERR_USAGE', `${option} must be a number between ${min} and ${max}, not "${text}"`, {
      hint: `For example ${option} ${min}`,
    });
  }
  return value;
}

function count(option: string, text: string, min: number): number {
  const value = number(option, text, min, Number.MAX_SAFE_INTEGER);
  if (!Number.isInteger(value)) {
    throw new PacsLoadError('ERR_USAGE', `${option} must be a whole number, not "${text}"`, { hint: `For example ${option} ${min}` });
  }
  return value;
}
