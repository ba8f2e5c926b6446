/**
 * What every DICOMweb operation does at setup: check that the profile has a
 * DICOMweb target, resolve its credentials from the environment, read its CA
 * file (src/operations/dicomweb-tls.ts), and open one
 * undici pool of `target.dicomweb.connections` keep-alive connections.
 * Throws PacsLoadError at setup, never during `run()`.
 */
import { PacsLoadError } from '../errors.js';
import type { OperationName, Outcome } from '../metrics/names.js';
import { resolveHttpAuth } from '../protocol/dicomweb/auth.js';
import { createDicomwebClient, type DicomwebClient, type HttpExchange } from '../protocol/dicomweb/client.js';
import { dicomwebTlsOptions } from './dicomweb-tls.js';
import type { OperationResult, OperationSetup } from './types.js';

/**
 * The client for `operation`. Throws PacsLoadError ERR_PROFILE_INVALID without a
 * DICOMweb target or with an unusable one, ERR_USAGE when a credential variable is unset,
 * and as `dicomwebTlsOptions` for the CA file.
 */
export function createOperationClient(operation: OperationName, setup: OperationSetup): DicomwebClient {
  const target = setup.target.dicomweb;
  if (target === undefined) {
    throw new PacsLoadError('ERR_PROFILE_INVALID', `${operation} needs a DICOMweb target.`, {
      hint: 'Add target.dicomweb.baseUrl to the profile, or remove the target to use the embedded simulator.',
      problems: [{ path: 'target.dicomweb', message: 'missing', fix: 'set target.dicomweb.baseUrl' }],
    });
  }
  const auth = resolveHttpAuth(target.auth, setup.env);
  const tls = dicomwebTlsOptions(target.tls);
  try {
    return createDicomwebClient({ baseUrl: target.baseUrl, connections: target.connections, timeoutUs: target.operationTimeoutUs, auth, tls });
  } catch (error) {
    // The schema should have caught it; say so in the profile's terms rather than as a crash.
    throw new PacsLoadError('ERR_PROFILE_INVALID', `target.dicomweb is not usable: ${(error as Error).message}`, {
      hint: 'Give target.dicomweb.baseUrl as http(s)://host:port/path, and connections as a positive integer.',
      cause: error,
      problems: [{ path: 'target.dicomweb', message: (error as Error).message, fix: 'correct the value' }],
    });
  }
}

/** The first value of a header that may repeat. */
export function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/** The result of a run that made one exchange, with the outcome the operation decided. */
export function exchangeResult(exchange: HttpExchange, outcome: Outcome): OperationResult {
  const result: OperationResult = { outcome, bytesSent: exchange.bytesSent, bytesReceived: exchange.bytesReceived };
  if (exchange.ttfbUs !== undefined) result.ttfbUs = exchange.ttfbUs;
  return result;
}

/**
 * The result of a run whose target lookup found nothing to fetch
 * (src/operations/dicomweb-catalog.ts): `empty` when the scenario expects
 * something, else ok; 0 matches or instances retrieved either way.
 */
export function nothingToFetchResult(empty: Outcome, expectMatches: boolean, counts: 'matches' | 'instances'): OperationResult {
  const result = lookupFailedResult(expectMatches ? empty : { kind: 'ok' });
  if (counts === 'matches') result.matches = 0;
  else result.instancesRetrieved = 0;
  return result;
}

/** The result of a run whose target lookup failed (src/operations/dicomweb-catalog.ts): nothing of its own was sent. */
export function lookupFailedResult(outcome: Outcome): OperationResult {
  return { outcome, bytesSent: 0, bytesReceived: 0 };
}
