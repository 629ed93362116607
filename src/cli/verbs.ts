// Every CLI verb, in the order `dax-review help` lists them.
import type { Verb } from './verb';
import { parse } from './parse';
import { check } from './check';
import { simulate } from './simulate';
import { reply } from './reply';
import { demo } from './demo';
import { model } from './model';
import { lsp } from './lsp';

export const verbs: Verb[] = [
  parse,
  check,
  simulate,
  reply,
  demo,
  model,
  lsp,
];
