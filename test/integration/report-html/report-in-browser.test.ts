/**
 * The HTML report of a real run opens in headless Chromium (Debian's
 * `chromium`, driven by playwright-core): no console or page errors, every
 * chart drawn with data, no request leaving the page, and it prints. A
 * screenshot and a PDF are produced; set PACS_LOAD_TEST_ARTIFACTS to a
 * directory to keep them (with the report) for a look.
 *
 * The run: three scenarios against the embedded simulator for 3 s, with 10%
 * injected errors so the errors chart has something to show, and a threshold
 * that cannot pass so the verdict is FAILED. Needs the built workers (`npm run build`).
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/coordinator/run-load.js';
import type { RunSummary } from '../../../src/metrics/types.js';
import { createHtmlReportOutput } from '../../../src/outputs/html/html-report-output.js';
import { buildReportData } from '../../../src/outputs/html/report-data.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { WORKER_PATH } from '../../helpers/cli.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The script's print width for charts (report-script.ts), plus the axis gutter slack uPlot may add. */
const PRINT_CHART_MAX_WIDTH_PX = 660;

const PROFILE = `
name: report-browser-test
simulator: { errorRate: 10% }
scenarios:
  echo: { operation: dimse.echo, executor: constant-arrival-rate, rate: 30/s, duration: 3s }
  worklist: { operation: mwl.find, executor: constant-arrival-rate, rate: 20/s, duration: 3s, stations: 10, expectItems: 5 }
  search: { operation: qido.studies, executor: constant-arrival-rate, rate: 20/s, duration: 3s }
thresholds:
  dimse.echo: ["rate > 1/s"]
  mwl.find: ["rate > 100000/s"]
`;

interface ChartCheck {
  id: string;
  kind: string;
  hasCanvas: boolean;
  widthPx: number;
  /** Pixels in a saturated colour: series lines (axes and grid are grey). */
  colouredPixels: number;
  /** Series (beyond x) with at least one value. */
  seriesWithData: number;
  series: number;
}

describe.skipIf(skipWithoutPeer(existsSync(CHROMIUM_PATH)))('HTML report in headless Chromium', () => {
  let directory: string;
  let reportPath: string;
  let summary: RunSummary;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'pacs-load-report-browser-'));
    reportPath = join(directory, 'report.html');
    ({ summary } = await runLoad({
      profile: parseProfileText(PROFILE, 'report-browser-test.yaml'),
      workers: 2,
      outputs: [createHtmlReportOutput({ path: reportPath })],
      env: {},
      workerFilename: WORKER_PATH,
      nodeVersion: process.version,
      profileSource: PROFILE,
    }));

    context = await chromium.launchPersistentContext(join(directory, 'chromium-profile'), {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      viewport: { width: 1366, height: 800 },
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
    await page.waitForFunction(() => 'pacsLoadReport' in globalThis, undefined, { timeout: 10_000 });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('loads without console errors or page errors', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('sends no request off the page: only the file itself (and data: or about: URLs) is loaded', () => {
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url).toMatch(/^(file|data|about):/);
  });

  it('draws every chart of every operation, each with data', async () => {
    const expected = buildReportData(summary).operations.flatMap((operation) => operation.charts.map((chart) => chart.id));
    // Three operations, five charts each: a real run has intervals and histograms for all of them.
    expect(expected).toHaveLength(15);
    const charts = await checkCharts(page);
    expect(charts.map((chart) => chart.id)).toEqual(expected);
    for (const chart of charts) {
      expect(chart.hasCanvas, chart.id).toBe(true);
      expect(chart.widthPx, chart.id).toBeGreaterThan(200);
      expect(chart.seriesWithData, chart.id).toBe(chart.series);
      expect(chart.colouredPixels, chart.id).toBeGreaterThan(50);
    }
  });

  it('labels the percentile axis in nines, 0% to 99.99%', async () => {
    const labels = await page.evaluate(() => {
      const { pacsLoadReport } = globalThis as unknown as PageGlobals;
      const plot = pacsLoadReport.charts.find((chart) => chart.kind === 'distribution')?.plot;
      return plot?.axes[0]?.values?.(plot, [0, 1, 2, 3, 4]);
    });
    expect(labels).toEqual(['0%', '90%', '99%', '99.9%', '99.99%']);
  });

  it('shows the verdict first, with the failed threshold', async () => {
    const verdict = await page.locator('#verdict').innerText();
    expect(verdict).toContain('FAILED');
    expect(verdict).toContain('Thresholds: 1 passed, 1 failed.');
    expect(await page.locator('h3').allInnerTexts()).toEqual(
      expect.arrayContaining(['echo/dimse.echo', 'worklist/mwl.find', 'search/qido.studies']),
    );
  });

  it('produces a screenshot', async () => {
    const path = join(directory, 'report.png');
    await page.screenshot({ path, fullPage: true });
    const png = await readFile(path);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(50_000);
    await keepArtifact(path);
    await keepArtifact(reportPath);
  });

  it('prints: charts shrink to the page width and a PDF is produced', async () => {
    await page.emulateMedia({ media: 'print' });
    await page.waitForFunction(
      (maxWidth) =>
        [...(globalThis as unknown as PageGlobals).document.querySelectorAll('.uplot')].every(
          (element) => element.getBoundingClientRect().width <= maxWidth,
        ),
      PRINT_CHART_MAX_WIDTH_PX,
      { timeout: 5_000 },
    );
    const path = join(directory, 'report.pdf');
    await page.pdf({ path, format: 'A4', printBackground: false });
    const pdf = await readFile(path);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await stat(path)).size).toBeGreaterThan(20_000);
    await keepArtifact(path);
    await page.emulateMedia({ media: 'screen' });
    expect(pageErrors).toEqual([]);
  });
});

/**
 * The little of the page's DOM the checks use (the project compiles without
 * the DOM library; these functions run in the browser).
 */
interface PageElement {
  getBoundingClientRect(): { width: number };
  querySelector(selector: string): PageCanvas | null;
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray } } | null;
}
interface PageGlobals {
  document: { getElementById(id: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> };
  pacsLoadReport: { charts: { id: string; kind: string; plot: PagePlot }[] };
}
/** A uPlot instance, as far as the checks read it. */
interface PagePlot {
  data: (number | null)[][];
  axes: { values?: (plot: PagePlot, splits: number[]) => string[] }[];
}

/** In the page: each drawn chart's canvas, width, coloured pixels and data. */
function checkCharts(page: Page): Promise<ChartCheck[]> {
  return page.evaluate(() => {
    const { document, pacsLoadReport: report } = globalThis as unknown as PageGlobals;
    return report.charts.map((chart) => {
      const element = document.getElementById(chart.id);
      const canvas = element?.querySelector('canvas') ?? null;
      let colouredPixels = 0;
      if (canvas !== null && canvas.width > 0 && canvas.height > 0) {
        const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
        for (let index = 0; index < pixels.length; index += 4) {
          const [red = 0, green = 0, blue = 0, alpha = 0] = pixels.subarray(index, index + 4);
          if (alpha > 128 && Math.max(red, green, blue) - Math.min(red, green, blue) > 60) colouredPixels++;
        }
      }
      const series = chart.plot.data.slice(1);
      return {
        id: chart.id,
        kind: chart.kind,
        hasCanvas: canvas !== null,
        widthPx: element?.getBoundingClientRect().width ?? 0,
        colouredPixels,
        seriesWithData: series.filter((values) => values.some((value) => value !== null && Number.isFinite(value))).length,
        series: series.length,
      };
    });
  });
}

async function keepArtifact(path: string): Promise<void> {
  const keep = process.env.PACS_LOAD_TEST_ARTIFACTS;
  if (keep === undefined || keep === '') return;
  await mkdir(keep, { recursive: true });
  await copyFile(path, join(keep, path.split('/').at(-1) ?? 'artifact'));
}
