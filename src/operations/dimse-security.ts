/**
 * The secrets and files a DIMSE target's profile only names: the User Identity
 * passcode (read from the environment variable `target.dimse.userIdentity.passcodeEnv`)
 * and the TLS PEM files of `target.dimse.tls`. They are read here, at operation
 * setup, so that a profile stays plain data that can be validated, described and
 * sent to workers without secrets or file contents (as for DICOMweb,
 * src/operations/dicomweb-tls.ts). A relative path is relative to the working
 * directory. The passcode goes into the association options only: no message,
 * error or result ever carries it.
 */
import { readFileSync } from 'node:fs';
import { PacsLoadError } from '../errors.js';
import { envNameForMessage } from '../redact.js';
import type { DimseTarget, DimseTls, DimseUserIdentity } from '../profile/types.js';
import type { SecureTransport, UserIdentity } from '../protocol/dimse/association.js';

/** What `runAssociation` takes for security, resolved from the profile. */
export interface DimseSecurity {
  identity?: UserIdentity;
  secureTransport?: SecureTransport;
}

/**
 * Reads the passcode and PEM files `target` names. Throws PacsLoadError at setup:
 * ERR_USAGE when the passcode variable is unset or empty or a file cannot be
 * read, ERR_FILE_NOT_FOUND when a file does not exist, ERR_PROFILE_INVALID when
 * a file holds no PEM block of the expected kind.
 */
export function resolveDimseSecurity(target: DimseTarget, env: Readonly<Record<string, string | undefined>>): DimseSecurity {
  const security: DimseSecurity = {};
  if (target.userIdentity !== undefined) security.identity = resolveIdentity(target.userIdentity, env);
  if (target.tls !== undefined) security.secureTransport = resolveTls(target.tls);
  return security;
}

function resolveIdentity(spec: DimseUserIdentity, env: Readonly<Record<string, string | undefined>>): UserIdentity {
  const identity: UserIdentity = { username: spec.username, positiveResponseRequested: spec.positiveResponseRequested };
  if (spec.passcodeEnv === undefined) return identity;
  const passcode = env[spec.passcodeEnv];
  if (passcode === undefined || passcode === '') {
    // Names the variable, never a value (nor a "name" that may be the passcode pasted in).
    const shown = envNameForMessage(spec.passcodeEnv, 'target.dimse.userIdentity.passcodeEnv');
    const named = shown === spec.passcodeEnv;
    throw new PacsLoadError('ERR_USAGE', `Environment variable ${shown} (the passcode for target.dimse.userIdentity) is not set.`, {
      hint: named
        ? `Export ${spec.passcodeEnv} with the DIMSE user's passcode before running, or remove passcodeEnv to send the user name only.`
        : 'Write the name of the environment variable that holds the passcode in passcodeEnv (e.g. PACS_DIMSE_PASSCODE), and export it before running.',
      problems: [
        {
          path: 'target.dimse.userIdentity.passcodeEnv',
          message: `${named ? spec.passcodeEnv : 'the variable'} is not set`,
          fix: named ? `export ${spec.passcodeEnv}=...` : 'export PACS_DIMSE_PASSCODE=... and write `passcodeEnv: PACS_DIMSE_PASSCODE`',
        },
      ],
    });
  }
  identity.passcode = passcode;
  return identity;
}

function resolveTls(tls: DimseTls): SecureTransport {
  const transport: SecureTransport = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.caFile !== undefined) transport.ca = readPem(tls.caFile, 'caFile', /-----BEGIN CERTIFICATE-----/, 'a CA certificate');
  if (tls.certFile !== undefined) transport.cert = readPem(tls.certFile, 'certFile', /-----BEGIN CERTIFICATE-----/, 'a certificate');
  if (tls.keyFile !== undefined) {
    transport.key = readPem(tls.keyFile, 'keyFile', /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key');
    // No passphrase is taken (it would be one more secret to carry): say so once, here, not in every handshake.
    if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: *4,ENCRYPTED/.test(transport.key)) {
      throw new PacsLoadError('ERR_PROFILE_INVALID', `${tls.keyFile} holds an encrypted private key (target.dimse.tls.keyFile)`, {
        hint: 'pacs-load takes no key passphrase. Decrypt the key into a file readable only by this user (`openssl pkey -in KEY -out KEY.plain`, then `chmod 600`), and give that file.',
        problems: [{ path: 'target.dimse.tls.keyFile', message: 'the private key is encrypted', fix: 'give an unencrypted PEM key file' }],
      });
    }
  }
  if (tls.servername !== undefined) transport.servername = tls.servername;
  return transport;
}

function readPem(path: string, key: 'caFile' | 'certFile' | 'keyFile', block: RegExp, what: string): string {
  const where = `target.dimse.tls.${key}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PacsLoadError('ERR_FILE_NOT_FOUND', `File not found: ${path} (${where})`, {
        hint: 'Check the path; a relative path is relative to the directory pacs-load runs in.',
        cause: error,
        problems: [{ path: where, message: `${path} does not exist`, fix: `give the path of the PEM file of ${what}` }],
      });
    }
    throw new PacsLoadError('ERR_USAGE', `cannot read ${path} (${where}): ${(error as Error).message}`, {
      hint: 'Check that the file is readable by this user and is a file, not a directory.',
      cause: error,
    });
  }
  // Node.js would accept the file and then fail every handshake; say what is wrong once, at setup.
  if (!block.test(text)) {
    throw new PacsLoadError('ERR_PROFILE_INVALID', `${path} holds no PEM block of ${what} (${where})`, {
      hint: 'Give a PEM file (text with "-----BEGIN ...-----" lines); convert a DER file with `openssl x509 -inform der` (certificates) or `openssl pkey -inform der` (keys). An encrypted key must be decrypted first.',
      problems: [{ path: where, message: `no PEM block of ${what} in the file`, fix: `give ${what} in PEM form` }],
    });
  }
  return text;
}
