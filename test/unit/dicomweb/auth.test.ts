import { describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../src/errors.js';
import { authorizationHeader, resolveHttpAuth } from '../../../src/protocol/dicomweb/auth.js';

describe('authorizationHeader', () => {
  it('writes Bearer tokens as given (RFC 6750)', () => {
    expect(authorizationHeader({ kind: 'bearer', token: 'abc.def' })).toBe('Bearer abc.def');
  });

  it('writes Basic credentials as base64 of user:password in UTF-8 (RFC 7617)', () => {
    expect(authorizationHeader({ kind: 'basic', username: 'Aladdin', password: 'open sesame' })).toBe(
      'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
    );
    expect(authorizationHeader({ kind: 'basic', username: 'test', password: '123£' })).toBe('Basic dGVzdDoxMjPCow==');
  });
});

describe('resolveHttpAuth', () => {
  it('is undefined without a spec', () => {
    expect(resolveHttpAuth(undefined, {})).toBeUndefined();
  });

  it('reads the named variables', () => {
    expect(resolveHttpAuth({ kind: 'bearer', tokenEnv: 'PACS_TOKEN' }, { PACS_TOKEN: 't0k' })).toEqual({ kind: 'bearer', token: 't0k' });
    expect(resolveHttpAuth({ kind: 'basic', username: 'u', passwordEnv: 'PACS_PW' }, { PACS_PW: 'pw' })).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'pw',
    });
  });

  it.each([undefined, ''])('throws ERR_USAGE naming the variable when it is %j', (value) => {
    let thrown: unknown;
    try {
      resolveHttpAuth({ kind: 'bearer', tokenEnv: 'PACS_TOKEN' }, { PACS_TOKEN: value });
    } catch (error) {
      thrown = error;
    }
    expect(isPacsLoadError(thrown)).toBe(true);
    if (!isPacsLoadError(thrown)) return;
    expect(thrown.code).toBe('ERR_USAGE');
    expect(thrown.message).toContain('PACS_TOKEN');
    expect(thrown.hint).toContain('PACS_TOKEN');
  });
});
