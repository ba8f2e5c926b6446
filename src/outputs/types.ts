/**
 * The contract every output implements (k6's output.Output is the model).
 * Outputs consume metrics data only; they never import protocol or scheduler code.
 * The coordinator calls these methods from one thread, never concurrently, in
 * the order start, interval*, stop.
 */
import type { LiveStatus, RunSummary } from '../metrics/types.js';

export interface RunStartInfo {
  runId: string;
  profile: string;
  /** One line per scenario, from `describeScenario()`. */
  scenarioLines: string[];
  target: string;
  workers: number;
}

export interface Output {
  readonly name: string;
  start(info: RunStartInfo): void | Promise<void>;
  /** Once per complete interval. Must not block: buffer and flush asynchronously if slow. */
  interval(status: LiveStatus): void;
  /** After the run, with the final summary. Resolves when everything is written. */
  stop(summary: RunSummary): Promise<void>;
}

/** Where text goes; the CLI passes process.stdout.write, tests pass a collector. */
export type TextSink = (text: string) => void;
