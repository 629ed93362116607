// A CLI verb: one file per verb under src/cli, listed in verbs.ts.

import { terminalText } from '../mail/index';

export interface CliIO {
  /** A line (or lines) of output; a newline is added when missing. */
  out(text: string): void;
  err(text: string): void;
  /** Output written as it is, for output written in pieces (JSON, whose writer escapes the
   *  controls itself); absent, pieces are joined for out. */
  write?(text: string): void;
  /** Bytes written as they are (UTF-8 a worker encoded), beside `write`; absent, they are decoded for `write`. */
  writeBytes?(bytes: Uint8Array): void;
}

/** Output for a terminal: controls in the text (from the mail) are shown escaped, never sent.
 *  `write` and `writeBytes` are left as they are: their only writer (src/cli/json.ts) escapes them already. */
export function terminalIO(io: CliIO): CliIO {
  return {
    out: (t) => io.out(terminalText(t)),
    err: (t) => io.err(terminalText(t)),
    ...(io.write ? { write: io.write } : {}),
    ...(io.writeBytes ? { writeBytes: io.writeBytes } : {}),
  };
}

export interface Verb {
  name: string;
  summary: string;
  usage: string;
  /** False for a verb that reads no C (parse): the C parser is then not loaded. */
  readsC?: boolean;
  /** Returns the exit code: 0 ok, 1 findings at --fail-on, 2 unusable input, 4 not decided within the budget. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Thrown for bad arguments or unusable input; main prints the message and exits 2. */
export class UsageError extends Error {}
