// The state view as a vscode-tree: one item per node of stateTree(), values changed at the
// step highlighted, what the reviewer opened and closed kept from step to step by node id.
// Every value is model text and goes in with textContent.
import '@vscode-elements/elements/dist/vscode-tree/index.js';
import '@vscode-elements/elements/dist/vscode-tree-item/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { StateNode } from './state';

type VscodeTreeItem = HTMLElementTagNameMap['vscode-tree-item'];

/** Nodes the reviewer opened (true) or closed (false); a node not in it opens by depth. */
export type Opened = Map<string, boolean>;

function span(cls: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  return s;
}

/** Groups open until closed; the variables in them stay closed until opened, except that a
 *  tree cut to what changed opens the way to every change. */
function openByDefault(n: StateNode, depth: number, cut: boolean): boolean {
  return depth === 0 || (cut && n.changed);
}

function countChanged(n: StateNode): number {
  return n.children.filter((c) => c.changed).length;
}

function item(n: StateNode, depth: number, opened: Opened, cut: boolean): VscodeTreeItem {
  const it = document.createElement('vscode-tree-item');
  it.dataset.id = n.id;
  if (n.changed) it.classList.add('changed');
  if (n.children.length && (opened.get(n.id) ?? openByDefault(n, depth, cut))) it.setAttribute('open', '');
  it.append(span('name', n.label));
  if (depth === 0) it.append(groupBadge(n));
  else labelValue(it, n);
  for (const c of n.children) it.append(item(c, depth + 1, opened, cut));
  return it;
}

/** A variable's value beside its name, and what it was when the step changed it. */
function labelValue(it: VscodeTreeItem, n: StateNode): void {
  it.append(span('value', n.value));
  const was = n.was === undefined ? '' : n.was === null ? 'new' : `was ${n.was}`;
  it.title = `${n.label}: ${n.value}${was ? ` (${was})` : ''}`;
  if (!was) return;
  it.classList.add('value-changed');
  const note = span('was', was);
  note.slot = 'description';
  it.append(note);
}

/** A group's count of variables (its value: the tree cut to what changed keeps it), and of
 *  those the step changed. */
function groupBadge(n: StateNode): HTMLElement {
  const badge = document.createElement('vscode-badge');
  badge.slot = 'decoration';
  const changed = countChanged(n);
  const count = n.was ? `${n.value}, was ${n.was}` : n.value;
  badge.textContent = changed ? `${changed} of ${count} changed` : count;
  badge.variant = changed || n.was ? 'default' : 'counter';
  return badge;
}

/** Draws the tree in `tree` (a vscode-tree), replacing what it showed; `cut`: the nodes are
 *  the tree cut to what changed. */
export function renderTree(tree: HTMLElement, nodes: StateNode[], opened: Opened, cut: boolean): void {
  tree.replaceChildren(...nodes.map((n) => item(n, 0, opened, cut)));
}

/**
 * Keeps `opened` in step with the items the reviewer opens and closes (by click or key):
 * the tree says so only through the items' reflected `open` attribute.
 */
export function trackOpened(tree: HTMLElement, opened: Opened, changed: () => void): void {
  new MutationObserver((records) => {
    let any = false;
    for (const r of records) {
      const it = r.target as HTMLElement;
      const id = it.dataset.id;
      if (!id || !it.isConnected || opened.get(id) === it.hasAttribute('open')) continue;
      opened.set(id, it.hasAttribute('open'));
      any = true;
    }
    if (any) changed();
  }).observe(tree, { subtree: true, attributes: true, attributeFilter: ['open'] });
}
