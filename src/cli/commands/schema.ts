import type { Command } from 'commander';
import { profileJsonSchema } from '../../profile/json-schema.js';
import type { CliContext } from '../context.js';

/** How to point an editor at the schema (issue 16, item 6); shown by `pacs-load schema --help`. */
export const SCHEMA_EDITOR_HELP = `
Editor completion and checking:
  pacs-load schema > pacs-load.schema.json

  YAML profiles (VS Code with the Red Hat YAML extension, or any editor using
  yaml-language-server): put this line at the top of the profile:
    # yaml-language-server: $schema=./pacs-load.schema.json
  JSON profiles (VS Code and most JSON editors): a top-level key
    "$schema": "./pacs-load.schema.json"
  The path is relative to the profile (a URL works too). pacs-load accepts a
  top-level $schema key in YAML and JSON profiles and ignores it;
  plan --write-profile writes both forms.
  Without touching the profiles, map files to it in VS Code settings.json:
    "yaml.schemas": { "./pacs-load.schema.json": "profiles/*.yaml" },
    "json.schemas": [{ "fileMatch": ["profiles/*.json"], "url": "./pacs-load.schema.json" }]
`;

/** `pacs-load schema`: the profile's JSON Schema, for editors (yaml-language-server, VS Code). */
export function registerSchema(program: Command, context: CliContext): void {
  program
    .command('schema')
    .description('print the JSON Schema of the profile format, for editor completion (see --help for VS Code and other editors)')
    .addHelpText('after', SCHEMA_EDITOR_HELP)
    .action(() => {
      context.out(JSON.stringify(profileJsonSchema(), null, 2) + '\n');
    });
}
