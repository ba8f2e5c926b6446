#!/usr/bin/env node
// The `pacs-load` command: the compiled CLI (npm ci builds it through `prepare`).
// Node.js 20 reached its end of life in April 2026; the code targets 22 and 24,
// and undici 8 needs 22.19 (commander 15: 22.12). An older Node gets one line
// naming the version needed, not a stack trace from whatever it fails to run
// first. Written for any Node: nothing here may need a newer one, so the CLI
// is imported only after the check.
const NEEDED = [22, 19];
const [major, minor] = process.versions.node.split('.').map(Number);
if (!(major > NEEDED[0] || (major === NEEDED[0] && minor >= NEEDED[1]))) {
  process.stderr.write(`pacs-load needs Node.js ${NEEDED.join('.')} or later (22 and 24 are supported); this is Node.js ${process.version}.\n`);
  process.exit(1);
}
await import('../dist/src/cli/main.js');
