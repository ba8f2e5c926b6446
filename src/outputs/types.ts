/**
 * The contract every output implements (k6's output.Output is the model).
 * Outputs consume metrics data only; they never import protocol or scheduler code.
 * The coordinator calls these methods from one thread, never concurrently, in
 * the order start, interval*, stop.
 */
import type { IntervalReport, OutputDelivery, RunSummary } from '../metrics/types.js';

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
  /**
   * Once per complete interval, in sequence order. Must not block: buffer and
   * flush asynchronously if slow. `report.series[].histograms` are the
   * interval's own; do not keep them past the call unless you need them.
   */
  interval(report: IntervalReport): void;
  /**
   * After the run, with the final summary. Resolves when everything is written.
   * An output with `delivers: true` is stopped before the others and resolves
   * with what it delivered; the run adds that to `summary.outputs[name]` before
   * the other outputs (summary file, reports) are stopped.
   */
  stop(summary: RunSummary): Promise<OutputDelivery | void>;
  /**
   * Optional: the summary so far (`run.endReason: 'running'`), every few
   * seconds of run time, for outputs that keep a file current so a killed
   * process leaves its results. Never awaited by the run; a failure is ignored
   * (`stop()` reports a file that cannot be written).
   */
  checkpoint?(summary: RunSummary): Promise<void>;
  /** True for outputs that deliver to another system and report an `OutputDelivery`. */
  readonly delivers?: boolean;
}

/** Where text goes; the CLI passes process.stdout.write, tests pass a collector. */
export type TextSink = (text: string) => void;
