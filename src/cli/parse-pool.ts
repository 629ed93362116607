// `parse --json` on a large mbox with its messages read in worker threads. Cutting the mbox
// stays on the main thread, in order (line numbers run on from message to message); batches
// of cut messages go to the workers (src/cli/parse-worker.ts), which read them, run the patch
// stage and write their JSON; the main thread writes the batches back in the order it cut them.
// The output is the one the verb writes reading the messages itself, byte for byte.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MboxRecord } from '../mail/mbox';
import type { JsonArrayWriter } from './json';
import { SMALL_MESSAGE_LINES } from './message-json';
import type { Job, JobResult } from './parse-worker';

/** The worker's bundle, built beside the CLI's (scripts/build.mjs); run from the sources, there is none. */
const WORKER_FILE = path.join(__dirname, 'parse-worker.js');
/** Smaller files are read on the main thread: starting workers would cost more than they save. */
export const PARALLEL_BYTES = 4 << 20;
/** A batch: enough messages that handing it over costs little beside reading it. */
const BATCH_BYTES = 256 << 10;
const BATCH_RECORDS = 64;
const MAX_WORKERS = 4;
/** Batches handed out and not yet written, per worker: each has the next at hand while one is written. */
const WINDOW_PER_WORKER = 2;

interface Slot {
  worker: Worker;
  busy: number;
  waiting: Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>;
}

export class ParsePool {
  private readonly slots: Slot[] = [];
  private nextId = 0;

  /** A pool of one worker per processor (at most MAX_WORKERS); null on one processor or without the worker's bundle. */
  static open(): ParsePool | null {
    const n = Math.min(availableParallelism(), MAX_WORKERS);
    return n >= 2 && existsSync(WORKER_FILE) ? new ParsePool(n) : null;
  }

  private constructor(n: number) {
    for (let i = 0; i < n; i++) this.slots.push(this.start());
  }

  get size(): number {
    return this.slots.length;
  }

  private start(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_FILE), busy: 0, waiting: new Map() };
    slot.worker.on('message', (r: JobResult) => {
      const w = slot.waiting.get(r.id);
      if (!w) return;
      slot.waiting.delete(r.id);
      slot.busy--;
      w.resolve(r);
    });
    const fail = (e: Error) => {
      for (const w of slot.waiting.values()) w.reject(e);
      slot.waiting.clear();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => fail(new Error(`parse worker exited with code ${code}`)));
    return slot;
  }

  /** Runs a batch on the least busy worker; its bytes are handed over, not copied. */
  run(file: string, batch: readonly MboxRecord[]): Promise<JobResult> {
    const job = toJob(this.nextId++, file, batch);
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    return new Promise((resolve, reject) => {
      slot.waiting.set(job.id, { resolve, reject });
      slot.worker.postMessage(job, [job.bytes.buffer as ArrayBuffer]);
    });
  }

  close(): void {
    for (const s of this.slots) {
      s.worker.removeAllListeners('exit');
      void s.worker.terminate();
    }
  }
}

/** The batch's bytes copied into one buffer of its own, and where each record stands in it. */
function toJob(id: number, file: string, batch: readonly MboxRecord[]): Job {
  let size = 0;
  for (const r of batch) size += r.bytes!.length;
  const bytes = new Uint8Array(new ArrayBuffer(size));
  const records: Job['records'] = [];
  let at = 0;
  for (const r of batch) {
    bytes.set(r.bytes!, at);
    records.push({ start: at, end: at + r.bytes!.length, firstLine: r.firstLine, lineCount: r.lineCount, format: r.format, errors: r.errors });
    at += r.bytes!.length;
  }
  return { id, file, bytes, records };
}

/** A record a worker writes: one of bytes (not a stand-in for an error) short enough to be written in one piece. */
function forWorker(r: MboxRecord): boolean {
  return r.bytes !== null && r.lineCount < SMALL_MESSAGE_LINES;
}

/**
 * Writes the messages of `records` as elements of `writer`, in order: through the pool, except
 * a message `serial` writes itself (a stand-in, or one too long for a worker to hold its JSON).
 * When the records fail, what was cut before is written first.
 */
export async function writeParallel(
  records: AsyncIterable<MboxRecord>, file: string, pool: ParsePool, writer: JsonArrayWriter, serial: (r: MboxRecord) => void,
): Promise<void> {
  const pending: Promise<JobResult>[] = [];
  let batch: MboxRecord[] = [];
  let batchBytes = 0;
  const window = pool.size * WINDOW_PER_WORKER;
  const send = (): void => {
    if (batch.length === 0) return;
    const result = pool.run(file, batch);
    // A failed batch is reported when its turn to be written comes, or not at all when an
    // earlier failure ends the run: never as an unhandled rejection.
    result.catch(() => undefined);
    pending.push(result);
    batch = [];
    batchBytes = 0;
  };
  const drain = async (keep: number): Promise<void> => {
    while (pending.length > keep) {
      const r = await pending.shift()!;
      if ('error' in r) throw new Error(`parse worker: ${r.error}`);
      writer.pushWritten(r.bytes, r.elements);
    }
  };
  try {
    for await (const r of records) {
      if (!forWorker(r)) {
        send();
        await drain(0);
        serial(r);
        continue;
      }
      batch.push(r);
      batchBytes += r.bytes!.length;
      if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_RECORDS) {
        send();
        await drain(window - 1);
      }
    }
    send();
  } finally {
    await drain(0);
  }
}
