// Every CLI verb, in the order `dax-review help` lists them.
import type { Verb } from './verb';
import { parse } from './parse';

export const verbs: Verb[] = [
  parse,
];
