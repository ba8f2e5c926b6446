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

  it('glosses network, HTTP and check outcomes, and nothing for unknown keys', () => {
    expect(outcomeGloss('network_error_eproto')).toBe('network error EPROTO');
    expect(outcomeGloss('http_5xx')).toBe('HTTP server error');
    expect(outcomeGloss('http_2xx')).toMatch(/STOW-RS 202/);
    expect(outcomeGloss('timeout')).toBe('no answer within the timeout');
    expect(outcomeGloss('something_new')).toBe('');
  });
});
