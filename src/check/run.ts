// Running a scenario's search: in this thread (`runScenario`) or off it, in a
// worker_thread (`runInWorker`), so the extension host and the CLI never block on a long
// search. Inputs and outputs are plain data; cancellation crosses the thread boundary
// through a shared flag the search polls, so a cancelled run still answers, with verdict
// 'bounded' and reason 'cancelled'.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Machine } from '../model/machine';
import { explore } from './explore';
import type { Progress, RunInput, Verdict, WorkerReply, WorkerRequest } from './types';

/** How a run turns a scenario name, points and overrides into a machine. */
export type BuildMachine = (input: RunInput) => Machine;

/** Builds the machine and explores it in this thread. */
export function runScenario(input: RunInput, build: BuildMachine, hooks: { onProgress?: (p: Progress) => void; shouldStop?: () => boolean } = {}): Verdict {
  const machine = build(input);
  return explore(machine, input.budget, {
    stopAtFirst: input.stopAtFirst,
    properties: input.properties,
    reductions: input.reductions,
    onProgress: hooks.onProgress,
    shouldStop: hooks.shouldStop,
  });
}

/** Answers one request on behalf of a worker: progress as it goes, then the verdict (or the error). */
export function handleRequest(req: WorkerRequest, build: BuildMachine, post: (m: WorkerReply) => void): void {
  const flag = req.cancel ? new Int32Array(req.cancel) : null;
  const id = req.id;
  try {
    const verdict = runScenario(req, build, {
      onProgress: (progress) => post({ type: 'progress', id, progress }),
      shouldStop: flag ? () => Atomics.load(flag, 0) !== 0 : undefined,
    });
    post({ type: 'verdict', id, verdict });
  } catch (e) {
    post({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
  }
}

export interface WorkerOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** The worker script; dist/worker.js beside the bundle by default. */
  workerPath?: string;
  /** Node flags for the worker (e.g. a TypeScript loader when running from sources). */
  execArgv?: string[];
  /** How long a cancelled worker may take to answer before it is terminated (ms). */
  graceMs?: number;
}

/**
 * Runs a scenario in a fresh worker_thread and resolves with its Verdict. Aborting the
 * signal asks the search to stop; it resolves with the 'bounded' verdict of what was
 * covered, or, if the worker does not answer within graceMs, terminates it and rejects.
 */
export function runInWorker(input: RunInput, opts: WorkerOptions = {}): Promise<Verdict> {
  const cancel = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancel);
  const file = opts.workerPath ?? path.join(__dirname, 'worker.js');
  return new Promise<Verdict>((resolve, reject) => {
    if (opts.signal?.aborted) Atomics.store(flag, 0, 1);
    const worker = new Worker(file, opts.execArgv ? { execArgv: opts.execArgv } : undefined);
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      if (grace) clearTimeout(grace);
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = (): void => {
      Atomics.store(flag, 0, 1);
      grace = setTimeout(() => finish(() => reject(new Error('the search did not stop when cancelled; its worker was terminated'))), opts.graceMs ?? 2000);
    };
    opts.signal?.addEventListener('abort', onAbort);
    worker.on('message', (m: WorkerReply) => {
      if (m.type === 'progress') opts.onProgress?.(m.progress);
      else if (m.type === 'verdict') finish(() => resolve(m.verdict));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the search worker exited (code ${code}) without a verdict`))));
    const req: WorkerRequest = { ...input, id: 1, cancel };
    worker.postMessage(req);
  });
}
