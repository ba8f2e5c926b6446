/**
 * Every identity pacs-load makes comes from here: Study, Series and SOP
 * Instance UIDs, MPPS SOP Instance UIDs, the Frame of Reference UID, and the
 * patient ID, accession number and study ID of a study it sends.
 *
 * One send (a study of a `dimse.store` or `stow.study` scenario, a chain's
 * study, an MPPS step) is named by four things, and its identities by them alone:
 * - the run component: 10 digits from the run id (`unique`, the default), so
 *   every run sends new objects and the instances of one distributed run that
 *   share `--run-id` agree; or from the seed (`fixed`, `--identities fixed`), so
 *   a rerun with the same seed re-sends the same objects on purpose;
 * - the stream: what kind of object, for which operation (identity-streams.ts);
 * - the scenario's index in the profile;
 * - the iteration: the operation's global index in its scenario, unique across
 *   workers and execution segments (src/scheduler/segment-execution.ts), and
 *   new on every run of a chain even when it meets the same worklist item again.
 *
 * UIDs of a send hang under one root: the study is `<root>`, its series
 * `<root>.<series>`, its instances `<root>.<series>.<instance>` and its frame
 * of reference `<root>.0`. The root is, by default, `2.25.<n>` (PS3.5 section
 * B.2: a UUID as one decimal integer) with n the first 128 bits of a SHA-256
 * of the four parts, stamped as a version 8 ("custom", RFC 9562 section 5.8)
 * UUID: 44 characters at most, so an instance UID is at most 55. Under an
 * organisation's own root (`uidRoot`) the four parts are arcs themselves,
 * `<uidRoot>.<run>.<stream>.<scenario>.<iteration>`, unique by construction;
 * src/profile/uid-root.ts checks the root leaves room for them.
 * The patient ID (LO) carries the four parts too; accession number and study
 * ID (SH, 16 characters, PS3.5 Table 6.2-1) are a letter and 15 base-36
 * digits (77 bits) of the hash.
 */
import { createHash, randomUUID } from 'node:crypto';
import { INSTANCE_DIGITS, MAX_UID_LENGTH, SERIES_DIGITS } from '../profile/uid-root.js';
import { type IdentityStreamName, streamCode } from './identity-streams.js';
import { createRandom, deriveSeed } from './random.js';
import { SYNTHETIC_PATIENT_ID_PREFIX } from './studies.js';
import { SYNTHETIC_UID_ROOT, digestUid } from './uid.js';

/** `unique`: new identities every run (the default). `fixed`: the same identities for the same seed (a deliberate duplicate-send test). */
export type IdentityMode = 'unique' | 'fixed';
export const IDENTITY_MODES: readonly IdentityMode[] = ['unique', 'fixed'];

/** What a run's identities depend on; plain data, so it travels to worker threads. */
export interface IdentitySettings {
  mode: IdentityMode;
  /** 10 digits, no leading zero: from the run id (`unique`) or the seed (`fixed`). */
  runComponent: string;
  /** The organisation's UID root; absent: 2.25 UUID-derived UIDs. */
  uidRoot?: string;
}

/** The 2.25 root (PS3.5 section B.2) of UUID-derived UIDs, used unless a profile gives `uidRoot`. */
export const DEFAULT_UID_ROOT = SYNTHETIC_UID_ROOT;

/** The settings of a run: the run component from the run id or, in `fixed` mode, from the seed. */
export function identitySettings(options: { mode: IdentityMode; runId: string; seed: number; uidRoot?: string | undefined }): IdentitySettings {
  const label = options.mode === 'fixed' ? `seed:${options.seed}` : `run:${options.runId}`;
  const value = createHash('sha256').update(label).digest().readBigUInt64BE(0);
  // A number in [10^9, 10^10): always 10 digits, never a leading zero (PS3.5 section 9.1).
  const runComponent = String(1_000_000_000n + (value % 9_000_000_000n));
  return { mode: options.mode, runComponent, ...(options.uidRoot === undefined ? {} : { uidRoot: options.uidRoot }) };
}

/** Settings with a random run component, for an operation built without a run (tests, benches): unique, like a run. */
export function randomIdentitySettings(): IdentitySettings {
  return identitySettings({ mode: 'unique', runId: `random:${randomUUID()}`, seed: 0 });
}

/**
 * Send `iteration` of `stream` in scenario `scenarioIndex` of a `fixed` run
 * with `seed` (the same on every call): for templates and checks that need one
 * well-formed send, not a run's.
 */
export function fixedSend(seed: number, stream: IdentityStreamName, iteration: number, scenarioIndex = 0): SendIdentity {
  return fixedAllocator(seed, scenarioIndex).send(stream, iteration);
}

/** The allocator of scenario `scenarioIndex` of a `fixed` run with `seed`. */
export function fixedAllocator(seed: number, scenarioIndex = 0): IdentityAllocator {
  return new IdentityAllocator(identitySettings({ mode: 'fixed', runId: '', seed }), scenarioIndex);
}

/** The identities of one send. */
export interface SendIdentity {
  readonly stream: IdentityStreamName;
  readonly scenarioIndex: number;
  readonly iteration: number;
  /** The root of the send's UIDs; also its Study Instance UID. */
  readonly root: string;
  readonly studyInstanceUid: string;
  /** Frame of Reference UID (0020,0052) of the study's images: `<root>.0`. */
  readonly frameOfReferenceUid: string;
  /** Patient ID (LO): `PLSYN-<run>-<stream>-<scenario>-<iteration>`. */
  readonly patientId: string;
  /** Accession Number (SH, 16 characters at most). */
  readonly accessionNumber: string;
  /** Study ID (SH, 16 characters at most). */
  readonly studyId: string;
}

/** Series `series` (from 1) of a send: `<root>.<series>`. */
export function seriesUid(root: string, series: number): string {
  return `${root}.${arc(series, SERIES_DIGITS, 'series')}`;
}

/** Instance `instance` (from 1) of series `series` of a send: `<root>.<series>.<instance>`. */
export function instanceUid(root: string, series: number, instance: number): string {
  return `${seriesUid(root, series)}.${arc(instance, INSTANCE_DIGITS, 'instance')}`;
}

/**
 * Allocates the identities of one scenario's sends. Pure: the same settings,
 * scenario, stream and iteration always give the same identities, on any
 * worker or machine.
 */
export class IdentityAllocator {
  readonly settings: IdentitySettings;
  readonly scenarioIndex: number;

  constructor(settings: IdentitySettings, scenarioIndex: number) {
    if (!Number.isSafeInteger(scenarioIndex) || scenarioIndex < 0) throw new RangeError(`scenario index must be a non-negative integer, got ${scenarioIndex}`);
    this.settings = settings;
    this.scenarioIndex = scenarioIndex;
  }

  /** The identities of send `iteration` of `stream`. Throws a RangeError for a negative or fractional iteration (a bug). */
  send(stream: IdentityStreamName, iteration: number): SendIdentity {
    if (!Number.isSafeInteger(iteration) || iteration < 0) throw new RangeError(`iteration must be a non-negative integer, got ${iteration}`);
    const { runComponent, uidRoot } = this.settings;
    const code = streamCode(stream);
    const parts = `${runComponent}.${code}.${this.scenarioIndex}.${iteration}`;
    const digest = createHash('sha256').update(parts).digest();
    const root = uidRoot === undefined ? digestUid(digest) : `${uidRoot}.${parts}`;
    if (root.length > MAX_UID_LENGTH - 1 - SERIES_DIGITS - 1 - INSTANCE_DIGITS) {
      throw new RangeError(`UID root ${root} leaves no room for series and instance arcs (the profile check should have refused uidRoot)`);
    }
    return {
      stream,
      scenarioIndex: this.scenarioIndex,
      iteration,
      root,
      studyInstanceUid: root,
      frameOfReferenceUid: `${root}.0`,
      patientId: `${SYNTHETIC_PATIENT_ID_PREFIX}${runComponent}-${code}-${this.scenarioIndex}-${iteration}`,
      accessionNumber: `A${base36(bits80(digest, 16), 15)}`,
      studyId: `S${base36(bits80(digest, 22), 15)}`,
    };
  }
}

/**
 * `duplicateSends`: the iteration whose identities send `iteration` re-sends,
 * or `iteration` itself. A share of `percent` of sends (a draw from the seed,
 * so every worker agrees) re-sends an earlier send of the same scenario, as a
 * modality re-sending a study does; an earlier send that was itself a re-send
 * is followed back to the original.
 */
export function identityIteration(seed: number, scenarioIndex: number, iteration: number, percent: number): number {
  let current = iteration;
  while (current > 0 && percent > 0) {
    const random = createRandom(deriveSeed(seed, DUPLICATE_STREAM, scenarioIndex, current));
    if (random() * 100 >= percent) return current;
    current = Math.floor(random() * current);
  }
  return current;
}

/** Tags the duplicate-send draws for `deriveSeed` ('DS'). */
const DUPLICATE_STREAM = 0x4453;

/** 80 bits of `digest` from byte `offset`. */
function bits80(digest: Buffer, offset: number): bigint {
  return (digest.readBigUInt64BE(offset) << 16n) | BigInt(digest.readUInt16BE(offset + 8));
}

/** The last `digits` base-36 digits of `value` (15 digits hold 77 bits). */
function base36(value: bigint, digits: number): string {
  return value.toString(36).toUpperCase().padStart(digits, '0').slice(-digits);
}

/** A series or instance number as a UID arc: a positive integer of at most `digits` digits. */
function arc(value: number, digits: number, what: string): string {
  if (!Number.isSafeInteger(value) || value < 1 || String(value).length > digits) {
    throw new RangeError(`${what} number must be an integer from 1 to ${'9'.repeat(digits)}, got ${value}`);
  }
  return String(value);
}
