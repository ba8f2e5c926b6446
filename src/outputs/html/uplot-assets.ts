/**
 * The chart library inlined into every HTML report: uPlot (MIT, about 50 kB
 * minified), read from its installed package at render time so the report
 * opens offline and no CDN is ever asked. Resolved through Node's module
 * resolution from this file, so it works from src/ under vitest and from the
 * built dist/ of an installed package alike (uplot is a runtime dependency).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PacsLoadError } from '../../errors.js';

export interface UplotAssets {
  /** The IIFE build: defines the global `uPlot`. */
  script: string;
  style: string;
}

let cached: UplotAssets | undefined;

/** uPlot's script and stylesheet; read once per process. Throws ERR_INTERNAL when uplot is not installed. */
export function uplotAssets(): UplotAssets {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  try {
    cached = {
      script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      style: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  } catch (cause) {
    throw new PacsLoadError('ERR_INTERNAL', 'The chart library of the HTML report (the uplot package) cannot be read.', {
      hint: 'Reinstall pacs-load (npm install) so its dependency uplot is present.',
      cause,
    });
  }
  return cached;
}
