// The host's side of the analysis worker. Typing goes to one long-lived worker; each heavy
// job (check, simulate) runs in a worker of its own, so that cancelling it is terminating that
// worker. A job worker that finished is kept for the next job: its engine is warm (its code
// compiled, the model's kernel C lowered, the runs it remembers), which makes a reviewer's
// second simulation several times faster than the first.
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import type { AnalyseArgs, FromWorker, JobRequest, JobResults } from './jobs';
import type { AnalysisDelta } from './parts';
import { Cancelled, JobError, type JobHandle } from './errors';

export { Cancelled, JobError, type JobHandle } from './errors';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  progress?: (text: string) => void;
  partial?: (result: unknown) => void;
}

class Channel {
  /** Workers started by every channel (AnalysisClient.started). */
  static started = 0;
  private worker: Worker | null = null;
  private next = 1;
  private pending = new Map<number, Pending>();

  constructor(private readonly script: string) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    Channel.started++;
    const w = new Worker(this.script);
    w.unref();
    w.on('message', (m: FromWorker) => this.receive(m));
    w.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      if (this.pending.size) this.fail(new JobError(`the analysis worker stopped (exit ${code})`));
    });
    this.worker = w;
    return w;
  }

  private receive(m: FromWorker): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.kind === 'progress') { p.progress?.(m.text); return; }
    if (m.kind === 'partial') { p.partial?.(m.result); return; }
    this.pending.delete(m.id);
    if (m.kind === 'done') p.resolve(m.result);
    else p.reject(new JobError(m.message));
  }

  private fail(e: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }

  request(req: JobRequest, progress?: (text: string) => void, partial?: (result: unknown) => void): Promise<unknown> {
    return this.send(req, progress, partial).result;
  }

  /** The request sent, with its id (for `abandon`). */
  send(req: JobRequest, progress?: (text: string) => void, partial?: (result: unknown) => void): { id: number; result: Promise<unknown> } {
    const id = this.next++;
    const result = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, progress, partial });
      this.start().postMessage({ id, ...req });
    });
    return { id, result };
  }

  /** Tells the worker a read it runs is stale: it answers at the next batch with what it has. */
  abandon(id: number): void {
    if (this.pending.has(id)) this.worker?.postMessage({ op: 'abandon', target: id });
  }

  async stop(reason: Error): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.fail(reason);
    await w?.terminate();
  }
}

/** A mail this long (some fifty messages) is read by several workers at once when the machine
 *  has the cores: below it, one worker reads it in well under the typing delay. */
export const SHARED_BYTES = 512 * 1024;
/** At most this many workers read one mail: each holds the C parser and the mail. */
const MAX_SHARES = 4;

/** How many workers read a mail of this text (see Share in jobs.ts): `readers` when the
 *  reviewer set it, else one a core, at most MAX_SHARES. */
export function sharesFor(text: string, readers?: number, cores = availableParallelism()): number {
  if (text.length < SHARED_BYTES) return 1;
  const wanted = readers !== undefined && Number.isInteger(readers) && readers >= 1 ? readers : cores;
  return Math.min(wanted, MAX_SHARES);
}

/** A read in flight: its shares' last answers, and a way to say it is stale. */
export interface SharedRead {
  result: Promise<AnalysisDelta[]>;
  abandon(): void;
}

export class AnalysisClient {
  private readonly script: string;
  private readonly typing: Channel;
  /** The workers that read a large mailbox's other shares beside `typing`, started on first use. */
  private readonly helpers: Channel[] = [];
  /** Reads the long-lived worker has answered. */
  private readsDone = 0;
  /** The worker of a finished job, warm, for the next. */
  private spare: Channel | null = null;
  private disposed = false;
  private readonly running = new Set<Channel>();

  /** `dir` is where the bundles are: the worker's script is analysis.js beside extension.js. */
  constructor(dir: string) {
    this.script = path.join(dir, 'analysis.js');
    this.typing = new Channel(this.script);
  }

  /** Light requests share the long-lived worker; `partial` receives a large mailbox's analysis as it
   *  grows (analyseParts: what changed since the last). */
  ask<K extends 'analyse' | 'analyseParts' | 'scenarios' | 'threadKinds' | 'warm'>(req: Extract<JobRequest, { op: K }>, partial?: (result: JobResults[K]) => void): Promise<JobResults[K]> {
    return this.typing.request(req, undefined, partial as ((r: unknown) => void) | undefined) as Promise<JobResults[K]>;
  }

  /**
   * A read of a mail (analyseParts) split into `of` shares, one a worker (but the first read:
   * see below): the long-lived worker reads the first, long-lived helpers the others.
   * `partial` gets every share's deltas as they come; the answer is each share's last. The
   * deltas of a split read are never whole: the caller merges them into a store of its own for
   * the read. `abandon()` when the answer will be dropped: the workers stop at their next batch.
   */
  readShared(args: AnalyseArgs, of: number, partial: (d: AnalysisDelta) => void): SharedRead {
    // A worker's first read runs some three times slower than its later ones, its engine
    // compiling as it goes; a cold helper would only take the cores from it. So the first read
    // runs in one worker, and the helpers start once it is done, ready for the next.
    const shares = this.readsDone > 0 ? of : 1;
    const channels = shares <= 1 ? [this.typing] : [this.typing, ...this.helpersFor(shares)];
    const sent = channels.map((ch, index) => ({
      ch, ...ch.send({ op: 'analyseParts', args: shares <= 1 ? args : { ...args, share: { index, of: shares } } }, undefined, partial as (r: unknown) => void),
    }));
    const result = Promise.all(sent.map((s) => s.result as Promise<AnalysisDelta>));
    // Once the first read is done, the workers later work needs start while the reviewer reads.
    void result.then(() => {
      if (this.readsDone++ > 0) return;
      if (of > 1) this.helpersFor(of);
      this.warmJobs();
    }, () => undefined);
    return { result, abandon: () => { for (const s of sent) s.ch.abandon(s.id); } };
  }

  private helpersFor(of: number): Channel[] {
    while (this.helpers.length < of - 1) {
      const ch = new Channel(this.script);
      ch.request({ op: 'warm', args: {} }).catch(() => undefined);
      this.helpers.push(ch);
    }
    return this.helpers.slice(0, of - 1);
  }

  /**
   * A heavy request in a worker of its own: the warm one a finished job left, else a new one;
   * cancel() terminates it and rejects with Cancelled. Once the job is done its worker waits
   * for the next (one at most: any other is ended).
   */
  job<K extends 'check' | 'simulate' | 'reply' | 'runScenario'>(req: Extract<JobRequest, { op: K }>, progress: (text: string) => void): JobHandle<JobResults[K]> {
    const ch = this.spare ?? new Channel(this.script);
    this.spare = null;
    this.running.add(ch);
    let cancelled = false;
    const result = (ch.request(req, progress) as Promise<JobResults[K]>).finally(() => {
      this.running.delete(ch);
      if (!cancelled && !this.disposed && this.spare === null) this.spare = ch;
      else void ch.stop(new Cancelled());
    });
    return { result, cancel: () => { cancelled = true; void ch.stop(new Cancelled()); } };
  }

  /** Starts the worker the next job runs in and loads its parser, while nothing else runs. */
  warmJobs(): void {
    if (this.spare || this.disposed) return;
    this.spare = new Channel(this.script);
    this.spare.request({ op: 'warm', args: {} }).catch(() => undefined);
  }

  /** Workers started so far, for tests. */
  static started(): number {
    return Channel.started;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [this.typing, ...this.helpers, ...this.running, ...(this.spare ? [this.spare] : [])];
    this.spare = null;
    await Promise.all(all.map((c) => c.stop(new Cancelled())));
  }
}
