// The reviewers' comments already in the mail, as comment threads on the hunk lines they
// answer: the speaker is the author, replies follow in order. Only the messages in view get
// threads (at most VIEW_CAP), so a mailbox of a thousand messages opens as fast as one.
import * as vscode from 'vscode';
import type { Comment } from '../patch/types';
import type { DocState, Documents } from './documents';
import type { Analysis, OutlineHunk } from '../editor/jobs';
import { VIEW_CAP, messageAt } from '../editor/view';
import { shownLines } from './lenses';

class MailComment implements vscode.Comment {
  readonly mode = vscode.CommentMode.Preview;
  readonly author: vscode.CommentAuthorInformation;
  readonly body: vscode.MarkdownString;
  readonly label: string;
  constructor(c: Comment, depth: number) {
    this.author = { name: c.speaker ?? 'unknown reviewer' };
    const md = new vscode.MarkdownString();
    md.appendText(c.text);
    this.body = md;
    this.label = `${depth ? 'reply · ' : ''}mail lines ${c.mailLines[0]}–${c.mailLines[1]}`;
  }
}

function flatten(c: Comment, depth = 0): MailComment[] {
  return [new MailComment(c, depth), ...c.replies.flatMap((r) => flatten(r, depth + 1))];
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

export class MailComments implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController('daxReview.mailComments', 'Review comments in the mail');
  private readonly threads = new Map<string, { key: string; threads: vscode.CommentThread[] }>();

  constructor(docs: Documents) {
    this.controller.options = { prompt: 'Comments come from the mail; reply in the review reply instead.' };
    docs.onDidChange((s) => this.update(s));
    this.scrolled = vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
      const s = docs.peek(e.textEditor.document.uri);
      if (s) this.update(s);
    });
  }

  private readonly scrolled: vscode.Disposable;

  private update(s: DocState): void {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === s.uri.toString());
    if (!doc || !s.analysis) return;
    const found = collect(s.analysis, shownLines(doc));
    const key = JSON.stringify(found.map(([c, r]) => [c.mailLines, r, c.text.length]));
    const old = this.threads.get(s.uri.toString());
    if (old?.key === key) return;
    old?.threads.forEach((t) => t.dispose());
    const threads = found.map(([c, [a, b]]) => {
      const first = Math.min(Math.max(a - 1, 0), doc.lineCount - 1);
      const last = Math.min(Math.max(b - 1, first), doc.lineCount - 1);
      const t = this.controller.createCommentThread(doc.uri, new vscode.Range(first, 0, last, 0), flatten(c));
      t.canReply = false;
      t.label = c.speaker ? `${c.speaker}` : 'reviewer';
      t.contextValue = 'daxReview.mailComment';
      t.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
      return t;
    });
    this.threads.set(s.uri.toString(), { key, threads });
  }

  forget(uri: vscode.Uri): void {
    this.threads.get(uri.toString())?.threads.forEach((t) => t.dispose());
    this.threads.delete(uri.toString());
  }

  dispose(): void {
    this.scrolled.dispose();
    for (const x of this.threads.values()) x.threads.forEach((t) => t.dispose());
    this.controller.dispose();
  }
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
