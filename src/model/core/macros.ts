// Function-like macros of an era's API table, expanded in C text before it is parsed, as the
// preprocessor would: `XA_STATE(xas, &mapping->i_pages, index);` becomes the declaration it
// stands for, `xas_for_each(&xas, entry, max) {` the loop. An expansion stays on the line the
// invocation starts on and the lines it spanned are kept as empty ones, so every line of the
// text keeps its number (a lowered line is still a line of the file, or of the mail).

/** A function-like macro: its parameters and its body, C over them. */
export interface Macro { params: readonly string[]; body: string }

/** The arguments of a call whose '(' is at open: their texts and the index after ')', or null. */
export function argsAt(text: string, open: number): { args: string[]; end: number } | null {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) { args.push(text.slice(start, i).trim()); return { args, end: i + 1 }; }
    } else if (c === ',' && depth === 1) { args.push(text.slice(start, i).trim()); start = i + 1; }
    else if (c === '"' || c === '\'') {
      const q = c;
      for (i++; i < text.length && text[i] !== q; i++) if (text[i] === '\\') i++;
    }
  }
  return null;
}

/** An argument as it stands in the body: an identifier or a number alone, else parenthesised. */
const wrap = (a: string): string => (/^\w+$/.test(a) ? a : `(${a})`);

function substitute(m: Macro, args: readonly string[]): string {
  const by = new Map(m.params.map((p, i) => [p, args[i] ?? '']));
  return m.body.replace(/[A-Za-z_]\w*/g, (w) => (by.has(w) ? wrap(by.get(w)!) : w));
}

/** The text with every invocation of the macros expanded (lines kept); the text itself when none occurs. */
export function expandMacros(text: string, macros: Readonly<Record<string, Macro>> | undefined): string {
  if (!macros) return text;
  const names = Object.keys(macros);
  if (!names.some((n) => text.includes(n))) return text;
  const re = new RegExp(`\\b(${names.join('|')})\\s*\\(`, 'g');
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const macro = macros[m[1]];
    const call = argsAt(text, m.index + m[0].length - 1);
    if (!call || call.args.length !== macro.params.length) continue;
    const spanned = text.slice(m.index, call.end).split('\n').length - 1;
    out += text.slice(last, m.index) + substitute(macro, call.args) + '\n'.repeat(spanned);
    last = call.end;
    re.lastIndex = call.end;
  }
  return out + text.slice(last);
}
