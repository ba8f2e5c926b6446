/**
 * The JUnit XML report (`--junit FILE`, docs/architecture.md section 7), for CI systems
 * (GitHub Actions reporters, Jenkins, GitLab): the common schema shape
 * testsuites > testsuite > testcase > failure, with the attributes their
 * parsers read (tests, failures, errors, skipped, time, timestamp).
 *
 * Suites:
 * - `pacs-load thresholds`: one test case per threshold (classname
 *   `thresholds.<subject>`, name the expression); a failed one carries a
 *   failure whose message names the measured value and the limit.
 * - `pacs-load operations`: one test case per scenario/operation (classname
 *   `operations.<scenario>`), failed when it had no successful result at all:
 *   a run where every C-STORE was rejected must not look green in CI.
 * - `pacs-load verify`, only with `--verify`: whether every acknowledged
 *   instance is stored, and none was acknowledged more than once unless the
 *   run meant to send it again.
 * A failed check is a `failure` (an assertion), never an `error` (which CI
 * systems read as a broken test), so `errors` is always 0.
 */
import type { OperationSummary, RunSummary, ThresholdResult, VerifySummary } from '../../metrics/types.js';
import { describeVerify, hasUnintendedDuplicates } from '../../metrics/verify-summary.js';
import { formatCount, reasonSummaryLines, seriesLabel } from '../console-summary.js';
import { escapeXmlAttribute, escapeXmlText } from './xml-escape.js';

interface TestCase {
  classname: string;
  name: string;
  timeSeconds: number;
  failure?: { type: string; message: string; text: string };
}

interface TestSuite {
  name: string;
  cases: TestCase[];
}

/** Renders the JUnit XML document for a summary (UTF-8, ends with a newline). */
export function renderJunit(summary: RunSummary): string {
  const suites: TestSuite[] = [
    { name: 'pacs-load thresholds', cases: summary.thresholds.map((threshold) => thresholdCase(threshold, summary.operations)) },
    { name: 'pacs-load operations', cases: summary.operations.map((operation) => operationCase(operation)) },
  ];
  if (summary.verify !== undefined) suites.push({ name: 'pacs-load verify', cases: [verifyCase(summary.verify)] });

  const { run } = summary;
  const timestamp = junitTimestamp(run.startedAt);
  const time = seconds(run.durationSeconds);
  const all = suites.flatMap((suite) => suite.cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({
      name: `pacs-load ${run.profile}`,
      tests: all.length,
      failures: failures(all),
      errors: 0,
      skipped: 0,
      time,
      timestamp,
    })}>`,
  ];
  suites.forEach((suite, index) => {
    lines.push(
      `  <testsuite${attributes({
        name: suite.name,
        id: index,
        tests: suite.cases.length,
        failures: failures(suite.cases),
        errors: 0,
        skipped: 0,
        time,
        timestamp,
        ...(run.environment === undefined ? {} : { hostname: run.environment.hostname }),
      })}>`,
    );
    if (index === 0) lines.push(...renderProperties(summary));
    for (const testCase of suite.cases) lines.push(...renderCase(testCase));
    if (index === 0) lines.push(`    <system-out>${escapeXmlText(runLine(summary))}</system-out>`);
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function thresholdCase(threshold: ThresholdResult, operations: readonly OperationSummary[]): TestCase {
  const testCase: TestCase = { classname: `thresholds.${threshold.subject}`, name: threshold.expression, timeSeconds: 0 };
  if (!threshold.passed) {
    testCase.failure = {
      type: 'ThresholdFailed',
      message: threshold.detail,
      text: [
        `${threshold.subject}: ${threshold.expression} failed.`,
        `measured: ${threshold.measured === undefined ? 'nothing (no operations completed)' : threshold.measured}`,
        `limit: ${threshold.limit}`,
        `(${threshold.detail}; durations in microseconds, error rates as fractions)`,
        ...failureReasons(operations.filter((operation) => operation.operation === threshold.subject || operation.scenario === threshold.subject)),
      ].join('\n'),
    };
  }
  return testCase;
}

function operationCase(operation: OperationSummary): TestCase {
  const testCase: TestCase = {
    classname: `operations.${operation.scenario}`,
    name: `${operation.operation} has successful results`,
    timeSeconds: operation.activeSeconds,
  };
  if (operation.succeeded === 0) {
    const outcomes = Object.entries(operation.outcomes)
      .filter(([, count]) => count > 0)
      .sort(([keyA, countA], [keyB, countB]) => countB - countA || keyA.localeCompare(keyB))
      .map(([key, count]) => `${key} ${formatCount(count)}`);
    testCase.failure = {
      type: 'NoSuccessfulResult',
      message: `${seriesLabel(operation)}: no successful result (${formatCount(operation.completed)} completed, ${formatCount(operation.failed)} failed, ${formatCount(operation.dropped)} dropped)`,
      text: outcomes.length === 0 ? 'No operation completed.' : [`Outcomes: ${outcomes.join(', ')}`, ...failureReasons([operation])].join('\n'),
    };
  }
  return testCase;
}

/** Why the operations of these series failed (issue 14, item 4): `Reasons:` and one line per outcome and reason; nothing when none was kept. */
function failureReasons(operations: readonly OperationSummary[]): string[] {
  const lines = operations.flatMap((operation) => {
    const reasons = reasonSummaryLines(operation);
    return operations.length === 1 ? reasons : reasons.map((line) => `${seriesLabel(operation)} ${line}`);
  });
  return lines.length === 0 ? [] : ['Reasons:', ...lines.map((line) => `  ${line}`)];
}

function verifyCase(verify: VerifySummary): TestCase {
  const testCase: TestCase = { classname: 'verify', name: 'acknowledged instances are stored', timeSeconds: 0 };
  const type =
    verify.error !== undefined ? 'VerifyFailed' : verify.missing > 0 ? 'InstancesMissing' : hasUnintendedDuplicates(verify) ? 'InstancesAcknowledgedMoreThanOnce' : undefined;
  if (type !== undefined) testCase.failure = { type, message: describeVerify(verify), text: verifyText(verify) };
  return testCase;
}

function verifyText(verify: VerifySummary): string {
  const counts = [`checked ${verify.checked}`, `missing ${verify.missing}`, `not checked ${verify.notChecked}`];
  if (verify.acknowledgedSends !== undefined) {
    counts.unshift(`acknowledged sends ${verify.acknowledgedSends}`, `distinct instances ${verify.distinctInstances ?? 0}`);
    counts.push(
      `acknowledged more than once ${verify.acknowledgedMoreThanOnce ?? 0} (${verify.duplicatesIntended === true ? 'intended' : 'unintended'})`,
      `extra acknowledgements ${verify.extraAcknowledgements ?? 0}`,
    );
  }
  return [
    counts.join(', '),
    ...verify.missingInstances.map((uid) => `missing ${uid}`),
    ...(verify.duplicateInstances ?? []).map((uid) => `acknowledged more than once ${uid}`),
  ].join('\n');
}

function renderProperties(summary: RunSummary): string[] {
  const { run } = summary;
  const properties: [string, string][] = [
    ['run.id', run.id],
    ['run.profile', run.profile],
    ['run.target', run.target],
    ['run.startedAt', run.startedAt],
    ['run.endReason', run.endReason],
    ['tool.version', run.tool.version],
    ['node.version', run.tool.node],
  ];
  return [
    '    <properties>',
    ...properties.map(([name, value]) => `      <property${attributes({ name, value })}/>`),
    '    </properties>',
  ];
}

function renderCase(testCase: TestCase): string[] {
  const open = `    <testcase${attributes({ classname: testCase.classname, name: testCase.name, time: seconds(testCase.timeSeconds) })}`;
  if (testCase.failure === undefined) return [`${open}/>`];
  const { failure } = testCase;
  return [
    `${open}>`,
    `      <failure${attributes({ message: failure.message, type: failure.type })}>${escapeXmlText(failure.text)}</failure>`,
    '    </testcase>',
  ];
}

const RUN_ENDING: Record<RunSummary['run']['endReason'], string> = {
  completed: 'completed',
  interrupted: 'was interrupted',
  'threshold-abort': 'was stopped by an abortOnFail threshold',
  'worker-failed': 'ended early because a worker thread failed',
  running: 'was still running (a checkpoint)',
};

function runLine(summary: RunSummary): string {
  const { run } = summary;
  const ending = RUN_ENDING[run.endReason];
  return `pacs-load run ${run.id} of profile ${run.profile} against ${run.target} ${ending} after ${seconds(run.durationSeconds)} s.`;
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function failures(cases: readonly TestCase[]): number {
  return cases.filter((testCase) => testCase.failure !== undefined).length;
}

/** Seconds with millisecond precision, as JUnit's `time` (xs:decimal, never exponent form). */
function seconds(value: number): string {
  return Number.isFinite(value) && value > 0 ? value.toFixed(3) : '0';
}

/**
 * The JUnit schema's `timestamp` is an ISO 8601 date-time without a time zone
 * (strict parsers reject `Z`), so the UTC start is written as `YYYY-MM-DDTHH:MM:SS`.
 */
function junitTimestamp(isoTime: string): string {
  const time = new Date(isoTime);
  return Number.isNaN(time.getTime()) ? isoTime : time.toISOString().slice(0, 19);
}
