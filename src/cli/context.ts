/**
 * What commands get from the process, so that only src/cli/main.ts reads
 * process.* directly and commands stay testable.
 */
export interface CliContext {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal and NO_COLOR is not set. */
  color: boolean;
  /** Aborted on the first SIGINT/SIGTERM: stop planning, let in-flight work finish (graceful stop). */
  interrupt: AbortSignal;
  /** Aborted on the second SIGINT/SIGTERM: cut in-flight work off now, but still write every output. */
  forceStop?: AbortSignal;
  /**
   * Asks the user a yes/no question on the terminal; undefined when stdin or
   * stdout is not a terminal (CI), where commands must require a flag instead.
   */
  confirm?: (question: string) => Promise<boolean>;
  /** Set by a command to the exit code the process should end with. */
  setExitCode: (code: number) => void;
  cwd: string;
}
