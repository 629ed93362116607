// The extension's TextMate grammar (media/patch-mail.tmLanguage.json) run as the editor runs
// it: vscode-textmate over vscode-oniguruma, line by line, each line's tokens with their scopes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, type IGrammar, type IRawGrammar } from 'vscode-textmate';

const root = path.join(__dirname, '..', '..');
export const GRAMMAR_FILE = path.join(root, 'media', 'patch-mail.tmLanguage.json');

let loaded: Promise<IGrammar> | null = null;

/** The grammar, from `file` (the extension's by default). */
export function grammar(file = GRAMMAR_FILE): Promise<IGrammar> {
  if (file === GRAMMAR_FILE && loaded) return loaded;
  const wasm = readFileSync(createRequire(__filename).resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  const onig = oniguruma.loadWASM(wasm).catch(() => undefined).then(() => ({
    createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  }));
  const raw = JSON.parse(readFileSync(file, 'utf8')) as IRawGrammar;
  const registry = new Registry({ onigLib: onig, loadGrammar: async () => raw });
  const g = registry.loadGrammar(raw.scopeName).then((x) => {
    if (!x) throw new Error(`no grammar in ${file}`);
    return x;
  });
  if (file === GRAMMAR_FILE) loaded = g;
  return g;
}

/** Each line's tokens: its text and scopes (the grammar's own, the root left out). */
export function tokenize(g: IGrammar, text: string): { text: string; scopes: string[] }[][] {
  let state = INITIAL;
  return text.split('\n').map((line) => {
    const r = g.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) }));
  });
}
