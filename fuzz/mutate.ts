// A plain mutator over mail: line and byte edits that the hostile corpus showed matter
// (nesting, long words, encoded headers, controls, line ends, base64, gzip, UTF-16).
import { gzipSync } from 'node:zlib';

/** A small deterministic generator (mulberry32), so a run is repeated from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '(((((((((((', ')))))))', '{', '}', ';', '=', '*', '\\', '"', "'", '/*', '*/', '#define X(a) a', '#if 0', '#endif',
  '=?utf-8?q?x=0D=0ABcc:_victim@evil.example?=', '=?utf-8?b?QQ0KQmNjOiB2QGUuZXg=?=', '\x1b]8;;https://evil.example\x07', '\x1b[2J',
  '\x1b]52;c;ZXZpbA==\x07', '\u009b31m', '\u202e', '\r', '\r\n', '\t', '\x00', '\xff\xfe', '\u00e9', 'From ', '>From ', '> ', '> > ',
  '--- a/fs/dax.c', '+++ b/fs/dax.c', '@@ -1,3 +1,4 @@', '@@ -487,24 +487,23 @@ static void *grab_mapping_entry(struct address_space *mapping, pgoff_t index)',
  'Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: quoted-printable', 'Content-Type: multipart/mixed; boundary="b"', '--b',
  'Content-Type: text/plain; charset=utf-16', 'spin_lock_irq(&mapping->tree_lock);', 'spin_unlock_irq(&mapping->tree_lock);',
  'entry = lock_slot(mapping, slot);', 'put_unlocked_mapping_entry(mapping, index, entry);', 'radix_tree_preload(GFP_KERNEL)',
  'dax_wake_mapping_entry_waiter(mapping, index, entry, false);', 'goto out;', 'out:', 'return ERR_PTR(-EEXIST);', '*p = x;',
  'static static static static static static static static static static static static static static x;',
  `f(x) ${'a'.repeat(40)}(`, 'SYSCALL_DEFINE3(x, int, a)', 'for (;;) {', 'while (1)', 'do {', '} while (0);', 'switch (x) { case 1:',
];

export interface Mutator { (input: Buffer, others: readonly Buffer[]): Buffer }

/** One input from a seed: one to four edits. */
export function mutate(input: Buffer, others: readonly Buffer[], random: () => number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const int = (n: number) => Math.floor(random() * Math.max(1, n));
  let lines = input.toString('latin1').split('\n');
  let out: Buffer | null = null;
  const edits = 1 + int(4);
  for (let e = 0; e < edits; e++) {
    const i = int(lines.length);
    switch (int(16)) {
      case 0: lines.splice(i, 1 + int(3)); break;
      case 1: lines.splice(i, 0, ...lines.slice(i, i + 1 + int(5))); break;
      case 2: { const j = int(lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
      case 3: { const o = pick(others).toString('latin1').split('\n'); const k = int(o.length); lines.splice(i, 0, ...o.slice(k, k + 1 + int(20))); break; }
      case 4: { const l = lines[i] ?? ''; const k = int(l.length + 1); lines[i] = l.slice(0, k) + pick(PIECES) + l.slice(k); break; }
      case 5: lines[i] = `${pick(['+', '-', ' ', '> +', '> -', '>> +'])}${lines[i] ?? ''}`; break;
      case 6: lines[i] = (lines[i] ?? '').replace(/^[>+\- ]+/, ''); break;
      case 7: lines = lines.slice(0, i + 1); break;
      case 8: lines.splice(i, 0, pick(PIECES).repeat(1 + int(300))); break;
      case 9: { const l = lines[i] ?? ''; const k = int(l.length); lines[i] = l.slice(0, k) + String.fromCharCode(int(256)) + l.slice(k + 1); break; }
      case 10: lines.splice(i, 0, Buffer.from(lines.slice(i, i + 10).join('\n'), 'latin1').toString('base64').slice(0, 20 + int(60))); break;
      case 11: lines.splice(i, 0, `\t${Array(50 + int(3000)).fill('(').join('')}x${Array(40).fill(')').join('')}`); break;
      case 12: lines.splice(i, 0, `Subject: ${pick(PIECES)}${pick(PIECES)}`); break;
      case 13: lines.splice(i, 0, ...Array(1 + int(200)).fill(pick(PIECES))); break;
      case 14: lines[i] = `\t${Array(2 + int(500)).fill(pick(['a', 'a +', 'x->y', '!', '-', 'f(', 'a[0]'])).join(' ')};`; break;
      default: { const o = pick(others).toString('latin1').split('\n'); lines = [...lines.slice(0, i), ...o.slice(int(o.length))]; break; }
    }
  }
  let text = lines.join('\n');
  switch (int(24)) {
    case 0: text = text.replace(/\r?\n/g, '\r'); break;
    case 1: text = text.replace(/\n/g, '\r\n'); break;
    case 2: out = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(Buffer.from(text, 'latin1').toString('utf8'), 'utf16le')]); break;
    case 3: out = gzipSync(Buffer.from(text, 'latin1')); break;
    case 4: { const b = gzipSync(Buffer.from(text, 'latin1')); out = b.subarray(0, int(b.length)); break; }
    default: break;
  }
  return out ?? Buffer.from(text, 'latin1');
}
