#!/usr/bin/env node
// The `pacs-load` command: the compiled CLI (npm ci builds it through `prepare`).
// Node.js 20 reached its end of life in April 2026 and the code targets 22 and
// 24: an older Node gets one line naming the version needed, not a stack trace
// from whatever it fails to run first. Written for any Node: nothing here may
// need a newer one, so the CLI is imported only after the check.
const NODE_MAJOR_NEEDED = 22;
const major = Number(process.versions.node.split('.')[0]);
if (!(major >= NODE_MAJOR_NEEDED)) {
  process.stderr.write(`pacs-load needs Node.js ${NODE_MAJOR_NEEDED} or later (22 and 24 are supported); this is Node.js ${process.version}.\n`);
  process.exit(1);
}
await import('../dist/src/cli/main.js');
