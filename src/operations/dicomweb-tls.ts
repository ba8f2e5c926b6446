/**
 * The TLS options of a DICOMweb target's client, from the profile's
 * `target.dicomweb.tls`: the CA file named there is read here, at operation
 * setup, rather than by the profile loader, so that a profile stays plain data
 * (it can be validated, described and sent to workers without touching the
 * file system) and every process that opens connections reads the file itself.
 * A relative path is relative to the working directory (workers are threads of
 * the same process, so they see the same one).
 */
import { readFileSync } from 'node:fs';
import { PacsLoadError } from '../errors.js';
import type { DicomwebTls } from '../profile/types.js';
import type { DicomwebTlsOptions } from '../protocol/dicomweb/client.js';

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/**
 * The client's TLS options for `tls`; undefined when the profile sets none
 * (system CAs, verification on). Throws PacsLoadError at setup:
 * ERR_FILE_NOT_FOUND when `caFile` does not exist, ERR_USAGE when it cannot be
 * read, ERR_PROFILE_INVALID when it holds no PEM certificate.
 */
export function dicomwebTlsOptions(tls: DicomwebTls | undefined): DicomwebTlsOptions | undefined {
  if (tls === undefined) return undefined;
  const options: DicomwebTlsOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.caFile !== undefined) options.ca = readCaFile(tls.caFile);
  return options;
}

function readCaFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new PacsLoadError('ERR_FILE_NOT_FOUND', `CA file not found: ${path} (target.dicomweb.tls.caFile)`, {
        hint: 'Check the path; a relative path is relative to the directory pacs-load runs in.',
        cause: error,
        problems: [{ path: 'target.dicomweb.tls.caFile', message: `${path} does not exist`, fix: 'give the path of the PEM file of the CA' }],
      });
    }
    throw new PacsLoadError('ERR_USAGE', `cannot read CA file ${path} (target.dicomweb.tls.caFile): ${(error as Error).message}`, {
      hint: 'Check that the file is readable by this user and is a file, not a directory.',
      cause: error,
    });
  }
  // Node.js would take a file without a certificate and then fail every
  // handshake; say what is wrong once, at setup.
  if (!text.includes(PEM_CERTIFICATE)) {
    throw new PacsLoadError('ERR_PROFILE_INVALID', `${path} holds no PEM certificate (target.dicomweb.tls.caFile)`, {
      hint: `Give a PEM file with one or more "${PEM_CERTIFICATE}" blocks; convert a DER file with \`openssl x509 -inform der -in ca.cer -out ca.pem\`.`,
      problems: [{ path: 'target.dicomweb.tls.caFile', message: 'no PEM certificate in the file', fix: 'give the CA certificate in PEM form' }],
    });
  }
  return text;
}
