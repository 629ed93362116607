// Every CLI verb, in the order `dax-review help` lists them.
import type { Verb } from './verb';

export const verbs: Verb[] = [
];
