// Quoted patch fragments with no header at all: a reviewer trims the quote to the function
// they comment on, so neither a diff header nor an @@ line survives. A quoted run of diff
// lines is such a fragment when it reads as C; a quoted prose list ("- fix the thing") is not.
import { isWhite } from '../mail/lines';
import type { BodyLine } from '../mail/types';

/** Fewest changed ('+'/'-') lines a fragment shows. */
const MIN_CHANGED = 1;
/** Fewest lines of a fragment that read as C. */
const MIN_C_LINES = 2;
/** Share of a fragment's non-blank lines that must read as C. */
const C_SHARE = 0.6;

/** A line of code rather than prose: C punctuation at its end or C operators and keywords. */
export function readsAsC(code: string): boolean {
  const t = code.trim();
  if (t === '') return false;
  if (/^(?:\/\*|\*|\/\/)/.test(t) || /\*\/$/.test(t)) return true;        // a comment in code
  if (/[;{}]$/.test(t) || /^[{}]/.test(t)) return true;
  if (/^#\s*(?:if|ifdef|ifndef|else|endif|define|include)\b/.test(t)) return true;
  if (/^(?:if|else|for|while|switch|case|return|goto|do)\b.*[(:;{]|^[A-Za-z_]\w*:$/.test(t)) return true;
  if (/->|==|!=|&&|\|\||<<|>>|\+\+|--\s*$|\b[A-Za-z_]\w*\s*\([^)]*\)\s*[,)]?$/.test(t) && !/[.!?]$/.test(t)) return true;
  return /[,(]$/.test(t) && /[A-Za-z_]\w*\s*\(/.test(t);
}

/** A diff line's op and code, as the reader sees it after the quote prefix. */
function diffLine(text: string): { op: '+' | '-' | ' '; code: string } | null {
  const c = text[0];
  if (c === '+' || c === '-' || c === ' ') {
    if (/^(?:\+\+\+|---) /.test(text)) return null;
    return { op: c, code: text.slice(1) };
  }
  return null;
}

/**
 * The quote depth of header-less fragments, and the body index where each fragment's run
 * starts; null when the message has none. A run is the longest stretch of lines at one depth
 * (blank lines inside allowed) that are all diff lines; lines of shallower depth between two
 * runs (a reviewer's comment) split nothing, the fragment goes on after them.
 */
export function headerlessFragments(body: readonly BodyLine[]): { depth: number; starts: Set<number> } | null {
  const byDepth = new Map<number, number[]>();
  let i = 0;
  while (i < body.length) {
    const d = body[i].depth;
    if (d === 0 || !diffLine(body[i].text) || isWhite(body[i].text)) { i++; continue; }
    // A run of diff lines at depth d, blank quoted lines inside it allowed.
    let j = i;
    let changed = 0;
    let cLines = 0;
    let nonBlank = 0;
    while (j < body.length && body[j].depth === d) {
      const t = body[j].text;
      if (isWhite(t)) { j++; continue; }
      const dl = diffLine(t);
      if (!dl) break;
      nonBlank++;
      if (dl.op !== ' ') changed++;
      if (readsAsC(dl.code)) cLines++;
      j++;
    }
    if (changed >= MIN_CHANGED && cLines >= MIN_C_LINES && cLines >= C_SHARE * nonBlank) {
      const list = byDepth.get(d) ?? [];
      list.push(i);
      byDepth.set(d, list);
    }
    i = Math.max(j, i + 1);
  }
  if (!byDepth.size) return null;
  // The depth with the most fragments; ties go to the deeper quote (the original patch).
  const [depth, starts] = [...byDepth].sort((a, b) => b[1].length - a[1].length || b[0] - a[0])[0];
  return { depth, starts: new Set(starts) };
}
