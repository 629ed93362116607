// What one trace step changed in the modelled state: the panel lists these under the swimlanes.
import type { StateView } from '../../model/machine';

export interface Change {
  /** Stable id of the object, shared with the state view's items. */
  id: string;
  what: string;
  from: string | null;
  to: string | null;
}

function keyed(view: StateView | null): Map<string, { what: string; text: string }> {
  const m = new Map<string, { what: string; text: string }>();
  if (!view) return m;
  for (const e of view.entries) {
    m.set(`entry:${e.index}`, { what: `entry 0x${e.index.toString(16)}`, text: `${e.value}${e.locked ? ' (locked)' : ''}` });
  }
  for (const q of view.waitqueues) {
    m.set(`wq:${q.key}`, { what: `waitqueue ${q.key}`, text: q.waiters.length ? q.waiters.join(', ') : 'empty' });
  }
  for (const l of view.locks) m.set(`lock:${l.name}`, { what: l.name, text: l.holder ?? 'free' });
  for (const t of view.threads) m.set(`thread:${t.name}`, { what: t.name, text: t.status });
  for (const [k, v] of Object.entries(view.other)) m.set(`other:${k}`, { what: k, text: String(v) });
  return m;
}

/** Objects whose value differs between two states; null `before` means the initial state. */
export function stateChanges(before: StateView | null, after: StateView): Change[] {
  if (!before) return [];
  const a = keyed(before);
  const b = keyed(after);
  const out: Change[] = [];
  for (const [id, now] of b) {
    const was = a.get(id);
    if (!was || was.text !== now.text) out.push({ id, what: now.what, from: was?.text ?? null, to: now.text });
  }
  for (const [id, was] of a) if (!b.has(id)) out.push({ id, what: was.what, from: was.text, to: null });
  return out;
}

/** One node of the state tree: a variable of the model, or a part of one. */
export interface StateNode {
  /** Stable across steps (the same object at every step has the same id): expansion is kept by it. */
  id: string;
  label: string;
  /** The value shown beside the label; a node with children shows a summary of them. */
  value: string;
  /** Set when this node's own value changed at this step: what it was (null: it is new). */
  was?: string | null;
  /** This node's value, or the value of a node below it, changed at this step. */
  changed: boolean;
  children: StateNode[];
}

interface Shape {
  id: string;
  label: string;
  value: string;
  children?: Shape[];
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function leaf(parent: string, label: string, value: string): Shape {
  return { id: `${parent}/${label}`, label, value };
}

function entryShape(e: StateView['entries'][number]): Shape {
  const id = `entry:${e.index}`;
  return {
    id, label: hex(e.index),
    value: `${e.value}${e.locked ? ' · locked' : ''}`,
    children: [leaf(id, 'value', e.value), leaf(id, 'locked', e.locked ? 'yes' : 'no'), leaf(id, 'order', String(e.order))],
  };
}

function queueShape(q: StateView['waitqueues'][number]): Shape {
  const id = `wq:${q.key}`;
  const waiters: Shape = {
    id: `${id}/waiters`, label: 'waiters', value: q.waiters.length ? q.waiters.join(', ') : 'empty',
    children: q.waiters.map((w, i) => leaf(`${id}/waiters`, String(i), w)),
  };
  const children = [waiters];
  if (q.lastWake) children.push(leaf(id, 'last wake', q.lastWake));
  return { id, label: q.key, value: `${waiters.value}${q.lastWake ? ` · last wake ${q.lastWake}` : ''}`, children };
}

function threadShape(t: StateView['threads'][number]): Shape {
  const id = `thread:${t.name}`;
  return { id, label: t.name, value: `${t.status} at ${t.at}`, children: [leaf(id, 'status', t.status), leaf(id, 'at', t.at)] };
}

/** `other` keys that share a first word ("pte 0x200", "pte 0x201") are one variable with parts. */
function otherShapes(other: StateView['other']): Shape[] {
  const byWord = new Map<string, [string, string][]>();
  for (const [k, v] of Object.entries(other)) {
    const word = /^(\S+) \S/.exec(k)?.[1] ?? k;
    byWord.set(word, [...(byWord.get(word) ?? []), [k, String(v)]]);
  }
  const out: Shape[] = [];
  for (const [word, items] of byWord) {
    if (items.length === 1) {
      out.push({ id: `other:${items[0][0]}`, label: items[0][0], value: items[0][1] });
      continue;
    }
    const id = `others:${word}`;
    out.push({
      id, label: word, value: `${items.length}`,
      children: items.map(([k, v]) => ({ id: `other:${k}`, label: k.slice(word.length + 1), value: v })),
    });
  }
  return out;
}

function group(id: string, shapes: Shape[]): Shape {
  return { id, label: id, value: String(shapes.length), children: shapes };
}

/** The state as the tree shows it before it is compared with the state before. */
function shapes(view: StateView): Shape[] {
  const out = [
    group('entries', view.entries.map(entryShape)),
    group('waitqueues', view.waitqueues.map(queueShape)),
    group('locks', view.locks.map((l) => ({ id: `lock:${l.name}`, label: l.name, value: l.holder ?? 'free' }))),
    group('threads', view.threads.map(threadShape)),
  ];
  const other = otherShapes(view.other);
  if (other.length) out.push(group('other', other));
  return out;
}

function index(list: Shape[], into = new Map<string, string>()): Map<string, string> {
  for (const s of list) {
    into.set(s.id, s.value);
    index(s.children ?? [], into);
  }
  return into;
}

function compare(s: Shape, before: Map<string, string> | null): StateNode {
  const children = (s.children ?? []).map((c) => compare(c, before));
  const node: StateNode = { id: s.id, label: s.label, value: s.value, changed: children.some((c) => c.changed), children };
  // A node with parts summarises them, so a part removed still shows as its summary changing.
  if (before) {
    const was = before.get(s.id);
    if (was !== s.value) {
      node.was = was ?? null;
      node.changed = true;
    }
  }
  return node;
}

/**
 * The state at a step as a tree: the groups of variables (entries, waitqueues, locks,
 * threads, other), each variable a node, its parts below it. A node is changed when its
 * value (a summary, for a node with parts) differs from the state before, or it is new, or
 * anything below it changed.
 * Null `before`: the initial state, where nothing is marked.
 */
export function stateTree(before: StateView | null, now: StateView): StateNode[] {
  const was = before ? index(shapes(before)) : null;
  return shapes(now).map((s) => compare(s, was));
}

/** The tree cut to what changed, and the nodes on the way to it. Groups stay, empty or not. */
export function changedOnly(tree: StateNode[]): StateNode[] {
  const keep = (n: StateNode): StateNode | null => {
    if (!n.changed) return null;
    return { ...n, children: n.children.map(keep).filter((c): c is StateNode => c !== null) };
  };
  return tree.map((g) => ({ ...g, children: g.children.map(keep).filter((c): c is StateNode => c !== null) }));
}
