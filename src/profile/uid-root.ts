/**
 * The rules for an organisation's own UID root (the profile's `uidRoot`), and
 * the room the tool's arcs need under it (src/synth/identity.ts builds them):
 *
 *   <uidRoot>.<run>.<stream>.<scenario>.<iteration>[.<series>[.<instance>]]
 *
 * A UID is at most 64 characters, made of numeric components separated by
 * periods, each without leading zeros unless it is the single digit 0
 * (PS3.5 section 9.1). These constants are the most digits each arc may take,
 * so a root that passes `uidRootProblem` can never give a UID over 64.
 */

/** UI values are at most 64 characters (PS3.5 section 9.1, Table 6.2-1). */
export const MAX_UID_LENGTH = 64;
/** Digits of the run component (a number in [10^9, 10^10), src/synth/identity.ts). */
export const RUN_COMPONENT_DIGITS = 10;
/** Digits of a stream code (src/synth/identity-streams.ts: codes below 100). */
export const STREAM_CODE_DIGITS = 2;
/** Digits of an iteration: up to 9,999,999,999 operations per scenario. */
export const ITERATION_DIGITS = 10;
/** Digits of a series number (a study has at most 99 series). */
export const SERIES_DIGITS = 2;
/** Digits of an instance number (`images` is at most 100,000, src/profile/store-params.ts). */
export const INSTANCE_DIGITS = 6;

/** PS3.5 section 9.1: digits and periods, no empty component, no leading zero. */
const UID_SYNTAX = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;

/** True when `uid` is a syntactically valid UID of at most 64 characters (PS3.5 section 9.1). */
export function isValidUid(uid: string): boolean {
  return uid.length <= MAX_UID_LENGTH && UID_SYNTAX.test(uid);
}

/** Characters the tool's arcs take under a root, for a profile of `scenarioCount` scenarios. */
export function uidArcsLength(scenarioCount: number): number {
  const scenarioDigits = String(Math.max(0, scenarioCount - 1)).length;
  // One period before each of the six arcs.
  return 6 + RUN_COMPONENT_DIGITS + STREAM_CODE_DIGITS + scenarioDigits + ITERATION_DIGITS + SERIES_DIGITS + INSTANCE_DIGITS;
}

/** The longest root a profile of `scenarioCount` scenarios may give. */
export function maxUidRootLength(scenarioCount: number): number {
  return MAX_UID_LENGTH - uidArcsLength(scenarioCount);
}

/**
 * What is wrong with `root` as an organisation UID root for a profile of
 * `scenarioCount` scenarios, as `{ message, fix }`; undefined when it is fine.
 */
export function uidRootProblem(root: string, scenarioCount: number): { message: string; fix: string } | undefined {
  if (!UID_SYNTAX.test(root)) {
    return {
      message: `\`${root}\` is not a UID root (PS3.5 section 9.1: digits separated by periods, no component with a leading zero, e.g. 1.2.826.0.1.3680043.10.543)`,
      fix: 'write your organisation\'s registered root, e.g. `uidRoot: "1.2.826.0.1.3680043.10.543"`, or remove `uidRoot` to use 2.25 (UUID-derived) UIDs',
    };
  }
  const longest = maxUidRootLength(scenarioCount);
  if (root.length > longest) {
    return {
      message: `uidRoot \`${root}\` is ${root.length} characters, but UIDs under it need ${uidArcsLength(scenarioCount)} more for pacs-load's arcs (run, stream, scenario, iteration, series, instance) and may be 64 at most (PS3.5 section 9.1)`,
      fix: `use a root of at most ${longest} characters (a shorter sub-root of your organisation's), or remove \`uidRoot\` to use 2.25 (UUID-derived) UIDs`,
    };
  }
  return undefined;
}
