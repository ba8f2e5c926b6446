import { describe, expect, it } from 'vitest';
import { outcomeGloss } from '../../../src/outputs/outcome-gloss.js';

describe('outcomeGloss', () => {
  it('explains DIMSE statuses by code, then by PS3.7 range', () => {
    expect(outcomeGloss('dimse_failure_a801')).toBe('move destination unknown');
    expect(outcomeGloss('dimse_failure_a700')).toBe('out of resources');
    expect(outcomeGloss('dimse_failure_c123')).toBe('cannot understand / unable to process');
    expect(outcomeGloss('dimse_failure_0122')).toBe('SOP class not supported');
  });

  it('says that a DIMSE warning is a success', () => {
    expect(outcomeGloss('dimse_warning_b007')).toBe('data set does not match SOP class (warning, counts as success)');
    expect(outcomeGloss('dimse_warning_0001')).toBe('warning (counts as success)');
  });

  it('decodes A-ASSOCIATE-RJ result, source and reason (PS3.8 Table 9-21)', () => {
    expect(outcomeGloss('association_rejected_2_3_2')).toBe('association rejected (transient): local limit exceeded');
    expect(outcomeGloss('association_rejected_1_1_7')).toBe('association rejected (permanent): called AE title not recognized');
    expect(outcomeGloss('association_rejected_1_1_9')).toBe('association rejected (permanent)');
  });

  it('glosses network and timeout outcomes, and nothing for unknown keys', () => {
    expect(outcomeGloss('network_error_eproto')).toBe('network error EPROTO');
    expect(outcomeGloss('timeout')).toBe('no answer within the timeout');
    expect(outcomeGloss('something_new')).toBe('');
  });

  it('glosses the exact HTTP status, with the class as a fallback', () => {
    expect(outcomeGloss('http_429')).toBe('too many requests: throttled (not retried)');
    expect(outcomeGloss('http_500')).toBe('internal server error: a fault in the target');
    expect(outcomeGloss('http_502')).toMatch(/^bad gateway/);
    expect(outcomeGloss('http_503')).toBe('service unavailable: overloaded (not retried)');
    expect(outcomeGloss('http_504')).toMatch(/^gateway timeout/);
    expect(outcomeGloss('http_202')).toMatch(/STOW-RS/);
    expect(outcomeGloss('http_599')).toBe('HTTP server error');
    expect(outcomeGloss('http_418')).toBe('HTTP client error');
    expect(outcomeGloss('http_301')).toBe('HTTP redirect');
    expect(outcomeGloss('protocol_error')).toMatch(/broke the protocol/);
  });
});
