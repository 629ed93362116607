// A CLI verb: one file per verb under src/cli, listed in verbs.ts.

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export interface Verb {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code: 0 ok, 1 findings at --fail-on, 2 unusable input. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Thrown for bad arguments or unusable input; main prints the message and exits 2. */
export class UsageError extends Error {}
