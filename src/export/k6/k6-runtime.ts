/**
 * The fixed part of an exported k6 script: request helpers, the catalog
 * lookup (k6's setup(), like pacs-load's prepare()) and one function per
 * DICOMweb operation, each returning whether the operation succeeded. The
 * requests are those pacs-load sends (src/operations/*.ts; PS3.18 sections
 * 10.4 WADO-RS, 10.5 STOW-RS, 10.6 QIDO-RS).
 */
import { IMAGE_DIGITS, STUDY_DIGITS } from './stow-template.js';

/** Helpers every script needs. */
export const RUNTIME_HELPERS = `
const JSON_ACCEPT = 'application/dicom+json';
// PS3.18 8.7.3.5 (frames) and 8.7.3.2 (instances): any stored transfer syntax.
const FRAMES_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const INSTANCE_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';
const RENDERED_ACCEPT = 'image/jpeg';

type Response = ReturnType<typeof http.get>;

const operationDuration = new Trend('pacs_operation_duration', true);
const operationFailed = new Rate('pacs_operation_failed');
const operationCount = new Counter('pacs_operations');

function requestHeaders(accept: string, contentType?: string): Record<string, string> {
  const headers: Record<string, string> = { Accept: accept };
  if (AUTHORIZATION !== undefined) headers['Authorization'] = AUTHORIZATION;
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  return headers;
}

function get(path: string, accept: string, name: string): Response {
  return http.get(BASE_URL + path, { headers: requestHeaders(accept), tags: { name } });
}

function ok(response: Response): boolean {
  return check(response, { 'status 2xx': (r) => r.status >= 200 && r.status < 300 });
}

/** The first value of \`tag\` of every object of a DICOM JSON answer (PS3.18 Annex F). */
function valuesOf(response: Response, tag: string): string[] {
  if (response.status < 200 || response.status > 299 || typeof response.body !== 'string' || response.body === '') return [];
  try {
    const objects = JSON.parse(response.body) as Array<Record<string, { Value?: unknown[] } | undefined>>;
    return objects.map((object) => String(object[tag]?.Value?.[0] ?? '')).filter((value) => value !== '');
  } catch {
    return [];
  }
}

function pick<T>(items: readonly T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
}

function todayDa(): string {
  const now = new Date();
  return String(now.getFullYear()) + String(now.getMonth() + 1).padStart(2, '0') + String(now.getDate()).padStart(2, '0');
}

/** Times one whole operation (all its requests) and records it under its pacs-load operation name. */
function measure(operation: string, run: () => boolean): void {
  const started = Date.now();
  let passed = false;
  try {
    passed = run();
  } finally {
    const tags = { pacs_operation: operation };
    operationDuration.add(Date.now() - started, tags);
    operationFailed.add(!passed, tags);
    operationCount.add(1, tags);
  }
}
`;

/** The catalog lookup, for scenarios that fetch what the target holds. */
export const RUNTIME_CATALOG = `
interface CatalogSeries {
  studyUid: string;
  seriesUid: string;
}
interface CatalogInstance extends CatalogSeries {
  sopUid: string;
}
interface Catalog {
  studies: string[];
  series: CatalogSeries[];
  instances: CatalogInstance[];
}

/** What the target holds (like pacs-load's prepare): some studies, their series and instances. */
export function setup(): Catalog {
  const catalog: Catalog = { studies: [], series: [], instances: [] };
  catalog.studies = valuesOf(get('/studies?limit=' + CATALOG_STUDIES, JSON_ACCEPT, 'setup'), '0020000D');
  for (const studyUid of catalog.studies) {
    for (const seriesUid of valuesOf(get('/studies/' + studyUid + '/series', JSON_ACCEPT, 'setup'), '0020000E').slice(0, 3)) {
      catalog.series.push({ studyUid, seriesUid });
      const sops = valuesOf(get('/studies/' + studyUid + '/series/' + seriesUid + '/instances?limit=10', JSON_ACCEPT, 'setup'), '00080018');
      for (const sopUid of sops) catalog.instances.push({ studyUid, seriesUid, sopUid });
    }
  }
  if (catalog.instances.length === 0) throw new Error('The target at ' + BASE_URL + ' holds no instances to fetch: store some first.');
  return catalog;
}
`;

/** Per operation: the function body that runs it once (given `catalog` where needed and the scenario's params). */
export const OPERATION_CODE: Record<string, (params: { modality: string; limit: number | undefined; maxFramesInFlight: number }) => string> = {
  'qido.studies': ({ modality, limit }) => `
  const query = 'StudyDate=' + todayDa() + '-' + todayDa()${modality === '' ? '' : ` + '&ModalitiesInStudy=' + encodeURIComponent(${JSON.stringify(modality)})`} + '&limit=${limit ?? 100}&offset=0&includefield=00081030,00080060';
  return ok(get('/studies?' + query, JSON_ACCEPT, 'qido.studies'));`,
  'qido.series': () => `
  const study = pick(catalog.studies);
  return study !== undefined && ok(get('/studies/' + study + '/series', JSON_ACCEPT, 'qido.series'));`,
  'qido.instances': () => `
  const series = pick(catalog.series);
  return series !== undefined && ok(get('/studies/' + series.studyUid + '/series/' + series.seriesUid + '/instances', JSON_ACCEPT, 'qido.instances'));`,
  'wado.metadata': () => `
  const series = pick(catalog.series);
  return series !== undefined && ok(get('/studies/' + series.studyUid + '/series/' + series.seriesUid + '/metadata', JSON_ACCEPT, 'wado.metadata'));`,
  'wado.instance': () => `
  const instance = pick(catalog.instances);
  return instance !== undefined && ok(get('/studies/' + instance.studyUid + '/series/' + instance.seriesUid + '/instances/' + instance.sopUid, INSTANCE_ACCEPT, 'wado.instance'));`,
  'wado.frames': () => `
  const instance = pick(catalog.instances);
  return instance !== undefined && ok(get('/studies/' + instance.studyUid + '/series/' + instance.seriesUid + '/instances/' + instance.sopUid + '/frames/1', FRAMES_ACCEPT, 'wado.frames'));`,
  'wado.rendered': () => `
  const instance = pick(catalog.instances);
  return instance !== undefined && ok(get('/studies/' + instance.studyUid + '/series/' + instance.seriesUid + '/instances/' + instance.sopUid + '/rendered', RENDERED_ACCEPT, 'wado.rendered'));`,
  'viewer.open': ({ maxFramesInFlight }) => `
  // What a viewer sends to open a study (pacs-load's viewer.open): the study
  // search, the series list, every series' metadata at once, then the first
  // frame of every image, ${maxFramesInFlight} requests at a time.
  const studyUid = pick(catalog.studies);
  if (studyUid === undefined) return false;
  if (!ok(get('/studies?StudyInstanceUID=' + studyUid + '&includefield=00100020', JSON_ACCEPT, 'viewer.open study'))) return false;
  const seriesList = get('/studies/' + studyUid + '/series', JSON_ACCEPT, 'viewer.open series');
  if (!ok(seriesList)) return false;
  const seriesUids = valuesOf(seriesList, '0020000E');
  const metadata = http.batch(seriesUids.map((seriesUid) => ({
    method: 'GET',
    url: BASE_URL + '/studies/' + studyUid + '/series/' + seriesUid + '/metadata',
    params: { headers: requestHeaders(JSON_ACCEPT), tags: { name: 'viewer.open metadata' } },
  })));
  const frames: string[] = [];
  let passed = true;
  metadata.forEach((response, k) => {
    passed = ok(response) && passed;
    for (const sopUid of valuesOf(response, '00080018')) frames.push('/studies/' + studyUid + '/series/' + seriesUids[k] + '/instances/' + sopUid + '/frames/1');
  });
  for (let first = 0; first < frames.length; first += ${maxFramesInFlight}) {
    const answers = http.batch(frames.slice(first, first + ${maxFramesInFlight}).map((path) => ({
      method: 'GET',
      url: BASE_URL + path,
      params: { headers: requestHeaders(FRAMES_ACCEPT), tags: { name: 'viewer.open frames' } },
    })));
    for (const answer of answers) passed = ok(answer) && passed;
  }
  return passed;`,
};

/** STOW-RS support, when a stow.study scenario is exported. */
export const RUNTIME_STOW = `
const STOW_HEAD = new Uint8Array(encoding.b64decode(STOW_TEMPLATE.headBase64));
const STOW_PIXELS = new Uint8Array(STOW_TEMPLATE.pixelBytes);

function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) bytes[k] = text.charCodeAt(k);
  return bytes;
}

function randomDigits(count: number): string {
  // The first digit is never 0: a 2.25 UID component has no leading zero (PS3.5 9.1).
  let digits = String(1 + Math.floor(Math.random() * 9));
  while (digits.length < count) digits += String(Math.floor(Math.random() * 10));
  return digits;
}

/** One STOW-RS request (PS3.18 10.5): images first .. first+count-1 of the study whose UID digits are \`studyDigits\`. */
function stowRequest(studyDigits: string, first: number, count: number): boolean {
  const boundary = 'pacsload' + randomDigits(24);
  const opening = asciiBytes('--' + boundary + '\\r\\nContent-Type: application/dicom\\r\\n\\r\\n');
  const closing = asciiBytes('\\r\\n');
  const end = asciiBytes('--' + boundary + '--\\r\\n');
  const partBytes = opening.length + STOW_HEAD.length + STOW_PIXELS.length + closing.length;
  const body = new Uint8Array(partBytes * count + end.length);
  const study = asciiBytes(studyDigits);
  for (let k = 0; k < count; k++) {
    const at = k * partBytes;
    body.set(opening, at);
    const head = STOW_HEAD.slice();
    for (const offset of STOW_TEMPLATE.studyDigitOffsets) head.set(study, offset);
    const image = asciiBytes(String(first + k + 1).padStart(${IMAGE_DIGITS}, '0'));
    for (const offset of STOW_TEMPLATE.imageDigitOffsets) head.set(image, offset);
    body.set(head, at + opening.length);
    body.set(STOW_PIXELS, at + opening.length + head.length);
    body.set(closing, at + opening.length + head.length + STOW_PIXELS.length);
  }
  body.set(end, partBytes * count);
  const response = http.post(BASE_URL + '/studies', body.buffer, {
    headers: requestHeaders(JSON_ACCEPT, 'multipart/related; type="application/dicom"; boundary=' + boundary),
    tags: { name: 'stow.study' },
  });
  // 200: all stored; 202 means some failed (PS3.18 10.5.3), which pacs-load counts as an error too.
  return check(response, { 'stored (200)': (r) => r.status === 200 });
}
`;

/** The stow.study operation body for `images` images, `perRequest` per request. */
export function stowCode(images: number, perRequest: number): string {
  return `
  const studyDigits = randomDigits(${STUDY_DIGITS});
  for (let first = 0; first < ${images}; first += ${perRequest}) {
    if (!stowRequest(studyDigits, first, Math.min(${perRequest}, ${images} - first))) return false;
  }
  return true;`;
}
