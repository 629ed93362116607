// Comment threads as a review: the reviewers' comments already in the mail on the hunk lines
// they answer (the speaker is the author, replies follow in order), and the reviewer's own,
// written on any hunk line or in reply to a thread, kept as the pending review that the
// drafted reply carries (Documents' `comments`). Threads can be resolved. Only the messages
// in view get threads (at most VIEW_CAP), so a mailbox of a thousand messages opens as fast as one.
import * as vscode from 'vscode';
import type { Comment } from '../patch/types';
import type { DocState, Documents } from './documents';
import type { Analysis, OutlineHunk } from '../editor/jobs';
import type { OwnComment } from '../editor/review';
import { VIEW_CAP, hunksInView, messageAt, viewKey } from '../editor/view';
import { shownLines } from './visible';

export const CONTROLLER = 'daxReview.mailComments';
const YOU = 'you (pending review)';

class MailComment implements vscode.Comment {
  readonly mode = vscode.CommentMode.Preview;
  readonly author: vscode.CommentAuthorInformation;
  readonly body: vscode.MarkdownString;
  readonly label: string;
  readonly contextValue: string;
  constructor(author: string, text: string, label: string, readonly own: OwnComment | null) {
    this.author = { name: author };
    const md = new vscode.MarkdownString();
    md.appendText(text);
    this.body = md;
    this.label = label;
    this.contextValue = own ? 'daxReview.own' : 'daxReview.mail';
  }
}

function flatten(c: Comment, depth = 0): MailComment[] {
  const label = `${depth ? 'reply · ' : ''}mail lines ${c.mailLines[0]}–${c.mailLines[1]}`;
  return [new MailComment(c.speaker ?? 'unknown reviewer', c.text, label, null), ...c.replies.flatMap((r) => flatten(r, depth + 1))];
}

function ownComment(c: OwnComment): MailComment {
  return new MailComment(YOU, c.text, `line ${c.line}`, c);
}

/** The lines a comment answers: its anchor in the hunk, else the line just above it. */
function target(c: Comment, h: OutlineHunk | null): [number, number] {
  if (h && c.anchor) {
    const a = h.lines[c.anchor[0]]?.mailLine;
    const b = h.lines[c.anchor[1]]?.mailLine;
    if (a !== undefined) return [a, b ?? a];
  }
  const above = Math.max(1, c.mailLines[0] - 1);
  return [above, above];
}

export class MailComments implements vscode.Disposable, vscode.CommentingRangeProvider {
  private readonly controller = vscode.comments.createCommentController(CONTROLLER, 'DAX review');
  private readonly threads = new Map<string, { key: string; threads: vscode.CommentThread[] }>();
  /** Threads the reviewer resolved, by document and first line: kept when threads are redrawn. */
  private readonly resolved = new Map<string, Set<number>>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly docs: Documents) {
    this.controller.options = { prompt: 'Add a review comment…', placeHolder: 'Your comment goes in the drafted reply, under this line.' };
    this.controller.commentingRangeProvider = this;
    this.subscriptions = [
      docs.onDidChange((s) => this.update(s)),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        const s = docs.peek(e.textEditor.document.uri);
        if (s) this.update(s);
      }),
    ];
  }

  /** Any line of a hunk in view takes a comment; a drafted reply takes none. */
  provideCommentingRanges(doc: vscode.TextDocument): vscode.Range[] {
    const a = this.docs.peek(doc.uri)?.analysis;
    if (!a || this.docs.isDraft(doc.uri)) return [];
    return hunksInView(a, shownLines(doc)).map((h) => range(doc, h.mailLines[0], h.mailLines[1]));
  }

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('daxReview.comment.add', (r: vscode.CommentReply) => this.add(r)),
      vscode.commands.registerCommand('daxReview.comment.resolve', (t: vscode.CommentThread) => this.resolve(t, true)),
      vscode.commands.registerCommand('daxReview.comment.reopen', (t: vscode.CommentThread) => this.resolve(t, false)),
      vscode.commands.registerCommand('daxReview.comment.delete', (c: MailComment) => this.remove(c)),
    ];
  }

  /** A new comment or a reply: it joins the pending review and its thread. */
  private add(r: vscode.CommentReply): void {
    const text = r.text.trim();
    const s = this.docs.peek(r.thread.uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === r.thread.uri.toString());
    if (!text || !s || !doc || !r.thread.range) return;
    const line = r.thread.range.end.line + 1;
    s.comments.push({ line, quote: doc.lineAt(line - 1).text, text });
    if (!this.owns(r.thread)) r.thread.dispose();
    this.update(s, true);
    const n = s.comments.length;
    void vscode.window.showInformationMessage(`DAX Review: ${n} comment${n === 1 ? '' : 's'} in the pending review.`, 'Draft Review Reply')
      .then((x) => { if (x) void vscode.commands.executeCommand('daxReview.draftReply', s.uri); });
  }

  private remove(c: MailComment): void {
    if (!c?.own) return;
    for (const s of this.allStates()) {
      const i = s.comments.indexOf(c.own);
      if (i >= 0) { s.comments.splice(i, 1); this.update(s, true); return; }
    }
  }

  private resolve(t: vscode.CommentThread, done: boolean): void {
    if (!t?.range) return;
    const set = this.resolved.get(t.uri.toString()) ?? new Set<number>();
    if (done) set.add(t.range.start.line); else set.delete(t.range.start.line);
    this.resolved.set(t.uri.toString(), set);
    t.state = done ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
    t.contextValue = done ? 'daxReview.resolved' : 'daxReview.open';
    if (done) t.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
  }

  private owns(t: vscode.CommentThread): boolean {
    return [...this.threads.values()].some((x) => x.threads.includes(t));
  }

  private allStates(): DocState[] {
    return vscode.workspace.textDocuments.map((d) => this.docs.peek(d.uri)).filter((s): s is DocState => !!s);
  }

  private update(s: DocState, force = false): void {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === s.uri.toString());
    if (!doc || !s.analysis) return;
    const lines = shownLines(doc);
    const found = collect(s.analysis, lines);
    const own = s.comments;
    const key = JSON.stringify([viewKey(s.analysis, lines), found.map(([c, r]) => [c.mailLines, r, c.text.length]), own.map((c) => [c.line, c.text])]);
    const old = this.threads.get(s.uri.toString());
    if (old?.key === key && !force) return;
    // Setting the provider again makes the editor ask for the commenting ranges anew: the
    // hunks in view are known only now.
    this.controller.commentingRangeProvider = this;
    old?.threads.forEach((t) => t.dispose());
    const resolved = this.resolved.get(s.uri.toString()) ?? new Set<number>();
    const threads: vscode.CommentThread[] = [];
    const make = (first: number, last: number, comments: MailComment[], label: string) => {
      const t = this.controller.createCommentThread(doc.uri, range(doc, first, last), comments);
      t.canReply = true;
      t.label = label;
      const done = resolved.has(t.range!.start.line);
      t.state = done ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
      t.contextValue = done ? 'daxReview.resolved' : 'daxReview.open';
      t.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
      threads.push(t);
      return t;
    };
    const placed = new Set<OwnComment>();
    for (const [c, [a, b]] of found) {
      // A reply the reviewer wrote to this thread stays in it.
      const replies = own.filter((o) => !placed.has(o) && o.line === Math.max(a, b));
      replies.forEach((o) => placed.add(o));
      make(a, b, [...flatten(c), ...replies.map(ownComment)], c.speaker ?? 'reviewer');
    }
    const byLine = new Map<number, OwnComment[]>();
    for (const o of own) if (!placed.has(o)) byLine.set(o.line, [...(byLine.get(o.line) ?? []), o]);
    for (const [line, cs] of byLine) make(line, line, cs.map(ownComment), YOU).collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    this.threads.set(s.uri.toString(), { key, threads });
  }

  forget(uri: vscode.Uri): void {
    this.threads.get(uri.toString())?.threads.forEach((t) => t.dispose());
    this.threads.delete(uri.toString());
    this.resolved.delete(uri.toString());
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    for (const x of this.threads.values()) x.threads.forEach((t) => t.dispose());
    this.controller.dispose();
  }
}

function range(doc: vscode.TextDocument, first: number, last: number): vscode.Range {
  const a = Math.min(Math.max(first - 1, 0), doc.lineCount - 1);
  const b = Math.min(Math.max(last - 1, a), doc.lineCount - 1);
  return new vscode.Range(a, 0, b, 0);
}

/** The comments of the messages in view (the first messages when no editor shows the mail). */
function collect(a: Analysis, lines: [number, number][] | null): [Comment, [number, number]][] {
  const shown = new Set<number>();
  for (const [first, last] of lines ?? [[1, 1]]) {
    for (const m of a.outline.messages) if (m.lastLine >= first && m.firstLine <= last) shown.add(m.index);
    const at = messageAt(a, first);
    if (at) shown.add(at.index);
  }
  const out: [Comment, [number, number]][] = [];
  for (const m of a.outline.messages) {
    if (!shown.has(m.index)) continue;
    for (const c of m.comments) out.push([c, target(c, null)]);
    for (const f of m.files) for (const h of f.hunks) for (const c of h.comments) out.push([c, target(c, h)]);
  }
  return out.slice(0, VIEW_CAP);
}
