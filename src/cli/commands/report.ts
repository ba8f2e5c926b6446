import type { Command } from 'commander';
import { renderRunSummary } from '../../outputs/console-summary.js';
import { renderHtmlReport } from '../../outputs/html/render-report.js';
import { renderJunit } from '../../outputs/junit/render-junit.js';
import { writeOutputFileAtomically } from '../../outputs/output-file.js';
import { ExitCode, PacsLoadError } from '../../errors.js';
import type { RunSummary } from '../../metrics/types.js';
import { verifyPassed } from '../../metrics/verify-summary.js';
import { loadProfileFile } from '../../profile/load.js';
import { summaryFromInflux, type FromInfluxOptions } from '../../report/from-influx.js';
import { readSummaryFile } from '../../report/read-summary.js';
import type { CliContext } from '../context.js';

interface ReportFlags {
  html?: string;
  junit?: string;
  color?: boolean;
  fromInflux?: string;
  runId?: string;
  influxDb?: string;
  influxTokenEnv?: string;
  influxUser?: string;
  influxPasswordEnv?: string;
  profile?: string;
}

/**
 * `pacs-load report SUMMARY.json [--html FILE] [--junit FILE]`: rebuilds the
 * reports of a finished run (or a merge) from its summary file. Without
 * `--html`/`--junit` it prints the end-of-run console report. It renders and
 * does not judge: exit 0 whatever the thresholds say (the verdict is in the
 * reports; `run` and `merge` gave it as their exit code).
 *
 * `pacs-load report --from-influx URL --run-id ID [--profile P]` (issue 8,
 * item 4) rebuilds the exact merged summary of a distributed run from the
 * InfluxDB every instance wrote to (histograms added, src/report/from-influx.ts)
 * and evaluates the profile's thresholds on it: then it judges as `merge`
 * does, exit 98 when the instances' merged `--verify` result fails, else 99
 * when a threshold fails, whether it prints the report or writes files. A
 * run id of which InfluxDB holds no points is refused (exit 3), naming the
 * database, measurement and run id looked for.
 */
export function registerReport(program: Command, context: CliContext): void {
  program
    .command('report')
    .description('rebuild the reports of a run from its summary JSON: the console report, or --html and --junit files')
    .argument('[summary]', 'summary JSON (from `run --out` or `merge`); omit with --from-influx')
    .option('--html <file>', 'write the self-contained HTML report to this file')
    .option('--junit <file>', 'write JUnit XML (a test case per threshold and per operation) to this file')
    .option('--no-color', 'no ANSI colours in the console report')
    .option('--from-influx <url>', 'rebuild the merged summary of --run-id from InfluxDB (1.x, or 2.x with a DBRP mapping) instead of a file')
    .option('--run-id <id>', 'with --from-influx: the run id every instance was given')
    .option('--influx-db <database>', 'with --from-influx: database, or the bucket\'s DBRP database (default pacs_load)')
    .option('--influx-token-env <name>', 'with --from-influx: environment variable holding a 2.x/3.x token')
    .option('--influx-user <user>', 'with --from-influx: 1.x user (password from --influx-password-env)')
    .option('--influx-password-env <name>', 'with --from-influx: environment variable holding the 1.x password (default PACS_LOAD_INFLUX_PASSWORD)')
    .option('--profile <file>', 'with --from-influx: evaluate this profile\'s thresholds on the merged result (exit 99 when one fails)')
    .action(async (path: string | undefined, flags: ReportFlags) => {
      const summary = await loadSummary(path, flags, context);
      if (flags.html === undefined && flags.junit === undefined) {
        const lines = renderRunSummary(summary, { color: context.color && flags.color !== false });
        context.out(`${lines.join('\n')}\n`);
      }
      if (flags.html !== undefined) {
        await writeOutputFileAtomically({ path: flags.html, what: 'HTML report', flag: '--html' }, renderHtmlReport(summary));
        context.out(`wrote ${flags.html}\n`);
      }
      if (flags.junit !== undefined) {
        await writeOutputFileAtomically({ path: flags.junit, what: 'JUnit XML', flag: '--junit' }, renderJunit(summary));
        context.out(`wrote ${flags.junit}\n`);
      }
      // Judged only when rebuilt from InfluxDB (a file's verdict was given by run or merge), in every output mode, as merge judges.
      if (flags.fromInflux === undefined) return;
      if (summary.verify !== undefined && !verifyPassed(summary.verify)) context.setExitCode(ExitCode.verifyFailed);
      else if (summary.thresholds.some((threshold) => !threshold.passed)) context.setExitCode(ExitCode.thresholdsFailed);
    });
}

/** The summary file, or the merged summary rebuilt from InfluxDB (`--from-influx`). */
async function loadSummary(path: string | undefined, flags: ReportFlags, context: CliContext): Promise<RunSummary> {
  if (flags.fromInflux === undefined) {
    if (path === undefined) {
      throw new PacsLoadError('ERR_USAGE', 'report needs a summary JSON file, or --from-influx URL --run-id ID.', {
        hint: 'For example: pacs-load report summary.json --html report.html',
      });
    }
    return readSummaryFile(path);
  }
  if (path !== undefined) {
    throw new PacsLoadError('ERR_USAGE', `report got both a summary file (${path}) and --from-influx.`, { hint: 'Give one of them.' });
  }
  if (flags.runId === undefined) {
    throw new PacsLoadError('ERR_USAGE', '--from-influx needs --run-id.', {
      hint: 'Give the run id every instance was started with (pacs-load run --run-id ID ...).',
    });
  }
  const options: FromInfluxOptions = { url: flags.fromInflux, runId: flags.runId, database: flags.influxDb ?? 'pacs_load' };
  const auth = influxAuth(flags, context);
  if (auth !== undefined) options.auth = auth;
  if (flags.profile !== undefined) options.thresholds = (await loadProfileFile(flags.profile, { force: true })).thresholds;
  return summaryFromInflux(options);
}

/** Credentials named by flags, read from the environment (never from a flag's value). */
function influxAuth(flags: ReportFlags, context: CliContext): FromInfluxOptions['auth'] {
  const secret = (name: string, what: string): string => {
    const value = context.env[name];
    if (value === undefined || value === '') {
      throw new PacsLoadError('ERR_USAGE', `Environment variable ${name} (${what}) is not set.`, { hint: `export ${name}=... before running.` });
    }
    return value;
  };
  if (flags.influxTokenEnv !== undefined) return { token: secret(flags.influxTokenEnv, 'the InfluxDB token') };
  if (flags.influxUser !== undefined) {
    return { username: flags.influxUser, password: secret(flags.influxPasswordEnv ?? 'PACS_LOAD_INFLUX_PASSWORD', `the password of ${flags.influxUser}`) };
  }
  return undefined;
}
