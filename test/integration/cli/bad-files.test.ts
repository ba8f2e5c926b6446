/**
 * Issue 10, item 3: every command that reads a file, given a missing, empty,
 * directory, binary or foreign one, ends with a clear error that names the
 * file and says what to do: exit 2 (the path is wrong) or 3 (the content is),
 * never an internal error or a stack trace. The whole matrix runs in this
 * process the way src/cli/main.ts runs a command (a spawned CLI takes
 * seconds on a busy machine); one built-CLI process per kind of file
 * (`npm run build` first) proves what the user sees. Corrupt summaries
 * (truncated, broken histogram, wrong version) are in
 * test/integration/cli-report/bad-input.test.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/cli.js';
import type { CliResult } from '../../helpers/cli.js';
import { runCommand, type CommandResult } from '../../helpers/in-process-cli.js';
import { writeRecordedSummary } from '../../unit/report/summary-files.js';

/** What a command printed and how it ended, run in this process or as the built CLI. */
type Result = CommandResult | CliResult;

type Kind = 'missing' | 'empty' | 'directory' | 'binary' | 'foreign';
type Reader = 'profile' | 'summary' | 'plan input';

/** Exit 2 when the path is wrong, 3 when the content is. */
const EXIT_CODES: Record<Kind, number> = { missing: 2, directory: 2, empty: 3, binary: 3, foreign: 3 };

/** What the error must say, by the kind of file a command reads. */
const MESSAGES: Record<Reader, Record<Kind, RegExp>> = {
  profile: {
    missing: /profile not found: \S+missing/,
    empty: /the profile is empty/,
    directory: /is a directory, not a profile/,
    binary: /is a binary file, not a YAML or JSON profile/,
    foreign: /is a run summary, not a profile/,
  },
  summary: {
    missing: /Summary file \S+missing\S* does not exist/,
    empty: /is empty, not a summary JSON/,
    directory: /directory/,
    binary: /is not JSON/,
    foreign: /is not a pacs-load summary: its `schema` is "pacs-load\/probe"/,
  },
  'plan input': {
    missing: /cannot read plan input \S+missing\S*: no such file/,
    empty: /must be a mapping of plan inputs, and it is empty/,
    directory: /is a directory, not a plan input file/,
    binary: /is a binary file, not a YAML file of plan inputs/,
    foreign: /is a pacs-load file of schema "pacs-load\/summary" \(a summary or probe result\), not plan inputs/,
  },
};

let dir: { path: string; cleanup: () => Promise<void> };
let good: string;
const files = {} as Record<Reader, Record<Kind, string>>;

beforeAll(async () => {
  dir = await tempDir();
  good = (await writeRecordedSummary(dir.path, 'good.json', 'good')).path;
  const write = async (name: string, content: string | Buffer): Promise<string> => {
    const path = join(dir.path, name);
    await writeFile(path, content);
    return path;
  };
  const directory = join(dir.path, 'a-folder.yaml');
  await mkdir(directory);
  // A DICOM file given by mistake: 128-byte preamble, DICM, a group 2 element (PS3.10 section 7.1).
  const binary = await write('image.dcm', Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00])]));
  const empty = await write('empty.yaml', '');
  const missing = join(dir.path, 'missing.yaml');
  const probe = await write('probe.json', JSON.stringify({ schema: 'pacs-load/probe', version: 1, model: 'closed-loop', url: 'http://127.0.0.1/studies', requests: 10 }));
  const common = { missing, empty, directory, binary };
  files.profile = { ...common, foreign: good };
  files.summary = { ...common, foreign: probe };
  files['plan input'] = { ...common, foreign: good };
});
afterAll(async () => {
  await dir.cleanup();
});

/** Every command that reads a file: how to give it the bad one, and what it reads it as. */
const COMMANDS: Array<{ name: string; reads: Reader; args: (bad: string) => string[] }> = [
  { name: 'run', reads: 'profile', args: (bad) => ['run', bad] },
  { name: 'validate', reads: 'profile', args: (bad) => ['validate', bad] },
  { name: 'export k6', reads: 'profile', args: (bad) => ['export', 'k6', bad] },
  { name: 'simulate --profile', reads: 'profile', args: (bad) => ['simulate', '--profile', bad] },
  { name: 'merge --profile', reads: 'profile', args: (bad) => ['merge', good, '--profile', bad, '-o', join(dir.path, 'never-written.json')] },
  { name: 'report --from-influx --profile', reads: 'profile', args: (bad) => ['report', '--from-influx', 'http://127.0.0.1:9', '--run-id', 'x', '--profile', bad] },
  { name: 'compare', reads: 'summary', args: (bad) => ['compare', good, bad] },
  { name: 'merge', reads: 'summary', args: (bad) => ['merge', good, bad, '-o', join(dir.path, 'never-written.json')] },
  { name: 'report', reads: 'summary', args: (bad) => ['report', bad] },
  { name: 'plan --input', reads: 'plan input', args: (bad) => ['plan', '--input', bad] },
];
const KINDS: Kind[] = ['missing', 'empty', 'directory', 'binary', 'foreign'];

function expectRefused(result: Result, reads: Reader, kind: Kind): void {
  const path = files[reads][kind];
  expect(result.stderr, result.stderr).not.toContain('ERR_INTERNAL');
  expect(result.code, result.stderr).toBe(EXIT_CODES[kind]);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(path);
  expect(result.stderr).toMatch(MESSAGES[reads][kind]);
  expect(result.stderr).toMatch(/^hint: \S/m);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('a bad file given to each command', () => {
  for (const command of COMMANDS) {
    for (const kind of KINDS) {
      it(`${command.name}, ${kind} ${command.reads}: exit ${EXIT_CODES[kind]}, the file named, what to do`, async () => {
        expectRefused(await runCommand(command.args(files[command.reads][kind])), command.reads, kind);
      });
    }
  }
});

describe('the built CLI, one process per kind of file', () => {
  KINDS.forEach((kind, index) => {
    // A different command each time, so every reader is seen through main.ts.
    const command = [COMMANDS[0], COMMANDS[6], COMMANDS[9], COMMANDS[2], COMMANDS[8]][index]!;
    it(`${command.name}, ${kind} ${command.reads}: the same refusal, no stack trace`, async () => {
      expectRefused(await runCli(command.args(files[command.reads][kind])), command.reads, kind);
    });
  });
});
