// The enclosing C function of every hunk line, worked out from the lines themselves.
// The @@ context is only a hint: git prints the last line before the hunk that
// starts with an identifier, which may be a label ("restart:"), the function just
// before the one the hunk changes, or a struct. Archives strip indentation, so
// column 0 cannot always tell a function's closing brace from a block's; then the
// next decisive line decides (a statement keeps us inside, a definition or a
// file-scope line means the function ended).
import { codeAt, firstNonSpace, isSpace } from '../mail/lines';
import type { LineOp } from './types';

export interface CLine {
  op: LineOp;
  text: string;
}

/** Where a hunk starts, when the lines themselves do not say. */
export interface FunctionHint {
  name: string;
  source: 'header' | 'label' | 'previous-hunk';
}

export interface FunctionScan {
  /** Per hunk line: the function it lies in (null at file scope or unknown). */
  fn: (string | null)[];
  /** Per hunk line: true when the function came from a definition in the hunk. */
  fromLines: boolean[];
  /** The function still open at the hunk's end (post-image), or null. */
  openAtEnd: string | null;
  /** Labels seen inside functions: label -> function. */
  labels: Map<string, string>;
  /** Per hunk line: the struct, union, enum or initialised object it lies in at file scope. */
  scope: (string | null)[];
}

const KEYWORDS = new Set([
  'if', 'else', 'for', 'while', 'do', 'switch', 'case', 'default', 'return', 'goto', 'break',
  'continue', 'sizeof', 'typeof', '__typeof__', 'defined', 'asm', '__asm__', 'volatile',
]);
/** C's own type names: "long (*fn)(...)" declares a pointer, it names no function "long". */
const TYPE_WORDS = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', 'bool', '_Bool']);
const FILE_SCOPE_CALL = /^(?:EXPORT_SYMBOL\w*|EXPORT_TRACEPOINT_SYMBOL\w*|MODULE_\w+|module_init|module_exit|__setup|early_param|\w+_initcall|DEFINE_\w+|DECLARE_\w+|LIST_HEAD|ALLOW_ERROR_INJECTION)\s*\(/;
const DEF_START = /^((?:[A-Za-z_]\w*[\s*]+)*)\**\s*([A-Za-z_]\w*)\s*\(/;

// Most lines are decided by their first or last character, so the regular expressions
// below run behind character tests that only rule lines out: a line they let through
// meets the expression exactly as before.

/** [A-Za-z_], what starts a C identifier. */
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** \w: [A-Za-z0-9_]. */
function isWordChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** FILE_SCOPE_CALL needs a '(' and a first word from its list, or one ending in "_initcall". */
function mayBeFileScopeCall(t: string): boolean {
  const c = t.charCodeAt(0);
  if (!isWordChar(c) || !t.includes('(')) return false;
  return 'EMm_eDLA'.includes(t[0]) || t.includes('_initcall');
}

/** Whether a run of identifiers, spaces and stars holds a C keyword among its words. */
function hasKeyword(words: string): boolean {
  let i = 0;
  while (i < words.length) {
    while (i < words.length && !isIdentStart(words.charCodeAt(i))) i++;
    const start = i;
    while (i < words.length && isWordChar(words.charCodeAt(i))) i++;
    if (i > start && KEYWORDS.has(words.slice(start, i))) return true;
  }
  return false;
}

/** The function a definition's first line names, or null when it cannot start one. */
export function definitionName(code: string): string | null {
  const t = code.trim();
  // A definition's head has a '(' (the cheap test spares most lines the regular expression).
  if (t === '' || t.startsWith('#') || !t.includes('(') || t.endsWith(';') || (t.startsWith('typedef') && /^typedef\b/.test(t))) return null;
  if (!isIdentStart(t.charCodeAt(0)) && t.charCodeAt(0) !== 42 /* * */) return null; // DEF_START's first character
  const m = DEF_START.exec(t);
  if (!m) return null;
  if (KEYWORDS.has(m[2]) || TYPE_WORDS.has(m[2])) return null;
  if (m[1] !== '' && hasKeyword(m[1])) return null;
  if (mayBeFileScopeCall(t) && FILE_SCOPE_CALL.test(t)) return null;
  return m[2];
}

/**
 * What a @@ header context says about where the hunk starts: inside a function being
 * defined ("static int foo(struct x *y,"), after a label ("restart:"), inside a struct,
 * union, enum or initializer ("static const struct dax_operations dm_dax_ops = {"), after a
 * file-scope declaration ("static struct vfsmount *dax_mnt;"), or nothing usable. The context is a hint only; the lines decide.
 */
export function hintFromContext(context: string | null): { kind: 'function' | 'label' | 'aggregate' | 'declaration' | 'other'; name: string | null } {
  if (!context || context.trim() === '') return { kind: 'other', name: null };
  const t = context.trim();
  const label = /^([A-Za-z_]\w*)\s*:\s*$/.exec(t);
  if (label && label[1] !== 'default') return { kind: 'label', name: label[1] };
  if (/;\s*$/.test(t)) return { kind: 'declaration', name: null };
  if (opensAggregate(t)) return { kind: 'aggregate', name: aggregateName(t) };
  if (/[;=]/.test(t)) return { kind: 'other', name: null };
  const name = definitionName(t);
  return name ? { kind: 'function', name } : { kind: 'other', name: null };
}

type Kind = 'neutral' | 'file-scope' | 'statement';

/** '"', "'" and '/': where a literal or a comment may start. */
function isSpecial(c: number): boolean {
  return c === 34 || c === 39 || c === 47;
}

/** Removes comments and string/char literals; tracks block comments across lines. */
function stripCode(text: string, state: { inComment: boolean }): string {
  if (!state.inComment && !/["'/]/.test(text)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (state.inComment) {
      const end = text.indexOf('*/', i);
      if (end < 0) return out;
      state.inComment = false;
      i = end + 2;
      continue;
    }
    // Copy up to the next character that may open a comment or a literal, in one slice.
    let k = i;
    while (k < text.length && !isSpecial(text.charCodeAt(k))) k++;
    out += text.slice(i, k);
    i = k;
    if (i >= text.length) break;
    const c = text[i];
    if (c === '/' && text[i + 1] === '*') { state.inComment = true; i += 2; continue; }
    if (c === '/' && text[i + 1] === '/') break;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += c + c;
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Lines inside a comment that began before the hunk: " * foo" or the closing star-slash. */
function looksLikeCommentBody(text: string): boolean {
  if (codeAt(text, firstNonSpace(text)) !== 42 /* * */) return false;
  const t = text.trim();
  return t === '*' || t.startsWith('* ') || t.startsWith('*/') || t === '**/';
}

/** The last character is one a statement continues after: [,(|&+\-*\/=?:]. */
function endsContinued(t: string): boolean {
  switch (t.charCodeAt(t.length - 1)) {
    case 44: case 40: case 124: case 38: case 43: case 45: case 42: case 47: case 61: case 63: case 58: return true;
    default: return false;
  }
}

/** What a trimmed code line is; `def` is its definitionName. */
function classify(t: string, def: string | null): Kind {
  if (t === '') return 'neutral';
  const c = t.charCodeAt(0);
  // {, }, (, ), ; and ',': only such a line can be punctuation alone.
  if ((c === 123 || c === 125 || c === 40 || c === 41 || c === 59 || c === 44) && /^[{}();,\s]*$/.test(t)) return 'neutral';
  if (c === 35 /* # */) return /^#\s*(?:include|define|undef|pragma)\b/.test(t) ? 'file-scope' : 'neutral';
  if (mayBeFileScopeCall(t) && FILE_SCOPE_CALL.test(t)) return 'file-scope';
  if ((c === 116 || c === 101 || c === 115) && /^(?:typedef|extern|static)\b/.test(t)) return 'file-scope';
  if ((c === 115 || c === 117 || c === 101) && t.includes('{') && /^(?:struct|union|enum)\s+\w+\s*\{/.test(t)) return 'file-scope';
  if (isPrototype(t)) return 'file-scope';
  if (def !== null && /^[A-Za-z_][\w\s*]*[\s*]\**\s*[A-Za-z_]\w*\s*\(/.test(t)) return 'file-scope';
  if (endsContinued(t) && !(t.endsWith(':') && /^[A-Za-z_]\w*\s*:$/.test(t))) return 'neutral';
  return 'statement';
}

/**
 * The name of the file-scope object a line opens: "struct dax_operations {" ->
 * "struct dax_operations"; "static const struct dax_operations dm_dax_ops = {" -> "dm_dax_ops".
 */
export function aggregateName(t: string): string | null {
  if (!t.includes('{')) return null;
  const c = t.charCodeAt(0);
  const tagged = c === 116 || c === 115 || c === 117 || c === 101 ? /^(?:typedef\s+)?(struct|union|enum)\s+(\w+)\s*\{/.exec(t) : null;
  if (tagged) return `${tagged[1]} ${tagged[2]}`;
  const init = t.includes('=') ? /([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*=\s*\{/.exec(t) : null;
  return init ? init[1] : null;
}

/** An initializer ('=' before any '(') or a struct, union or enum head with no '(' in it. */
function opensAggregate(t: string): boolean {
  if (aggregateName(t) !== null) return true;
  const paren = t.indexOf('(');
  const eq = t.indexOf('=');
  if (eq >= 0 && (paren < 0 || eq < paren)) return true;
  return /^(?:typedef\s+)?(?:static\s+)?(?:const\s+)?(?:struct|union|enum)\b[^(]*$/.test(t);
}

/** Words and stars only ("static unsigned long", "STATIC int *"): a trimmed line of them starts
 *  with an identifier and ends in a word character or a star, which rules most code lines out
 *  before the regular expression is tried. */
function wordsOnly(t: string): boolean {
  const last = codeAt(t, t.length - 1);
  if (!isIdentStart(codeAt(t, 0)) || !(isWordChar(last) || last === 42 || isSpace(last))) return false;
  return /^[A-Za-z_][\w\s*]*$/.test(t);
}

/** Words of a wordsOnly line (split at spaces and stars), or null past `max` of them. */
function typeWords(t: string, max: number): string[] | null {
  const words: string[] = [];
  let i = 0;
  while (i < t.length) {
    while (i < t.length && (isSpace(t.charCodeAt(i)) || t.charCodeAt(i) === 42)) i++;
    if (i >= t.length) break;
    const start = i;
    while (i < t.length && !isSpace(t.charCodeAt(i)) && t.charCodeAt(i) !== 42) i++;
    if (words.length === max) return null;
    words.push(t.slice(start, i));
  }
  return words;
}

/** "STATIC int", "static inline bool", "struct page *": a return type alone on its line
 *  (`t` being wordsOnly). */
function isReturnTypeLine(t: string): boolean {
  const words = typeWords(t, 4);
  if (words === null) return false;
  return words.length >= 1 && !words.some((w) => KEYWORDS.has(w)) &&
    (words.length > 1 || /^(?:void|int|long|bool|char|unsigned|STATIC|static|inline|u\d+|s\d+|size_t|ssize_t|loff_t|vm_fault_t|pgoff_t|\w+_t)$/.test(words[0]));
}

/** "struct dax_device *fs_dax_claim(struct dax_device *dax_dev, void *owner);" */
function isPrototype(t: string): boolean {
  if (!t.endsWith(';') || !isIdentStart(t.charCodeAt(0)) || !t.includes('(')) return false;
  const m = /^((?:[A-Za-z_]\w*[\s*]+)+)\**\s*([A-Za-z_]\w*)\s*\([^;{}=]*\)\s*;$/.exec(t);
  if (!m) return false;
  const words = m[1].trim().split(/[\s*]+/).filter(Boolean);
  return words.length > 0 && !words.some((w) => KEYWORDS.has(w));
}

/** What a line reads as on its own, given whether a block comment is open before it. */
interface LineReading {
  /** The line without comments and literals; and that trimmed. */
  code: string;
  t: string;
  inCommentAfter: boolean;
  kind: Kind;
  returnType: boolean;
  /** definitionName of the line. */
  def: string | null;
  /** wordsOnly: identifiers, spaces and stars. */
  words: boolean;
  /** Its braces, opening and closing. */
  open: number;
  close: number;
}

/** A hunk's readings by line: [2i] outside a block comment, [2i + 1] inside one. The pre-image
 *  and the post-image share their context lines, so most lines are read once. */
type Readings = (LineReading | undefined)[];

function readLine(text: string, inComment: boolean): LineReading {
  const comment = { inComment };
  const code = inComment || !looksLikeCommentBody(text) ? stripCode(text, comment) : '';
  const t = code.trim();
  const def = definitionName(t);
  const words = wordsOnly(t);
  return {
    code, t, inCommentAfter: comment.inComment,
    kind: inComment && t === '' ? 'neutral' : classify(t, def),
    // XFS style puts the return type and the name on lines of their own.
    returnType: words && isReturnTypeLine(t),
    def, words,
    open: t.indexOf('{') < 0 ? 0 : count(t, '{'),
    close: t.indexOf('}') < 0 ? 0 : count(t, '}'),
  };
}

/** Where the images write what they find, by hunk line. */
interface ScanOut { fn: (string | null)[]; fromLines: boolean[]; labels: Map<string, string>; scope: (string | null)[] }

/**
 * Scans one image (the post-image: context and '+' lines; or the pre-image:
 * context and '-' lines) and names the function of each of its lines. `image`
 * holds the indexes of its lines in `lines`. The pre-image writes its '-' lines only:
 * a context line is the post-image's.
 */
function scanImage(
  lines: readonly CLine[], image: readonly number[], preImage: boolean, hint: FunctionHint | null, indented: boolean,
  out: ScanOut, startScope: string | null, readings: Readings,
): string | null {
  type Mode = 'top' | 'known' | 'unknown';
  let mode = (hint ? 'unknown' : 'top') as Mode;
  let fn: string | null = hint ? hint.name : null;
  let fromLines = false;
  let depth = 0;              // braces inside the function ('known'), or relative ('unknown')
  let confirmed = false;      // 'unknown': a statement showed we really are inside
  let provisional: number[] = [];
  // A definition being read: its name, the lines so far, paren balance.
  let sig: { name: string; lines: number[]; parens: number; closed: boolean } | null = null;
  let typeLine: number | null = null;
  // The file-scope aggregate being read (struct body, ops table), and the last line that could name one.
  let aggregate: string | null = startScope;
  let scopeGuessed = startScope !== null && !hint;   // started inside the @@ context's object: a guess
  if (scopeGuessed) depth = 1;
  const guessedScope: number[] = [];
  // The last line that could name an aggregate a '{' line opens; named only when one does.
  let lastNamed: string | null = null;
  const rs = new Array<LineReading>(image.length);
  const kinds = new Array<Kind>(image.length);
  let prevType = false;   // the last code line was a bare return type ("STATIC int")
  let inComment = false;
  for (let k = 0; k < image.length; k++) {
    const key: number = 2 * image[k] + (inComment ? 1 : 0);
    const r: LineReading = readings[key] ?? (readings[key] = readLine(lines[image[k]].text, inComment));
    inComment = r.inCommentAfter;
    rs[k] = r;
    const t = r.t;
    let kind = r.kind;
    if (r.returnType) kind = 'neutral';
    else if (prevType && r.def !== null && /^[A-Za-z_]\w*\s*\(/.test(t)) kind = 'file-scope';
    if (t !== '') prevType = r.returnType;
    kinds[k] = kind;
  }
  // The first non-neutral kind after each line, computed once from the end.
  const after: (Kind | 'end')[] = new Array<Kind | 'end'>(image.length);
  for (let j = image.length - 1, next: Kind | 'end' = 'end'; j >= 0; j--) {
    after[j] = next;
    if (kinds[j] !== 'neutral') next = kinds[j];
  }
  const nextDecisive = (k: number): Kind | 'end' => after[k];
  const set = (k: number, name: string | null, fromDefinition: boolean) => {
    const i = image[k];
    if (preImage && lines[i].op !== '-') return;
    out.fn[i] = name;
    out.fromLines[i] = fromDefinition;
  };
  const setScope = (k: number, name: string | null) => {
    if (!preImage || lines[image[k]].op === '-') out.scope[image[k]] = name;
  };

  for (let k = 0; k < image.length; k++) {
    const r = rs[k];
    const code = r.code;
    const t = r.t;
    const open = r.open;
    const close = r.close;

    if (mode === 'unknown' && !confirmed) {
      if (kinds[k] === 'file-scope') {
        for (const p of provisional) set(p, null, false);
        mode = 'top';
        fn = null;
        depth = 0;
      } else if (kinds[k] === 'statement') {
        confirmed = true;
        provisional = [];
      }
    }

    if (mode === 'top') {
      if (sig) {
        sig.lines.push(k);
        if (!sig.closed) {
          sig.parens += count(code, '(') - count(code, ')');
          if (sig.parens <= 0) sig.closed = true;
          if (sig.closed && open > 0) { enterDefinition(k, open - close); continue; }
          if (t.endsWith(';')) { abandonSig(); continue; }
          set(k, sig.name, true);
          continue;
        }
        if (t.startsWith('{')) { enterDefinition(k, open - close); continue; }
        if (t === '' || /^__\w+(?:\(.*\))?$/.test(t)) { set(k, sig.name, true); continue; }
        abandonSig();
      }
      const name = depth <= 0 ? r.def : null;
      if (name) {
        sig = { name, lines: [k], parens: count(code, '(') - count(code, ')'), closed: false };
        if (sig.parens <= 0) sig.closed = true;
        if (typeLine !== null && typeLine === k - 1) { sig.lines.unshift(typeLine); set(typeLine, name, true); }
        if (sig.closed && open > 0) { enterDefinition(k, open - close); continue; }
        set(k, name, true);
        continue;
      }
      typeLine = r.words && !KEYWORDS.has(t.split(/\s+/)[0]) ? k : null;
      if (scopeGuessed && kinds[k] === 'file-scope') {
        depth = 0;
        aggregate = null;
        for (const p of guessedScope) setScope(p, null);
      }
      if (kinds[k] !== 'neutral') scopeGuessed = false;
      if (scopeGuessed) guessedScope.push(k);
      if (depth === 0 && open > close) aggregate = aggregateName(t) ?? (t.startsWith('{') && lastNamed !== null ? aggregateName(`${lastNamed} {`) : null);
      if (t !== '') lastNamed = t;
      set(k, null, false);
      setScope(k, depth > 0 || open > 0 || close > 0 ? aggregate : null);
      depth = Math.max(0, depth + open - close);
      if (depth === 0) aggregate = null;
      continue;
    }

    set(k, fn, fromLines);
    if (mode === 'unknown' && !confirmed) provisional.push(k);
    const label = t.includes(':') ? /^([A-Za-z_]\w*)\s*:(?!:)/.exec(t) : null;
    if (label && label[1] !== 'default' && fn) out.labels.set(label[1], fn);
    depth += open - close;
    if (mode === 'known') {
      if (depth <= 0 && close > 0) leaveFunction();
      continue;
    }
    // 'unknown': we started inside a function of unknown nesting.
    if (close > 0 && depth <= 0 && /^[};,\s]*$/.test(t)) {
      const atColumnZero = lines[image[k]].text.startsWith('}');
      const ends = indented ? atColumnZero : nextDecisive(k) !== 'statement';
      if (ends) leaveFunction();
      else depth = 0;
    }
  }
  if (sig && !sig.closed) return sig.name;
  return mode === 'top' ? null : fn;

  function enterDefinition(k: number, d: number): void {
    if (!sig) return;
    for (const p of sig.lines) set(p, sig.name, true);
    set(k, sig.name, true);
    fn = sig.name;
    fromLines = true;
    mode = 'known';
    depth = d;
    sig = null;
    provisional = [];
    if (depth <= 0) leaveFunction();
  }
  function abandonSig(): void {
    if (!sig) return;
    for (const p of sig.lines) set(p, null, false);
    sig = null;
  }
  function leaveFunction(): void {
    mode = 'top';
    fn = null;
    fromLines = false;
    depth = 0;
    provisional = [];
    typeLine = null;
  }
}

function count(s: string, c: string): number {
  let n = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) n++;
  return n;
}

function filled<T>(n: number, value: T): T[] {
  return new Array<T>(n).fill(value);
}

/**
 * Names the function of every hunk line. Context and '+' lines are read as the
 * post-image, '-' lines as the pre-image, so a removed definition still counts.
 * `indented` says the hunk kept its indentation, so a '}' at column 0 ends a function.
 */
export function scanFunctions(
  lines: readonly CLine[], hint: FunctionHint | null, indented: boolean, startScope: string | null = null,
): FunctionScan {
  const n = lines.length;
  const out: ScanOut = { fn: filled<string | null>(n, null), fromLines: filled(n, false), labels: new Map(), scope: filled<string | null>(n, null) };
  const post: number[] = [];
  const pre: number[] = [];
  for (let i = 0; i < n; i++) {
    if (lines[i].op !== '-') post.push(i);
    if (lines[i].op !== '+') pre.push(i);
  }
  const readings: Readings = new Array<LineReading | undefined>(2 * n);
  scanImage(lines, pre, true, hint, indented, out, startScope, readings);
  const openAtEnd = scanImage(lines, post, false, hint, indented, out, startScope, readings);
  return { fn: out.fn, fromLines: out.fromLines, openAtEnd, labels: out.labels, scope: out.scope };
}
