/**
 * Messages between the coordinator and its worker threads, as a discriminated
 * union (the vitest pool convention). Everything here is plain data that survives
 * structured clone; the worker side imports this file for types only.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ErrorData } from '../errors.js';
import type { IntervalSnapshot } from '../metrics/types.js';
import type { AcknowledgedInstance } from '../operations/types.js';
import type { StoredChunk } from '../operations/stored-tally.js';
import type { ResolvedProfile } from '../profile/types.js';
import type { ExecutionSegment } from '../scheduler/segment-execution.js';
import type { IdentitySettings } from '../synth/identity.js';

/** The single long task each piscina worker runs for the whole run. */
export interface WorkerTask {
  workerIndex: number;
  workerCount: number;
  /** The profile with its target resolved (an embedded simulator's addresses filled in). */
  profile: ResolvedProfile;
  seed: number;
  /** What the run's identities depend on (src/synth/identity.ts); every worker of every instance of a run gets the same. */
  identity: IdentitySettings;
  env: Record<string, string | undefined>;
  /** The worker posts `WorkerMessage`s here and listens for `CoordinatorMessage`s. */
  port: MessagePort;
  /** `--verify`: collect the instances targets acknowledged and send them (`acknowledged`) before `done`. */
  verify?: boolean;
  /**
   * `--segment`: this instance's share of a run split over machines (issue 8).
   * The worker stripes what the segment owns; absent means the whole run.
   */
  executionSegment?: ExecutionSegment;
  /** `--allow-unmarked-data`: operations may send data built from worklist items without the synthetic marking (OperationSetup.allowUnmarkedData). */
  allowUnmarkedData?: boolean;
}

export type WorkerMessage =
  /** The worker has built its operations and waits for `start`, so start-up is never counted as lag. */
  | { type: 'ready'; workerIndex: number }
  | { type: 'snapshot'; snapshot: IntervalSnapshot }
  /**
   * `--verify` only: instances the target acknowledged, in chunks, after the
   * final snapshot and before `done`. `notKept` counts instances acknowledged
   * beyond the worker's memory cap (not listed, so not checked).
   */
  | { type: 'acknowledged'; workerIndex: number; instances: AcknowledgedInstance[]; notKept: number }
  /**
   * Every run: what the storing scenarios had acknowledged (counts and distinct
   * study UIDs, src/operations/stored-tally.ts), in chunks, after the final
   * snapshot and before `done`.
   */
  | { type: 'stored'; workerIndex: number; chunk: StoredChunk }
  /** Sent once, after the final snapshot, when every scenario has ended. */
  | { type: 'done'; workerIndex: number }
  /** A worker-level failure (not a target failure): the run cannot be trusted. */
  | { type: 'error'; workerIndex: number; error: ErrorData };

export type CoordinatorMessage =
  /**
   * Time zero of the run, as wall-clock milliseconds with sub-millisecond precision
   * (performance.timeOrigin + performance.now(), comparable across threads).
   * Sent once every worker is ready, slightly in the future so all start together.
   */
  | { type: 'start'; runEpochMs: number }
  /**
   * Stop planning new operations now; let in-flight ones finish within their
   * graceful stop, or, with `cutOff`, abort them at once (a second interrupt).
   */
  | { type: 'stop'; reason: 'interrupted' | 'threshold-abort'; cutOff?: true };

/** What the worker task resolves with (after `done`). */
export interface WorkerTaskResult {
  workerIndex: number;
  snapshotsSent: number;
}
