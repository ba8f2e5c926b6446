#!/usr/bin/env node
// The `pacs-load` command: the compiled CLI (npm ci builds it through `prepare`).
import '../dist/src/cli/main.js';
