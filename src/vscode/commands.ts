// The commands under 'DAX Review': each gathers its input in the editor and hands the work
// to the language server's workers; long jobs show progress and can be cancelled. The server's
// lenses and code actions name these commands, with the document's URI as a string first.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Cancelled, type JobHandle } from '../editor/errors';
import type { RemoteAnalysis } from '../editor/remote';
import type { DocState, Documents } from './documents';
import { LANGUAGE, fileOf } from './documents';
import { findingId, hunkAt, hunkFor, type ScenarioKey } from '../editor/view';
import type { Analysis, HunkKey, OutlineHunk, Simulation } from '../editor/jobs';
import type { Panel } from './panel';
import type { PanelModel, PanelResult, ThreadKind } from './protocol';
import { SECTION, settings } from './settings';
import type { Finding } from '../review/types';
import type { Verdict } from '../check/types';
import { placeSteps } from '../editor/trace';

interface FindingRef { rule: string; line: number }

/** A document as a command is given it: a Uri from the extension's own callers, the URI's
 *  string from the language server's lenses and code actions. */
type UriArg = vscode.Uri | string;

function asUri(u: UriArg | undefined): vscode.Uri | undefined {
  return typeof u === 'string' ? vscode.Uri.parse(u, true) : u;
}

export class Commands {
  private running: JobHandle<unknown> | null = null;
  /** The hunk the panel shows, for the panel's own Simulate button. */
  private shown: { uri: vscode.Uri; key: HunkKey } | null = null;

  constructor(
    private readonly client: RemoteAnalysis,
    private readonly docs: Documents,
    private readonly panel: Panel,
    private readonly log: vscode.OutputChannel,
  ) {}

  register(): vscode.Disposable[] {
    const c = (id: string, f: (...a: never[]) => unknown) => vscode.commands.registerCommand(`daxReview.${id}`, f);
    return [
      c('simulateHunk', (uri?: UriArg, key?: HunkKey) => this.simulateHunk(asUri(uri), key, { scenario: undefined, without: null, threads: null })),
      c('simulateWithout', (uri?: UriArg, key?: HunkKey, line?: number) => this.simulateWithout(asUri(uri), key, line)),
      c('simulateScenario', (uri?: UriArg, key?: ScenarioKey) => this.simulateScenario(asUri(uri), key)),
      c('checkPatchMail', (uri?: UriArg) => this.checkPatchMail(asUri(uri))),
      c('showTrace', (uri?: UriArg, ref?: FindingRef) => this.showTrace(asUri(uri), ref)),
      c('draftReply', (uri?: UriArg) => this.draftReply(asUri(uri))),
      c('addToReply', (uri?: UriArg, ref?: FindingRef) => this.addToReply(asUri(uri), ref)),
      c('openSeriesOverview', () => vscode.commands.executeCommand('daxReview.series.focus')),
      c('selectKernelTree', () => this.selectKernelTree()),
      c('openPanelBeside', () => this.panel.openBeside()),
      c('revealLine', (uri: vscode.Uri, line: number) => this.revealLine(uri, line)),
      c('nextStep', () => this.moveStep(1)),
      c('previousStep', () => this.moveStep(-1)),
      c('cancel', () => this.cancel()),
    ];
  }

  cancel(): void {
    this.running?.cancel();
  }

  /** The panel's Simulate and Run buttons: the hunk it shows, with the scenario picked and the threads composed there. */
  simulateShown(scenario: string | null, threads: string | null = null): void {
    if (this.shown) void this.simulateHunk(this.shown.uri, this.shown.key, { scenario, without: null, threads });
  }

  private kinds: ThreadKind[] | null = null;

  /** The thread kinds the panel offers for composing, asked of the worker once. */
  private async threadKinds(): Promise<ThreadKind[]> {
    this.kinds ??= await this.client.ask({ op: 'threadKinds', args: {} }).catch(() => null);
    return this.kinds ?? [];
  }

  private async document(uri?: vscode.Uri): Promise<vscode.TextDocument | null> {
    if (uri) return vscode.workspace.openTextDocument(uri);
    const e = vscode.window.activeTextEditor;
    if (e?.document.languageId === LANGUAGE) return e.document;
    const other = vscode.window.visibleTextEditors.find((x) => x.document.languageId === LANGUAGE);
    if (other) return other.document;
    void vscode.window.showWarningMessage('DAX Review: open a patch mail first.');
    return null;
  }

  private cursorLine(doc: vscode.TextDocument): number | null {
    const e = vscode.window.visibleTextEditors.find((x) => x.document === doc);
    return e ? e.selection.active.line + 1 : null;
  }

  private hunkFrom(doc: vscode.TextDocument, s: DocState, key?: HunkKey): OutlineHunk | null {
    const h = key ? hunkFor(s.analysis, key) : (() => {
      const line = this.cursorLine(doc);
      return line === null ? undefined : hunkAt(s.analysis, line);
    })();
    if (!h) {
      void vscode.window.showWarningMessage(key
        ? 'DAX Review: that hunk is no longer in the mail.'
        : 'DAX Review: put the cursor inside a hunk of the patch mail.');
      return null;
    }
    return h;
  }

  private async simulateWithout(uri?: vscode.Uri, key?: HunkKey, line?: number): Promise<void> {
    const doc = await this.document(uri);
    if (!doc) return;
    const at = line ?? this.cursorLine(doc);
    if (at === null) return;
    await this.simulateHunk(doc.uri, key, { scenario: undefined, without: at, threads: null });
  }

  async simulateHunk(uri: vscode.Uri | undefined, key: HunkKey | undefined, opt: { scenario: string | null | undefined; without: number | null; threads: string | null }): Promise<void> {
    const doc = await this.document(uri);
    if (!doc) return;
    const s = await this.docs.current(doc);
    const h = this.hunkFrom(doc, s, key);
    if (!h || !s.analysis) return;
    const text = doc.getText();
    const file = fileOf(doc);
    const hk = { message: h.message, hunk: h.hunk };
    this.shown = { uri: doc.uri, key: hk };
    const base = { ...this.modelFor(doc, s.analysis, h), threadKinds: await this.threadKinds() };
    let scenario = opt.scenario;
    let scenarios: string[] = [];
    try {
      scenarios = await this.client.ask({ op: 'scenarios', args: { text, file, key: hk } });
    } catch (e) {
      await this.failed(base, e);
      return;
    }
    if (scenario === undefined) {
      scenario = null;
      if (scenarios.length > 1 && !opt.threads) {
        const every = 'every scenario';
        const pick = await vscode.window.showQuickPick([every, ...scenarios], {
          title: `Simulate hunk ${h.hunk + 1}${h.function ? ` (${h.function})` : ''}`,
          placeHolder: 'Several scenarios exercise this hunk: which one?',
        });
        if (pick === undefined) return;
        scenario = pick === every ? null : pick;
      }
    }
    const cfg = settings();
    const what = (opt.without !== null ? ` without mail line ${opt.without}` : '') + (opt.threads ? ` with threads ${opt.threads}` : '');
    const model: PanelModel = { ...base, scenarios, scenario, threads: opt.threads, status: 'running', message: `simulating${what}${scenario ? ` in ${scenario}` : ''}…` };
    await this.panel.show(model);
    const sim = await this.runJob(`DAX Review: simulating hunk ${h.hunk + 1}${what}`, model, () => this.client.job({
      op: 'simulate',
      args: { text, file, key: hk, scenario, threads: opt.threads, without: opt.without, tree: cfg.tree, budget: cfg.budget },
    }, (t) => this.progress(t)));
    if (!sim) return;
    if (doc.version === s.version) this.docs.recordSimulation(s, sim);
    await this.panel.show(this.withSimulation(model, sim, opt.without, h), false);
  }

  private progressReport: ((t: string) => void) | null = null;

  private progress(text: string): void {
    this.progressReport?.(text);
    this.panel.progress(text);
  }

  /** Runs a job under a cancellable progress notification; null when cancelled, past its deadline or failed. */
  private async runJob<T>(title: string, model: PanelModel | null, start: () => JobHandle<T>): Promise<T | null> {
    this.running?.cancel();
    const deadlineMs = settings().deadlineMs;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const job = start();
      this.running = job as JobHandle<unknown>;
      this.progressReport = (t) => progress.report({ message: t });
      const sub = token.onCancellationRequested(() => job.cancel());
      let late = false;
      const timer = setTimeout(() => { late = true; job.cancel(); }, deadlineMs);
      try {
        return await job.result;
      } catch (e) {
        if (e instanceof Cancelled) {
          const why = late ? `cancelled: past the deadline of ${deadlineMs / 1000} s (daxReview.jobDeadline)` : 'cancelled';
          if (model) await this.panel.show({ ...model, status: 'cancelled', message: why }, false);
          if (late) void vscode.window.showWarningMessage(`DAX Review: ${title.replace(/^DAX Review: /, '')} ${why}`);
          return null;
        }
        if (model) await this.failed(model, e);
        else void vscode.window.showErrorMessage(`DAX Review: ${message(e)}`);
        return null;
      } finally {
        clearTimeout(timer);
        sub.dispose();
        if (this.running === job) { this.running = null; this.progressReport = null; }
      }
    });
  }

  private async failed(model: PanelModel, e: unknown): Promise<void> {
    const m = message(e);
    this.log.appendLine(m);
    await this.panel.show({ ...model, status: 'error', message: m.split('\n')[0] }, true);
    void vscode.window.showErrorMessage(`DAX Review: ${m.split('\n')[0]}`);
  }

  private modelFor(doc: vscode.TextDocument, a: Analysis, h: OutlineHunk): PanelModel {
    const msg = a.outline.messages[h.message];
    return {
      document: doc.uri.toString(),
      subject: msg?.subject ?? '',
      hunk: { id: h.hunk, path: h.path, function: h.function, mailLines: h.mailLines, lines: h.lines },
      scenarios: [],
      scenario: null,
      results: [],
      coverage: a.review?.coverage[`${h.message}:${h.hunk}`] ?? null,
      trace: null,
      selected: null,
      status: 'idle',
      message: '',
    };
  }

  /** A scenario of the model's own, for a function the prose of a message without hunks names:
   *  the one the lens offers, or one the reviewer picks among those the prose's functions have. */
  private async simulateScenario(uri?: vscode.Uri, key?: ScenarioKey): Promise<void> {
    const doc = await this.document(uri);
    if (!doc) return;
    const s = await this.docs.current(doc);
    let scenario = key?.scenario;
    if (!scenario) {
      const offered = [...new Set((s.analysis?.outline.symbols ?? []).flatMap((p) => p.scenarios))];
      if (!offered.length) { void vscode.window.showInformationMessage('DAX Review: this mail names no function the model runs outside its hunks.'); return; }
      scenario = await vscode.window.showQuickPick(offered, { title: 'Simulate a scenario of the model', placeHolder: 'Scenarios that run the functions this mail names' });
      if (!scenario) return;
    }
    const named = (s.analysis?.outline.symbols ?? []).filter((p) => p.scenarios.includes(scenario!)).map((p) => `${p.symbol}()`);
    const base: PanelModel = {
      document: doc.uri.toString(), subject: `scenario ${scenario}${named.length ? `: runs ${named.join(', ')}` : ''}`, hunk: null,
      scenarios: [scenario], scenario, results: [], coverage: null, era: null, trace: null, selected: null,
      status: 'running', message: `running ${scenario} in the model…`,
    };
    await this.panel.show(base);
    const cfg = settings();
    const run = await this.runJob(`DAX Review: running scenario ${scenario}`, base, () => this.client.job({ op: 'runScenario', args: { scenario: scenario!, budget: cfg.budget } }, (t) => this.progress(t)));
    if (!run) return;
    const v = run.verdict;
    const summary = v.verdict === 'ok' ? 'clean' : v.verdict === 'violation' ? v.violations.map((x) => x.kind).join(', ') : 'not decided within the budget (raise daxReview.budget)';
    await this.panel.show({
      ...base, era: run.era, status: 'done',
      results: [{ scenario, pre: null, post: v, summary }],
      selected: v.violations.length ? { scenario, side: 'post', violation: 0 } : null,
      message: `the model's ${run.era}, its own functions: ${summary} (${v.states} states)`,
    }, false);
  }

  private withSimulation(model: PanelModel, sim: Simulation, without: number | null, h: OutlineHunk): PanelModel {
    const results: PanelResult[] = sim.verdicts.map((v) => ({ scenario: v.scenario, pre: placed(v.pre, h), post: placed(v.post, h)!, summary: v.summary }));
    const count = (k: Verdict['verdict']) => results.filter((r) => r.post.verdict === k).length;
    const head = without !== null ? `without mail line ${without}: ` : '';
    const parts = [
      count('violation') && `${count('violation')} of ${results.length} scenarios break`,
      count('bounded') && `${count('bounded')} ran out of budget (raise daxReview.budget)`,
      count('ok') && `${count('ok')} clean`,
    ].filter(Boolean);
    return {
      ...model,
      results,
      coverage: sim.coverage ?? model.coverage,
      era: sim.era ?? null,
      status: 'done',
      message: `${head}${results.length ? parts.join(', ')
        : 'no scenario exercises this hunk'}`,
    };
  }

  private async checkPatchMail(uri?: vscode.Uri): Promise<void> {
    const doc = await this.document(uri);
    if (!doc) return;
    const s = this.docs.state(doc.uri);
    const version = doc.version;
    const cfg = settings();
    // The server makes the check's findings the document's diagnostics while it is at this version.
    const a = await this.runJob('DAX Review: checking the patch mail', null, () => this.client.job({
      // The review stops its own searches a little before the job's deadline, and says which.
      op: 'check', args: { text: doc.getText(), file: fileOf(doc), rules: cfg.rules, tree: cfg.tree, budget: cfg.budget, deadlineMs: cfg.deadlineMs * 0.9 },
    }, (t) => this.progress(t), { uri: doc.uri.toString(), version }));
    if (!a) return;
    if (doc.version === version) this.docs.apply(s, version, a, true);
    const n = a.review?.findings.length;
    const open = new Set((a.review?.bounded ?? []).map((b) => b.hunk)).size;
    void vscode.window.showInformationMessage(n === undefined
      ? `DAX Review: ${a.notices.join(' ')}`
      : `DAX Review: ${n} finding${n === 1 ? '' : 's'} in ${path.basename(doc.fileName)}${open ? `; ${open} hunk${open === 1 ? '' : 's'} not decided within the budget` : ''}.`);
  }

  private async findingAt(uri?: vscode.Uri, ref?: FindingRef): Promise<{ doc: vscode.TextDocument; s: DocState; f: Finding } | null> {
    const doc = await this.document(uri);
    if (!doc) return null;
    const s = await this.docs.current(doc);
    const all = s.analysis?.review?.findings ?? [];
    const line = ref?.line ?? this.cursorLine(doc);
    const f = ref
      ? all.find((x) => x.rule === ref.rule && x.line === ref.line)
      : all.filter((x) => line !== null && line >= x.line && line <= x.endLine).sort((a, b) => Number(!!b.trace) - Number(!!a.trace))[0];
    return f ? { doc, s, f } : null;
  }

  private async showTrace(uri?: vscode.Uri, ref?: FindingRef): Promise<void> {
    const hit = await this.findingAt(uri, ref);
    if (hit?.f.trace && hit.s.analysis) {
      const h = hunkAt(hit.s.analysis, hit.f.line);
      const base = h ? this.modelFor(hit.doc, hit.s.analysis, h) : { ...this.panel.current(), document: hit.doc.uri.toString(), hunk: null, results: [] };
      if (h) this.shown = { uri: hit.doc.uri, key: { message: h.message, hunk: h.hunk } };
      const trace = placeSteps(hit.f.trace, h ?? null);
      await this.panel.show({ ...base, trace: { title: `${hit.f.rule}: ${hit.f.message}`, trace }, status: 'done', message: `evidence: ${hit.f.evidence}` });
      return;
    }
    const current = this.panel.current();
    if (current.trace || current.results.some((r) => r.post.violations.length || r.pre?.violations.length)) {
      await this.panel.show(current);
      return;
    }
    void vscode.window.showInformationMessage('DAX Review: no counterexample here. Simulate the hunk, or put the cursor on a finding that has one.');
  }

  private async addToReply(uri?: vscode.Uri, ref?: FindingRef): Promise<void> {
    const hit = await this.findingAt(uri, ref);
    if (!hit) { void vscode.window.showInformationMessage('DAX Review: no finding at the cursor.'); return; }
    hit.s.reply.add(findingId(hit.f));
    void vscode.window.showInformationMessage(`DAX Review: ${hit.s.reply.size} finding${hit.s.reply.size === 1 ? '' : 's'} picked for the reply.`, 'Draft Review Reply')
      .then((x) => { if (x) void this.draftReply(hit.doc.uri); });
  }

  private async draftReply(uri?: vscode.Uri): Promise<void> {
    const doc = await this.document(uri);
    if (!doc) return;
    const s = await this.docs.current(doc);
    const only = s.reply.size
      ? (s.analysis?.review?.findings ?? []).filter((f) => s.reply.has(findingId(f))).map((f) => ({ rule: f.rule, line: f.line }))
      : null;
    const cfg = settings();
    const findings = s.checked && s.analysis?.review ? s.analysis.review.findings : null;
    const text = await this.runJob('DAX Review: drafting the review reply', null, () => this.client.job({
      op: 'reply', args: { text: doc.getText(), file: fileOf(doc), findings, only, comments: s.comments, tree: cfg.tree, budget: cfg.budget, deadlineMs: cfg.deadlineMs * 0.9 },
    }, (t) => this.progress(t)));
    if (text === null) return;
    this.docs.expectDraft(text);
    const reply = await vscode.workspace.openTextDocument({ language: LANGUAGE, content: text });
    this.docs.markDraft(reply.uri);
    await vscode.window.showTextDocument(reply, { viewColumn: vscode.ViewColumn.Beside });
  }

  private async selectKernelTree(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
      title: 'Kernel tree (a checkout holding fs/dax.c)', openLabel: 'Use this kernel tree',
    });
    const dir = picked?.[0];
    if (!dir) return;
    if (!existsSync(path.join(dir.fsPath, 'fs', 'dax.c'))) {
      const go = await vscode.window.showWarningMessage(`${dir.fsPath} holds no fs/dax.c.`, 'Use it anyway');
      if (!go) return;
    }
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration(SECTION).update('kernelTree', dir.fsPath, target);
    void vscode.window.showInformationMessage(`DAX Review: kernel tree ${dir.fsPath}`);
  }

  private async revealLine(uri: vscode.Uri, line: number): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const e = await vscode.window.showTextDocument(doc, { preserveFocus: false });
    const p = new vscode.Position(Math.min(Math.max(line - 1, 0), doc.lineCount - 1), 0);
    e.selection = new vscode.Selection(p, p);
    e.revealRange(new vscode.Range(p, p), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private moveStep(delta: number): void {
    const at = this.panel.lastStep?.index ?? 0;
    this.panel.step(Math.max(0, at + delta));
  }
}

/** A verdict whose traces point at the hunk's mail lines where they can. */
function placed(v: Verdict | null, h: OutlineHunk): Verdict | null {
  return v && { ...v, violations: v.violations.map((x) => ({ ...x, trace: placeSteps(x.trace, h) })) };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
