/**
 * Judging a breakpoint ramp (issue 7, item 2): the coordinator feeds every
 * complete interval (merged across workers, in order); each interval belongs to
 * the step its midpoint falls in. When an interval of a later step arrives, the
 * previous step is complete and is judged against `stopWhen` on its own merged
 * figures: response-time percentiles of the operations completed within it,
 * failed / completed, dropped / planned. The first failed step ends the search
 * (`add` returns true: stop the workers now), as an abortOnFail threshold does.
 *
 * Pure: no clock, no I/O; the caller decides what stopping means.
 */
import { addEncoded, latencyStats, newHistogram, type Histogram } from '../metrics/histogram.js';
import { formatDurationUs, formatPercent, formatRate } from '../metrics/format.js';
import type { BreakpointStepSummary, BreakpointSummary, IntervalReport } from '../metrics/types.js';
import type { Breakpoint, ResolvedScenario } from '../profile/types.js';
import { breakpointSteps, type BreakpointStep } from './breakpoint.js';

interface StepTally {
  completed: number;
  failed: number;
  dropped: number;
  coveredUs: number;
  response: Histogram;
}

/** A step needs this share of its duration covered by intervals to be judged at the end of the run. */
const MIN_COVERAGE_AT_END = 0.75;

export class BreakpointJudge {
  readonly #scenario: string;
  readonly #executor: Breakpoint;
  readonly #startUs: number;
  readonly #steps: BreakpointStep[];
  readonly #results: BreakpointStepSummary[] = [];
  #current = 0;
  #tally: StepTally = emptyTally();
  #failedAt: number | undefined;

  /** `scenario` must use the breakpoint executor. */
  constructor(scenario: ResolvedScenario) {
    if (scenario.executor.type !== 'breakpoint') throw new Error(`internal: scenario ${scenario.name} is not a breakpoint scenario`);
    this.#scenario = scenario.name;
    this.#executor = scenario.executor;
    this.#startUs = scenario.startAfterUs;
    this.#steps = breakpointSteps(scenario.executor);
  }

  /** True once a step failed: nothing more is judged. */
  get failed(): boolean {
    return this.#failedAt !== undefined;
  }

  /**
   * Feeds one complete interval (times since the run's epoch, in sequence
   * order). Returns true when this interval completed a step that failed: the
   * caller stops the run. Intervals after the failure are ignored.
   */
  add(report: IntervalReport): boolean {
    if (this.failed) return false;
    const middleUs = (report.startUs + report.endUs) / 2 - this.#startUs;
    if (middleUs < 0) return false;
    const stepIndex = Math.floor(middleUs / this.#executor.stepDurationUs);
    while (this.#current < stepIndex && this.#current < this.#steps.length) {
      this.#judge();
      if (this.failed) return true;
    }
    if (this.#current >= this.#steps.length) return false;
    const tally = this.#tally;
    tally.coveredUs += report.endUs - report.startUs;
    for (const series of report.series) {
      if (series.point.scenario !== this.#scenario) continue;
      tally.completed += series.point.completed;
      tally.failed += series.point.failed;
      tally.dropped += series.point.dropped;
      if (series.histograms.response !== undefined) addEncoded(tally.response, series.histograms.response);
    }
    return false;
  }

  /** After the run: judges the step in progress if it ran (nearly) whole, then the verdict. */
  finish(): BreakpointSummary {
    if (!this.failed && this.#current < this.#steps.length && this.#tally.coveredUs >= this.#executor.stepDurationUs * MIN_COVERAGE_AT_END) this.#judge();
    return this.summary();
  }

  /** The verdict so far. */
  summary(): BreakpointSummary {
    const passed = this.#results.filter((step) => step.passed);
    const failed = this.#results.find((step) => !step.passed);
    const last = passed.at(-1);
    let reason: string;
    if (failed !== undefined) reason = `${failed.exceeded.join(', ')} at ${formatRate(failed.ratePerSec)}`;
    else if (this.#results.length === this.#steps.length) reason = `maxRate ${formatRate(this.#executor.maxRatePerSec)} reached without a failed step`;
    else reason = `the run ended after ${this.#results.length} of ${this.#steps.length} steps, none failed`;
    return {
      scenario: this.#scenario,
      ...(last === undefined ? {} : { sustainableRatePerSec: last.ratePerSec }),
      ...(failed === undefined ? {} : { failedRatePerSec: failed.ratePerSec }),
      reason,
      steps: [...this.#results],
    };
  }

  #judge(): void {
    const step = this.#steps[this.#current] as BreakpointStep;
    const tally = this.#tally;
    const limits = this.#executor.stopWhen;
    const stats = tally.completed > 0 ? latencyStats(tally.response) : undefined;
    const errorRate = tally.completed > 0 ? tally.failed / tally.completed : 0;
    const droppedRate = step.arrivals > 0 ? tally.dropped / step.arrivals : 0;
    const exceeded: string[] = [];
    const latency: Array<[string, number | undefined, number | undefined]> = [
      ['p50', limits.p50Us, stats?.p50Us],
      ['p90', limits.p90Us, stats?.p90Us],
      ['p95', limits.p95Us, stats?.p95Us],
      ['p99', limits.p99Us, stats?.p99Us],
    ];
    for (const [name, limit, value] of latency) {
      if (limit !== undefined && value !== undefined && value > limit) exceeded.push(`${name} ${formatDurationUs(value)} > ${formatDurationUs(limit)}`);
    }
    if (limits.errorRate !== undefined && errorRate > limits.errorRate) exceeded.push(`errors ${formatPercent(errorRate)} > ${formatPercent(limits.errorRate)}`);
    if (limits.droppedRate !== undefined && droppedRate > limits.droppedRate) exceeded.push(`dropped ${formatPercent(droppedRate)} > ${formatPercent(limits.droppedRate)}`);
    // A step in which nothing completed at a positive rate has failed, whatever the limits say.
    if (tally.completed === 0 && step.arrivals > 0) exceeded.push('no operation completed within the step');
    const seconds = this.#executor.stepDurationUs / 1e6;
    this.#results.push({
      ratePerSec: step.ratePerSec,
      achievedPerSec: tally.completed / seconds,
      ...(stats === undefined ? {} : { p95Us: stats.p95Us }),
      errorRate,
      droppedRate,
      passed: exceeded.length === 0,
      exceeded,
    });
    if (exceeded.length > 0) this.#failedAt = this.#current;
    this.#current += 1;
    this.#tally = emptyTally();
  }
}

function emptyTally(): StepTally {
  return { completed: 0, failed: 0, dropped: 0, coveredUs: 0, response: newHistogram() };
}
