/**
 * The README is a newcomer's first contact: every YAML example in it must be a
 * valid profile, and the version it reports must be package.json's.
 */
import { readFile } from 'node:fs/promises';
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

  it('TOOL_VERSION matches package.json', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(TOOL_VERSION).toBe(pkg.version);
  });
});
