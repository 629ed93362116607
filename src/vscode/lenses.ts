// A lens above every hunk: simulate it, how many findings it has, how much of it the model runs.
import * as vscode from 'vscode';
import type { Documents } from './documents';
import { findingsIn, hunks } from './documents';
import type { Analysis, OutlineHunk } from './jobs';
import { keyOf } from './jobs';

export function lensTitle(a: Analysis, h: OutlineHunk): string {
  const parts = ['▶ Simulate hunk'];
  if (a.review) {
    const n = findingsIn(a, h).length;
    parts.push(`${n} finding${n === 1 ? '' : 's'}`);
    const c = a.review.coverage[keyOf(h)];
    if (c) parts.push(`model covers ${c.executed}/${c.changed} changed lines`);
  }
  return parts.join(' · ');
}

export class HunkLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly docs: Documents) {
    docs.onDidChange(() => this.changed.fire());
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const s = this.docs.peek(doc.uri);
    const a = s?.analysis ?? (await this.docs.current(doc)).analysis;
    if (!a) return [];
    return hunks(a).map((h) => {
      const line = Math.min(Math.max(h.mailLines[0] - 1, 0), doc.lineCount - 1);
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: lensTitle(a, h),
        tooltip: `Run hunk ${h.hunk + 1}${h.function ? ` (${h.function})` : ''} in the model, pre-image against post-image`,
        command: 'daxReview.simulateHunk',
        arguments: [doc.uri, { message: h.message, hunk: h.hunk }],
      });
    });
  }
}
