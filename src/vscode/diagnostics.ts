// Findings as diagnostics on their mail lines, with the path and the trace's key steps as
// related information; and the mail reader's own complaints on the lines they name. What
// they say comes from the editor-neutral view (src/editor/view.ts).
import * as vscode from 'vscode';
import { type DiagnosticData, type FindingRef, type Severity } from '../editor/view';

export { SOURCE } from '../editor/view';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The finding a diagnostic came from travels with it, for the code actions. */
export class FindingDiagnostic extends vscode.Diagnostic {
  constructor(range: vscode.Range, message: string, severity: vscode.DiagnosticSeverity, readonly finding: FindingRef) {
    super(range, message, severity);
  }
}

export function lines(doc: vscode.TextDocument, first: number, last: number): vscode.Range {
  const a = Math.min(Math.max(first - 1, 0), doc.lineCount - 1);
  const b = Math.min(Math.max(last - 1, a), doc.lineCount - 1);
  return new vscode.Range(a, 0, b, doc.lineAt(b).text.length);
}

export function diagnosticsOf(doc: vscode.TextDocument, data: readonly DiagnosticData[]): vscode.Diagnostic[] {
  return data.map((x) => {
    const range = lines(doc, x.first, x.last);
    const d = x.finding ? new FindingDiagnostic(range, x.message, SEVERITY[x.severity], x.finding) : new vscode.Diagnostic(range, x.message, SEVERITY[x.severity]);
    d.source = x.source;
    if (x.code) d.code = x.code;
    if (x.related.length) {
      d.relatedInformation = x.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(doc.uri, lines(doc, r.line, r.line)), r.message));
    }
    return d;
  });
}
