// tree-sitter-c through web-tree-sitter. The grammar ships as wasm (no native build):
// scripts/build.mjs copies web-tree-sitter.wasm and tree-sitter-c.wasm beside the bundles,
// and from source they are resolved in node_modules. Loading is asynchronous and done
// once; everything that parses afterwards is synchronous, so the review stage can run
// on every keystroke.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Node, Tree, Language } from 'web-tree-sitter';

// require(), not import: bundlers then take the package's CommonJS build, which finds
// itself through __dirname; its ES module build needs import.meta.url, lost in a CJS bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Parser, Language: LanguageClass } = require('web-tree-sitter') as typeof import('web-tree-sitter');

export type { Node, Tree };

export interface CParser {
  /** Parse C text; never fails (tree-sitter recovers and marks ERROR/MISSING nodes). */
  parse(text: string): Tree;
  language: Language;
}

let loading: Promise<CParser> | null = null;
let loaded: CParser | null = null;

/**
 * Where a wasm asset is: beside the running bundle (dist/, or dist/bench/..),
 * otherwise in node_modules (tests and tools running from source).
 */
export function locateWasm(file: 'web-tree-sitter.wasm' | 'tree-sitter-c.wasm'): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (const dir of [here, path.join(here, '..')]) {
    const p = path.join(dir, file);
    if (existsSync(p)) return p;
  }
  const spec = file === 'web-tree-sitter.wasm' ? 'web-tree-sitter/web-tree-sitter.wasm' : 'tree-sitter-c/tree-sitter-c.wasm';
  try {
    return require.resolve(spec);
  } catch {
    throw new Error(`cannot find ${file}: looked beside ${here} and for ${spec} in node_modules`);
  }
}

async function load(): Promise<CParser> {
  const runtime = locateWasm('web-tree-sitter.wasm');
  await Parser.init({ locateFile: () => runtime });
  const language = await LanguageClass.load(locateWasm('tree-sitter-c.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  loaded = {
    language,
    parse(text: string): Tree {
      const tree = parser.parse(text);
      if (!tree) throw new Error('tree-sitter returned no tree (no language set)');
      return tree;
    },
  };
  return loaded;
}

/** Load the C parser once; later calls return the same instance. */
export function getCParser(): Promise<CParser> {
  if (loaded) return Promise.resolve(loaded);
  if (!loading) loading = load().catch((e: unknown) => { loading = null; throw e; });
  return loading;
}

/** The loaded parser, for the synchronous stage functions. */
export function loadedCParser(): CParser {
  if (!loaded) throw new Error('the C parser is not loaded: await getCParser() before rebuilding or parsing functions');
  return loaded;
}
