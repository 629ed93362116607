// JSON output written in pieces: the text JSON.stringify(value, null, 2) gives, without
// ever holding it as one string, so output of any size is written (a string past V8's
// limit cannot be built). C1 controls and bidirectional overrides are escaped as well.
import { terminalText } from '../mail/index';
import type { CliIO } from './verb';

/** Pieces of JSON.stringify(value, null, 2), in order. */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  const v = value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON(): unknown }).toJSON() : value;
  if (v === null || typeof v !== 'object') {
    const s = JSON.stringify(v);
    yield s === undefined ? 'null' : s;
    return;
  }
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (!v.length) { yield '[]'; return; }
    yield '[\n';
    for (let i = 0; i < v.length; i++) {
      yield inner;
      const x: unknown = v[i];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') yield 'null';
      else yield* jsonPieces(x, inner);
      yield i < v.length - 1 ? ',\n' : '\n';
    }
    yield `${indent}]`;
    return;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol');
  if (!entries.length) { yield '{}'; return; }
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [k, x] = entries[i];
    yield `${inner}${JSON.stringify(k)}: `;
    yield* jsonPieces(x, inner);
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield `${indent}}`;
}

/** Writes a value as indented JSON and a newline, a megabyte or so at a time. */
export function writeJson(io: CliIO, value: unknown, chunk = 1 << 20): void {
  const write = io.write ? (t: string) => io.write!(t) : null;
  if (!write) {
    io.out(terminalText(JSON.stringify(value, null, 2)));
    return;
  }
  let buf = '';
  for (const piece of jsonPieces(value)) {
    buf += piece;
    if (buf.length >= chunk) { write(terminalText(buf)); buf = ''; }
  }
  write(terminalText(buf + '\n'));
}
