// Helpers whose definition the mail holds: in the patch itself, or quoted in a reply
// ("Oh, nope, that's embedded in the dax_radix_entry() helper: ..."). The engine learns
// from the definition whether the entry value a helper returns carries the lock bit.
import type { MailDocument } from '../mail/types';
import type { FunctionImage } from '../c/types';
import { parseExpr } from '../c/expr';
import { valueLockBitOf } from './cexpr';

/** What the mail's definition of a helper says about the entry value it returns. */
export interface HelperSummary { name: string; locked: boolean | null; mailLine: number | null }

const HEAD = /^\s*(?:static\s+)?(?:inline\s+)?(?:const\s+)?(?:(?:unsigned|signed|struct|enum)\s+)?[A-Za-z_]\w*[\s*]+([A-Za-z_]\w*)\s*\(([^;]*)$/;

interface CodeLine { text: string; mailLine: number | null }

/** Function definitions in a run of code lines: name, first line, body lines. */
function definitions(lines: CodeLine[]): { name: string; mailLine: number | null; body: CodeLine[] }[] {
  const out: { name: string; mailLine: number | null; body: CodeLine[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = HEAD.exec(lines[i].text);
    if (!m || /^\s*(if|while|for|switch|return|else)\b/.test(lines[i].text)) continue;
    // The parameter list may continue over a few lines; the body opens with '{'.
    let j = i;
    let head = lines[i].text;
    while (j < lines.length - 1 && !head.includes(')') && j - i < 4) head += ' ' + lines[++j].text;
    if (!head.includes(')')) continue;
    let k = j;
    if (!/\{\s*$/.test(head)) { k = j + 1; if (k >= lines.length || !/^\s*\{\s*$/.test(lines[k].text)) continue; }
    let depth = 0;
    const body: CodeLine[] = [];
    for (let n = k; n < lines.length && n - k < 200; n++) {
      for (const ch of lines[n].text) { if (ch === '{') depth++; if (ch === '}') depth--; }
      if (n > k || !/\{\s*$/.test(lines[n].text)) body.push(lines[n]);
      if (depth <= 0 && n > k - 1 && lines[n].text.includes('}')) { out.push({ name: m[1], mailLine: lines[i].mailLine, body }); i = n; break; }
    }
  }
  return out;
}

/** The lock bit of what a body returns, when every return statement agrees. */
function returnsLocked(body: CodeLine[]): boolean | null {
  const text = body.map((l) => l.text).join('\n');
  const rets = [...text.matchAll(/\breturn\b([^;]*);/g)].map((m) => m[1].trim()).filter(Boolean);
  if (!rets.length) return null;
  const bits = rets.map((r) => valueLockBitOf(parseExpr(r)));
  if (bits.some((b) => b === null)) return null;
  return bits.every((b) => b === true) ? true : bits.every((b) => b === false) ? false : null;
}

/** Summaries of every helper defined in the mail: the post-images and the reply text. */
export function mailHelpers(doc: MailDocument, images: FunctionImage[], hunkLines: ReadonlySet<number>): Map<string, HelperSummary> {
  const out = new Map<string, HelperSummary>();
  const addAll = (lines: CodeLine[]): void => {
    for (const d of definitions(lines)) {
      const locked = returnsLocked(d.body);
      if (locked !== null && !out.has(d.name)) out.set(d.name, { name: d.name, locked, mailLine: d.mailLine });
    }
  };
  for (const img of images) {
    if (img.side !== 'post' || !img.whole) continue;
    addAll(img.lines.map((l) => ({ text: l.text, mailLine: l.mailLine })));
  }
  for (const msg of doc.messages) {
    // Text outside the hunks, at any quote depth, grouped in runs of one depth.
    let run: CodeLine[] = [];
    let depth = -1;
    const flush = (): void => { if (run.length) addAll(run); run = []; };
    for (const b of msg.body) {
      if (hunkLines.has(b.mailLine)) { flush(); continue; }
      if (b.depth !== depth) { flush(); depth = b.depth; }
      run.push({ text: b.text, mailLine: b.mailLine });
    }
    flush();
  }
  return out;
}
