/**
 * Preflight: before any load, prove the target answers (a C-ECHO for DIMSE, a
 * QIDO with limit=1 for DICOMweb). A target that is down fails here with exit 4
 * and a hint naming host, port and what to check, instead of a run full of errors.
 */
import { PacsLoadError } from '../errors.js';
import { DICOMWEB_OPERATIONS, DIMSE_OPERATIONS, outcomeKey, outcomeReason } from '../metrics/names.js';
import type { ResolvedProfile, ResolvedTarget } from '../profile/types.js';
import { createOperation } from '../operations/index.js';

/** Runs one C-ECHO and/or one QIDO; throws ERR_TARGET_UNREACHABLE when either fails. */
export async function preflight(profile: ResolvedProfile, target: ResolvedTarget, env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const operations = new Set(profile.scenarios.map((scenario) => scenario.operation));
  const checks: Array<Promise<void>> = [];
  if (target.dimse !== undefined && DIMSE_OPERATIONS.some((name) => operations.has(name))) {
    const dimse = target.dimse;
    checks.push(
      check(target, 'dimse.echo', env, (detail) =>
        new PacsLoadError('ERR_TARGET_UNREACHABLE', `Preflight C-ECHO to ${dimse.calledAe}@${dimse.host}:${dimse.port} failed: ${detail}`, {
          hint: `Check that the DIMSE service listens on ${dimse.host}:${dimse.port}, that it knows called AE "${dimse.calledAe}" and accepts calling AE "${dimse.callingAe}" and Verification (1.2.840.10008.1.1). Set preflight: false to skip this check.`,
        }),
      ),
    );
  }
  if (target.dicomweb !== undefined && DICOMWEB_OPERATIONS.some((name) => operations.has(name))) {
    const dicomweb = target.dicomweb;
    checks.push(
      check(target, 'qido.studies', env, (detail) =>
        new PacsLoadError('ERR_TARGET_UNREACHABLE', `Preflight QIDO-RS to ${dicomweb.baseUrl}/studies failed: ${detail}`, {
          hint: isCertificateFailure(detail)
            ? `The TLS certificate of ${dicomweb.baseUrl} was not trusted. Give its CA as target.dicomweb.tls.caFile (PEM), or for a test system only set target.dicomweb.tls.rejectUnauthorized: false.`
            : `Check that ${dicomweb.baseUrl} is the DICOMweb root (it should answer GET ${dicomweb.baseUrl}/studies?limit=1), and the credentials named in target.dicomweb.auth. Set preflight: false to skip this check.`,
        }),
      ),
    );
  }
  await Promise.all(checks);
}

async function check(
  target: ResolvedTarget,
  name: 'dimse.echo' | 'qido.studies',
  env: Readonly<Record<string, string | undefined>>,
  fail: (detail: string) => PacsLoadError,
): Promise<void> {
  const operation = createOperation(name, {
    target,
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: 1 },
    workerIndex: 0,
    workerCount: 1,
    seed: 1,
    env,
  });
  try {
    const result = await operation.run({ iteration: 0, signal: AbortSignal.timeout(30_000) });
    const key = outcomeKey(result.outcome);
    if (!provesReachable(key)) {
      // The outcome's reason says what the target did (issue 14, item 4): which step, the reject in words.
      const reason = outcomeReason(result.outcome);
      throw fail(reason === undefined ? key.replaceAll('_', ' ') : `${key.replaceAll('_', ' ')} (${reason})`);
    }
  } finally {
    await operation.close();
  }
}

/**
 * Whether an outcome proves the target is there and configured for us. A DIMSE
 * failure status, an HTTP 5xx (`http_500`, `http_503`, ...) or 429 (throttled)
 * is an answer from the service: the run measures those. No connection, a
 * rejected association or another HTTP 4xx (wrong base URL, wrong credentials)
 * means the profile points at the wrong place.
 */
function provesReachable(key: string): boolean {
  return (
    key === 'ok' ||
    key === 'check_failed' ||
    // An answer that held nothing is still an answer from the service.
    key === 'empty' ||
    key.startsWith('dimse_warning_') ||
    key.startsWith('dimse_failure_') ||
    /^http_5\d\d$/.test(key) ||
    key === 'http_429'
  );
}

/** Node's TLS verification error codes, as they appear in an outcome key (network_error_<code>). */
function isCertificateFailure(detail: string): boolean {
  return /cert|self signed|unable to verify|unable to get issuer/i.test(detail);
}
