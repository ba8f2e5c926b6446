/**
 * DCMTK's echoscu and findscu against the simulator: a real, independent SCU
 * must be able to verify and query it (DESIGN section 9). Skipped when DCMTK is
 * not installed (`apt-get install dcmtk`). TCP_NODELAY=1 makes DCMTK set it
 * (DESIGN section 9: otherwise Nagle adds about 40 ms per exchange).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEPS_PER_STATION, startTestSimulator } from './helpers.js';
import type { TestSimulator } from './helpers.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';

const run = promisify(execFile);
const hasDcmtk = ['/usr/bin/echoscu', '/usr/bin/findscu'].every((path) => existsSync(path));
const dcmtkEnv = { ...process.env, TCP_NODELAY: '1' };

describe.skipIf(!hasDcmtk)('DCMTK SCUs against the simulator', () => {
  let running: TestSimulator;
  beforeAll(async () => {
    running = await startTestSimulator();
  });
  afterAll(async () => {
    await running.simulator.close();
  });

  it('echoscu verifies it', async () => {
    const { simulator } = running;
    const result = await run('echoscu', ['-v', '-aet', 'PACSLOAD-TEST', '-aec', simulator.aeTitle, simulator.host, String(simulator.port)], { env: dcmtkEnv });
    expect(result.stdout + result.stderr).toMatch(/Received Echo Response \(Success\)/);
  });

  it('echoscu with the wrong called AE title is rejected', async () => {
    const { simulator } = running;
    const failed = await run('echoscu', ['-aet', 'PACSLOAD-TEST', '-aec', 'WRONG', simulator.host, String(simulator.port)], { env: dcmtkEnv }).then(
      () => undefined,
      (error: { stdout: string; stderr: string }) => error.stdout + error.stderr,
    );
    expect(failed).toMatch(/Called AE Title Not Recognized/i);
  });

  it('findscu gets the station\'s worklist items', async () => {
    const { simulator } = running;
    const sps = 'ScheduledProcedureStepSequence[0]';
    const result = await run(
      'findscu',
      [
        '-v', '-W',
        '-aet', 'PACSLOAD-TEST', '-aec', simulator.aeTitle,
        '-k', 'PatientName', '-k', 'PatientID', '-k', 'AccessionNumber', '-k', 'StudyInstanceUID',
        '-k', `${sps}.ScheduledStationAETitle=STATION002`,
        '-k', `${sps}.Modality=CT`,
        '-k', `${sps}.ScheduledProcedureStepStartDate=${localDicomDate(new Date())}`,
        '-k', `${sps}.ScheduledProcedureStepStartTime`,
        simulator.host, String(simulator.port),
      ],
      { env: dcmtkEnv },
    );
    const output = result.stdout + result.stderr;
    expect(output.match(/Find Response: \d+ \(Pending\)/g)).toHaveLength(STEPS_PER_STATION);
    expect(output).toMatch(/Received Final Find Response \(Success\)/);
    expect(output).toMatch(/PACSLOAD\^SYNTH\^/);
    expect(output).toMatch(/STATION002/);
  });
});
