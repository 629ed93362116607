// Findings as text (GCC style), JSON and SARIF 2.1.0.
import type { Trace } from '../check/types';
import type { Finding, HunkCoverage } from './types';
import { CLASSES, WAKE_ONE_AFTER_DELETE, STORE_UNLOCKED, KEY_MASKS, SLEEP_IN_ATOMIC } from './protocols';

export type OutputFormat = 'text' | 'json' | 'sarif';

export function formatText(findings: Finding[], coverage: HunkCoverage[], file: string): string {
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${f.file ?? file}:${f.line}: ${f.severity === 'info' ? 'note' : f.severity}: ${f.message} [${f.rule}]`);
    for (const r of f.related ?? []) out.push(`${f.file ?? file}:${r.line}: note: ${r.message}`);
    if (f.simulation) {
      out.push(`${f.file ?? file}:${f.line}: note: ${f.simulation.confirmed ? 'confirmed' : 'not confirmed'} by simulation: ${f.simulation.summary}`);
    }
    if (f.downgraded) out.push(`${f.file ?? file}:${f.line}: note: ${f.downgraded}`);
  }
  const changed = coverage.reduce((n, c) => n + c.changed, 0);
  const executed = coverage.reduce((n, c) => n + c.executed, 0);
  out.push(`${file}: ${findings.length} finding${findings.length === 1 ? '' : 's'}; the model runs ${executed} of ${changed} changed lines`);
  return out.join('\n');
}

export function formatJson(findings: Finding[], coverage: HunkCoverage[]): string {
  return JSON.stringify({ findings, coverage }, null, 2);
}

const RULE_TEXT: Record<string, string> = Object.fromEntries([
  ...Object.values(CLASSES).map((c) => [c.rule, c.message.replace(/\{api\}/g, 'the acquiring call').replace(/\{handle\}/g, 'the lock')]),
  [WAKE_ONE_AFTER_DELETE.rule, WAKE_ONE_AFTER_DELETE.message],
  [STORE_UNLOCKED.rule, STORE_UNLOCKED.message],
  [SLEEP_IN_ATOMIC.rule, SLEEP_IN_ATOMIC.message.replace('{api}', 'the call').replace('{held}', 'a spinlock or preload')],
  ...KEY_MASKS.map((k) => [k.rule, k.message]),
]);

function sarifLevel(s: Finding['severity']): 'error' | 'warning' | 'note' {
  return s === 'info' ? 'note' : s;
}

function threadFlows(trace: Trace, uri: string): unknown[] {
  return trace.threads.map((name, t) => ({
    message: { text: name },
    locations: trace.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.thread === t).map(({ s, i }) => ({
      executionOrder: i + 1,
      location: {
        message: { text: `${s.label}${s.note ? ` -> ${s.note}` : ''}` },
        ...(s.source?.mailLine ? { physicalLocation: { artifactLocation: { uri }, region: { startLine: s.source.mailLine } } } : {}),
      },
    })),
  }));
}

export function formatSarif(byFile: { file: string; findings: Finding[] }[]): string {
  const rules = new Map<string, Finding>();
  for (const { findings } of byFile) for (const f of findings) if (!rules.has(f.rule)) rules.set(f.rule, f);
  const ruleIds = [...rules.keys()];
  const results = byFile.flatMap(({ file, findings }) => findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: f.file ?? file }, region: { startLine: f.line, endLine: f.endLine } } }],
    ...(f.related?.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: f.file ?? file }, region: { startLine: r.line } } })) } : {}),
    ...(f.trace ? { codeFlows: [{ message: { text: f.simulation?.summary ?? f.kind }, threadFlows: threadFlows(f.trace, f.file ?? file) }] } : {}),
    properties: { kind: f.kind, evidence: f.evidence, function: f.hunk.function, hunk: f.hunk.id, ...(f.downgraded ? { downgraded: f.downgraded } : {}) },
  })));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'dax-review', informationUri: 'https://github.com/dax-review/dax-review', version: '0.1.0',
        rules: ruleIds.map((id) => ({ id, shortDescription: { text: id }, fullDescription: { text: RULE_TEXT[id] ?? rules.get(id)?.message ?? id },
          properties: { kind: rules.get(id)?.kind } })) } },
      artifacts: byFile.map(({ file }) => ({ location: { uri: file } })),
      results,
    }],
  };
  return JSON.stringify(log, null, 2);
}

const RANK: Record<Finding['severity'], number> = { info: 0, warning: 1, error: 2 };

/** True when a finding reaches the --fail-on level. */
export function reaches(findings: Finding[], failOn: 'error' | 'warning' | 'never'): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => RANK[f.severity] >= RANK[failOn]);
}
