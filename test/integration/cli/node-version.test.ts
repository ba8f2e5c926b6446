/**
 * Issue 16, item 8: `bin/pacs-load.js` refuses a Node.js older than 22.19 (what
 * undici 8 needs) with one line naming the version needed. Run with a real
 * older Node: the machine's own (Debian's Node 20 at /usr/bin/node, or another
 * on PATH). Where there is none,
 * the current Node is made to report 20 (`--import` redefines
 * process.versions.node before the bin runs), which is what the bin reads.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/cli.js';

const BIN = join(REPO_ROOT, 'bin/pacs-load.js');

function nodeMajor(node: string): number {
  return Number(execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split('.')[0]);
}

/** Every `node` on PATH, then /usr/bin/node; the first older than 22 (major versions are enough here). */
function olderNode(): string | undefined {
  const candidates = (process.env['PATH'] ?? '').split(':').map((dir) => join(dir, 'node'));
  candidates.push('/usr/bin/node');
  return candidates.find((node) => existsSync(node) && nodeMajor(node) < 22);
}

describe('bin/pacs-load.js on an older Node.js', () => {
  it('refuses with one line naming the version needed, before loading anything else', () => {
    const older = olderNode();
    const run = older === undefined
      ? spawnSync(process.execPath, ['--import', 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.0.0"})', BIN, '--version'], { encoding: 'utf8' })
      : spawnSync(older, [BIN, '--version'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^pacs-load needs Node\.js 22\.19 or later \(22 and 24 are supported\); this is Node\.js v\d+\.\d+\.\d+\.$/);
    if (older !== undefined) expect(lines[0]).toContain(`this is Node.js v${execFileSync(older, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()}.`);
  });

  it('refuses 22 before 22.19 (undici 8 needs 22.19) the same way', () => {
    const run = spawnSync(process.execPath, ['--import', 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"22.18.0"})', BIN, '--version'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^pacs-load needs Node\.js 22\.19 or later \(22 and 24 are supported\); this is Node\.js v\d+\.\d+\.\d+\.\n$/);
  });

  it('runs on this Node (22.19 or later)', () => {
    expect(nodeMajor(process.execPath)).toBeGreaterThanOrEqual(22);
    const run = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
