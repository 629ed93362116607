// The one reader of mail files for every verb: regular files and standard input only,
// within a size limit, with a bound on what gzip data may inflate to. What cannot be read
// is an InputError saying why; the content itself is the mail readers' business.

import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

export interface InputLimits {
  /** Most bytes a file (or standard input) may hold, and most bytes its gzip data may inflate to. */
  maxBytes: number;
  /** Most times its own size gzip data may inflate to. */
  maxInflateRatio: number;
}

export const DEFAULT_LIMITS: InputLimits = { maxBytes: 256 * 1024 * 1024, maxInflateRatio: 100 };

/** A file that cannot be read: missing, not a regular file, too large. */
export class InputError extends Error {}

/** Most bytes the gzip data in `size` bytes of input may inflate to. */
export function inflateLimit(size: number, limits: InputLimits): number {
  return Math.floor(Math.min(limits.maxBytes, Math.max(1, size) * limits.maxInflateRatio));
}

function reason(e: unknown): string {
  const code = e instanceof Error && 'code' in e ? String((e as NodeJS.ErrnoException).code) : String(e);
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code;
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a FIFO';
  if (st.isCharacterDevice()) return 'is a character device';
  if (st.isBlockDevice()) return 'is a block device';
  if (st.isSocket()) return 'is a socket';
  return 'not a regular file';
}

function tooBig(name: string, limits: InputLimits): InputError {
  return new InputError(`cannot read ${name}: more than ${limits.maxBytes} bytes (the input size limit)`);
}

/** The size of a regular file within the limit; anything else (FIFO, device, directory) is refused unopened. */
export function regularFileSize(path: string, limits: InputLimits = DEFAULT_LIMITS): number {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new InputError(`cannot read ${path}: ${kindOf(st)}; only regular files are read (give '-' to read standard input)`);
    if (st.size > limits.maxBytes) throw tooBig(path, limits);
    return st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${path}: ${reason(e)}`);
  }
}

/** A regular file's bytes; anything else (FIFO, device, directory) is refused before it is opened. */
export function readInputSync(path: string, limits: InputLimits = DEFAULT_LIMITS): Buffer {
  let fd: number;
  regularFileSize(path, limits);
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${reason(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(`cannot read ${path}: ${kindOf(st)}; only regular files are read`);
    // One byte more than the limit tells a file that grew past it.
    const buf = Buffer.allocUnsafe(Math.min(st.size, limits.maxBytes) + 1);
    let n = 0;
    for (;;) {
      const k = readSync(fd, buf, n, buf.length - n, null);
      if (k === 0) break;
      n += k;
      if (n === buf.length) {
        if (n > limits.maxBytes) throw tooBig(path, limits);
        break;
      }
    }
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${path}: ${reason(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** A file's bytes, or standard input's for '-', within the size limit. */
export async function readInput(path: string, limits: InputLimits = DEFAULT_LIMITS, stdin: AsyncIterable<Buffer | string> = process.stdin): Promise<Buffer> {
  if (path !== '-') return readInputSync(path, limits);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stdin) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    n += b.length;
    if (n > limits.maxBytes) throw tooBig('standard input', limits);
    chunks.push(b);
  }
  return Buffer.concat(chunks, n);
}
