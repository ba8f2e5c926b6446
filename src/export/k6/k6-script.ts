/**
 * `pacs-load export k6`: a k6 script (TypeScript, typed against @types/k6) for
 * the DICOMweb scenarios of a profile, so teams on the k6 operator or a hosted
 * k6 can run that part at their scale (issue 8). Scenarios keep their names
 * and map to k6 executors (k6-executors.ts), thresholds to k6 thresholds on
 * per-operation metrics (k6-thresholds.ts), and each operation to the request
 * sequence pacs-load sends (k6-runtime.ts).
 *
 * DIMSE scenarios are not exported: k6 speaks HTTP, WebSockets and gRPC but
 * has no DICOM upper layer protocol (PS3.8: associations, P-DATA PDUs,
 * presentation contexts), so C-ECHO, C-FIND, C-STORE, N-CREATE and friends
 * cannot be expressed in a k6 script. The header comment lists them.
 */
import type { OperationName } from '../../metrics/names.js';
import type { DicomwebAuth, ResolvedProfile, ResolvedScenario } from '../../profile/types.js';
import { localDicomDate } from '../../synth/dicom-date.js';
import { k6Scenario, type K6Scenario } from './k6-executors.js';
import { OPERATION_CODE, RUNTIME_CATALOG, RUNTIME_HELPERS, RUNTIME_STOW, stowCode } from './k6-runtime.js';
import { k6Thresholds } from './k6-thresholds.js';
import { stowTemplate } from './stow-template.js';

/** The DICOMweb operations a k6 script can run. */
export const K6_EXPORTABLE: readonly OperationName[] = [
  'qido.studies',
  'qido.series',
  'qido.instances',
  'wado.metadata',
  'wado.instance',
  'wado.frames',
  'wado.rendered',
  'stow.study',
  'viewer.open',
];

/** Operations that need the catalog lookup (setup()). */
const NEEDS_CATALOG = new Set<string>(['qido.series', 'qido.instances', 'wado.metadata', 'wado.instance', 'wado.frames', 'wado.rendered', 'viewer.open']);

const DEFAULT_STOW_IMAGES = 20;
const DEFAULT_VIEWER_FRAMES_IN_FLIGHT = 100;

export interface K6Export {
  /** The script's text. */
  script: string;
  /** Scenario name -> the k6 scenario written. */
  scenarios: Record<string, K6Scenario>;
  thresholds: ReturnType<typeof k6Thresholds>['thresholds'];
  /** Scenarios left out, with why. */
  notExported: Array<{ scenario: string; operation: string; reason: string }>;
  skippedThresholds: ReturnType<typeof k6Thresholds>['skipped'];
}

export interface K6ExportOptions {
  /** pacs-load's version, written in the header. */
  toolVersion: string;
  /** For the STOW template's StudyDate (default: today). */
  now?: Date;
}

/** Builds the k6 script for `profile`'s DICOMweb scenarios (pure: profile in, text out). */
export function exportK6Script(profile: ResolvedProfile, options: K6ExportOptions): K6Export {
  const exported = profile.scenarios.filter((scenario) => K6_EXPORTABLE.includes(scenario.operation));
  const notExported = profile.scenarios
    .filter((scenario) => !K6_EXPORTABLE.includes(scenario.operation))
    .map((scenario) => ({ scenario: scenario.name, operation: scenario.operation, reason: notExportableReason(scenario.operation) }));
  const execNames = uniqueExecNames(exported);
  const scenarios: Record<string, K6Scenario> = {};
  for (const scenario of exported) {
    scenarios[scenario.name] = k6Scenario(scenario.executor, execNames.get(scenario.name) as string, scenario.startAfterUs, scenario.gracefulStopUs);
  }
  const { thresholds, skipped } = k6Thresholds(profile.thresholds, exported, profile.scenarios);
  const web = profile.target?.dicomweb;
  const auth = web?.auth;
  const needsCatalog = exported.some((scenario) => NEEDS_CATALOG.has(scenario.operation));
  const stow = exported.find((scenario) => scenario.operation === 'stow.study');
  const viewerFrames = Math.max(
    0,
    ...exported.filter((scenario) => scenario.operation === 'viewer.open').map((scenario) => scenario.params.maxFramesInFlight ?? DEFAULT_VIEWER_FRAMES_IN_FLIGHT),
  );

  const lines: string[] = [];
  lines.push(...header(profile, options.toolVersion, exported, notExported, skipped));
  lines.push(
    "import { check } from 'k6';",
    "import http from 'k6/http';",
    ...(stow === undefined && auth?.kind !== 'basic' ? [] : ["import encoding from 'k6/encoding';"]),
    "import { Counter, Rate, Trend } from 'k6/metrics';",
    "import type { Options } from 'k6/options';",
    '',
    `/** The DICOMweb service root (override with PACS_LOAD_BASE_URL). */`,
    `const BASE_URL: string = (__ENV['PACS_LOAD_BASE_URL'] ?? ${JSON.stringify(web?.baseUrl ?? 'http://127.0.0.1:8042/dicom-web')}).replace(/\\/$/, '');`,
    authorizationLine(auth),
    ...(needsCatalog ? ['/** Studies the catalog lookup reads from the target. */', 'const CATALOG_STUDIES = 10;'] : []),
    '',
    `export const options: Options = ${JSON.stringify(
      {
        scenarios,
        thresholds,
        // viewer.open sends its frames in batches: let a batch go out at once, like pacs-load.
        ...(viewerFrames > 0 ? { batch: viewerFrames, batchPerHost: viewerFrames } : {}),
        ...(web?.tls?.rejectUnauthorized === false ? { insecureSkipTLSVerify: true } : {}),
        summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'],
      },
      undefined,
      2,
    )};`,
    RUNTIME_HELPERS,
  );
  if (needsCatalog) lines.push(RUNTIME_CATALOG);
  if (stow !== undefined) {
    const template = stowTemplate(stow.params.modality === '' ? 'OT' : stow.params.modality, localDicomDate(options.now ?? new Date()));
    lines.push(`/** One synthetic ${stow.params.modality || 'OT'} instance (${template.rows} x ${template.columns}), UIDs to be overwritten per study and image. */`);
    lines.push(`const STOW_TEMPLATE = ${JSON.stringify(template)};`);
    lines.push(RUNTIME_STOW);
  }
  for (const scenario of exported) {
    const exec = execNames.get(scenario.name) as string;
    const parameter = NEEDS_CATALOG.has(scenario.operation) ? 'catalog: Catalog' : '';
    lines.push(`/** Scenario \`${scenario.name}\`: ${scenario.operation}. */`);
    lines.push(`export function ${exec}(${parameter}): void {`);
    lines.push(`  measure(${JSON.stringify(scenario.operation)}, () => {${operationBody(scenario)}\n  });`);
    lines.push('}', '');
  }
  return { script: lines.join('\n'), scenarios, thresholds, notExported, skippedThresholds: skipped };
}

function operationBody(scenario: ResolvedScenario): string {
  const { params } = scenario;
  if (scenario.operation === 'stow.study') {
    const images = params.images ?? DEFAULT_STOW_IMAGES;
    return indent(stowCode(images, Math.min(images, params.imagesPerRequest ?? images)));
  }
  const code = OPERATION_CODE[scenario.operation];
  if (code === undefined) throw new Error(`internal: no k6 code for ${scenario.operation}`);
  return indent(code({ modality: params.modality, limit: params.limit, maxFramesInFlight: params.maxFramesInFlight ?? DEFAULT_VIEWER_FRAMES_IN_FLIGHT }));
}

function indent(code: string): string {
  return code.replaceAll('\n', '\n  ');
}

function authorizationLine(auth: DicomwebAuth | undefined): string {
  if (auth === undefined) return 'const AUTHORIZATION: string | undefined = undefined;';
  if (auth.kind === 'bearer') {
    return `/** The bearer token, from the variable the profile names (k6 run -e ${auth.tokenEnv}=...). */\nconst AUTHORIZATION: string | undefined = __ENV[${JSON.stringify(auth.tokenEnv)}] === undefined ? undefined : 'Bearer ' + __ENV[${JSON.stringify(auth.tokenEnv)}];`;
  }
  return `/** Basic authentication; the password from the variable the profile names (k6 run -e ${auth.passwordEnv}=...). */\nconst AUTHORIZATION: string | undefined = __ENV[${JSON.stringify(auth.passwordEnv)}] === undefined ? undefined : 'Basic ' + encoding.b64encode(${JSON.stringify(auth.username + ':')} + __ENV[${JSON.stringify(auth.passwordEnv)}]);`;
}

function header(
  profile: ResolvedProfile,
  toolVersion: string,
  exported: readonly ResolvedScenario[],
  notExported: K6Export['notExported'],
  skipped: K6Export['skippedThresholds'],
): string[] {
  const lines = [
    '/**',
    ` * k6 script for the DICOMweb scenarios of pacs-load profile "${profile.name}",`,
    ` * written by \`pacs-load export k6\` (pacs-load ${toolVersion}). Re-export rather than edit.`,
    ' *',
    ' * Run: k6 run script.ts (k6 0.57+ runs TypeScript; older: --compatibility-mode=experimental_enhanced).',
    ' * Set PACS_LOAD_BASE_URL to point it elsewhere, and the credentials the profile names with -e.',
    ' *',
    ' * Exported scenarios:',
    ...exported.map(
      (scenario) =>
        ` *   - ${scenario.name} (${scenario.operation})` +
        (scenario.executor.type === 'breakpoint' ? ': its steps, without stopWhen (k6 cannot stop at the first failing step)' : ''),
    ),
  ];
  if (exported.length === 0) lines.push(' *   (none: the profile has no DICOMweb scenario)');
  if (notExported.length > 0) {
    lines.push(' *', ' * Not exportable:');
    for (const entry of notExported) lines.push(` *   - ${entry.scenario} (${entry.operation}): ${entry.reason}`);
  }
  if (profile.seedPriors !== undefined) {
    lines.push(
      ' *',
      ` * Not run here: the profile's seedPriors (${profile.seedPriors.patients} patients x ${profile.seedPriors.studiesPerPatient} ${profile.seedPriors.modality} studies).`,
      ' * Seed the target first, e.g. with a pacs-load run of the profile.',
    );
  }
  if (skipped.length > 0) {
    lines.push(' *', ' * Thresholds not mapped:');
    for (const entry of skipped) lines.push(` *   - ${entry.subject}: ${entry.source} (${entry.reason})`);
  }
  lines.push(
    ' *',
    ' * Differences from pacs-load: k6 times an operation from when a VU starts it, and',
    ' * an arrival that finds no free VU is dropped (dropped_iterations) without a time;',
    ' * pacs-load times queued operations from their intended start (docs/architecture.md section 3).',
    ' * STOW-RS pixel data is zeros of the modality\'s matrix (imageSize is not applied).',
    ' */',
  );
  return lines;
}

function notExportableReason(operation: string): string {
  if (operation === 'chain') return 'a chain of DIMSE steps (worklist, MPPS, store); k6 has no DICOM upper layer protocol (PS3.8)';
  return 'DIMSE; k6 has no DICOM upper layer protocol (PS3.8 associations and PDUs over TCP), only HTTP, WebSockets and gRPC';
}

/** Exported function names: the scenario names in camelCase, made valid and unique. */
function uniqueExecNames(scenarios: readonly ResolvedScenario[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>(['setup', 'teardown', 'options', 'handleSummary', 'default']);
  for (const scenario of scenarios) {
    const words = scenario.name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
    let base = words.map((word, k) => (k === 0 ? word.charAt(0).toLowerCase() : word.charAt(0).toUpperCase()) + word.slice(1)).join('') || 'scenario';
    if (/^[0-9]/.test(base)) base = `scenario${base}`;
    base = `run${base.charAt(0).toUpperCase()}${base.slice(1)}`;
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}${k}`;
    used.add(name);
    names.set(scenario.name, name);
  }
  return names;
}
