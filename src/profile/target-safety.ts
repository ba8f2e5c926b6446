/**
 * Safety of the target (issue 10, item 5): a profile aimed at a host that is
 * not this machine, at more than a little load, needs the user's explicit
 * yes (a prompt in a terminal, `--yes` in CI). A load test pointed at the
 * wrong PACS, a production one during the working day, is the accident a load
 * tester must make hard; loopback targets (the simulator, local peers) never ask.
 */
import type { ResolvedProfile } from './types.js';

/** Above this planned rate (operations/s, all scenarios together) a remote target needs confirmation. */
export const DEFAULT_CONFIRM_ABOVE_PER_SEC = 10;

export interface TargetLoad {
  /** The target hosts that are not loopback (host names are not resolved: only literal loopback counts). */
  remoteHosts: string[];
  /** Highest planned arrival rate of the open-model scenarios, summed (operations/s). */
  peakRatePerSec: number;
  /** Highest planned users of the closed-model scenarios, summed. */
  peakUsers: number;
}

/** What the profile would send where. */
export function targetLoad(profile: ResolvedProfile): TargetLoad {
  const hosts = new Set<string>();
  if (profile.target?.dimse !== undefined) hosts.add(profile.target.dimse.host);
  if (profile.target?.dicomweb !== undefined) hosts.add(new URL(profile.target.dicomweb.baseUrl).hostname);
  let peakRatePerSec = 0;
  let peakUsers = 0;
  for (const scenario of profile.scenarios) {
    const executor = scenario.executor as unknown as Record<string, unknown>;
    peakRatePerSec += maxOf(executor, (key) => key.endsWith('PerSec'));
    peakUsers += maxOf(executor, (key) => key === 'users' || key === 'targetUsers');
  }
  return { remoteHosts: [...hosts].filter((host) => !isLoopbackHost(host)), peakRatePerSec, peakUsers };
}

/**
 * True when the run needs an explicit yes: a remote target and a planned rate
 * above `confirmAbovePerSec`, or any closed-model users above it (a user sends
 * as fast as the target answers, so its rate is not known in advance).
 */
export function needsConfirmation(load: TargetLoad, confirmAbovePerSec: number = DEFAULT_CONFIRM_ABOVE_PER_SEC): boolean {
  return load.remoteHosts.length > 0 && (load.peakRatePerSec > confirmAbovePerSec || load.peakUsers > confirmAbovePerSec);
}

/** One sentence for the prompt or the error: where, and how much. */
export function describeTargetLoad(load: TargetLoad): string {
  const parts: string[] = [];
  if (load.peakRatePerSec > 0) parts.push(`up to ${Number(load.peakRatePerSec.toPrecision(4))} operations/s`);
  if (load.peakUsers > 0) parts.push(`${load.peakUsers} concurrent users`);
  return `${parts.join(' and ') || 'load'} to ${load.remoteHosts.join(', ')}`;
}

/** 127.0.0.0/8, ::1 and `localhost` (RFC 6761 section 6.3: always loopback). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

function maxOf(object: Record<string, unknown>, wanted: (key: string) => boolean): number {
  let max = 0;
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'number' && wanted(key)) max = Math.max(max, value);
    else if (Array.isArray(value)) for (const item of value) if (typeof item === 'object' && item !== null) max = Math.max(max, maxOf(item as Record<string, unknown>, wanted));
  }
  return max;
}
