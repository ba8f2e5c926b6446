import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunSummary, ThresholdResult } from '../../../../src/metrics/types.js';
import { renderJunit } from '../../../../src/outputs/junit/render-junit.js';
import { escapeXmlAttribute, escapeXmlText } from '../../../../src/outputs/junit/xml-escape.js';
import { HOSTILE_PROFILE, HOSTILE_SCENARIO, measuredSummary } from '../html/measured-summary.js';

interface Failure {
  '@message': string;
  '@type': string;
  '#text'?: string;
}
interface TestCase {
  '@classname': string;
  '@name': string;
  '@time': string;
  failure?: Failure[];
}
interface TestSuite {
  '@name': string;
  '@tests': string;
  '@failures': string;
  '@errors': string;
  '@skipped': string;
  '@time': string;
  '@timestamp': string;
  '@hostname'?: string;
  testcase?: TestCase[];
  properties?: { property: { '@name': string; '@value': string }[] }[];
  'system-out'?: string[];
}
interface TestSuites {
  '@name': string;
  '@tests': string;
  '@failures': string;
  '@errors': string;
  '@time': string;
  '@timestamp': string;
  testsuite: TestSuite[];
}

/** Parses the way CI parsers read JUnit: attributes and entities decoded, repeated elements as arrays. */
function parse(xml: string): TestSuites {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    htmlEntities: true,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ['testsuite', 'testcase', 'failure', 'properties', 'property', 'system-out'].includes(name),
  });
  const document = parser.parse(xml) as { testsuites?: TestSuites };
  if (document.testsuites === undefined) throw new Error('no <testsuites> root');
  return document.testsuites;
}

function suite(root: TestSuites, name: string): TestSuite {
  const found = root.testsuite.find((candidate) => candidate['@name'] === name);
  if (found === undefined) throw new Error(`no suite ${name}`);
  return found;
}

const summary = measuredSummary();
const xml = renderJunit(summary);
const root = parse(xml);

describe('renderJunit', () => {
  it('is a well-formed testsuites > testsuite > testcase document whose counts add up', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(root.testsuite.map((candidate) => candidate['@name'])).toEqual(['pacs-load thresholds', 'pacs-load operations']);
    let tests = 0;
    let failures = 0;
    for (const candidate of root.testsuite) {
      const cases = candidate.testcase ?? [];
      const failed = cases.filter((testCase) => (testCase.failure ?? []).length > 0).length;
      expect(candidate['@tests']).toBe(String(cases.length));
      expect(candidate['@failures']).toBe(String(failed));
      expect(candidate['@errors']).toBe('0');
      expect(candidate['@skipped']).toBe('0');
      expect(candidate['@time']).toBe('6.000');
      expect(candidate['@timestamp']).toBe('2026-11-28T06:00:00');
      expect(candidate['@hostname']).toBe('loadgen-1');
      for (const testCase of cases) expect(testCase['@time']).toMatch(/^\d+(\.\d+)?$/);
      tests += cases.length;
      failures += failed;
    }
    expect(root['@tests']).toBe(String(tests));
    expect(root['@failures']).toBe(String(failures));
    expect(root['@errors']).toBe('0');
    expect(root['@time']).toBe('6.000');
    expect(root['@name']).toBe(`pacs-load ${HOSTILE_PROFILE}`);
  });

  it('has one test case per threshold, and a failed one names the measured value and the limit', () => {
    const thresholds = suite(root, 'pacs-load thresholds');
    expect(thresholds.testcase?.map((testCase) => [testCase['@classname'], testCase['@name']])).toEqual([
      ['thresholds.mwl.find', 'p95 < 500ms'],
      ['thresholds.qido.studies', 'errors < 0.1% & "rate" > 1/s'],
    ]);
    expect(thresholds.testcase?.[0]?.failure).toBeUndefined();
    const failure = thresholds.testcase?.[1]?.failure?.[0];
    expect(failure?.['@type']).toBe('ThresholdFailed');
    expect(failure?.['@message']).toBe('errors = 10% (limit < 0.1%) <b>');
    expect(failure?.['#text']).toContain('measured: 0.1');
    expect(failure?.['#text']).toContain('limit: 0.001');
  });

  it('has one test case per operation, failed when it had no successful result', () => {
    const operations = suite(root, 'pacs-load operations');
    const cases = operations.testcase ?? [];
    expect(cases.map((testCase) => testCase['@classname'])).toEqual(summary.operations.map((operation) => `operations.${operation.scenario}`));
    expect(cases.map((testCase) => testCase['@name'])).toEqual(summary.operations.map((operation) => `${operation.operation} has successful results`));
    const failed = cases.filter((testCase) => testCase.failure !== undefined);
    expect(failed.map((testCase) => testCase['@classname'])).toEqual(['operations.store']);
    expect(failed[0]?.failure?.[0]?.['@message']).toBe('store/dimse.store: no successful result (60 completed, 60 failed, 6 dropped)');
    expect(failed[0]?.failure?.[0]?.['#text']).toBe('Outcomes: dimse_failure_a700 36, association_rejected_1_1_3 24');
    expect(cases[0]?.['@time']).toBe('6.000');
  });

  it('says why in the failure text: each outcome\'s reasons with their counts (issue 14, item 4)', () => {
    const store = summary.operations.find((operation) => operation.scenario === 'store');
    if (store === undefined) throw new Error('no store series');
    const withReasons: RunSummary = {
      ...summary,
      operations: summary.operations.map((operation) =>
        operation === store
          ? {
              ...operation,
              reasons: {
                association_rejected_1_1_3: { top: [{ reason: 'rejected-permanent by DICOM UL service-user: calling-AE-title-not-recognized', count: 24 }], other: 0 },
                dimse_failure_a700: { top: [{ reason: 'store full <disk 3>', count: 30 }], other: 6 },
              },
            }
          : operation,
      ),
    };
    const cases = suite(parse(renderJunit(withReasons)), 'pacs-load operations').testcase ?? [];
    const text = cases.find((testCase) => testCase['@classname'] === 'operations.store')?.failure?.[0]?.['#text'];
    expect(text).toBe(
      [
        'Outcomes: dimse_failure_a700 36, association_rejected_1_1_3 24',
        'Reasons:',
        '  association_rejected_1_1_3 24: rejected-permanent by DICOM UL service-user: calling-AE-title-not-recognized',
        '  dimse_failure_a700 30: store full <disk 3>',
        '  dimse_failure_a700 6: (other reasons)',
      ].join('\n'),
    );
  });

  it('lists the reasons of a failed threshold\'s subject in its failure text', () => {
    const withReasons: RunSummary = {
      ...summary,
      operations: summary.operations.map((operation) => {
        const failed = operation.outcomes['http_503'];
        return failed === undefined ? operation : { ...operation, reasons: { http_503: { top: [{ reason: '503 Service Unavailable', count: failed }], other: 0 } } };
      }),
    };
    const failed = summary.operations.find((operation) => operation.operation === 'qido.studies')?.outcomes['http_503'];
    const thresholds = suite(parse(renderJunit(withReasons)), 'pacs-load thresholds');
    const text = thresholds.testcase?.[1]?.failure?.[0]?.['#text'] ?? '';
    expect(text.split('\n').slice(-2)).toEqual(['Reasons:', `  http_503 ${failed}: 503 Service Unavailable`]);
    // A passed threshold has no failure, so no reasons.
    expect(thresholds.testcase?.[0]?.failure).toBeUndefined();
  });

  it('escapes names and texts so a parser reads back exactly what went in', () => {
    expect(suite(root, 'pacs-load operations').testcase?.some((testCase) => testCase['@classname'] === `operations.${HOSTILE_SCENARIO}`)).toBe(true);
    const properties = suite(root, 'pacs-load thresholds').properties?.[0]?.property ?? [];
    expect(properties.find((property) => property['@name'] === 'run.profile')?.['@value']).toBe(HOSTILE_PROFILE);
    expect(suite(root, 'pacs-load thresholds')['system-out']?.[0]).toContain(HOSTILE_PROFILE);
  });

  it('keeps line breaks in attributes and replaces characters XML 1.0 cannot carry', () => {
    const tricky: ThresholdResult = {
      subject: 'qido',
      expression: 'p95 < 1s',
      measured: 2e6,
      limit: 1e6,
      passed: false,
      detail: 'line one\nline\ttwo \u0000\u0007\u001b[31m end \ud800 ok',
    };
    const document = parse(renderJunit(measuredSummary({ thresholds: [tricky] })));
    const message = suite(document, 'pacs-load thresholds').testcase?.[0]?.failure?.[0]?.['@message'];
    expect(message).toBe('line one\nline\ttwo \uFFFD\uFFFD\uFFFD[31m end \uFFFD ok');
    expect(escapeXmlText('a < b && c > d "q"')).toBe('a &lt; b &amp;&amp; c &gt; d "q"');
    expect(escapeXmlAttribute(`"'<>&\n`)).toBe('&quot;&apos;&lt;&gt;&amp;&#10;');
    expect(escapeXmlText('😀 µs')).toBe('😀 µs');
  });

  it('writes an empty thresholds suite when none are defined, and a verify suite with --verify', () => {
    const base = measuredSummary({ thresholds: [] });
    const withVerify: RunSummary = { ...base, verify: { checked: 50, missing: 2, missingInstances: ['1.2.3.4', '1.2.3.5'], notChecked: 0 } };
    const document = parse(renderJunit(withVerify));
    expect(suite(document, 'pacs-load thresholds')['@tests']).toBe('0');
    expect(suite(document, 'pacs-load thresholds').testcase).toBeUndefined();
    const verify = suite(document, 'pacs-load verify');
    expect(verify['@failures']).toBe('1');
    const failure = verify.testcase?.[0]?.failure?.[0];
    expect(failure?.['@message']).toBe('2 of 50 acknowledged instances missing');
    expect(failure?.['#text']).toContain('missing 1.2.3.5');
    const verified = parse(renderJunit({ ...base, verify: { checked: 50, missing: 0, missingInstances: [], notChecked: 0 } }));
    expect(suite(verified, 'pacs-load verify')['@failures']).toBe('0');
  });

  it('fails the verify case for unintended duplicate sends, naming them, and passes intended ones (issue 14, item 3)', () => {
    const base = measuredSummary({ thresholds: [] });
    const sends = { checked: 120, missing: 0, missingInstances: [], notChecked: 0, acknowledgedSends: 240, distinctInstances: 120, acknowledgedMoreThanOnce: 120, extraAcknowledgements: 120, duplicateInstances: ['2.25.7', '2.25.8'] };
    const unintended = suite(parse(renderJunit({ ...base, verify: { ...sends, duplicatesIntended: false } })), 'pacs-load verify');
    expect(unintended['@failures']).toBe('1');
    const failure = unintended.testcase?.[0]?.failure?.[0];
    expect(failure?.['@type']).toBe('InstancesAcknowledgedMoreThanOnce');
    expect(failure?.['@message']).toBe('240 acknowledged sends of 120 distinct instances: 120 acknowledged more than once (unintended, 120 extra acknowledgements); 120 checked: all stored');
    expect(failure?.['#text']).toContain('acknowledged more than once 2.25.8');
    const intended = suite(parse(renderJunit({ ...base, verify: { ...sends, duplicatesIntended: true } })), 'pacs-load verify');
    expect(intended['@failures']).toBe('0');
  });
});
