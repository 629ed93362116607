// The series overview: series -> messages -> files -> hunks, each hunk with its verdict and coverage.
import * as vscode from 'vscode';
import type { DocState, Documents } from './documents';
import { findingsIn } from '../editor/view';
import type { Analysis, OutlineFile, OutlineHunk, OutlineMessage } from '../editor/jobs';
import { keyOf } from '../editor/jobs';

type Node =
  | { kind: 'series'; uri: vscode.Uri; title: string; a: Analysis }
  | { kind: 'message'; uri: vscode.Uri; m: OutlineMessage; a: Analysis }
  | { kind: 'file'; uri: vscode.Uri; f: OutlineFile; a: Analysis }
  | { kind: 'hunk'; uri: vscode.Uri; h: OutlineHunk; s: DocState; a: Analysis };

/** Up to this many messages, each is shown open down to its hunks. */
const EXPANDED_MESSAGES = 20;

export function seriesTitle(a: Analysis): string {
  const ms = a.outline.messages;
  const cover = ms.find((m) => m.series?.index === 0) ?? ms.find((m) => m.series) ?? ms[0];
  if (!cover) return 'no messages';
  const t = cover.series;
  const of = t?.total ? ` (${t.total} patches)` : '';
  return `${cover.subject || '(no subject)'}${of} · ${ms.length} message${ms.length === 1 ? '' : 's'}`;
}

export function hunkDescription(s: DocState, a: Analysis, h: OutlineHunk): string {
  const parts: string[] = [];
  const sim = s.simulations.get(keyOf(h));
  const verdicts = sim?.verdicts ?? a.review?.verdicts[keyOf(h)] ?? [];
  if (verdicts.length) {
    const bad = verdicts.filter((v) => v.post.verdict === 'violation');
    parts.push(bad.length ? bad.map((v) => v.summary).join('; ') : verdicts.every((v) => v.post.verdict === 'ok') ? 'clean' : 'bounded');
  } else if (a.review) {
    const n = findingsIn(a, h).length;
    parts.push(n ? `${n} finding${n === 1 ? '' : 's'}` : 'no findings');
  }
  const c = sim?.coverage ?? a.review?.coverage[keyOf(h)];
  if (c) parts.push(`covers ${c.executed}/${c.changed}`);
  return parts.join(' · ');
}

export class SeriesTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private uri: vscode.Uri | null = null;

  constructor(private readonly docs: Documents) {
    docs.onDidChange((s) => { if (this.uri?.toString() === s.uri.toString()) this.changed.fire(undefined); });
  }

  show(uri: vscode.Uri | null): void {
    if (this.uri?.toString() === uri?.toString()) return;
    this.uri = uri;
    this.changed.fire(undefined);
  }

  getChildren(n?: Node): Node[] {
    if (!n) {
      const s = this.uri ? this.docs.peek(this.uri) : undefined;
      return s?.analysis ? [{ kind: 'series', uri: s.uri, title: seriesTitle(s.analysis), a: s.analysis }] : [];
    }
    const s = this.docs.peek(n.uri);
    switch (n.kind) {
      case 'series': return n.a.outline.messages.map((m) => ({ kind: 'message', uri: n.uri, m, a: n.a }));
      case 'message': return n.m.files.map((f) => ({ kind: 'file', uri: n.uri, f, a: n.a }));
      case 'file': return s ? n.f.hunks.map((h) => ({ kind: 'hunk', uri: n.uri, h, s, a: n.a })) : [];
      case 'hunk': return [];
    }
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const E = vscode.TreeItemCollapsibleState.Expanded;
    switch (n.kind) {
      case 'series': {
        const t = new vscode.TreeItem(n.title, E);
        t.iconPath = new vscode.ThemeIcon('mail');
        return t;
      }
      case 'message': {
        // A mailbox's messages start collapsed: the tree then asks for no hunk until one is opened.
        const open = n.a.outline.messages.length > EXPANDED_MESSAGES ? vscode.TreeItemCollapsibleState.Collapsed : E;
        const t = new vscode.TreeItem(n.m.subject || '(no subject)', n.m.files.length ? open : vscode.TreeItemCollapsibleState.None);
        t.description = n.m.from ?? '';
        t.iconPath = new vscode.ThemeIcon(n.m.files.length ? 'git-commit' : 'comment');
        t.command = reveal(n.uri, n.m.firstLine);
        return t;
      }
      case 'file': {
        const t = new vscode.TreeItem(n.f.path ?? 'unknown file', E);
        t.iconPath = new vscode.ThemeIcon('file-code');
        return t;
      }
      case 'hunk': {
        const t = new vscode.TreeItem(`hunk ${n.h.hunk + 1}${n.h.function ? `: ${n.h.function}` : ''}`, vscode.TreeItemCollapsibleState.None);
        t.description = hunkDescription(n.s, n.a, n.h);
        t.tooltip = `mail lines ${n.h.mailLines[0]}–${n.h.mailLines[1]}, ${n.h.changed} changed lines`;
        t.contextValue = 'daxReview.hunk';
        t.iconPath = new vscode.ThemeIcon('diff');
        t.command = reveal(n.uri, n.h.mailLines[0]);
        return t;
      }
    }
  }
}

function reveal(uri: vscode.Uri, line: number): vscode.Command {
  return { title: 'Reveal', command: 'daxReview.revealLine', arguments: [uri, line] };
}

/** The hunk a tree node stands for, when a command runs from its context menu. */
export function hunkOfNode(n: unknown): { uri: vscode.Uri; key: { message: number; hunk: number } } | null {
  const x = n as Partial<Node> | undefined;
  return x && x.kind === 'hunk' && x.h && x.uri ? { uri: x.uri, key: { message: x.h.message, hunk: x.h.hunk } } : null;
}
