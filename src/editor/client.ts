// The host's side of the analysis worker. Typing goes to one long-lived worker; each heavy
// job (check, simulate) gets its own, so that cancelling it is terminating that worker.
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { FromWorker, JobRequest, JobResults } from './jobs';
import { Cancelled, JobError, type JobHandle } from './errors';

export { Cancelled, JobError, type JobHandle } from './errors';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  progress?: (text: string) => void;
  partial?: (result: unknown) => void;
}

class Channel {
  private worker: Worker | null = null;
  private next = 1;
  private pending = new Map<number, Pending>();

  constructor(private readonly script: string) {}

  private start(): Worker {
    if (this.worker) return this.worker;
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
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, progress, partial });
      this.start().postMessage({ id, ...req });
    });
  }

  async stop(reason: Error): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.fail(reason);
    await w?.terminate();
  }
}

export class AnalysisClient {
  private readonly script: string;
  private readonly typing: Channel;
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

  /** A heavy request in a worker of its own; cancel() terminates it and rejects with Cancelled. */
  job<K extends 'check' | 'simulate' | 'reply' | 'runScenario'>(req: Extract<JobRequest, { op: K }>, progress: (text: string) => void): JobHandle<JobResults[K]> {
    const ch = new Channel(this.script);
    this.running.add(ch);
    const result = (ch.request(req, progress) as Promise<JobResults[K]>).finally(() => {
      this.running.delete(ch);
      void ch.stop(new Cancelled());
    });
    return { result, cancel: () => { void ch.stop(new Cancelled()); } };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.typing, ...this.running].map((c) => c.stop(new Cancelled())));
  }
}
