// What every verb that reads mail shares: the input limits as options, and the one reader
// (src/mail/file.ts through loadMail) with its refusals as usage errors.
import { DEFAULT_LIMITS, InputError, loadMail, readMail, regularFileSize, streamMail, streamedRecords, type InputLimits, type MboxRecord } from '../mail/index';
import { readStore, threadMbox } from '../mail/mirror';
import type { MailDocument } from '../mail/types';
import { UsageError } from './verb';

/** Options every mail-reading verb takes, each with a value. */
export const INPUT_OPTIONS = ['--max-input-mb', '--max-inflate-ratio'];

export const INPUT_USAGE = `  --max-input-mb N       refuse input (or inflated gzip data) over N MiB (default ${DEFAULT_LIMITS.maxBytes / 1024 / 1024})
  --max-inflate-ratio R  refuse gzip data that inflates to more than R times its size (default ${DEFAULT_LIMITS.maxInflateRatio})`;

/** The value of --name VALUE or --name=VALUE; null when absent. */
export function option(args: string[], name: string): string | null {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) {
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
      return v;
    }
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return null;
}

/** A positive number option, or `fallback` when absent. */
export function numberOption(args: string[], name: string, fallback: number): number {
  const v = option(args, name);
  if (v === null) return fallback;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0) || !Number.isFinite(n)) throw new UsageError(`${name} takes a positive number, not '${v}'`);
  return n;
}

/** Positional arguments: everything that is not an option or an option's value; '-' is standard input. */
export function positional(args: string[], withValue: string[]): string[] {
  const out: string[] = [];
  const all = [...withValue, ...INPUT_OPTIONS];
  for (let i = 0; i < args.length; i++) {
    if (all.includes(args[i])) { i++; continue; }
    if (args[i].startsWith('-') && args[i] !== '-') continue;
    out.push(args[i]);
  }
  return out;
}

export function rejectUnknown(args: string[], known: string[], text: string): void {
  const all = [...known, ...INPUT_OPTIONS];
  for (const a of args) {
    if (!a.startsWith('-') || a === '-') continue;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (!all.includes(name)) throw new UsageError(`unknown option ${a}\n\n${text}`);
  }
}

export function inputLimits(args: string[]): InputLimits {
  return {
    maxBytes: Math.floor(numberOption(args, '--max-input-mb', DEFAULT_LIMITS.maxBytes / 1024 / 1024) * 1024 * 1024),
    maxInflateRatio: numberOption(args, '--max-inflate-ratio', DEFAULT_LIMITS.maxInflateRatio),
  };
}

export const MIRROR_USAGE = `  --mirror DIR   read a local public-inbox git mirror (lore's v2 layout: a git directory, or
                 its git/N.git epochs; one message per commit) or a maildir (cur/, new/)
  --thread ID    with --mirror: only the thread (or series) of the message with this
                 Message-ID, read as one mbox in the mirror's order`;

/** The documents of a mirror or maildir: the thread of one Message-ID as one mbox, or every
 *  message as a document of its own (named by its commit or file). */
export async function* mirrorInput(dir: string, thread: string | null, limits: InputLimits): AsyncGenerator<MailDocument> {
  try {
    if (thread !== null) {
      const id = thread.replace(/^<|>$/g, '');
      const t = await threadMbox(dir, id);
      if (!t) throw new UsageError(`${dir}: no message with Message-ID <${id}>`);
      if (t.mbox.length > limits.maxBytes) throw new UsageError(`${dir}: the thread of <${id}> holds ${t.mbox.length} bytes, more than --max-input-mb allows`);
      yield readMail(t.mbox, { file: `${dir}#<${id}>` });
      return;
    }
    for await (const s of readStore(dir)) yield readMail(s.bytes, { file: s.source });
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

/** Refuses, before anything is read, a file no verb could read: missing, not regular, too large. */
export function checkReadable(file: string, limits: InputLimits): void {
  if (file === '-') return;
  try {
    regularFileSize(file, limits);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

/** Reads one mail file (or standard input for '-'): what cannot be read is a usage error. */
export async function readMailInput(file: string, limits: InputLimits): Promise<MailDocument> {
  try {
    return await loadMail(file, limits);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

/** A file as documents: an mbox over `streamBytes` one message at a time (src/mail streamMail). */
export async function* streamMailInput(file: string, limits: InputLimits, streamBytes?: number): AsyncGenerator<MailDocument> {
  try {
    yield* streamMail(file, limits, streamBytes);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * The records of an mbox (or mbox.gz) file of at least `minBytes` that streamMailInput would
 * stream, to be read elsewhere; null for any other input, which streamMailInput reads.
 */
export function streamedMboxInput(file: string, limits: InputLimits, minBytes: number): AsyncGenerator<MboxRecord> | null {
  if (file === '-') return null;
  try {
    return regularFileSize(file, limits) < minBytes ? null : streamedRecords(file, limits, 0);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

/** The reading problems of a document, GCC style, warnings and errors only. */
export function readingLines(file: string, diags: readonly { line: number; severity: string; message: string; verbose?: boolean }[]): string[] {
  return diags.filter((d) => !d.verbose).map((d) => `${file}:${d.line}: ${d.severity === 'info' ? 'note' : d.severity}: ${d.message}`);
}
