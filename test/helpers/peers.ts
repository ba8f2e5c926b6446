/**
 * Peer tests (real Orthanc, DCMTK, openssl) skip only on a developer machine
 * without the peer. In CI (CI=true), .ci/run installs every peer, so a missing
 * one is a failure to report, not a reason to skip: the tests then run and fail.
 */
export function skipWithoutPeer(available: boolean): boolean {
  return !available && process.env.CI !== 'true';
}
