// The one place the editor meets the core: every capability the extension offers is a
// call here, to the same functions the CLI uses. Runs in the analysis worker only.
import { readMail } from '../mail';
import type { MailDiagnostic } from '../mail/types';
import { parsePatchMail } from '../patch';
import type { PatchMessage } from '../patch/types';
import type { Finding, HunkCoverage } from '../review/types';
import type {
  AnalyseArgs, Analysis, CheckArgs, HunkKey, Outline, OutlineMessage, ReplyArgs, Review, ScenariosArgs, SimulateArgs, Simulation,
} from './jobs';
import { keyOf } from './jobs';

/** A capability this build of the core does not carry: said to the user as is. */
export class Unavailable extends Error {}

const NO_REVIEW = 'The review stage (src/review) is not in this build: no findings are shown.';
const NO_BIND = 'Simulating a hunk needs the binding stage (src/bind), which is not in this build.';

export interface Read {
  patches: PatchMessage[];
  outline: Outline;
}

export function read(text: string, file: string | null): Read {
  const doc = readMail(text, { file: file ?? undefined });
  const patches = parsePatchMail(doc);
  const seen = new Set<string>();
  const diagnostics: MailDiagnostic[] = [];
  const add = (d: MailDiagnostic) => {
    const k = `${d.line}\u0000${d.message}`;
    if (!seen.has(k)) { seen.add(k); diagnostics.push(d); }
  };
  doc.diagnostics.forEach(add);
  for (const p of patches) {
    p.message.diagnostics.forEach(add);
    p.diagnostics.forEach(add);
  }
  return { patches, outline: { messages: patches.map(outlineOf), diagnostics } };
}

function outlineOf(p: PatchMessage, index: number): OutlineMessage {
  const m = p.message;
  return {
    index,
    subject: m.subject,
    from: m.from,
    series: m.series,
    firstLine: m.firstLine,
    lastLine: m.lastLine,
    comments: p.comments,
    files: p.files.map((f) => ({
      path: f.path,
      hunks: f.hunks.map((h) => ({
        message: index,
        hunk: h.id,
        path: h.path,
        function: h.function,
        mailLines: h.mailLines,
        lines: h.lines.map((l) => ({ op: l.op, text: l.text, mailLine: l.mailLine })),
        changed: h.lines.filter((l) => l.op !== ' ').length,
        comments: h.comments,
      })),
    })),
  };
}

/** The message a mail line stands in. */
export function messageAt(outline: Outline, line: number): number {
  const m = outline.messages.find((x) => line >= x.firstLine && line <= x.lastLine);
  return m ? m.index : 0;
}

/**
 * Coverage names a hunk by id alone, and ids restart in every message of a series: the
 * lines it did not execute, or failing that its function, say which message it means.
 */
export function placeCoverage(outline: Outline, coverage: readonly HunkCoverage[]): Record<string, HunkCoverage> {
  const out: Record<string, HunkCoverage> = {};
  for (const c of coverage) {
    const hunks = outline.messages.flatMap((m) => m.files.flatMap((f) => f.hunks)).filter((h) => h.hunk === c.hunk);
    const line = c.notExecuted[0]?.mailLine;
    const hit = hunks.find((h) => line !== undefined && line >= h.mailLines[0] && line <= h.mailLines[1])
      ?? hunks.find((h) => c.function !== null && h.function === c.function)
      ?? hunks[0];
    if (hit) out[keyOf(hit)] = c;
  }
  return out;
}

export function ruleSelected(rule: string, rules: readonly string[] | null): boolean {
  if (rules === null) return false;
  return rules.length === 0 || rules.some((r) => r === '*' || rule === r || rule.startsWith(r.endsWith('/') ? r : `${r}/`));
}

function reviewOf(outline: Outline, findings: Finding[], coverage: HunkCoverage[], rules: readonly string[] | null): Review {
  return { findings: findings.filter((f) => ruleSelected(f.rule, rules)), coverage: placeCoverage(outline, coverage), verdicts: {} };
}

/** Fast: the mail read and the static rules, for every keystroke (debounced). */
export function analyse(args: AnalyseArgs): Analysis {
  const { outline } = read(args.text, args.file);
  void reviewOf;
  return { outline, review: null, notices: [NO_REVIEW] };
}

/** The full check: static rules confirmed or contradicted by simulation. */
export async function check(args: CheckArgs, _progress: (text: string) => void): Promise<Analysis> {
  return analyse(args);
}

export function hunkOf(patches: readonly PatchMessage[], key: HunkKey): PatchMessage {
  const p = patches[key.message];
  if (!p || !p.files.some((f) => f.hunks.some((h) => h.id === key.hunk))) {
    throw new Unavailable(`No hunk ${key.hunk + 1} in message ${key.message + 1}: the mail changed since it was read.`);
  }
  return p;
}

export async function simulate(args: SimulateArgs, _progress: (text: string) => void): Promise<Simulation> {
  const { patches } = read(args.text, args.file);
  hunkOf(patches, args.key);
  throw new Unavailable(NO_BIND);
}

export async function scenarios(args: ScenariosArgs): Promise<string[]> {
  const { patches } = read(args.text, args.file);
  hunkOf(patches, args.key);
  throw new Unavailable(NO_BIND);
}

export function reply(_args: ReplyArgs): string {
  throw new Unavailable('Drafting a reply needs the review stage (src/review), which is not in this build.');
}
