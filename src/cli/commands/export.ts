import type { Command } from 'commander';
import { exportK6Script } from '../../export/k6/k6-script.js';
import { writeOutputFileAtomically } from '../../outputs/output-file.js';
import { loadProfileFile } from '../../profile/load.js';
import { TOOL_VERSION } from '../../version.js';
import type { CliContext } from '../context.js';

interface ExportK6Flags {
  out?: string;
}

/**
 * `pacs-load export k6 PROFILE -o script.ts`: a k6 script for the profile's
 * DICOMweb scenarios (src/export/k6/), for teams that run k6 at scale (the k6
 * operator, a hosted k6). Without `-o` the script goes to stdout. The DIMSE
 * scenarios it leaves out are listed on stderr and in the script's header.
 */
export function registerExport(program: Command, context: CliContext): void {
  const exportCommand = program.command('export').description('write the profile in another tool\'s format');
  exportCommand
    .command('k6')
    .description('write a k6 script (TypeScript) for the profile\'s DICOMweb scenarios; DIMSE scenarios are listed as not exportable')
    .argument('<profile>', 'profile file (YAML or JSON)')
    .option('-o, --out <file>', 'write the script to this file (default: standard output)')
    .action(async (file: string, flags: ExportK6Flags) => {
      const profile = await loadProfileFile(file);
      const result = exportK6Script(profile, { toolVersion: TOOL_VERSION });
      for (const entry of result.notExported) {
        context.err(`pacs-load: note: scenario ${entry.scenario} (${entry.operation}) is not exported: ${entry.reason}\n`);
      }
      for (const entry of result.skippedThresholds) {
        context.err(`pacs-load: note: threshold ${entry.subject}: ${entry.source} is not exported: ${entry.reason}\n`);
      }
      if (flags.out === undefined) {
        context.out(result.script);
        return;
      }
      await writeOutputFileAtomically({ path: flags.out, what: 'k6 script', flag: '--out' }, result.script);
      const count = Object.keys(result.scenarios).length;
      context.out(`wrote ${flags.out}: ${count} scenario${count === 1 ? '' : 's'}, ${Object.keys(result.thresholds).length} threshold metric${Object.keys(result.thresholds).length === 1 ? '' : 's'}\n`);
    });
}
