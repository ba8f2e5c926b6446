/**
 * Thresholds for `pacs-load merge` when no profile is given: rebuilt from the
 * expressions a summary stores with each result, so the merged summary is
 * judged by the same criteria its parts were.
 */
import { PacsLoadError } from '../errors.js';
import type { ThresholdResult } from '../metrics/types.js';
import { tryParseThresholdExpression } from '../profile/threshold-expression.js';
import type { ThresholdSpec } from '../profile/types.js';

/**
 * One spec per stored result, in order. `abortOnFail` is irrelevant after the
 * run and is left false. Throws ERR_INPUT_INVALID naming `sourceName` when an
 * expression does not parse (`readSummaryFile` already refuses such files).
 */
export function thresholdSpecsFromResults(results: readonly ThresholdResult[], sourceName: string): ThresholdSpec[] {
  return results.map((result) => {
    const parsed = tryParseThresholdExpression(result.expression);
    if (!parsed.ok) {
      throw new PacsLoadError('ERR_INPUT_INVALID', `${sourceName}: threshold \`${result.expression}\` of ${result.subject} is not valid: ${parsed.message}`, {
        hint: 'Give the thresholds with --profile PROFILE instead, or use the summary file as pacs-load wrote it.',
      });
    }
    return { subject: result.subject, expression: parsed.expression, abortOnFail: false, delayAbortEvalUs: 0 };
  });
}

/** The thresholds as `subject: expression` lines, to tell whether two summaries were judged alike. */
export function thresholdKeys(results: readonly ThresholdResult[]): string[] {
  return results.map((result) => `${result.subject}: ${result.expression}`);
}
