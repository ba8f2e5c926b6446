/**
 * The soak's resource checks (issue 10, item 6; issue 9, item 6): samples of a
 * process's memory and open file descriptors from /proc (Linux), and whether
 * they stay flat.
 *
 * Thresholds, and why:
 * - memory flat: the least-squares slope of RSS over the second half of the
 *   run at most MEMORY_SLOPE_LIMIT_MIB_PER_10MIN. The first half is left out:
 *   V8 grows its heap to a steady state, JIT code and the worker threads'
 *   histograms settle there. What legitimately grows after that is the
 *   summary's interval points (one per scenario and second, kept for the
 *   summary and its checkpoints): a 6-minute soak on the 2-core development
 *   machine measured 7.6 MiB per 10 minutes in all over its second half.
 *   The limit is twice that: a leak of 250 bytes per operation at the soak's
 *   ~60 operations/s (9 MiB per 10 minutes on top) fails it. Judged only for
 *   runs of at least MIN_JUDGED_SECONDS: in a shorter one the second half is
 *   still the heap's warm-up. The verdict is the run's (the tool's); the
 *   simulator's figures are reported beside it but not judged, since its
 *   store fills up to its cap (`storeMaxBytes`) during the run by design.
 * - no fd growth: the median fd count of the last third of the samples at most
 *   the median of the first third plus the connections the HTTP pools may
 *   keep open (they open lazily, up to their size, when a stall queues
 *   requests) plus FD_MARGIN. A leak of one descriptor per failed operation
 *   (the usual kind: a socket not destroyed on an error path) is thousands in
 *   30 minutes. Every DIMSE operation in flight holds a socket, so in a short
 *   run (or on a machine too busy for the rate) the count follows the backlog;
 *   judged, like memory, for runs of at least MIN_JUDGED_SECONDS.
 */
import { readdir, readFile } from 'node:fs/promises';

export const MEMORY_SLOPE_LIMIT_MIB_PER_10MIN = 16;
/** Runs shorter than this are not judged (see the file comment). */
export const MIN_JUDGED_SECONDS = 600;
export const FD_MARGIN = 10;

export interface ProcessSample {
  /** Seconds since the run's time zero (negative before it). */
  atSeconds: number;
  rssKiB: number;
  /** Peak RSS so far (VmHWM). */
  hwmKiB: number;
  fds: number;
}

export type Verdict = 'pass' | 'fail' | 'not-judged';

export interface ResourceFigures {
  samples: number;
  rssStartMiB: number;
  rssPeakMiB: number;
  rssEndMiB: number;
  /** Least-squares slope of RSS over the second half, MiB per 10 minutes. */
  rssSlopeMiBPer10Min: number;
  fdStart: number;
  fdMax: number;
  fdEnd: number;
  fdFirstThirdMedian: number;
  fdLastThirdMedian: number;
  memoryVerdict: Verdict;
  memoryReason: string;
  fdVerdict: Verdict;
  fdReason: string;
}

/** One sample of `pid` from /proc; undefined once the process is gone. */
export async function sampleProcess(pid: number, atSeconds: number): Promise<ProcessSample | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const fds = (await readdir(`/proc/${pid}/fd`)).length;
    return { atSeconds, rssKiB: statusKiB(status, 'VmRSS'), hwmKiB: statusKiB(status, 'VmHWM'), fds };
  } catch {
    return undefined;
  }
}

function statusKiB(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match === null ? 0 : Number(match[1]);
}

const KIB_PER_MIB = 1024;

/**
 * The figures and verdicts of one process over a run of `durationSeconds`
 * (samples from time zero on are judged). `fdAllowance` is what the process may
 * legitimately open later than at its start (its connection pools' size).
 */
export function judgeResources(all: readonly ProcessSample[], durationSeconds: number, fdAllowance: number): ResourceFigures {
  const samples = all.filter((sample) => sample.atSeconds >= 0);
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined) throw new Error('no samples taken after time zero');
  const secondHalf = samples.filter((sample) => sample.atSeconds >= durationSeconds / 2);
  const slopeKiBPerSec = leastSquaresSlope(secondHalf.map((sample) => [sample.atSeconds, sample.rssKiB]));
  const rssSlopeMiBPer10Min = (slopeKiBPerSec * 600) / KIB_PER_MIB;
  const third = Math.max(1, Math.floor(samples.length / 3));
  const fdFirstThirdMedian = median(samples.slice(0, third).map((sample) => sample.fds));
  const fdLastThirdMedian = median(samples.slice(-third).map((sample) => sample.fds));

  let memoryVerdict: Verdict;
  let memoryReason: string;
  if (durationSeconds < MIN_JUDGED_SECONDS || secondHalf.length < 3) {
    memoryVerdict = 'not-judged';
    memoryReason = `run shorter than ${MIN_JUDGED_SECONDS / 60} min: its second half is still the heap's warm-up (slope ${rssSlopeMiBPer10Min.toFixed(2)} MiB/10 min)`;
  } else {
    memoryVerdict = rssSlopeMiBPer10Min <= MEMORY_SLOPE_LIMIT_MIB_PER_10MIN ? 'pass' : 'fail';
    memoryReason = `slope ${rssSlopeMiBPer10Min.toFixed(2)} MiB/10 min over the second half, limit ${MEMORY_SLOPE_LIMIT_MIB_PER_10MIN}`;
  }
  const fdLimit = fdFirstThirdMedian + fdAllowance + FD_MARGIN;
  let fdVerdict: Verdict;
  let fdReason: string;
  if (durationSeconds < MIN_JUDGED_SECONDS || samples.length < 6) {
    fdVerdict = 'not-judged';
    fdReason = `run shorter than ${MIN_JUDGED_SECONDS / 60} min: its fd count is the operations in flight, still settling (median of the first third ${fdFirstThirdMedian}, of the last ${fdLastThirdMedian})`;
  } else {
    fdVerdict = fdLastThirdMedian <= fdLimit ? 'pass' : 'fail';
    fdReason = `median of the last third ${fdLastThirdMedian}, limit ${fdLimit} (first third ${fdFirstThirdMedian} + pools ${fdAllowance} + ${FD_MARGIN})`;
  }
  return {
    samples: samples.length,
    rssStartMiB: first.rssKiB / KIB_PER_MIB,
    rssPeakMiB: Math.max(...samples.map((sample) => sample.hwmKiB)) / KIB_PER_MIB,
    rssEndMiB: last.rssKiB / KIB_PER_MIB,
    rssSlopeMiBPer10Min,
    fdStart: first.fds,
    fdMax: Math.max(...samples.map((sample) => sample.fds)),
    fdEnd: last.fds,
    fdFirstThirdMedian,
    fdLastThirdMedian,
    memoryVerdict,
    memoryReason,
    fdVerdict,
    fdReason,
  };
}

/** Slope of y over x by least squares; 0 with fewer than two points. */
export function leastSquaresSlope(points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 2) return 0;
  const meanX = points.reduce((total, [x]) => total + x, 0) / points.length;
  const meanY = points.reduce((total, [, y]) => total + y, 0) / points.length;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
