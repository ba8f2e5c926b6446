/**
 * Every dashboard JSON type-checks against @grafana/schema's `Dashboard`.
 *
 * A JSON import cannot be checked with `satisfies`: TypeScript widens its
 * strings, and the schema's string enums (`FieldColorModeId`, `ThresholdsMode`,
 * `MappingType`...) accept no plain string. So the test compiles, in memory,
 * a module that assigns the JSON text as an object literal to
 * `Json<Dashboard>` (the schema with each enum replaced by its literal values,
 * i.e. what the JSON may spell). Object literals also get excess-property
 * checks, so a misspelt key fails too.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/cli.js';
import { loadDashboards } from '../../helpers/grafana-dashboards.js';

const VIRTUAL_DIR = join(REPO_ROOT, 'test/unit/dashboards');

function moduleText(dashboardJson: string): string {
  return [
    "import type { Dashboard } from '@grafana/schema';",
    // Enums become the union of their values; everything else keeps its shape.
    'type Json<T> = T extends string ? `${T}` : T extends number | boolean | null | undefined ? T',
    '  : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;',
    `export const dashboard: Json<Dashboard> = ${dashboardJson};`,
    '',
  ].join('\n');
}

/** Type-checks the virtual modules (file name -> text) with the project's compiler options; returns the messages. */
function typeCheck(files: Record<string, string>): Record<string, string[]> {
  const configPath = join(REPO_ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (path) => files[path] ?? readFile(path);
  host.fileExists = (path) => path in files || fileExists(path);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (path, language, onError, shouldCreate) =>
    path in files ? ts.createSourceFile(path, files[path]!, language, true) : getSourceFile(path, language, onError, shouldCreate);
  const program = ts.createProgram(Object.keys(files), { ...options, noEmit: true }, host);
  const messages: Record<string, string[]> = {};
  for (const path of Object.keys(files)) {
    const sourceFile = program.getSourceFile(path);
    const diagnostics = sourceFile === undefined ? [] : ts.getPreEmitDiagnostics(program, sourceFile);
    messages[path] = diagnostics.map((diagnostic) => {
      const where =
        diagnostic.file !== undefined && diagnostic.start !== undefined
          ? `line ${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1}: `
          : '';
      return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    });
  }
  return messages;
}

const BROKEN = JSON.stringify({
  schemaVersion: 39,
  title: 'broken',
  panels: [{ type: 'timeseries', gridPos: { h: 8, w: 12, x: 0 }, fieldConfig: { defaults: { color: { mode: 'rainbow' } }, overrides: [] } }],
  templating: { list: [{ name: 'run', type: 'querry' }] },
});
const MISSPELT = JSON.stringify({ schemaVersion: 39, refreshEvery: '5s' });

describe('dashboard JSON against @grafana/schema', () => {
  const dashboards = loadDashboards();
  const virtualPath = (name: string): string => join(VIRTUAL_DIR, `__virtual_${name.replace(/\W/g, '_')}.ts`);
  // One program for every module: building it (loading @grafana/schema) is the slow part.
  let messages: Record<string, string[]> = {};
  beforeAll(() => {
    messages = typeCheck({
      ...Object.fromEntries(dashboards.map(({ file, text }) => [virtualPath(file), moduleText(text)])),
      [virtualPath('broken')]: moduleText(BROKEN),
      [virtualPath('misspelt')]: moduleText(MISSPELT),
    });
    // Type-checking takes a few seconds, more on a loaded machine.
  }, 120_000);

  it('finds the dashboards', () => {
    expect(dashboards.map(({ file }) => file)).toEqual(['pacs-load-compare.json', 'pacs-load-run.json']);
  });

  it('type-checks every dashboard as a Dashboard', () => {
    for (const { file } of dashboards) expect(messages[virtualPath(file)], file).toEqual([]);
  });

  it('rejects a dashboard that breaks the schema (the check is not vacuous)', () => {
    const text = messages[virtualPath('broken')]!.join('\n');
    expect(text).toMatch(/rainbow/);
    expect(text).toMatch(/querry/);
    expect(text).toMatch(/'y'/);
  });

  it('rejects a key the schema does not know', () => {
    expect(messages[virtualPath('misspelt')]!.join('\n')).toMatch(/refreshEvery/);
  });
});
