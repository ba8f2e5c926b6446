/**
 * Issue 16, item 5: everything users read points into the repository. A
 * design document users do not have (kept outside the repository) used to be cited by the README, `plan --help`, `plan`'s output and code
 * comments. This test reads `src/`, `workers/`, `bin/`, `profiles/`,
 * `README.md`, and the help of every command of the built CLI (and `plan`'s
 * output), and fails on:
 * - any mention of that outside document or of a path outside the repository;
 * - a `*.md` document named that does not exist in the repository;
 * - a `docs/architecture.md section N` whose section does not exist;
 * and checks that `docs/` ships in the package, so help and `plan` output
 * point to a file an installed package has. Run `npm run build` first.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH, REPO_ROOT } from '../../helpers/cli.js';

const run = promisify(execFile);

/** The outside document's name, in two parts so that a grep of the repository for it finds nothing, this file included. */
const OUTSIDE_DOCUMENT = ['DES', 'IGN'].join('');
const OUTSIDE_REFERENCE = new RegExp(`\\b${OUTSIDE_DOCUMENT}\\b|/work/|shared/${OUTSIDE_DOCUMENT}`, 'g');

/** Text files of these folders (and files), relative to the repository. */
const SOURCES = ['src', 'workers', 'bin', 'profiles', 'README.md'];

interface Text {
  where: string;
  /** The folder a relative reference in it starts from. */
  folder: string;
  text: string;
}

async function filesUnder(path: string): Promise<string[]> {
  const absolute = join(REPO_ROOT, path);
  if (!existsSync(absolute)) return [];
  if (!(await readdir(absolute, { withFileTypes: true }).then(() => true, () => false))) return [absolute];
  const entries = await readdir(absolute, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

async function sourceTexts(): Promise<Text[]> {
  const texts: Text[] = [];
  for (const source of SOURCES) {
    for (const file of await filesUnder(source)) {
      texts.push({ where: relative(REPO_ROOT, file), folder: dirname(file), text: await readFile(file, 'utf8') });
    }
  }
  return texts;
}

/** `pacs-load --help`, `help <command>` for every command it lists, and `plan`'s table. */
async function cliTexts(): Promise<Text[]> {
  const cli = async (args: string[]): Promise<string> => (await run(process.execPath, [CLI_PATH, ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } })).stdout;
  const top = await cli(['--help']);
  const commands = [...top.slice(top.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((match) => match[1]!).filter((name) => name !== 'help');
  const texts: Text[] = [{ where: 'pacs-load --help', folder: REPO_ROOT, text: top }];
  for (const command of commands) texts.push({ where: `pacs-load ${command} --help`, folder: REPO_ROOT, text: await cli([command, '--help']) });
  texts.push({ where: 'pacs-load plan --studies-per-day 500', folder: REPO_ROOT, text: await cli(['plan', '--studies-per-day', '500']) });
  return texts;
}

let texts: Text[];
let sections: Set<string>;

beforeAll(async () => {
  texts = [...(await sourceTexts()), ...(await cliTexts())];
  const architecture = await readFile(join(REPO_ROOT, 'docs/architecture.md'), 'utf8');
  sections = new Set([...architecture.matchAll(/^## (\d+)\. /gm)].map((match) => match[1]!));
}, 120_000);

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

describe('references to documents', () => {
  it('read every command\'s help and the sources', () => {
    expect(texts.filter((text) => text.where.endsWith('--help')).length).toBeGreaterThanOrEqual(10);
    expect(texts.some((text) => text.where === 'src/cli/main.ts')).toBe(true);
    expect(sections.size).toBeGreaterThanOrEqual(10);
  });

  it('never cite the design document kept outside the repository, or a path outside it', () => {
    const found = texts.flatMap(({ where, text }) =>
      [...text.matchAll(OUTSIDE_REFERENCE)].map((match) => `${where}:${lineOf(text, match.index)}: ${match[0]}`),
    );
    expect(found).toEqual([]);
  });

  it('name only .md documents that exist in the repository', () => {
    const missing = texts.flatMap(({ where, folder, text }) =>
      [...text.matchAll(/(?<![\w/.:-])((?:\.{1,2}\/)?[\w-]+(?:\/[\w.-]+)*\.md)\b/g)]
        // bench/results/ holds what `npm run bench` writes: reports, not documents.
        .filter((match) => !match[1]!.startsWith('bench/results/'))
        .filter((match) => !existsSync(join(REPO_ROOT, match[1]!)) && !existsSync(join(folder, match[1]!)))
        .map((match) => `${where}:${lineOf(text, match.index)}: ${match[1]}`),
    );
    expect(missing).toEqual([]);
  });

  it('cite only sections docs/architecture.md has', () => {
    const wrong = texts.flatMap(({ where, text }) =>
      [...text.matchAll(/docs\/architecture\.md[\s*#/]*sections? (\d+)(?: and (\d+))?/g)]
        .flatMap((match) => [match[1], match[2]].filter((section) => section !== undefined && !sections.has(section)))
        .map((section) => `${where}: section ${section}`),
    );
    expect(wrong).toEqual([]);
  });

  it('ship docs/ in the package, as help and plan output point there', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('docs');
    const cited = texts.filter((text) => !text.where.includes('/') && text.text.includes('docs/architecture.md'));
    expect(cited.map((text) => text.where)).toContain('pacs-load plan --studies-per-day 500');
  });
});
