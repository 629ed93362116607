// A worker of `parse --json` on a large mbox (src/cli/parse-pool.ts): reads the messages of a
// batch of records, runs the patch stage and writes each message's JSON, all of it here, so
// the main thread only cuts the mbox and writes what comes back, in order.
import { parentPort } from 'node:worker_threads';
import { readRecord } from '../mail/mbox';
import type { MailDocument, MailFormat } from '../mail/types';
import { parsePatchMessage } from '../patch/index';
import { ELEMENT_SEPARATOR, Utf8Output } from './json';
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
  // JSON runs to about three and a half times the mail it is read from.
  const out = new Utf8Output(job.bytes.length * 4);
  job.records.forEach((r, k) => {
    const m = readRecord({ ...r, bytes: job.bytes.subarray(r.start, r.end) });
    const doc: MailDocument = { file: job.file, format: m.format, messages: [m], diagnostics: [] };
    if (k > 0) out.add(ELEMENT_SEPARATOR);
    out.addJson(JSON.stringify(toJson(doc, parsePatchMessage(m))) ?? 'null');
  });
  // A buffer of its own (not a slice of Node's pool), so it can be handed over without a copy.
  return out.result();
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
