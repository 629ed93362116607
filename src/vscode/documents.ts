// The analysis of every open patch mail, kept current as it is edited: debounced, one
// request in flight per document, stale answers dropped. The language server reads the mail
// (its diagnostics, lenses, actions and hovers come from that read); this is its analysis as
// the extension's own features need it, asked of the server (daxReview/analyse).
import * as vscode from 'vscode';
import type { RemoteAnalysis } from '../editor/remote';
import type { Analysis, Simulation } from '../editor/jobs';
import type { OwnComment } from '../editor/review';
import { keyOf } from '../editor/jobs';
import { settings } from './settings';

export const LANGUAGE = 'dax-patch-mail';

export interface DocState {
  uri: vscode.Uri;
  /** The document version `analysis` was computed from. */
  version: number;
  analysis: Analysis | null;
  /** Set when the full check (with simulation) ran on this version. */
  checked: boolean;
  simulations: Map<string, Simulation>;
  /** Findings picked for the review reply, as `rule@line`. */
  reply: Set<string>;
  /** The reviewer's own comments: the pending review the drafted reply carries. */
  comments: OwnComment[];
  timer?: ReturnType<typeof setTimeout>;
  /** The read in flight; `again` asks it to read once more when it ends. */
  running: Promise<void> | null;
  again: boolean;
}

export function isPatchMailDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === LANGUAGE;
}

export class Documents implements vscode.Disposable {
  private readonly states = new Map<string, DocState>();
  private readonly changed = new vscode.EventEmitter<DocState>();
  readonly onDidChange = this.changed.event;
  private readonly told = new Set<string>();
  /** Drafted replies: mail the reviewer writes, not patch mail to review. */
  private readonly drafts = new Set<string>();
  /** The text of replies about to be opened, each claimed as a draft when its document opens. */
  private readonly coming: string[] = [];

  constructor(private readonly server: RemoteAnalysis, private readonly log: vscode.OutputChannel) {}

  state(uri: vscode.Uri): DocState {
    const k = uri.toString();
    let s = this.states.get(k);
    if (!s) {
      s = { uri, version: -1, analysis: null, checked: false, simulations: new Map(), reply: new Set(), comments: [], running: null, again: false };
      this.states.set(k, s);
    }
    return s;
  }

  peek(uri: vscode.Uri): DocState | undefined {
    return this.states.get(uri.toString());
  }

  forget(uri: vscode.Uri): void {
    const s = this.states.get(uri.toString());
    if (s?.timer) clearTimeout(s.timer);
    this.states.delete(uri.toString());
    this.drafts.delete(uri.toString());
  }

  /** A drafted reply keeps the mail colours but is not read as patch mail: what it had is cleared. */
  markDraft(uri: vscode.Uri): void {
    this.drafts.add(uri.toString());
    const s = this.state(uri);
    if (s.timer) clearTimeout(s.timer);
    s.timer = undefined;
    this.apply(s, s.version, { outline: { messages: [], diagnostics: [] }, review: null, notices: [] }, false);
  }

  isDraft(uri: vscode.Uri): boolean {
    return this.drafts.has(uri.toString());
  }

  /** A reply with this text is about to be opened: it is a draft from the moment it opens (the
   *  language server is never given it). */
  expectDraft(text: string): void {
    this.coming.push(text);
  }

  /** Whether a document is a drafted reply, claiming it as one if it is the reply expected. */
  isDraftDocument(doc: vscode.TextDocument): boolean {
    if (this.isDraft(doc.uri)) return true;
    const i = doc.isUntitled ? this.coming.indexOf(doc.getText()) : -1;
    if (i < 0) return false;
    this.coming.splice(i, 1);
    this.drafts.add(doc.uri.toString());
    return true;
  }

  /** Re-reads the document after the typing delay. */
  schedule(doc: vscode.TextDocument, delay = settings().delay): void {
    if (!isPatchMailDocument(doc) || this.isDraftDocument(doc)) return;
    const s = this.state(doc.uri);
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => { s.timer = undefined; void this.refresh(doc, true); }, delay);
  }

  /** The analysis of the document as it is now (reads it if it changed). */
  async current(doc: vscode.TextDocument): Promise<DocState> {
    const s = this.state(doc.uri);
    if ((s.analysis && s.version === doc.version) || this.isDraft(doc.uri)) return s;
    await this.refresh(doc);
    return s;
  }

  private refresh(doc: vscode.TextDocument, again = false): Promise<void> {
    const s = this.state(doc.uri);
    // A read in flight reads again by itself if the document changed meanwhile; a lens or a
    // command asking for the same version waits for it rather than reading it twice. Only a
    // scheduled read (an edit, a changed setting) asks for one more.
    if (s.running) { if (again) s.again = true; return s.running; }
    s.running = (async () => {
      try {
        do {
          s.again = false;
          const focus = vscode.window.visibleTextEditors.find((e) => e.document === doc)?.visibleRanges[0]?.start.line;
          const t0 = performance.now();
          let firstPart: number | null = null;
          let allFindings: number | null = null;
          const answer = await this.server.analyse(doc.uri.toString(), focus === undefined ? null : focus + 1, (part) => {
            const fresh = !doc.isClosed && doc.version === part.version;
            // Between the messages in view and every finding, the batches read come one by one:
            // merged (RemoteAnalysis), drawn once they are all in.
            const between = firstPart !== null && part.analysis.unfinished?.findings === true;
            firstPart ??= performance.now() - t0;
            if (fresh && !between) this.apply(s, part.version, part.analysis, part.checked);
            if (fresh && allFindings === null && !part.analysis.unfinished?.findings) {
              allFindings = performance.now() - t0;
              this.log.appendLine(`every finding of ${doc.uri.toString()} shown after ${allFindings.toFixed(0)} ms; binding the other messages to the model for their lenses`);
            }
          });
          if (doc.isClosed || this.isDraft(doc.uri)) return;
          if (doc.version !== answer.version) { s.again = true; continue; }
          const analysis = answer.analysis;
          this.apply(s, answer.version, analysis, answer.checked);
          // How long a read takes, for the reviewer who wonders (and for bench:editor).
          this.log.appendLine(readLine(doc, analysis, performance.now() - t0, firstPart, allFindings));
          // A read that gave way to another request before binding every message reads again:
          // what it bound is remembered, so this one binds the rest.
          if (analysis.unfinished?.coverage) s.again = true;
        } while (s.again);
      } catch (e) {
        this.log.appendLine(`analysis of ${doc.uri.toString()} failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        s.running = null;
      }
    })();
    return s.running;
  }

  apply(s: DocState, version: number, analysis: Analysis, checked: boolean): void {
    if (version !== s.version) s.simulations.clear();
    s.version = version;
    s.analysis = analysis;
    s.checked = checked;
    for (const n of analysis.notices) {
      if (this.told.has(n)) continue;
      this.told.add(n);
      this.log.appendLine(n);
    }
    this.changed.fire(s);
  }

  recordSimulation(s: DocState, sim: Simulation): void {
    s.simulations.set(keyOf(sim.key), sim);
    this.changed.fire(s);
  }

  dispose(): void {
    for (const s of this.states.values()) if (s.timer) clearTimeout(s.timer);
    this.changed.dispose();
  }
}

/** What a read took: to the messages in view, to every finding, to the end (their lenses' coverage). */
function readLine(doc: vscode.TextDocument, a: Analysis, ms: number, inView: number | null, findings: number | null): string {
  const parts = [
    inView === null ? '' : `, the messages in view after ${inView.toFixed(0)} ms`,
    findings === null ? '' : `, every finding after ${findings.toFixed(0)} ms`,
    a.unfinished?.coverage ? `, ${a.unfinished.coverage} batches left to bind` : '',
  ].join('');
  return `read ${doc.uri.toString()}: ${doc.lineCount} lines, ${a.outline.messages.length} messages in ${ms.toFixed(0)} ms${parts}`;
}

export function fileOf(doc: vscode.TextDocument): string | null {
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.scheme === 'untitled' ? null : doc.uri.toString();
}
