/**
 * The redaction helpers (src/redact.ts) and the profile's refusal of keys that
 * would hold a secret (src/profile/secret-keys.ts): issue 10, item 4.
 */
import { describe, expect, it } from 'vitest';
import { credentialForms, envNameForMessage, hasUrlCredentials, redact, urlForMessage } from '../../../src/redact.js';
import { isSecretKey, secretKeyProblem } from '../../../src/profile/secret-keys.js';

describe('credentialForms and redact', () => {
  it('replaces a token, a password, their URL-encoded forms and the Basic pair, longest first', () => {
    const forms = credentialForms(undefined, 'writer', 'p@ss word');
    const basic = Buffer.from('writer:p@ss word').toString('base64');
    expect(forms).toContain('writer:p@ss word');
    expect(redact(`Authorization: Basic ${basic}; p=p%40ss%20word; pw p@ss word`, forms)).toBe('Authorization: Basic [redacted]; p=[redacted]; pw [redacted]');
    expect(redact('Token abc.def', credentialForms('abc.def'))).toBe('Token [redacted]');
    expect(credentialForms('', undefined, '')).toEqual([]);
  });
});

describe('URL credentials', () => {
  it('finds userinfo in URLs, also in URLs that do not parse', () => {
    expect(hasUrlCredentials('https://user:pw@pacs.example/dicom-web')).toBe(true);
    expect(hasUrlCredentials('https://user@pacs.example')).toBe(true);
    expect(hasUrlCredentials('http://u:s3cr et@h/x')).toBe(true);
    expect(hasUrlCredentials('http://127.0.0.1:8042/dicom-web')).toBe(false);
    expect(hasUrlCredentials('http://pacs/path@version')).toBe(false);
  });

  it('quotes a URL without its userinfo, whatever it holds', () => {
    expect(urlForMessage('http://u:pw@h:1/x')).toBe('http://[redacted]@h:1/x');
    expect(urlForMessage('http://u:s3cr et@h/x?q')).toBe('http://[redacted]@h/x?q');
    expect(urlForMessage('u:s3cret@h:8086')).toBe('[redacted]@h:8086');
    expect(urlForMessage('http://127.0.0.1:8086')).toBe('http://127.0.0.1:8086');
  });
});

describe('envNameForMessage', () => {
  it('shows a conventional variable name, and not a lower-case one (it may be the secret)', () => {
    expect(envNameForMessage('PACS_TOKEN', 'target.dicomweb.auth.bearerEnv')).toBe('PACS_TOKEN');
    const shown = envNameForMessage('hunter2', 'target.dicomweb.auth.passwordEnv');
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain('target.dicomweb.auth.passwordEnv');
  });
});

describe('secret keys in a profile', () => {
  it('recognises keys that would hold the secret itself', () => {
    for (const key of ['password', 'Password', 'pass', 'token', 'api_key', 'api-token', 'passcode', 'secret', 'bearer']) expect(isSecretKey(key), key).toBe(true);
    for (const key of ['passwordEnv', 'username', 'bearerEnv', 'keyFile', 'tokens2']) expect(isSecretKey(key), key).toBe(false);
  });

  it('names the *Env key of the place in the fix, and never a value', () => {
    const auth = secretKeyProblem('token', ['bearerEnv', 'username', 'passwordEnv']);
    expect(auth?.message).toContain('unknown key `token`');
    expect(auth?.fix).toContain('`bearerEnv: PACS_TOKEN`');
    expect(secretKeyProblem('password', ['bearerEnv', 'username', 'passwordEnv'])?.fix).toContain('did you mean `passwordEnv`?');
    expect(secretKeyProblem('password', ['username', 'passcodeEnv', 'positiveResponse'])?.fix).toContain('`passcodeEnv: PACS_DIMSE_PASSCODE`');
    expect(secretKeyProblem('password', ['name', 'scenarios'])?.fix).toContain('environment variables');
    expect(secretKeyProblem('rate', ['rate'])).toBeUndefined();
  });
});
