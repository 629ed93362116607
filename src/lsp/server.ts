// The language server: the analysis an editor shows, over the Language Server Protocol, for
// any editor that speaks it (Neovim, Emacs eglot, Helix, Kakoune, VS Code). It reads each
// open mail in the analysis worker as it is edited and publishes its findings as diagnostics;
// lenses, code actions and hovers are drawn from the same editor-neutral view as the VS Code
// extension's (src/editor/view.ts). Simulation, the full check and the reply run as commands,
// each in a worker of its own, cancellable. An editor with features of its own over the
// analysis (the VS Code extension's series tree, comment threads and trace panel) asks for it
// through the custom requests of src/editor/protocol.ts on the same connection.
import {
  CodeActionKind, DiagnosticSeverity, ErrorCodes, LSPErrorCodes, ProgressType, ResponseError, TextDocumentSyncKind, TextDocuments,
  WorkDoneProgress, type CancellationToken, type CodeAction, type CodeLens, type Connection, type Diagnostic, type InitializeParams,
  type InitializeResult, type Range,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { AnalysisClient, Cancelled, sharesFor, type JobHandle } from '../editor/client';
import type { Analysis, HunkKey, JobRequest, Simulation } from '../editor/jobs';
import { boundedLimits, type Limits } from '../editor/limits';
import {
  ASK_OPS, JOB_OPS, METHODS, type AnalyseAnswer, type AnalyseParams, type AskParams, type JobParams, type ProgressToken,
  type ServerOptions, type ViewParams, type WorkDone,
} from '../editor/protocol';
import { PartStore } from '../editor/parts';
import { placeSteps } from '../editor/trace';
import {
  ACTION_KINDS, actionsAt, diagnosticsData, findingFor, findingId, findingsAt, hoverAt, hunkAt, hunkFor, lensesData,
  swimlaneText, viewKey, type ActionData, type FindingRef, type Severity,
} from '../editor/view';
import type { Trace } from '../check/types';

/** The commands the server carries out (workspace/executeCommand). */
export const COMMANDS = {
  simulateHunk: 'daxReview.simulateHunk',
  simulateScenario: 'daxReview.simulateScenario',
  simulateWithout: 'daxReview.simulateWithout',
  showTrace: 'daxReview.showTrace',
  addToReply: 'daxReview.addToReply',
  check: 'daxReview.check',
  draftReply: 'daxReview.draftReply',
} as const;

/** Custom requests: a finding's counterexample, and the document as the core read it. */
export const REQUESTS = {
  trace: 'daxReview/trace',
  outline: 'daxReview/outline',
} as const;

export type { ServerOptions } from '../editor/protocol';

export interface TraceParams {
  textDocument: { uri: string };
  /** The finding, by rule and first mail line; else the finding at this position. */
  finding?: FindingRef;
  position?: { line: number; character: number };
}

export interface TraceResult {
  title: string;
  /** The finding the trace is of; null for a simulation's. */
  finding: FindingRef | null;
  trace: Trace;
  /** The trace as the thread table reviewers draw in mail. */
  swimlanes: string;
}

interface DocState {
  version: number;
  analysis: Analysis | null;
  checked: boolean;
  timer?: ReturnType<typeof setTimeout>;
  /** The read in flight: a read asked for meanwhile joins it. */
  reading: Promise<void> | null;
  /** The version the workers are reading, and how to tell them it is stale. */
  inFlight?: { version: number; abandon(): void } | null;
  /** The read `analysis` was merged from, batch by batch (null: a full check's, or none yet). */
  parts: PartStore | null;
  /** Who waits on the read in flight for its partial answers (daxReview/analyse). */
  partials: Set<Waiting>;
  /** The mail lines the client shows (daxReview/view), when it says: lenses are drawn for
   *  the messages in view, and a read starts from the first of them. */
  view: [number, number][] | null;
  /** A mail line the client last asked to be read first (daxReview/analyse), when it gives no view. */
  focus: number | null;
  /** Which messages were in view when the lenses were last drawn. */
  viewKey: string;
  reply: Set<string>;
  simulations: Map<string, Simulation>;
  /** The diagnostics last published, with the version they were published for. */
  published?: string;
}

/** A daxReview/analyse request waiting on a read, and what it was last sent of it. */
interface Waiting {
  /** The client merges deltas (AnalyseParams.deltas). */
  deltas: boolean;
  /** Sends a partial result; null: the request gave no partialResultToken. */
  send: ((a: AnalyseAnswer) => void) | null;
  /** The parts it was last sent from, and how far into them (PartStore.seq). */
  sent: { store: PartStore; seq: number } | null;
}

/** $/progress values carrying a large mailbox's analysis so far, or what changed of it. */
const PARTIAL_ANALYSIS = new ProgressType<AnalyseAnswer>();

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

function lineRange(doc: TextDocument, first: number, last: number): Range {
  const max = Math.max(doc.lineCount - 1, 0);
  const a = Math.min(Math.max(first - 1, 0), max);
  const b = Math.min(Math.max(last - 1, a), max);
  const end = doc.offsetAt({ line: b + 1, character: 0 }) - doc.offsetAt({ line: b, character: 0 });
  return { start: { line: a, character: 0 }, end: { line: b, character: b + 1 < doc.lineCount ? Math.max(end - 1, 0) : end } };
}

function fileOf(uri: string): string | null {
  try { return uri.startsWith('file:') ? fileURLToPath(uri) : uri; } catch { return uri; }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The share of a core a read's binding of the messages out of view takes (AnalyseArgs.background):
 *  the coverage of a large mailbox's far messages is not worth slowing the editor for (on two
 *  cores, bench:editor's workbench blocked a quarter less while a 1,000-message mailbox was bound). */
const BACKGROUND = 0.5;

export class MailServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly states = new Map<string, DocState>();
  private readonly client: AnalysisClient;
  private options: ServerOptions = {};
  private limits: Limits = boundedLimits({}, true);
  /** The client redraws lenses when asked (workspace/codeLens/refresh). */
  private lensRefresh = false;

  /** `dist`: the folder holding the analysis worker's bundle (analysis.js). */
  constructor(private readonly connection: Connection, dist: string) {
    this.client = new AnalysisClient(dist);
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((p) => this.initialize(p));
    // The worker starts and loads the parser while the client sends the first mail, which on
    // opening a large mailbox takes a while itself.
    c.onInitialized(() => { this.client.ask({ op: 'warm', args: {} }).catch(() => undefined); });
    c.onShutdown(() => this.client.dispose());
    this.documents.onDidChangeContent((e) => this.schedule(e.document));
    this.documents.onDidClose((e) => this.forget(e.document.uri));
    c.onCodeLens((p) => this.lenses(p.textDocument.uri));
    c.onCodeAction((p) => this.actions(p.textDocument.uri, p.range, p.context.diagnostics));
    c.onHover((p) => {
      const text = hoverAt(this.analysis(p.textDocument.uri), p.position.line + 1);
      return text ? { contents: { kind: 'markdown', value: text } } : null;
    });
    c.onExecuteCommand((p, token) => this.execute(p.command, p.arguments ?? [], token));
    c.onRequest(REQUESTS.trace, (p: TraceParams) => this.trace(p));
    c.onRequest(REQUESTS.outline, (p: { textDocument: { uri: string } }) => this.analysis(p.textDocument.uri)?.outline ?? null);
    c.onRequest(METHODS.analyse, (p: AnalyseParams) => this.analyseRequest(p));
    c.onRequest(METHODS.ask, (p: AskParams) => this.ask(p));
    c.onRequest(METHODS.job, (p: JobParams, token) => this.job(p, token));
    c.onNotification(METHODS.view, (p: ViewParams) => this.view(p));
    c.onDidChangeConfiguration((p) => this.configure((p.settings as { daxReview?: unknown } | null)?.daxReview));
    this.documents.listen(c);
    c.listen();
  }

  private initialize(p: InitializeParams): InitializeResult {
    this.lensRefresh = p.capabilities.workspace?.codeLens?.refreshSupport === true;
    this.setOptions(p.initializationOptions);
    return {
      capabilities: {
        // An edit sends what changed, not the whole mail: a mailbox runs to megabytes.
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: Object.values(ACTION_KINDS).map((k) => `${CodeActionKind.Empty}${k}`) },
        hoverProvider: true,
        ...(this.options.clientCommands === true ? {} : { executeCommandProvider: { commands: Object.values(COMMANDS) } }),
      },
      serverInfo: { name: 'dax-review' },
    };
  }

  private setOptions(raw: unknown): void {
    const o = typeof raw === 'object' && raw !== null ? raw as ServerOptions : {};
    // Whether the client runs the commands is a capability, answered once at initialize.
    this.options = { ...o, clientCommands: this.options.clientCommands ?? o.clientCommands };
    this.limits = boundedLimits({ maxStates: o.budget?.maxStates, maxMs: o.budget?.maxMs, deadlineS: o.jobDeadline }, true);
  }

  /** New settings: every open mail is read again under them. */
  private configure(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    this.setOptions(raw);
    for (const doc of this.documents.all()) this.schedule(doc, 0);
  }

  /** The rules run as the mail is edited: every static rule unless the client says otherwise. */
  private rules(): string[] | null {
    const r = this.options.rules;
    return r === null ? null : Array.isArray(r) ? r.filter((x) => typeof x === 'string') : [];
  }

  private state(uri: string): DocState {
    let s = this.states.get(uri);
    if (!s) {
      s = { version: -1, analysis: null, checked: false, parts: null, reading: null, partials: new Set(), view: null, focus: null, viewKey: '', reply: new Set(), simulations: new Map() };
      this.states.set(uri, s);
    }
    return s;
  }

  private analysis(uri: string): Analysis | null {
    return this.states.get(uri)?.analysis ?? null;
  }

  private forget(uri: string): void {
    const s = this.states.get(uri);
    if (s?.timer) clearTimeout(s.timer);
    this.states.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private schedule(doc: TextDocument, delay?: number): void {
    const s = this.state(doc.uri);
    // The read in flight is of an older text: its answer will be dropped, so it stops now.
    if (s.inFlight && s.inFlight.version !== doc.version) s.inFlight.abandon();
    if (s.timer) clearTimeout(s.timer);
    const typing = Math.max(0, this.options.delay ?? 200);
    const wait = delay ?? (s.version < 0 && this.options.readOnOpen !== false ? 0 : typing);
    s.timer = setTimeout(() => {
      s.timer = undefined;
      this.read(doc.uri).catch((e: unknown) => this.connection.console.error(`dax-review: reading ${doc.uri} failed: ${message(e)}`));
    }, wait);
  }

  private isCurrent(uri: string, version: number): boolean {
    return this.documents.get(uri)?.version === version;
  }

  /**
   * Reads the document as it is now, at once: a read already in flight is joined rather than
   * run twice, and reads again by itself when the document changed meanwhile (an answer for an
   * older version is dropped). Rejects when the read fails.
   */
  private read(uri: string): Promise<void> {
    const s = this.state(uri);
    if (s.timer) { clearTimeout(s.timer); s.timer = undefined; }
    s.reading ??= this.readLoop(uri, s).finally(() => { s.reading = null; });
    return s.reading;
  }

  private async readLoop(uri: string, s: DocState): Promise<void> {
    for (;;) {
      const doc = this.documents.get(uri);
      if (!doc) return;
      const version = doc.version;
      // The workers answer with what changed since their last answer; merged here, batch by
      // batch, into a store made for this read.
      const store = new PartStore();
      const text = doc.getText();
      const args = { text, file: fileOf(uri), rules: this.rules(), focus: s.view?.[0]?.[0] ?? s.focus, background: BACKGROUND };
      const read = this.client.readShared(args, sharesFor(text, this.options.readers), (delta) => {
        if (!this.isCurrent(uri, version)) return;
        const first = store.seq === 0;
        store.add(delta);
        const analysis = store.analysis();
        // Between the batch in view (the first answer) and the last batch's findings, each
        // batch read is kept and passed on but not drawn: every diagnostic is published once
        // they are all in.
        const drawn = first || analysis.unfinished?.findings !== true;
        this.apply(uri, version, analysis, false, { partial: true, parts: store, quiet: !drawn });
      });
      s.inFlight = { version, abandon: () => read.abandon() };
      const last = await read.result.finally(() => { s.inFlight = null; });
      if (!this.documents.get(uri)) return;
      if (!this.isCurrent(uri, version)) continue;
      for (const d of last) store.add(d);
      const analysis = store.analysis();
      this.apply(uri, version, analysis, false, { parts: store });
      // It gave way to another request before binding every message: read on from where it stopped.
      if (analysis.unfinished?.coverage) this.schedule(doc);
      return;
    }
  }

  /** `partial`: a large mailbox's analysis so far, passed on to whoever waits on the read;
   *  `parts`: the read it was merged from; `quiet`: kept and passed on, not published or drawn. */
  private apply(uri: string, version: number, analysis: Analysis, checked: boolean, opts: { partial?: boolean; parts?: PartStore; quiet?: boolean } = {}): void {
    const s = this.state(uri);
    if (s.version !== version) s.simulations.clear();
    s.version = version;
    s.analysis = analysis;
    s.checked = checked;
    s.parts = opts.parts ?? null;
    if (!opts.quiet) {
      this.publish(uri);
      s.viewKey = viewKey(analysis, s.view);
      if (this.lensRefresh) void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    }
    if (opts.partial) for (const w of s.partials) w.send?.(this.answerFor(s, w));
  }

  /** The analysis as a waiting request is to be sent it: what changed since its last answer
   *  when it merges deltas and the analysis is a read's, else whole. */
  private answerFor(s: DocState, w: Waiting): AnalyseAnswer {
    const store = s.parts;
    if (!w.deltas || !store) {
      w.sent = null;
      return { version: s.version, analysis: s.analysis!, checked: s.checked };
    }
    const since = w.sent?.store === store ? w.sent.seq : 0;
    w.sent = { store, seq: store.seq };
    return { version: s.version, delta: store.since(since), checked: s.checked };
  }

  /**
   * daxReview/analyse: the analysis of an open document as it is now. A whole analysis of the
   * current version is answered at once; else the document is read now (joining a read in
   * flight), its partial answers sent as they come when the client gave a partialResultToken.
   */
  private async analyseRequest(p: AnalyseParams): Promise<AnalyseAnswer> {
    const uri = documentUri(p);
    const doc = this.documents.get(uri);
    if (!doc) throw invalid(`${uri} is not an open document`);
    const s = this.state(uri);
    if (p.focus !== undefined && p.focus !== null) s.focus = lineArg(p.focus);
    const token = p.partialResultToken;
    const w: Waiting = {
      deltas: p.deltas === true, sent: null,
      send: token === undefined ? null : (a) => { void this.connection.sendProgress(PARTIAL_ANALYSIS, token, a); },
    };
    const whole = s.analysis && s.version === doc.version && !s.analysis.unfinished && !s.timer && !s.reading;
    if (!whole) {
      s.partials.add(w);
      try {
        await this.read(uri);
      } catch (e) {
        throw new ResponseError(ErrorCodes.InternalError, `reading ${uri}: ${message(e).split('\n')[0]}`);
      } finally {
        s.partials.delete(w);
      }
    }
    const now = this.states.get(uri);
    if (!now?.analysis) throw new ResponseError(ErrorCodes.InvalidRequest, `${uri} was closed while it was read`);
    return this.answerFor(now, w);
  }

  /** daxReview/view: the lines the client shows. Lenses are drawn again when other messages come into view. */
  private view(p: ViewParams): void {
    const uri = p?.textDocument?.uri;
    if (typeof uri !== 'string' || !this.documents.get(uri) || !Array.isArray(p.ranges)) return;
    const ranges = p.ranges.filter((r) => Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1])).map((r) => [r[0], r[1]] as [number, number]);
    const s = this.state(uri);
    s.view = ranges.length ? ranges : null;
    const key = viewKey(s.analysis, s.view);
    if (key === s.viewKey) return;
    s.viewKey = key;
    if (this.lensRefresh) void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }

  /** daxReview/ask: the scenarios that run a hunk, or the thread kinds, from the long-lived worker. */
  private async ask(p: AskParams): Promise<unknown> {
    if (!p || !(ASK_OPS as readonly string[]).includes(p.op)) throw invalid(`daxReview/ask runs ${ASK_OPS.join(' or ')}, not ${String(p?.op)}`);
    if (p.op === 'scenarios' && !isMailArgs(p.args)) throw invalid('scenarios: args are { text, file, key }');
    try {
      return await this.client.ask(p);
    } catch (e) {
      throw new ResponseError(ErrorCodes.InternalError, `${p.op}: ${message(e).split('\n')[0]}`);
    }
  }

  /** daxReview/job: a check, simulation, reply or scenario run in a worker of its own, under the
   *  deadline, with work-done progress; $/cancelRequest ends its worker. A check of an open
   *  document's current text becomes its diagnostics. */
  private async job(p: JobParams, token: CancellationToken): Promise<unknown> {
    const req = jobRequest(p);
    const progress = this.workDone(p.workDoneToken, `dax-review: ${req.op}`);
    try {
      const result = await this.run(req.op, token, () => this.client.job(req, (text) => progress.report(text)));
      const d = p.textDocument;
      if (req.op === 'check' && d && typeof d.uri === 'string' && this.isCurrent(d.uri, d.version)) this.apply(d.uri, d.version, result as Analysis, true);
      return result;
    } finally {
      progress.end();
    }
  }

  /** Work-done progress on a token the client gave, else nothing. */
  private workDone(token: ProgressToken | undefined, title: string): { report(text: string): void; end(): void } {
    if (token === undefined) return { report: () => undefined, end: () => undefined };
    const send = (v: WorkDone) => { void this.connection.sendProgress(WorkDoneProgress.type, token, v); };
    send({ kind: 'begin', title, cancellable: true });
    return { report: (message) => send({ kind: 'report', message }), end: () => send({ kind: 'end' }) };
  }

  private publish(uri: string): void {
    const doc = this.documents.get(uri);
    const a = this.analysis(uri);
    if (!doc || !a) return;
    const diagnostics: Diagnostic[] = diagnosticsData(a).map((x) => ({
      range: lineRange(doc, x.first, x.last),
      severity: SEVERITY[x.severity],
      source: x.source,
      message: x.message,
      ...(x.code ? { code: x.code } : {}),
      ...(x.finding ? { data: x.finding } : {}),
      ...(x.related.length ? { relatedInformation: x.related.map((r) => ({ location: { uri, range: lineRange(doc, r.line, r.line) }, message: r.message })) } : {}),
    }));
    // A large mailbox's later answers mostly add coverage (lenses): its thousands of
    // diagnostics go to the client again only when they changed.
    const said = `${doc.version}\u0000${JSON.stringify(diagnostics)}`;
    const s = this.state(uri);
    if (s.published === said) return;
    s.published = said;
    void this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
  }

  private lenses(uri: string): CodeLens[] {
    const doc = this.documents.get(uri);
    const a = this.analysis(uri);
    if (!doc || !a) return [];
    return lensesData(a, this.states.get(uri)?.view ?? null).map((x) => {
      const line = Math.min(Math.max(x.line - 1, 0), Math.max(doc.lineCount - 1, 0));
      return {
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        // A lens that acts on nothing still needs a command to be drawn: an empty one.
        command: x.command ? { title: x.title, command: x.command.id, arguments: [uri, x.command.key] } : { title: x.title, command: '' },
      };
    });
  }

  private actions(uri: string, range: Range, diagnostics: Diagnostic[]): CodeAction[] {
    return actionsAt(this.analysis(uri), range.start.line + 1).map((x) => ({
      title: x.title,
      kind: `${CodeActionKind.Empty}${x.kind}`,
      diagnostics: diagnostics.filter((d) => {
        const ref = d.data as FindingRef | undefined;
        return ref?.rule === x.finding.rule && ref.line === x.finding.line;
      }),
      ...(x.kind === ACTION_KINDS.trace ? { isPreferred: x.preferred } : {}),
      command: { title: x.title, ...actionCommand(uri, x) },
    }));
  }

  private async execute(command: string, args: unknown[], token: CancellationToken): Promise<unknown> {
    const uri = typeof args[0] === 'string' ? args[0] : null;
    if (!uri || !this.documents.get(uri)) throw new ResponseError(ErrorCodes.InvalidParams, `${command}: the first argument is the URI of an open document`);
    switch (command) {
      case COMMANDS.simulateHunk: return this.simulate(uri, key(args[1]), null, optionalString(args[2]), optionalString(args[3]), token);
      case COMMANDS.simulateWithout: return this.simulate(uri, key(args[1]), lineArg(args[2]), null, null, token);
      case COMMANDS.simulateScenario: return this.runScenario(scenarioKey(args[1]), token);
      case COMMANDS.showTrace: return this.trace({ textDocument: { uri }, finding: ref(args[1]) });
      case COMMANDS.addToReply: return this.addToReply(uri, ref(args[1]));
      case COMMANDS.check: return this.check(uri, token);
      case COMMANDS.draftReply: return this.draftReply(uri, token);
      default: throw new ResponseError(ErrorCodes.MethodNotFound, `unknown command ${command}`);
    }
  }

  /** Runs a job under the deadline, cancelled by the client's $/cancelRequest. */
  private async run<T>(what: string, token: CancellationToken, start: () => JobHandle<T>): Promise<T> {
    const job = start();
    const sub = token.onCancellationRequested(() => job.cancel());
    let late = false;
    const timer = setTimeout(() => { late = true; job.cancel(); }, this.limits.deadlineS * 1000);
    try {
      return await job.result;
    } catch (e) {
      if (e instanceof Cancelled) {
        throw new ResponseError(LSPErrorCodes.RequestCancelled, late ? `${what}: cancelled past the deadline of ${this.limits.deadlineS} s` : `${what}: cancelled`);
      }
      throw new ResponseError(ErrorCodes.InternalError, `${what}: ${message(e).split('\n')[0]}`);
    } finally {
      clearTimeout(timer);
      sub.dispose();
    }
  }

  private async simulate(uri: string, k: HunkKey, without: number | null, scenario: string | null, threads: string | null, token: CancellationToken): Promise<unknown> {
    const doc = this.documents.get(uri)!;
    const a = this.analysis(uri);
    const h = hunkFor(a, k);
    if (!h) throw new ResponseError(ErrorCodes.InvalidParams, `no hunk ${k.hunk + 1} in message ${k.message + 1}`);
    const version = doc.version;
    const sim = await this.run(`simulating hunk ${k.hunk + 1}`, token, () => this.client.job({
      op: 'simulate',
      args: { text: doc.getText(), file: fileOf(uri), key: k, scenario, threads, without, tree: this.options.kernelTree ?? null, budget: this.limits.budget },
    }, (t) => this.connection.console.log(`dax-review: ${t}`)));
    const s = this.state(uri);
    if (s.version === version) s.simulations.set(`${k.message}:${k.hunk}`, sim);
    const verdicts = sim.verdicts.map((v) => ({
      scenario: v.scenario, summary: v.summary, pre: v.pre?.verdict ?? null, post: v.post.verdict,
      violations: v.post.violations.map((x) => ({ kind: x.kind, message: x.message, swimlanes: swimlaneText(placeSteps(x.trace, h)) })),
    }));
    const text = verdicts.length ? verdicts.map((v) => `${v.scenario}: ${v.summary}`).join('; ') : 'no scenario exercises this hunk';
    void this.connection.sendNotification('window/showMessage', { type: 3, message: `dax-review: hunk ${k.hunk + 1}${without !== null ? ` without mail line ${without}` : ''}: ${text}` });
    return { key: k, without, coverage: sim.coverage, verdicts, simulation: sim };
  }

  /** A scenario of the model's own, run with its reference functions (a lens on a function the
   *  prose of a message without hunks names). */
  private async runScenario(scenario: string, token: CancellationToken): Promise<unknown> {
    const run = await this.run(`running scenario ${scenario}`, token, () => this.client.job({
      op: 'runScenario', args: { scenario, budget: this.limits.budget },
    }, (t) => this.connection.console.log(`dax-review: ${t}`)));
    const v = run.verdict;
    const violations = v.violations.map((x) => ({ kind: x.kind, message: x.message, swimlanes: swimlaneText(x.trace) }));
    void this.connection.sendNotification('window/showMessage', { type: 3, message: `dax-review: scenario ${scenario} (${run.era}): ${v.verdict}${violations.length ? `: ${violations.map((x) => x.kind).join(', ')}` : ''}` });
    return { scenario, era: run.era, verdict: v.verdict, states: v.states, violations };
  }

  /** A finding's counterexample; else, at a position in a simulated hunk, its simulation's first. */
  private trace(p: TraceParams): TraceResult | null {
    const uri = p.textDocument.uri;
    const a = this.analysis(uri);
    const line = p.position ? p.position.line + 1 : null;
    const f = p.finding ? findingFor(a, p.finding) : line !== null ? findingsAt(a, line).find((x) => x.trace) : undefined;
    if (f?.trace) {
      const trace = placeSteps(f.trace, hunkAt(a, f.line) ?? null);
      return { title: `${f.rule}: ${f.message}`, finding: { rule: f.rule, line: f.line }, trace, swimlanes: swimlaneText(trace) };
    }
    const h = line !== null ? hunkAt(a, line) : undefined;
    const sim = h ? this.states.get(uri)?.simulations.get(`${h.message}:${h.hunk}`) : undefined;
    for (const side of ['post', 'pre'] as const) {
      for (const v of sim?.verdicts ?? []) {
        const x = (side === 'post' ? v.post : v.pre)?.violations[0];
        if (!x || !h) continue;
        const trace = placeSteps(x.trace, h);
        return { title: `${side}-image, ${v.scenario}: ${x.message}`, finding: null, trace, swimlanes: swimlaneText(trace) };
      }
    }
    return null;
  }

  private addToReply(uri: string, r: FindingRef): { picked: number } {
    const f = findingFor(this.analysis(uri), r);
    if (!f) throw new ResponseError(ErrorCodes.InvalidParams, `no finding ${findingId(r)}`);
    const s = this.state(uri);
    s.reply.add(findingId(f));
    return { picked: s.reply.size };
  }

  private async check(uri: string, token: CancellationToken): Promise<{ findings: number; bounded: number }> {
    const doc = this.documents.get(uri)!;
    const version = doc.version;
    const a = await this.run('checking the mail', token, () => this.client.job({
      op: 'check',
      args: { text: doc.getText(), file: fileOf(uri), rules: this.rules() ?? [], tree: this.options.kernelTree ?? null, budget: this.limits.budget, deadlineMs: this.limits.deadlineS * 900 },
    }, (t) => this.connection.console.log(`dax-review: ${t}`)));
    if (this.documents.get(uri)?.version === version) this.apply(uri, version, a, true);
    return { findings: a.review?.findings.length ?? 0, bounded: a.review?.bounded?.length ?? 0 };
  }

  private async draftReply(uri: string, token: CancellationToken): Promise<{ text: string }> {
    const doc = this.documents.get(uri)!;
    const s = this.state(uri);
    const findings = s.checked && s.analysis?.review ? s.analysis.review.findings : null;
    const only = s.reply.size ? (s.analysis?.review?.findings ?? []).filter((f) => s.reply.has(findingId(f))).map((f) => ({ rule: f.rule, line: f.line })) : null;
    const text = await this.run('drafting the reply', token, () => this.client.job({
      op: 'reply',
      args: { text: doc.getText(), file: fileOf(uri), findings, only, tree: this.options.kernelTree ?? null, budget: this.limits.budget, deadlineMs: this.limits.deadlineS * 900 },
    }, (t) => this.connection.console.log(`dax-review: ${t}`)));
    return { text };
  }
}

function actionCommand(uri: string, x: ActionData): { command: string; arguments: unknown[] } {
  switch (x.kind) {
    case ACTION_KINDS.trace: return { command: COMMANDS.showTrace, arguments: [uri, x.finding] };
    case ACTION_KINDS.simulate: return { command: COMMANDS.simulateHunk, arguments: [uri, x.key] };
    case ACTION_KINDS.without: return { command: COMMANDS.simulateWithout, arguments: [uri, x.key, x.line] };
    case ACTION_KINDS.reply: return { command: COMMANDS.addToReply, arguments: [uri, x.finding] };
  }
}

function invalid(what: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, what);
}

function key(v: unknown): HunkKey {
  const k = v as Partial<HunkKey> | null;
  if (!k || !Number.isInteger(k.message) || !Number.isInteger(k.hunk)) throw invalid('a hunk is given as { message, hunk }');
  return { message: k.message!, hunk: k.hunk! };
}

function ref(v: unknown): FindingRef {
  const r = v as Partial<FindingRef> | null;
  if (!r || typeof r.rule !== 'string' || !Number.isInteger(r.line)) throw invalid('a finding is given as { rule, line }');
  return { rule: r.rule, line: r.line! };
}

function lineArg(v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw invalid('a mail line is a positive integer');
  return v as number;
}

function scenarioKey(v: unknown): string {
  const k = v as { scenario?: unknown } | null;
  if (!k || typeof k.scenario !== 'string') throw invalid('a scenario is given as { scenario }');
  return k.scenario;
}

function optionalString(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid('a scenario or a thread list is a string');
  return v;
}

function documentUri(p: { textDocument?: { uri?: unknown } } | null): string {
  const uri = p?.textDocument?.uri;
  if (typeof uri !== 'string') throw invalid('textDocument is given as { uri }');
  return uri;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Args that carry a mail's text, as the core reads it. */
function isMailArgs(v: unknown): boolean {
  return isObject(v) && typeof v.text === 'string' && (v.file === null || v.file === undefined || typeof v.file === 'string');
}

/** A daxReview/job's request as the worker takes it: an op it runs, args of the right shape,
 *  and the budget within the server's ceilings whatever the client asked. */
function jobRequest(p: JobParams): Extract<JobRequest, { op: JobParams['op'] }> {
  if (!p || !(JOB_OPS as readonly string[]).includes(p.op)) throw invalid(`daxReview/job runs ${JOB_OPS.join(', ')}, not ${String(p?.op)}`);
  const args = p.args as unknown;
  if (p.op === 'runScenario' ? !isObject(args) || typeof args.scenario !== 'string' : !isMailArgs(args)) {
    throw invalid(`${p.op}: args are ${p.op === 'runScenario' ? '{ scenario, budget }' : '{ text, file, ... }'}`);
  }
  const raw = isObject((args as Record<string, unknown>).budget) ? (args as { budget: Record<string, unknown> }).budget : {};
  const budget = boundedLimits({ maxStates: raw.maxStates, maxMs: raw.maxMs }, true).budget;
  return { op: p.op, args: { ...p.args, budget } } as Extract<JobRequest, { op: JobParams['op'] }>;
}
