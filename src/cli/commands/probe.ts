import type { Command } from 'commander';
import { PacsLoadError } from '../../errors.js';
import { writeOutputFileAtomically } from '../../outputs/output-file.js';
import { renderProbe, runProbe } from '../../probe/index.js';
import { tryParseDurationUs } from '../../profile/units.js';
import type { CliContext } from '../context.js';

interface ProbeFlags {
  connections: string;
  duration: string;
  accept: string;
  bearerEnv?: string;
  allowHost: string[];
  format: string;
  out?: string;
}

/**
 * `pacs-load probe URL`: the closed-loop ceiling of one DICOMweb endpoint
 * (issue 7, item 4). Loopback hosts only, unless the user names the host with
 * --allow-host; the output says it is a ceiling, not a user-experience figure.
 */
export function registerProbe(program: Command, context: CliContext): void {
  program
    .command('probe')
    .description('closed-loop ceiling of one DICOMweb endpoint (autocannon): the most it answers, not what users feel')
    .argument('<url>', 'the endpoint, e.g. http://127.0.0.1:8042/dicom-web/studies?limit=25')
    .option('-c, --connections <n>', 'keep-alive connections, each sending its next request when the last one answered', '10')
    .option('-d, --duration <duration>', 'how long to probe', '10s')
    .option('--accept <media-type>', 'Accept header', 'application/dicom+json')
    .option('--bearer-env <name>', 'environment variable holding a bearer token (sent as Authorization)')
    .option('--allow-host <host>', 'allow a host that is not this machine (repeatable); only loopback hosts are probed otherwise', collect, [])
    .option('--format <format>', 'table (default) or json', 'table')
    .option('-o, --out <file>', 'also write the result JSON here')
    .action(async (url: string, flags: ProbeFlags) => {
      if (flags.format !== 'table' && flags.format !== 'json') {
        throw new PacsLoadError('ERR_USAGE', `--format must be table or json, not "${flags.format}"`, { hint: 'For example --format json' });
      }
      const connections = Number(flags.connections);
      if (!Number.isInteger(connections) || connections < 1 || connections > 10_000) {
        throw new PacsLoadError('ERR_USAGE', `--connections must be a whole number from 1 to 10000, not "${flags.connections}"`, { hint: 'For example --connections 10' });
      }
      const duration = tryParseDurationUs(flags.duration);
      if (!duration.ok || duration.value < 1_000_000) {
        throw new PacsLoadError('ERR_USAGE', `--duration: ${duration.ok ? 'at least 1s' : duration.message}`, { hint: 'For example --duration 10s' });
      }
      const headers: Record<string, string> = { accept: flags.accept };
      if (flags.bearerEnv !== undefined) {
        const token = context.env[flags.bearerEnv];
        if (token === undefined || token === '') {
          throw new PacsLoadError('ERR_USAGE', `--bearer-env ${flags.bearerEnv}: that environment variable is not set`, { hint: `export ${flags.bearerEnv}=<token> first` });
        }
        headers.authorization = `Bearer ${token}`;
      }
      const result = await runProbe({ url, connections, durationUs: duration.value, headers, allowedHosts: flags.allowHost });
      const json = `${JSON.stringify(result, null, 2)}\n`;
      if (flags.out !== undefined) await writeOutputFileAtomically({ path: flags.out, what: 'probe result', flag: '--out' }, json);
      context.out(flags.format === 'json' ? json : `${renderProbe(result).join('\n')}\n`);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
