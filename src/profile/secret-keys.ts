/**
 * Keys that would put a secret in a profile's plain text (`password: hunter2`,
 * `token: eyJ...`). A profile never holds secrets (issue 10, item 4): it names
 * the environment variable that holds each one (`passwordEnv`, `bearerEnv`,
 * `passcodeEnv`). Such a key is refused like any unknown key, with a fix that
 * names the `*Env` key to use, and its value is never shown.
 */
import { closestMatch } from './did-you-mean.js';

/** Key names that mean "the secret itself"; compared without case, `-` and `_`. */
const SECRET_KEY_NAMES = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'passcode',
  'passphrase',
  'token',
  'bearer',
  'bearertoken',
  'accesstoken',
  'apitoken',
  'apikey',
  'secret',
  'clientsecret',
  'credential',
  'credentials',
  'privatekey',
]);

/** True when `key` would hold a secret itself rather than the name of its variable. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_NAMES.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/**
 * The message and fix for an unknown key that looks like a secret, given the
 * keys valid at that place; undefined for any other key. The fix names the
 * place's `*Env` key (the closest one when there are several).
 */
export function secretKeyProblem(key: string, validKeys: readonly string[]): { message: string; fix: string } | undefined {
  if (!isSecretKey(key)) return undefined;
  const envKeys = validKeys.filter((valid) => valid.endsWith('Env'));
  const envKey = closestMatch(key, envKeys) ?? envKeys[0];
  const message = `unknown key \`${key}\`: a secret never goes in a profile's plain text (the value is not shown)`;
  if (envKey === undefined) {
    return { message, fix: `remove it; secrets come from environment variables named in \`target\` (valid keys here: ${validKeys.join(', ')})` };
  }
  return {
    message,
    fix: `did you mean \`${envKey}\`? put the secret in an environment variable and write its name: \`${envKey}: ${exampleVariable(envKey)}\``,
  };
}

function exampleVariable(envKey: string): string {
  if (envKey === 'bearerEnv') return 'PACS_TOKEN';
  if (envKey === 'passcodeEnv') return 'PACS_DIMSE_PASSCODE';
  return 'PACS_PASSWORD';
}
