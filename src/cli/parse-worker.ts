// A worker of `parse --json` on a large mbox (src/cli/parse-pool.ts): reads the messages of a
// batch of records, runs the patch stage and writes each message's JSON, all of it here, so
// the main thread only cuts the mbox and writes what comes back, in order.
import { parentPort } from 'node:worker_threads';
import { readRecord } from '../mail/mbox';
import type { MailDocument, MailFormat } from '../mail/types';
import { parsePatchMessage } from '../patch/index';
import { smallElementJson } from './json';
import { toJson } from './message-json';

/** A batch: the records' bytes one after the other, and where each record stands. */
export interface Job {
  id: number;
  file: string;
  bytes: Uint8Array;
  records: { start: number; end: number; firstLine: number; lineCount: number; format: MailFormat; errors: string[] }[];
}

export type JobResult = { id: number; bytes: Uint8Array; elements: number } | { id: number; error: string };

/** The batch's elements as parse writes them, joined by the writer's separator, in UTF-8. */
export function runJob(job: Job): Uint8Array {
  const out: string[] = [];
  for (const r of job.records) {
    const m = readRecord({ ...r, bytes: job.bytes.subarray(r.start, r.end) });
    const doc: MailDocument = { file: job.file, format: m.format, messages: [m], diagnostics: [] };
    out.push(smallElementJson(toJson(doc, parsePatchMessage(m))));
  }
  const text = out.join(',\n    ');
  // A buffer of its own (not a slice of Node's pool), so it can be handed over without a copy.
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 'utf8');
  return bytes;
}

parentPort?.on('message', (job: Job) => {
  let result: JobResult;
  try {
    result = { id: job.id, bytes: runJob(job), elements: job.records.length };
  } catch (e) {
    result = { id: job.id, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  parentPort!.postMessage(result, 'bytes' in result ? [result.bytes.buffer as ArrayBuffer] : []);
});
