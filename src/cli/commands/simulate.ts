import type { Command } from 'commander';
import { PacsLoadError } from '../../errors.js';
import { startSimulator } from '../../simulator/index.js';
import type { SimulatorSettings } from '../../profile/types.js';
import type { CliContext } from '../context.js';

interface SimulateFlags {
  host: string;
  dimsePort: string;
  httpPort: string;
  stations: string;
  steps: string;
  studies: string;
  latency: string;
  errorRate: string;
  maxAssociations: string;
}

/** `pacs-load simulate`: the embedded PACS on its own, until Ctrl-C. */
export function registerSimulate(program: Command, context: CliContext): void {
  program
    .command('simulate')
    .description('run the embedded PACS simulator standalone (DIMSE C-ECHO and MWL C-FIND, QIDO-RS) until interrupted')
    .option('--host <host>', 'address to bind (loopback by default)', '127.0.0.1')
    .option('--dimse-port <port>', 'DIMSE port (0 picks a free one)', '0')
    .option('--http-port <port>', 'DICOMweb port (0 picks a free one)', '0')
    .option('--stations <n>', 'scheduled station AE titles in the worklist', '10')
    .option('--steps <n>', 'scheduled procedure steps per station', '5')
    .option('--studies <n>', 'studies answered by QIDO', '50')
    .option('--latency <ms>', 'milliseconds added to every answer', '0')
    .option('--error-rate <fraction>', 'share of requests answered with a failure, 0..1', '0')
    .option('--max-associations <n>', 'reject associations beyond this many (0 = no limit)', '0')
    .action(async (flags: SimulateFlags) => {
      const settings: SimulatorSettings = {
        stations: count('--stations', flags.stations, 1),
        stepsPerStation: count('--steps', flags.steps, 0),
        studies: count('--studies', flags.studies, 0),
        faults: {
          latencyUs: Math.round(number('--latency', flags.latency, 0, Infinity) * 1000),
          jitterUs: 0,
          errorRate: number('--error-rate', flags.errorRate, 0, 1),
          stall: undefined,
          maxAssociations: count('--max-associations', flags.maxAssociations, 0),
        },
      };
      const simulator = await startSimulator({
        settings,
        host: flags.host,
        dimsePort: count('--dimse-port', flags.dimsePort, 0),
        httpPort: count('--http-port', flags.httpPort, 0),
      });
      context.out(
        `pacs-load simulator listening\n` +
          `  DIMSE     ${simulator.dimse.aeTitle}@${simulator.dimse.host}:${simulator.dimse.port}\n` +
          `  DICOMweb  ${simulator.dicomweb.baseUrl}\n` +
          `press Ctrl-C to stop\n`,
      );
      await new Promise<void>((resolve) => {
        if (context.interrupt.aborted) resolve();
        context.interrupt.addEventListener('abort', () => resolve(), { once: true });
      });
      await simulator.close();
    });
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
