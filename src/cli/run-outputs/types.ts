/**
 * How an output plugs into `pacs-load run`: it adds its own flags, builds its
 * Output from them, and may ask for an exit code after the run. One file per
 * output in this folder, listed in index.ts, so adding an output never edits
 * the run command.
 */
import type { Command } from 'commander';
import type { RunSummary } from '../../metrics/types.js';
import type { Output } from '../../outputs/types.js';
import type { CliContext } from '../context.js';

/** The parsed flags of `run` (commander's camelCase names), shared by all outputs. */
export type RunFlagValues = Readonly<Record<string, unknown>>;

export interface RunOutputOption {
  /** Adds this output's flags (`command.option(...)`) and returns the command. */
  register(command: Command): Command;
  /**
   * The output the flags ask for, or undefined when they ask for none. Throws a
   * PacsLoadError (ERR_USAGE, with a hint) for a bad flag value, before any load.
   */
  create(flags: RunFlagValues, context: CliContext): Output | undefined | Promise<Output | undefined>;
  /**
   * After the run: an exit code this output demands (e.g. 97 when
   * `--influx-required` and points were dropped), or undefined.
   */
  exitCode?(flags: RunFlagValues, summary: RunSummary): number | undefined;
}
