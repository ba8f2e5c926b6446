/**
 * The registry of identity streams: one entry per kind of object and the
 * operation that makes it. A stream's code is an arc of every UID it makes
 * (src/synth/identity.ts), so two streams with one code would hand out the
 * same identities; a unit test checks that names and codes are unique.
 * Codes are at most two digits (src/profile/uid-root.ts, STREAM_CODE_DIGITS)
 * and never change once released: identities of `--identities fixed` runs
 * depend on them.
 */
export const IDENTITY_STREAMS = [
  /** A `dimse.store` scenario's study: study, series, instances, frame of reference, patient, accession, study ID. */
  { name: 'dimse.store', code: 1 },
  /** A `stow.study` scenario's study. */
  { name: 'stow.study', code: 2 },
  /** The study a chain's `dimse.store` step sends (its series and instances; the study UID is the worklist item's). */
  { name: 'chain.store', code: 3 },
  /** The Study Instance UID a chain gives a worklist item that carries none. */
  { name: 'chain.study', code: 4 },
  /** The MPPS SOP instance a chain's `mpps.inProgress` step creates (PS3.4 F.7.2.1). */
  { name: 'chain.mpps', code: 5 },
  /** The MPPS SOP instance of an `mpps.inProgress` scenario. */
  { name: 'mpps.inProgress', code: 6 },
  /** The MPPS SOP instance an `mpps.completed` scenario creates when no step is open. */
  { name: 'mpps.completed', code: 7 },
  /** The series and images an `mpps.completed` scenario references (it sends none itself). */
  { name: 'mpps.performed', code: 8 },
  /** A prior study `seedPriors` stores before time zero (src/synth/prior-studies.ts). */
  { name: 'seed.priors', code: 9 },
] as const;

export type IdentityStreamName = (typeof IDENTITY_STREAMS)[number]['name'];

const CODES: ReadonlyMap<string, number> = new Map(IDENTITY_STREAMS.map((stream) => [stream.name, stream.code]));

/** The code of a stream (its UID arc). */
export function streamCode(name: IdentityStreamName): number {
  const code = CODES.get(name);
  if (code === undefined) throw new Error(`internal: identity stream ${name} is not registered`);
  return code;
}
