import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { PacsLoadError } from '../../errors.js';
import { writeOutputFileAtomically } from '../../outputs/output-file.js';
import { computePlan, planProfileYaml, renderPlanTable, resolvePlanInput } from '../../plan/index.js';
import { parseProfileText } from '../../profile/load.js';
import type { CliContext } from '../context.js';

interface PlanFlags {
  input?: string;
  studiesPerDay?: string;
  mix?: string;
  peakHourShare?: string;
  headroom?: string;
  modalities?: string;
  pollInterval?: string;
  readers?: string;
  readsPerHour?: string;
  priorsPerRead?: string;
  referringViews?: string;
  duration?: string;
  format?: string;
  writeProfile?: string;
}

/**
 * `pacs-load plan`: from study volumes to peak rates, bandwidth and storage
 * (issue 7, item 1). Inputs by flags, by `--input plan.yaml`, or both (flags win).
 */
export function registerPlan(program: Command, context: CliContext): void {
  program
    .command('plan')
    .description('capacity plan: peak rates per operation, bandwidth and storage growth from study volumes (docs/architecture.md section 6 figures)')
    .option('--input <file>', 'YAML file with the inputs (keys: studiesPerDay, modalityMix, peakHourShare, headroom, modalities, worklistPollInterval, readers, readsPerReaderHour, priorsPerRead, referringViewsPerDay, profileDuration)')
    .option('--studies-per-day <n>', 'studies acquired per day (required, here or in --input)')
    .option('--mix <list>', 'modality mix as weights, e.g. CT:30,MR:15,CR:40,US:10,MG:5 (the default)')
    .option('--peak-hour-share <percent>', 'share of the day in the busiest hour (default 10%)')
    .option('--headroom <percent>', 'capacity planned above the peak (default 50%)')
    .option('--modalities <n>', 'modalities polling the worklist (default 10)')
    .option('--poll-interval <duration>', 'worklist poll interval of each modality (default 60s)')
    .option('--readers <n>', 'radiologists reading at the peak hour (default 4)')
    .option('--reads-per-hour <n>', 'studies read per reader per hour (default 12)')
    .option('--priors-per-read <n>', 'prior studies opened per read (default 0.55)')
    .option('--referring-views <n>', 'studies opened by referring physicians per day (default: studies per day)')
    .option('--duration <duration>', 'duration of each scenario of --write-profile (default 10m)')
    .option('--format <format>', 'table (default) or json', 'table')
    .option('--write-profile <file>', 'write a profile that reproduces the planned peak')
    .action(async (flags: PlanFlags) => {
      if (flags.format !== 'table' && flags.format !== 'json') {
        throw new PacsLoadError('ERR_USAGE', `--format must be table or json, not "${flags.format}"`, { hint: 'For example --format json' });
      }
      const fromFile = flags.input === undefined ? {} : await readInputFile(flags.input);
      const fromFlags: Record<string, unknown> = {
        studiesPerDay: flags.studiesPerDay,
        modalityMix: flags.mix,
        peakHourShare: flags.peakHourShare,
        headroom: flags.headroom,
        modalities: flags.modalities,
        worklistPollInterval: flags.pollInterval,
        readers: flags.readers,
        readsPerReaderHour: flags.readsPerHour,
        priorsPerRead: flags.priorsPerRead,
        referringViewsPerDay: flags.referringViews,
        profileDuration: flags.duration,
      };
      const raw = { ...fromFile, ...Object.fromEntries(Object.entries(fromFlags).filter(([, value]) => value !== undefined)) };
      const { input, given } = resolvePlanInput(raw);
      const plan = computePlan(input, given);
      if (flags.writeProfile !== undefined) {
        const text = planProfileYaml(plan);
        // The written profile must load: check it before writing, so a bug shows here, not at `run`.
        parseProfileText(text, flags.writeProfile);
        await writeOutputFileAtomically({ path: flags.writeProfile, what: 'profile', flag: '--write-profile' }, text);
      }
      if (flags.format === 'json') context.out(`${JSON.stringify(plan, null, 2)}\n`);
      else {
        context.out(`${renderPlanTable(plan).join('\n')}\n`);
        if (flags.writeProfile !== undefined) context.out(`\nprofile written to ${flags.writeProfile}: pacs-load run ${flags.writeProfile}\n`);
      }
    });
}

async function readInputFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') {
      throw new PacsLoadError('ERR_USAGE', `--input ${path} is a directory, not a plan input file`, { hint: 'Give the path of a YAML file of plan inputs, e.g. one line `studiesPerDay: 500`.', cause });
    }
    throw new PacsLoadError(code === 'ENOENT' ? 'ERR_FILE_NOT_FOUND' : 'ERR_USAGE', `cannot read plan input ${path}: ${code === 'ENOENT' ? 'no such file' : (cause as Error).message}`, {
      hint: 'Check the path of --input: a YAML file of plan inputs, e.g. one line `studiesPerDay: 500`.',
      cause,
    });
  }
  if (text.includes('\0')) {
    throw new PacsLoadError('ERR_INPUT_INVALID', `--input ${path} is a binary file, not a YAML file of plan inputs`, { hint: 'Give a YAML file of plan inputs, e.g. one line `studiesPerDay: 500`.' });
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (cause) {
    throw new PacsLoadError('ERR_INPUT_INVALID', `${path} is not valid YAML: ${(cause as Error).message}`, { hint: 'Fix the YAML syntax.', cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PacsLoadError('ERR_INPUT_INVALID', `--input ${path} must be a mapping of plan inputs${value === null || value === undefined ? ', and it is empty' : ''}`, { hint: 'Write e.g. `studiesPerDay: 500` on its own line.' });
  }
  const schema = (value as Record<string, unknown>).schema;
  if (typeof schema === 'string' && schema.startsWith('pacs-load/')) {
    throw new PacsLoadError('ERR_INPUT_INVALID', `--input ${path} is a pacs-load file of schema "${schema}" (a summary or probe result), not plan inputs`, {
      hint: 'Give a YAML file of plan inputs, e.g. one line `studiesPerDay: 500`; summaries go to `pacs-load report`, `compare` or `merge`.',
    });
  }
  return value as Record<string, unknown>;
}
