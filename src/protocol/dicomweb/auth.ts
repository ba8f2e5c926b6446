/**
 * HTTP authentication for a DICOMweb target. The profile names environment
 * variables, never secrets (src/profile/types.ts `DicomwebAuth`);
 * `resolveHttpAuth` reads them from the environment the CLI passed in, and
 * `authorizationHeader` turns the result into a header value. Nothing here logs
 * a credential or puts one in an error message.
 */
import { PacsLoadError } from '../../errors.js';
import { envNameForMessage } from '../../redact.js';

/** Resolved credentials, ready for a request. */
export type HttpAuth =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string };

/** Credentials as a profile names them (structurally `DicomwebAuth` of src/profile/types.ts). */
export type HttpAuthSpec =
  | { kind: 'bearer'; tokenEnv: string }
  | { kind: 'basic'; username: string; passwordEnv: string };

/**
 * Reads the secret a spec names from `env`. Throws PacsLoadError ERR_USAGE, with a
 * hint naming the variable, when it is unset or empty (an empty token is always a
 * mistake, and sending it would turn every request into a 401).
 */
export function resolveHttpAuth(
  spec: HttpAuthSpec | undefined,
  env: Readonly<Record<string, string | undefined>>,
): HttpAuth | undefined {
  if (spec === undefined) return undefined;
  switch (spec.kind) {
    case 'bearer':
      return { kind: 'bearer', token: requireEnv(env, spec.tokenEnv, 'target.dicomweb.auth.bearerEnv', 'the bearer token') };
    case 'basic':
      return { kind: 'basic', username: spec.username, password: requireEnv(env, spec.passwordEnv, 'target.dicomweb.auth.passwordEnv', `the password of ${spec.username}`) };
  }
}

function requireEnv(env: Readonly<Record<string, string | undefined>>, name: string, profileKey: string, what: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    const shown = envNameForMessage(name, profileKey);
    throw new PacsLoadError('ERR_USAGE', `Environment variable ${shown} (${what} for target.dicomweb.auth) is not set.`, {
      hint:
        shown === name
          ? `Set ${name} in the environment before running (export ${name}=...), or remove target.dicomweb.auth from the profile.`
          : `Write the name of the environment variable that holds ${what} in ${profileKey} (e.g. ${profileKey.endsWith('bearerEnv') ? 'PACS_TOKEN' : 'PACS_PASSWORD'}), and set it before running.`,
    });
  }
  return value;
}

/** The Authorization header value: RFC 6750 section 2.1 (Bearer) or RFC 7617 section 2 (Basic). */
export function authorizationHeader(auth: HttpAuth): string {
  switch (auth.kind) {
    case 'bearer':
      return `Bearer ${auth.token}`;
    case 'basic':
      // RFC 7617: base64 of user-id ":" password, in UTF-8.
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
  }
}
