// Findings as text (GCC style), JSON and SARIF 2.1.0.
import type { Trace } from '../check/types';
import type { Finding, HunkCoverage, ReviewCoverage, Undecided } from './types';
import { CLASSES, WAKE_ONE_AFTER_DELETE, STORE_UNLOCKED, KEY_MASKS, SLEEP_IN_ATOMIC } from './protocols';

export type OutputFormat = 'text' | 'json' | 'sarif';

export function formatText(findings: Finding[], coverage: ReviewCoverage[], file: string, bounded: readonly Undecided[] = [], hunkLines: ReadonlyMap<number, number> = new Map()): string {
  const out: string[] = [];
  for (const c of coverage) if (c.outside) out.push(`${file}:${hunkLines.get(c.hunk) ?? c.notExecuted[0]?.mailLine ?? 1}: note: hunk ${c.hunk} ${c.outside}`);
  for (const b of bounded) {
    out.push(`${file}:${b.line}: warning: hunk ${b.hunk}: ${b.function}() not decided within the budget: ${b.reason}${b.scenarios.length ? ` (${b.scenarios.join(', ')})` : ''}`);
  }
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
  const open = new Set(bounded.map((b) => b.hunk)).size;
  const undecided = open ? `; ${open} hunk${open === 1 ? '' : 's'} not decided within the budget` : '';
  out.push(`${file}: ${findings.length} finding${findings.length === 1 ? '' : 's'}${undecided}; the model runs ${executed} of ${changed} changed lines${open ? ' to a decision' : ''}`
    + (changed > 0 && executed === 0 ? ': no verdict on the locking, only the rules\' reading of the code' : ''));
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

/** GitHub code scanning's upload limits (per run and per result). */
export const SARIF_LIMITS = { results: 25_000, threadFlowLocations: 10_000, relatedLocations: 1_000 };

/** A file path as a SARIF artifact URI: relative paths stay relative, each segment encoded; absolute ones are file: URIs. */
export function artifactUri(file: string): string {
  const p = file.replace(/\\/g, '/');
  const enc = p.split('/').map((seg) => encodeURIComponent(seg)).join('/');
  return p.startsWith('/') ? `file://${enc}` : enc;
}

function threadFlows(trace: Trace, uri: string): unknown[] {
  let budget = SARIF_LIMITS.threadFlowLocations;
  return trace.threads.map((name, t) => {
    const locations = trace.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.thread === t).slice(0, Math.max(0, budget)).map(({ s, i }) => ({
      executionOrder: i + 1,
      location: {
        message: { text: `${s.label}${s.note ? ` -> ${s.note}` : ''}` },
        ...(s.source?.mailLine ? { physicalLocation: { artifactLocation: { uri }, region: { startLine: s.source.mailLine } } } : {}),
      },
    }));
    budget -= locations.length;
    return { message: { text: name }, locations };
  }).filter((f) => f.locations.length > 0); // SARIF: a thread flow has at least one location
}

export interface SarifFile {
  file: string;
  findings: Finding[];
  bounded?: readonly Undecided[];
}

/** The SARIF 2.1.0 log: one result per finding; code not decided within the budget as tool notifications. */
export function sarifLog(byFile: readonly SarifFile[]): Record<string, unknown> {
  const rules = new Map<string, Finding>();
  for (const { findings } of byFile) for (const f of findings) if (!rules.has(f.rule)) rules.set(f.rule, f);
  const ruleIds = [...rules.keys()];
  const results = byFile.flatMap(({ file, findings }) => findings.map((f) => {
    const uri = artifactUri(f.file ?? file);
    const flows = f.trace ? threadFlows(f.trace, uri) : [];
    return {
      ruleId: f.rule,
      ruleIndex: ruleIds.indexOf(f.rule),
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: { uri, index: 0 }, region: { startLine: f.line, endLine: Math.max(f.line, f.endLine) } } }],
      ...(f.related?.length ? { relatedLocations: f.related.slice(0, SARIF_LIMITS.relatedLocations).map((r, i) => ({ id: i, message: { text: r.message }, physicalLocation: { artifactLocation: { uri }, region: { startLine: r.line } } })) } : {}),
      ...(flows.length ? { codeFlows: [{ message: { text: f.simulation?.summary ?? f.kind }, threadFlows: flows }] } : {}),
      properties: { kind: f.kind, evidence: f.evidence, function: f.hunk.function, hunk: f.hunk.id, ...(f.downgraded ? { downgraded: f.downgraded } : {}) },
    };
  })).slice(0, SARIF_LIMITS.results);
  // One artifact per distinct URI; each result's location names its index.
  const uris = [...new Set([...byFile.map(({ file }) => artifactUri(file)), ...results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri)])];
  for (const r of results) r.locations[0].physicalLocation.artifactLocation.index = uris.indexOf(r.locations[0].physicalLocation.artifactLocation.uri);
  const bounded = byFile.flatMap(({ file, bounded: b }) => (b ?? []).map((u) => ({ file, ...u })));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'dax-review', informationUri: 'https://github.com/dax-review/dax-review', version: '0.1.0',
        rules: ruleIds.map((id) => ({ id, shortDescription: { text: id }, fullDescription: { text: RULE_TEXT[id] ?? rules.get(id)?.message ?? id },
          properties: { kind: rules.get(id)?.kind } })),
        notifications: [{ id: 'bounded', shortDescription: { text: 'Code the model runs was not decided within the search budget or the deadline.' } }] } },
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: bounded.map((u) => ({
          descriptor: { id: 'bounded', index: 0 },
          level: 'warning',
          message: { text: `hunk ${u.hunk}: ${u.function}() not decided within the budget: ${u.reason}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(u.file) }, region: { startLine: u.line } } }],
          properties: { hunk: u.hunk, function: u.function, scenarios: u.scenarios, lines: u.lines },
        })),
      }],
      artifacts: uris.map((uri) => ({ location: { uri } })),
      results,
      properties: { bounded: bounded.length > 0, boundedHunks: [...new Set(bounded.map((u) => `${u.file}#${u.hunk}`))].length },
    }],
  };
}

export function formatSarif(byFile: readonly SarifFile[]): string {
  return JSON.stringify(sarifLog(byFile), null, 2);
}

const RANK: Record<Finding['severity'], number> = { info: 0, warning: 1, error: 2 };

/** True when a finding reaches the --fail-on level. */
export function reaches(findings: Finding[], failOn: 'error' | 'warning' | 'never'): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => RANK[f.severity] >= RANK[failOn]);
}
