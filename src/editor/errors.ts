// How a job ends other than with its result, whichever transport ran it: the analysis worker
// directly (client.ts) or the language server (remote.ts).

/** The job failed: the message says why, as the core or the server put it. */
export class JobError extends Error {}

/** The job was cancelled (by the user, or past its deadline) before it answered. */
export class Cancelled extends Error {
  constructor() { super('cancelled'); }
}

export interface JobHandle<T> {
  result: Promise<T>;
  cancel(): void;
}
