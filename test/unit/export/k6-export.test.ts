/**
 * Issue 8: `pacs-load export k6` writes a k6 script that type-checks against
 * @types/k6 and whose scenarios and thresholds are the profile's.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportK6Script, type K6Export } from '../../../src/export/k6/k6-script.js';
import { stowTemplate } from '../../../src/export/k6/stow-template.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const PROFILE = `
name: k6-export
target:
  dimse: { host: 127.0.0.1, port: 4242, calledAe: ORTHANC }
  dicomweb: { baseUrl: "http://127.0.0.1:8042/dicom-web", auth: { bearerEnv: PACS_TOKEN } }
scenarios:
  reading-lists: { operation: qido.studies, executor: constant-arrival-rate, rate: 33.3/s, duration: 10m, maxInFlight: 50, modality: CT, limit: 50 }
  series: { operation: qido.series, executor: ramping-arrival-rate, startRate: 0/s, stages: [{ duration: 1m, target: 5/s }, { duration: 2m, target: 0.5/s }], maxInFlight: 20 }
  instances: { operation: qido.instances, executor: constant-arrival-rate, rate: 20/m, duration: 1m }
  metadata: { operation: wado.metadata, executor: constant-concurrency, users: 10, duration: 90s }
  frames: { operation: wado.frames, executor: ramping-concurrency, startUsers: 1, stages: [{ duration: 30s, target: 8 }, { duration: 30s, target: 0 }] }
  instance: { operation: wado.instance, executor: iterations, iterations: 100, users: 4, maxDuration: 5m }
  thumbnails: { operation: wado.rendered, executor: constant-arrival-rate, rate: 2/s, duration: 1m, startAfter: 30s }
  uploads: { operation: stow.study, executor: constant-arrival-rate, rate: 1/s, duration: 1m, images: 5, imagesPerRequest: 2, modality: CT }
  viewers: { operation: viewer.open, executor: constant-concurrency, users: 20, duration: 5m }
  knee: { operation: qido.studies, executor: breakpoint, startRate: 10/s, stepRate: 2.5/s, stepDuration: 30s, maxRate: 15/s, stopWhen: { p95: 1s } }
  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 1/s, duration: 1m }
  worklist: { operation: mwl.find, executor: constant-arrival-rate, rate: 5/s, duration: 1m }
thresholds:
  qido.studies: ["p95 < 500ms", "errors < 0.1%"]
  reading-lists: ["dropped < 1%", "rate > 30/s"]
  viewer.open: [{ threshold: "p99 < 5s", abortOnFail: true, delayAbortEval: 1m }, "mean <= 2s"]
  mwl.find: ["p95 < 200ms"]
  echo: ["max < 1s"]
`;

describe('pacs-load export k6', () => {
  let result: K6Export;
  let dir: string;

  beforeAll(async () => {
    result = exportK6Script(parseProfileText(PROFILE, 'k6-export.yaml'), { toolVersion: '0.0.0-test', now: new Date(2026, 10, 28) });
    dir = await mkdtemp(join(tmpdir(), 'pacs-load-k6-'));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('type-checks with tsc against @types/k6', async () => {
    const file = join(dir, 'script.ts');
    await writeFile(file, result.script);
    const k6Types = join(REPO_ROOT, 'node_modules/@types/k6');
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: [],
      // The script sits in a temporary folder: point k6's modules at the repository's @types/k6.
      paths: { k6: [join(k6Types, 'index.d.ts')], 'k6/*': [join(k6Types, '*')] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') + ` (${diagnostic.file?.fileName ?? ''}:${diagnostic.start ?? ''})`);
    expect(diagnostics).toEqual([]);
    // It really was checked against k6's types (a typo in an executor name would fail).
    expect(program.getSourceFiles().some((source) => source.fileName.includes('@types/k6/options'))).toBe(true);
  }, 60_000);

  it("exports every DICOMweb scenario, under the profile's names, with the executors mapped", () => {
    const options = JSON.parse(/export const options: Options = (\{[\s\S]*?\n\});/.exec(result.script)?.[1] ?? 'null') as { scenarios: unknown; thresholds: unknown };
    expect(options.scenarios).toEqual(result.scenarios);
    expect(options.thresholds).toEqual(result.thresholds);
    expect(Object.keys(result.scenarios)).toEqual(['reading-lists', 'series', 'instances', 'metadata', 'frames', 'instance', 'thumbnails', 'uploads', 'viewers', 'knee']);
    expect(result.scenarios['reading-lists']).toMatchObject({ executor: 'constant-arrival-rate', rate: 333, timeUnit: '10s', duration: '600s', preAllocatedVUs: 50, maxVUs: 50 });
    expect(result.scenarios['series']).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '2s', stages: [{ duration: '60s', target: 10 }, { duration: '120s', target: 1 }], maxVUs: 20 });
    expect(result.scenarios['instances']).toMatchObject({ executor: 'constant-arrival-rate', rate: 1, timeUnit: '3s' });
    expect(result.scenarios['metadata']).toMatchObject({ executor: 'constant-vus', vus: 10, duration: '90s' });
    expect(result.scenarios['frames']).toMatchObject({ executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '30s', target: 8 }, { duration: '30s', target: 0 }] });
    expect(result.scenarios['instance']).toMatchObject({ executor: 'shared-iterations', vus: 4, iterations: 100, maxDuration: '300s' });
    expect(result.scenarios['thumbnails']).toMatchObject({ startTime: '30s' });
    // Breakpoint steps 10, 12.5, 15 per second: a jump to each, held 30 s.
    expect(result.scenarios['knee']).toMatchObject({
      executor: 'ramping-arrival-rate',
      startRate: 20,
      timeUnit: '2s',
      stages: [
        { duration: '0s', target: 20 }, { duration: '30s', target: 20 },
        { duration: '0s', target: 25 }, { duration: '30s', target: 25 },
        { duration: '0s', target: 30 }, { duration: '30s', target: 30 },
      ],
    });
    for (const scenario of Object.values(result.scenarios)) expect(result.script).toContain(`export function ${String(scenario['exec'])}(`);
  });

  it("maps the thresholds of exported scenarios to k6's syntax on tagged metrics", () => {
    expect(result.thresholds).toEqual({
      'pacs_operation_duration{pacs_operation:qido.studies}': ['p(95)<500'],
      'pacs_operation_failed{pacs_operation:qido.studies}': ['rate<0.001'],
      // 1 % of the 19,980 arrivals 33.3/s plans in 10 minutes.
      'dropped_iterations{scenario:reading-lists}': ['count<199.8'],
      'pacs_operations{scenario:reading-lists}': ['rate>30'],
      'pacs_operation_duration{pacs_operation:viewer.open}': [{ threshold: 'p(99)<5000', abortOnFail: true, delayAbortEval: '60000ms' }, 'avg<=2000'],
    });
  });

  it('lists the DIMSE scenarios and their thresholds as not exportable, with why', () => {
    expect(result.notExported.map((entry) => entry.scenario)).toEqual(['echo', 'worklist']);
    for (const entry of result.notExported) expect(entry.reason).toMatch(/no DICOM upper layer protocol/);
    expect(result.script).toMatch(/Not exportable:\n \* {3}- echo \(dimse\.echo\): DIMSE; k6 has no DICOM upper layer protocol/);
    expect(result.skippedThresholds.map((entry) => `${entry.subject}: ${entry.source}`)).toEqual(['mwl.find: p95 < 200ms', 'echo: max < 1s']);
    // The credentials come from the variable the profile names.
    expect(result.script).toContain("__ENV[\"PACS_TOKEN\"]");
  });

  it("says that the profile's seedPriors is not part of the script", () => {
    expect(result.script).not.toContain('seedPriors');
    const seeded = exportK6Script(parseProfileText(`${PROFILE}\nseedPriors: { patients: 20, studiesPerPatient: 3 }\n`, 'k6-seeded.yaml'), { toolVersion: '0.0.0-test' });
    expect(seeded.script).toContain(" * Not run here: the profile's seedPriors (20 patients x 3 CR studies).\n * Seed the target first");
  });

  it('places every UID placeholder of the STOW template where the script overwrites it', () => {
    const template = stowTemplate('CT', '20261128');
    const head = Buffer.from(template.headBase64, 'base64');
    // Study digits in (0002,0003), (0008,0018), (0020,000D), (0020,000E); image digits in the two instance UIDs.
    expect(template.studyDigitOffsets).toHaveLength(4);
    expect(template.imageDigitOffsets).toHaveLength(2);
    for (const offset of template.studyDigitOffsets) expect(head.toString('latin1', offset, offset + 38)).toBe('9'.repeat(38));
    for (const offset of template.imageDigitOffsets) expect(head.toString('latin1', offset - 3, offset + 6)).toBe('.1.000000');
    expect(template.pixelBytes).toBe(template.rows * template.columns * 2);
  });
});
