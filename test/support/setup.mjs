// Loaded before any test file: the model's kernel C imports as text, and the C parser the
// model lowers it with is loaded, so test files may build the model as they load.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('./c-text.cjs');
await require('../../src/c/parser.ts').getCParser();
