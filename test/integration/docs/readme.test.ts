/**
 * The README is a newcomer's first contact: every YAML example in it must be a
 * valid profile, and the version it reports must be package.json's.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProfileText } from '../../../src/profile/load.js';
import { TOOL_VERSION } from '../../../src/version.js';
import { REPO_ROOT } from '../../helpers/cli.js';

describe('README', () => {
  it('every yaml example is a valid profile', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const [index, block] of blocks.entries()) {
      expect(() => parseProfileText(block, `README yaml block ${index + 1}`)).not.toThrow();
    }
  });

  it('the quick start command exists: package.json bin runs the built CLI', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npx pacs-load run profiles/quickstart.yaml');
    const bin = pkg.bin['pacs-load'];
    expect(bin).toBeDefined();
    const { stdout } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, bin!), '--version']);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('TOOL_VERSION matches package.json', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(TOOL_VERSION).toBe(pkg.version);
  });
});
