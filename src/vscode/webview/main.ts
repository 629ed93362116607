// The DAX Review panel: the hunk, its scenarios, pre vs post verdicts and the counterexample
// as swimlanes, one column per thread, beside the state at the current step as a tree.
// Every string that came from a mail is put into the page with textContent, never parsed as HTML.
// The controls are @vscode-elements web components, bundled into this script.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-split-layout/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { HostToPanel, PanelModel, PanelResult, PanelToHost, TraceRef } from '../protocol';
import { selectedTrace } from '../protocol';
import type { Trace, TraceStep, Verdict } from '../../check/types';
import type { StateView } from '../../model/machine';
import { changedOnly, stateChanges, stateTree, type Change } from './state';
import { renderTree, trackOpened, type Opened } from './tree';
import { stepPlace, type StepPlace } from '../../editor/trace';

// The components' element types, which their modules declare on HTMLElementTagNameMap.
type VscodeButton = HTMLElementTagNameMap['vscode-button'];
type VscodeCheckbox = HTMLElementTagNameMap['vscode-checkbox'];
type VscodeTextfield = HTMLElementTagNameMap['vscode-textfield'];
type VscodeSplitLayout = HTMLElementTagNameMap['vscode-split-layout'];
type VscodeSingleSelect = HTMLElementTagNameMap['vscode-single-select'];

interface VsCodeApi {
  postMessage(message: PanelToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives the panel being hidden and shown again. */
interface Saved {
  model: PanelModel;
  index: number;
  traceKey: string;
  /** The state tree's filter and the nodes opened or closed in it. */
  changedOnly?: boolean;
  opened?: [string, boolean][];
}

// The swimlanes are a grid of our own rather than a vscode-table: the table builds every row
// (in Chromium 2,000 steps took 3.8 s and 20,000 took 29 s to show, against 3 s allowed for
// 20,000), sizes columns only in px, % or auto (no least width in em, which keeps every column
// in a 540 px column), and scrolls inside a scroller in its shadow root, out of reach of the
// windowing below and of keeping the current step in view.
const ROW = 24;          // px per swimlane row: fixed, so only the visible rows are built
const OVERSCAN = 8;

const vscode = acquireVsCodeApi();
let model: PanelModel | null = null;
let trace: Trace | null = null;
let traceKey = '';
/** The trace last drawn on this page (traceKey survives a reload, this does not). */
let shownKey = '';
let index = 0;
let progress = '';
/** State tree nodes the reviewer opened or closed: kept from step to step. */
const opened: Opened = new Map();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function byId(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`panel: #${id} missing`);
  return e;
}

const button = (id: string) => byId(id) as VscodeButton;
const field = (id: string) => byId(id) as VscodeTextfield;
const select = (id: string) => byId(id) as VscodeSingleSelect;

let saveTimer: ReturnType<typeof setTimeout> | undefined;

/** The state is the whole model: written at once for a new model, at most every 200 ms while stepping. */
function save(now = false): void {
  clearTimeout(saveTimer);
  const write = () => {
    if (!model) return;
    const changedOnly = (byId('changed-only') as VscodeCheckbox).checked;
    vscode.setState({ model, index, traceKey, changedOnly, opened: [...opened] } satisfies Saved);
  };
  if (now) write();
  else saveTimer = setTimeout(write, 200);
}

function keyOf(m: PanelModel, t: Trace | null): string {
  return JSON.stringify([m.document, m.hunk?.id ?? null, m.selected, m.trace?.title ?? null, t?.steps.length ?? 0]);
}

function show(m: PanelModel, keepIndex?: number): void {
  model = m;
  const picked = selectedTrace(m);
  const key = keyOf(m, picked?.trace ?? null);
  trace = picked?.trace ?? null;
  if (keepIndex !== undefined) index = keepIndex;
  else if (key !== traceKey) index = 0;
  traceKey = key;
  if (trace) index = Math.max(0, Math.min(index, trace.steps.length - 1));
  renderHead();
  renderHunk();
  renderResults();
  const fresh = key !== shownKey;
  shownKey = key;
  renderTrace(picked?.title ?? '');
  if (trace) reveal(index);
  // A new counterexample brings the swimlanes to the top of the panel, so a short panel shows them.
  if (trace && fresh) byId('trace').scrollIntoView({ block: 'start' });
  save(true);
}

/** Scrolls the swimlanes so that a step's row is in view (the page too, if they are not). */
function reveal(i: number): void {
  const lanes = byId('lanes');
  const top = i * ROW;
  if (top < lanes.scrollTop) lanes.scrollTop = top;
  else if (top + ROW > lanes.scrollTop + lanes.clientHeight) lanes.scrollTop = top + ROW - lanes.clientHeight;
  renderRows();
}

function renderHead(): void {
  const m = model!;
  byId('subject').textContent = m.subject || '(no subject)';
  const h = m.hunk;
  byId('where').textContent = h
    ? `hunk ${h.id + 1}: ${h.path ?? 'unknown file'}${h.function ? ` · ${h.function}()` : ''} · mail lines ${h.mailLines[0]}–${h.mailLines[1]}`
    : m.results.length ? `the model's own functions${m.era ? ` (${m.era})` : ''}: no hunk` : 'no hunk selected';
  const status = byId('status');
  status.className = `status ${m.status}`;
  status.textContent = m.status === 'running' ? (progress || m.message || 'simulating…') : m.message;
  const cov = byId('coverage');
  cov.textContent = m.coverage
    ? `model covers ${m.coverage.executed}/${m.coverage.changed} changed lines${m.era ? ` · run against fs/dax.c of the ${m.era.replace(' ', ' era, ')}` : ''}`
    : '';
  const scenarios = [{ value: '', label: 'every scenario' }, ...m.scenarios.map((s) => ({ value: s, label: s }))];
  fillSelect(select('scenario'), scenarios, m.scenario !== null && m.scenarios.includes(m.scenario) ? m.scenario : '');
  button('simulate').disabled = !m.hunk || m.status === 'running';
  renderCompose(m);
  byId('cancel').hidden = m.status !== 'running';
}

/** The thread composer: kinds to pick from, and the threads last run (kept while typing). */
function renderCompose(m: PanelModel): void {
  const kinds = m.threadKinds ?? [];
  const was = select('thread-kind').value;
  const options = kinds.map((k) => ({ value: k.kind, label: k.kind, description: k.doc }));
  fillSelect(select('thread-kind'), options, kinds.some((k) => k.kind === was) ? was : kinds[0]?.kind ?? '');
  const input = field('threads');
  if (m.threads && document.activeElement !== input) input.value = m.threads;
  const busy = !m.hunk || m.status === 'running';
  button('run-threads').disabled = busy;
  button('add-thread').disabled = !kinds.length;
}

interface Choice {
  value: string;
  label: string;
  /** Shown under the list while the option is the active one. */
  description?: string;
}

/**
 * Gives a select its options with `picked` selected. The options are built again only when
 * they differ (the header is drawn again on every progress report, and a list open in the
 * reviewer's hands would close); the option picked goes in as the `selected` attribute,
 * which the select reads when it takes the new options.
 */
function fillSelect(s: VscodeSingleSelect, choices: Choice[], picked: string): void {
  const key = JSON.stringify(choices);
  if (s.dataset.choices === key) {
    if (s.value !== picked) s.value = picked;
    return;
  }
  s.dataset.choices = key;
  s.replaceChildren(...choices.map((c) => {
    const o = document.createElement('vscode-option');
    o.setAttribute('value', c.value);
    o.textContent = c.label;
    if (c.description) o.description = c.description;
    if (c.value === picked) o.setAttribute('selected', '');
    return o;
  }));
}

function addThread(): void {
  const kind = select('thread-kind').value;
  const at = field('thread-index').value.trim();
  if (!kind || !at) return;
  const input = field('threads');
  const list = input.value.split(',').map((t) => t.trim()).filter(Boolean);
  list.push(`${kind}@${at}`);
  input.value = list.join(',');
}

function runThreads(): void {
  const threads = field('threads').value.trim();
  if (!threads) { field('threads').focus(); return; }
  const s = select('scenario').value;
  vscode.postMessage({ type: 'simulate', scenario: s || null, threads });
}

function renderHunk(): void {
  const pre = byId('hunk');
  pre.replaceChildren();
  const h = model!.hunk;
  if (!h) return;
  const current = trace?.steps[index]?.source?.mailLine ?? null;
  for (const l of h.lines) {
    const row = el('div', `hl op${l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'ctx'}`);
    row.dataset.mailLine = String(l.mailLine);
    if (l.mailLine === current) row.classList.add('current');
    row.append(el('span', 'ln', String(l.mailLine)), el('span', 'op', l.op), el('span', 'code', l.text));
    pre.append(row);
  }
}

function verdictText(v: Verdict | null): string {
  // No pre-image: the hunk adds the function, or (no hunk) the model ran its own functions.
  if (!v) return model?.hunk ? 'not modelled' : 'no patch';
  if (v.verdict === 'ok') return 'ok';
  if (v.verdict === 'bounded') return `bounded (${v.covered?.reason ?? 'budget'})`;
  return v.violations.map((x) => x.kind).filter((k, i, a) => a.indexOf(k) === i).join(', ');
}

function statsText(v: Verdict | null): string {
  if (!v) return '';
  const red = v.reductions.length ? ` · ${v.reductions.join(', ')}` : '';
  return `${v.states} states · ${v.transitions} transitions · ${v.ms.toFixed(0)} ms${red}`;
}

function verdictCell(r: PanelResult, side: 'pre' | 'post'): HTMLTableCellElement {
  const v = side === 'pre' ? r.pre : r.post;
  const td = el('td', `verdict ${v?.verdict ?? 'none'}`);
  td.append(el('div', 'v', verdictText(v)), el('div', 'stats', statsText(v)));
  v?.violations.forEach((x, i) => {
    const b = el('button', 'violation', `trace: ${x.message}`);
    b.title = x.message;
    const ref: TraceRef = { scenario: r.scenario, side, violation: i };
    if (JSON.stringify(model!.selected) === JSON.stringify(ref)) b.classList.add('selected');
    b.addEventListener('click', () => show({ ...model!, trace: null, selected: ref }));
    td.append(b);
  });
  return td;
}

function renderResults(): void {
  const body = byId('results-body');
  body.replaceChildren();
  const results = model!.results;
  byId('results').hidden = results.length === 0;
  for (const r of results) {
    const tr = el('tr');
    tr.append(el('td', 'scenario', r.scenario), verdictCell(r, 'pre'), verdictCell(r, 'post'), el('td', 'summary', r.summary));
    body.append(tr);
  }
}

function renderTrace(title: string): void {
  const section = byId('trace');
  const wasHidden = section.hidden;
  section.hidden = !trace;
  if (!trace) return;
  layoutSplit(wasHidden);
  byId('trace-title').textContent = title;
  byId('trace-title').title = title;
  const head = byId('lanes-head');
  head.replaceChildren(el('div', 'cell num', '#'));
  head.style.gridTemplateColumns = columns(trace);
  for (const t of trace.threads) {
    const cell = el('div', 'cell thread', t);
    cell.title = t;
    head.append(cell);
  }
  byId('spacer').style.height = `${trace.steps.length * ROW}px`;
  renderRows();
  renderStep(false);
}

/** Narrower than this (a column beside the editor), the state tree goes under the swimlanes;
 *  wider (the bottom panel, short and wide), beside them, so the lanes keep the height. */
const STACK_BELOW = 720;
/** Whether the split was last laid out stacked; null before it was laid out at all. */
let stacked: boolean | null = null;

/** Most of the width for the lanes beside the tree; in a column, a little over half the height. */
function layoutSplit(force: boolean): void {
  if (!trace || byId('trace').hidden) return;
  const narrow = document.documentElement.clientWidth < STACK_BELOW;
  const split = byId('split') as VscodeSplitLayout;
  // The lanes' least width depends on the trace's threads: set for every trace shown.
  split.minStart = `${narrow ? LANES_MIN_HEIGHT : lanesMinWidth(trace)}px`;
  split.minEnd = narrow ? '120px' : '180px';
  if (narrow === stacked && !force) return;
  stacked = narrow;
  byId('trace').classList.toggle('stacked', narrow);
  split.split = narrow ? 'horizontal' : 'vertical';
  split.handlePosition = narrow ? '55%' : '60%';
}

/** The head and eight rows: the least the swimlanes show. */
const LANES_MIN_HEIGHT = 22 + 8 * ROW + 2;

/** The width at which every column of `columns()` still has its least width. */
function lanesMinWidth(t: Trace): number {
  const em = parseFloat(getComputedStyle(byId('lanes')).fontSize) || 13;
  return Math.ceil((2.5 + 7.5 * Math.max(1, t.threads.length)) * em) + 2;
}

/** Every thread's column fits beside the editor (540 px holds four); wider panels share the rest. */
function columns(t: Trace): string {
  return `2.5em repeat(${Math.max(1, t.threads.length)}, minmax(7.5em, 1fr))`;
}

/** Builds only the rows in view (plus a margin): a trace of any length scrolls at the same cost. */
/** What the rows on show were built for: a scroll that keeps it (the one after reveal()) keeps them. */
let rowsKey = '';

function renderRows(): void {
  if (!trace) return;
  const lanes = byId('lanes');
  const spacer = byId('spacer');
  const first = Math.max(0, Math.floor(lanes.scrollTop / ROW) - OVERSCAN);
  const last = Math.min(trace.steps.length, Math.ceil((lanes.scrollTop + lanes.clientHeight) / ROW) + OVERSCAN);
  const cols = columns(trace);
  const key = `${traceKey}|${first}|${last}|${index}|${cols}`;
  if (key === rowsKey && spacer.childElementCount === last - first) return;
  rowsKey = key;
  const rows: HTMLElement[] = [];
  for (let i = first; i < last; i++) rows.push(stepRow(trace.steps[i], i, cols));
  spacer.replaceChildren(...rows);
}

function stepRow(s: TraceStep, i: number, cols: string): HTMLElement {
  const row = el('div', i === index ? 'row current' : 'row');
  row.style.top = `${i * ROW}px`;
  row.style.gridTemplateColumns = cols;
  row.dataset.index = String(i);
  row.append(el('div', 'cell num', String(i + 1)));
  for (let t = 0; t < trace!.threads.length; t++) {
    const cell = el('div', t === s.thread ? 'cell step' : 'cell');
    if (t === s.thread) {
      const label = el('div', 'label', s.label);
      const note = el('div', 'note', [s.choice ? `[${s.choice}]` : '', s.note].filter(Boolean).join(' '));
      cell.title = [s.function, s.label, s.note, placeText(stepPlace(s))].filter(Boolean).join('\n');
      cell.append(label, note);
    }
    row.append(cell);
  }
  row.addEventListener('click', () => go(i));
  return row;
}

function renderStep(notify: boolean): void {
  if (!trace) return;
  const s = trace.steps[index];
  byId('position').textContent = trace.steps.length ? `step ${index + 1} of ${trace.steps.length}` : 'no steps';
  for (const r of Array.from(byId('spacer').children) as HTMLElement[]) {
    r.classList.toggle('current', Number(r.dataset.index) === index);
  }
  // A step inside a helper the mail does not show stands at the mail line that calls it.
  const place = s ? stepPlace(s) : null;
  const mailLine = place?.line ?? null;
  for (const r of Array.from(byId('hunk').children) as HTMLElement[]) {
    r.classList.toggle('current', mailLine !== null && Number(r.dataset.mailLine) === mailLine);
  }
  byId('step-detail').textContent = s
    ? `${trace.threads[s.thread] ?? s.threadName} in ${s.function}: ${s.label}${s.note ? ` — ${s.note}` : ''}${place ? ` (${placeText(place)})` : ''}`
    : '';
  renderState(s?.after ?? null, index > 0 ? trace.steps[index - 1].after ?? null : null, s?.note ?? '');
  if (notify && model) vscode.postMessage({ type: 'step', document: model.document, index, mailLine });
}

/** Where a step is in the mail, in words: its line, or the line that calls the helper it runs in. */
function placeText(p: StepPlace | null): string {
  if (!p) return '';
  return p.calls ? `in ${p.calls}(), called at mail line ${p.line}` : `mail line ${p.line}`;
}

/** `note`: what the step says it did; the first step has no state before it to compare with. */
function renderState(now: StateView | null, before: StateView | null, note: string): void {
  const list = byId('changes');
  const tree = byId('state-tree');
  tree.hidden = !now;
  if (!now) {
    list.replaceChildren(el('p', 'muted', 'The trace carries no state for this step.'));
    renderTree(tree, [], opened, false);
    return;
  }
  renderChanges(list, stateChanges(before, now), before !== null, note);
  const nodes = stateTree(before, now);
  const cut = (byId('changed-only') as VscodeCheckbox).checked;
  renderTree(tree, cut ? changedOnly(nodes) : nodes, opened, cut);
}

/** What this step changed, in a line each: the step's own note for the first step. */
function renderChanges(list: HTMLElement, changes: Change[], hasBefore: boolean, note: string): void {
  list.replaceChildren(el('h4', undefined, 'this step changed'));
  if (!hasBefore && note) list.append(el('div', 'item changed', note));
  else if (!changes.length) list.append(el('div', 'item muted', hasBefore ? 'nothing visible' : 'initial state'));
  for (const c of changes) list.append(changeItem(c));
}

function changeItem(c: Change): HTMLElement {
  const d = el('div', 'item changed');
  d.append(el('span', 'what', c.what), el('span', 'from', c.from ?? '—'), el('span', 'arrow', ' → '), el('span', 'to', c.to ?? '—'));
  return d;
}

function go(i: number): void {
  if (!trace || !trace.steps.length) return;
  index = Math.max(0, Math.min(i, trace.steps.length - 1));
  // The step's state may change the layout (the tree under the lanes grows or shrinks): reveal after it.
  renderStep(true);
  reveal(index);
  save();
}

function onMessage(msg: HostToPanel): void {
  switch (msg.type) {
    case 'show':
      progress = '';
      show(msg.model);
      break;
    case 'progress':
      progress = msg.text;
      if (model) renderHead();
      break;
    case 'step':
      go(msg.index);
      break;
  }
}

function wire(): void {
  byId('first').addEventListener('click', () => go(0));
  byId('prev').addEventListener('click', () => go(index - 1));
  byId('next').addEventListener('click', () => go(index + 1));
  byId('last').addEventListener('click', () => go(Number.MAX_SAFE_INTEGER));
  trackOpened(byId('state-tree'), opened, () => save());
  byId('lanes').addEventListener('scroll', () => renderRows(), { passive: true });
  // A panel moved or resized, or a split that settles after a step, keeps the current row in view.
  new ResizeObserver(() => { if (trace) reveal(index); }).observe(byId('lanes'));
  byId('lanes').addEventListener('keydown', (e) => {
    const moves: Record<string, number> = { ArrowDown: index + 1, j: index + 1, ArrowUp: index - 1, k: index - 1, Home: 0, End: Number.MAX_SAFE_INTEGER };
    if (e.key in moves) {
      e.preventDefault();
      go(moves[e.key]);
    }
  });
  byId('simulate').addEventListener('click', () => {
    const s = select('scenario').value;
    vscode.postMessage({ type: 'simulate', scenario: s || null });
  });
  byId('cancel').addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
  byId('add-thread').addEventListener('click', addThread);
  byId('changed-only').addEventListener('change', () => { renderStep(false); save(); });
  byId('run-threads').addEventListener('click', runThreads);
  byId('threads').addEventListener('keydown', (e) => { if (e.key === 'Enter') runThreads(); });
  window.addEventListener('message', (e: MessageEvent<HostToPanel>) => onMessage(e.data));
  window.addEventListener('resize', () => layoutSplit(false));
  // The lanes change height with the panel and with the split's handle: the current step stays in view.
  new ResizeObserver(() => { if (trace) reveal(index); }).observe(byId('lanes'));
}

wire();
const saved = vscode.getState() as Saved | undefined;
if (saved?.model) {
  traceKey = saved.traceKey;
  (byId('changed-only') as VscodeCheckbox).checked = saved.changedOnly ?? false;
  for (const [id, open] of saved.opened ?? []) opened.set(id, open);
  show(saved.model, saved.index);
}
vscode.postMessage({ type: 'ready' });
