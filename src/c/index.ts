// The C stage: hunk C parsed with tree-sitter-c, functions rebuilt as pre- and post-image
// (from the mail, or whole from a kernel tree), and their control-flow graphs.
//
//   const parser = await getCParser();          // once; everything below is synchronous
//   const fns = rebuildFunctions(patchMessage); // or applyToTree(patchMessage, treeDir).functions
//   const cfg = buildCfg(fns[0].post!);
//   const ast = parseImage(fns[0].post!);       // tree-sitter nodes, lineOf(node) -> image line
//   ...; ast.delete();
export { getCParser, loadedCParser, locateWasm } from './parser';
export type { CParser, Node, Tree } from './parser';
export { rebuildFunctions, hunksByFile, holdsC } from './images';
export { applyToTree, sameLine } from './tree';
export { buildCfg, parseImage, callsIn, ELIDED } from './cfg';
export type { ParsedImage } from './cfg';
export type * from './types';
