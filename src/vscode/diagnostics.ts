// Findings as diagnostics on their mail lines, with the path and the trace's key steps as
// related information; and the mail reader's own complaints on the lines they name.
import * as vscode from 'vscode';
import type { Finding } from '../review/types';
import type { Analysis } from './jobs';
import { hunkAt } from './documents';
import { placeSteps } from './trace';

export const SOURCE = 'dax-review';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The finding a diagnostic came from travels with it, for the code actions. */
export class FindingDiagnostic extends vscode.Diagnostic {
  constructor(range: vscode.Range, readonly finding: Finding) {
    super(range, finding.downgraded ? `${finding.message} (${finding.downgraded})` : finding.message, SEVERITY[finding.severity]);
  }
}

function lines(doc: vscode.TextDocument, first: number, last: number): vscode.Range {
  const a = Math.min(Math.max(first - 1, 0), doc.lineCount - 1);
  const b = Math.min(Math.max(last - 1, a), doc.lineCount - 1);
  return new vscode.Range(a, 0, b, doc.lineAt(b).text.length);
}

/** Up to this many trace steps are listed: the first, the last and those on mail lines. */
const KEY_STEPS = 8;

function related(doc: vscode.TextDocument, f: Finding, a: Analysis): vscode.DiagnosticRelatedInformation[] {
  const out: vscode.DiagnosticRelatedInformation[] = [];
  for (const r of f.related ?? []) out.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(doc.uri, lines(doc, r.line, r.line)), r.message));
  const trace = f.trace ? placeSteps(f.trace, hunkAt(a, f.line) ?? null) : null;
  const steps = trace?.steps ?? [];
  const onMail = steps.map((s, i) => ({ s, i })).filter((x) => x.s.source?.mailLine !== undefined);
  for (const { s, i } of onMail.slice(0, KEY_STEPS)) {
    const who = trace!.threads[s.thread] ?? s.threadName;
    out.push(new vscode.DiagnosticRelatedInformation(
      new vscode.Location(doc.uri, lines(doc, s.source!.mailLine!, s.source!.mailLine!)),
      `step ${i + 1}/${steps.length}, ${who}: ${s.label}${s.note ? ` (${s.note})` : ''}`,
    ));
  }
  return out;
}

export function diagnosticsOf(doc: vscode.TextDocument, a: Analysis): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const f of a.review?.findings ?? []) {
    const d = new FindingDiagnostic(lines(doc, f.line, f.endLine), f);
    d.source = SOURCE;
    d.code = f.rule;
    const rel = related(doc, f, a);
    if (rel.length) d.relatedInformation = rel;
    out.push(d);
  }
  for (const b of a.review?.bounded ?? []) {
    const d = new vscode.Diagnostic(lines(doc, b.line, b.line), `${b.function}() not decided within the budget: ${b.reason}`, vscode.DiagnosticSeverity.Warning);
    d.source = SOURCE;
    d.code = 'bounded';
    out.push(d);
  }
  for (const m of a.outline.diagnostics) {
    const d = new vscode.Diagnostic(lines(doc, m.line, m.line), m.message, SEVERITY[m.severity]);
    d.source = `${SOURCE} (mail)`;
    out.push(d);
  }
  return out;
}
