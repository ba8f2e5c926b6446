import type { Command } from 'commander';
import { profileJsonSchema } from '../../profile/json-schema.js';
import type { CliContext } from '../context.js';

/** `pacs-load schema`: the profile's JSON Schema, for editors (yaml-language-server, VS Code). */
export function registerSchema(program: Command, context: CliContext): void {
  program
    .command('schema')
    .description('print the JSON Schema of the profile format, for editor completion')
    .action(() => {
      context.out(JSON.stringify(profileJsonSchema(), null, 2) + '\n');
    });
}
