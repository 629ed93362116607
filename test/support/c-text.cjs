// The model's kernel C is imported as text, as esbuild's text loader bundles it.
const { readFileSync } = require('node:fs');
require.extensions['.c'] = (module, filename) => { module.exports = readFileSync(filename, 'utf8'); };
require.extensions['.h'] = require.extensions['.c'];
