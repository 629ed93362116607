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
