// dax-review check FILE... [--tree DIR] [--format text|json|sarif] [--fail-on error|warning|never]
import { statSync } from 'node:fs';
import { checkMail } from '../review/index';
import { sarifLog, formatText, reaches } from '../review/format';
import type { Finding, ReviewCoverage, Undecided } from '../review/types';
import type { MailDiagnostic } from '../mail/types';
import { DEFAULT_BUDGET } from '../bind/simulate';
import { INPUT_USAGE, MIRROR_USAGE, inputLimits, mirrorInput, numberOption, option, positional, readingLines, rejectUnknown, streamMailInput } from './input';
import { writeJson } from './json';
import { allHunks } from '../bind/coverage';
import { UsageError, type Verb } from './verb';

export { option, positional, rejectUnknown } from './input';

/** The whole review's default deadline, in seconds. */
export const DEFAULT_DEADLINE_S = 600;

const usage = `usage: dax-review check FILE... | --mirror DIR [--thread MESSAGE-ID] [--tree DIR] [--format text|json|sarif] [--fail-on error|warning|never] [--no-simulate]
                         [--deadline SECONDS] [--max-states N] [--max-ms N] [--max-input-mb N] [--max-inflate-ratio R]

Reviews the patches in each mail (FILE '-' reads standard input): protocol rules on every
touched function (entry locks, get/put of unlocked entries, wake-all after delete,
spinlocks, radix_tree_preload), each finding confirmed or contradicted by running the
model's scenarios.

  --tree DIR      a kernel checkout: rebuild touched functions whole from it
  --format F      text (GCC style, default), json ({findings, coverage, bounded, diagnostics}) or sarif (2.1.0)
  --fail-on L     exit 1 when a finding reaches L: error (default), warning, never
  --no-simulate   static rules only (what the editor runs on every keystroke)
  --deadline S    the whole review's time limit in seconds (default ${DEFAULT_DEADLINE_S}); searches it
                  stops are reported as not decided
  --max-states N  most states one search may visit (default ${DEFAULT_BUDGET.maxStates})
  --max-ms N      most milliseconds one search may run (default ${DEFAULT_BUDGET.maxMs})
${MIRROR_USAGE}
${INPUT_USAGE}

Exit status: 0 clean, 1 findings at --fail-on, 2 unusable input (unreadable, no patch hunks),
4 no finding at --fail-on but code the model runs not decided within the budget or deadline.`;

export interface CheckedFile {
  file: string;
  findings: Finding[];
  coverage: ReviewCoverage[];
  bounded: Undecided[];
  diagnostics: MailDiagnostic[];
  /** Each hunk's first mail line, by hunk number. */
  hunkLines: Map<number, number>;
}

export const check: Verb = {
  name: 'check',
  summary: 'review patch mail: findings on mail lines, confirmed by the model',
  usage,
  async run(args, io) {
    const valued = ['--tree', '--format', '--fail-on', '--deadline', '--max-states', '--max-ms', '--mirror', '--thread'];
    rejectUnknown(args, [...valued, '--no-simulate'], usage);
    const format = option(args, '--format') ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
    const failOn = option(args, '--fail-on') ?? 'error';
    if (failOn !== 'error' && failOn !== 'warning' && failOn !== 'never') throw new UsageError(`--fail-on must be error, warning or never, not '${failOn}'`);
    const tree = option(args, '--tree');
    if (tree !== null) {
      let dir = false;
      try { dir = statSync(tree).isDirectory(); } catch { /* reported below */ }
      if (!dir) throw new UsageError(`--tree ${tree}: not a directory`);
    }
    const limits = inputLimits(args);
    const deadlineMs = numberOption(args, '--deadline', DEFAULT_DEADLINE_S) * 1000;
    const budget = { maxStates: Math.floor(numberOption(args, '--max-states', DEFAULT_BUDGET.maxStates)), maxMs: numberOption(args, '--max-ms', DEFAULT_BUDGET.maxMs) };
    const files = positional(args, valued);
    const mirror = option(args, '--mirror');
    const thread = option(args, '--thread');
    if (thread !== null && mirror === null) throw new UsageError('--thread needs --mirror DIR');
    if (!files.length && mirror === null) throw new UsageError(`no FILE given\n\n${usage}`);
    // Each source: a file (a large mbox a message at a time), or a mirror's thread.
    const sources = [
      ...(mirror !== null ? [{ file: thread !== null ? `${mirror}#<${thread.replace(/^<|>$/g, '')}>` : mirror, docs: () => mirrorInput(mirror, thread, limits) }] : []),
      ...files.map((file) => ({ file, docs: () => streamMailInput(file, limits) })),
    ];
    const simulate = !args.includes('--no-simulate');
    const started = Date.now();

    const results: CheckedFile[] = [];
    let unusable = false;
    for (const { file, docs } of sources) {
      // A large mbox comes message by message; hunk numbers run on across them.
      const acc: CheckedFile = { file, findings: [], coverage: [], bounded: [], diagnostics: [], hunkLines: new Map() };
      let hunks = 0;
      for await (const doc of docs()) {
        const left = Math.max(1, deadlineMs - (Date.now() - started));
        const r = await checkMail(doc, { file, tree: tree ?? undefined, simulate, verdicts: false, budget, deadlineMs: left });
        for (const l of readingLines(file, r.diagnostics)) io.err(l);
        for (const t of r.treeFailures) io.err(`${file}:${t.mailLine ?? 1}: ${t.applied ? 'note' : 'warning'}: hunk ${t.hunk + hunks}: ${t.reason}`);
        acc.findings.push(...r.findings.map((f) => (hunks && f.hunk.id >= 0 ? { ...f, hunk: { ...f.hunk, id: f.hunk.id + hunks } } : f)));
        acc.coverage.push(...r.coverage.map((c) => (hunks ? { ...c, hunk: c.hunk + hunks } : c)));
        acc.bounded.push(...r.bounded.map((b) => (hunks ? { ...b, hunk: b.hunk + hunks } : b)));
        acc.diagnostics.push(...r.diagnostics);
        for (const h of allHunks(r.patches)) acc.hunkLines.set(hunks++, h.mailLines[0]);
      }
      if (!hunks) { io.err(`${file}: no patch hunks found in the mail; nothing to check`); unusable = true; }
      results.push(acc);
    }
    if (format === 'json') {
      writeJson(io, results.length === 1
        ? { findings: results[0].findings, coverage: results[0].coverage, bounded: results[0].bounded, diagnostics: results[0].diagnostics }
        : {
          findings: results.flatMap((r) => r.findings),
          coverage: results.flatMap((r) => r.coverage.map((c) => ({ file: r.file, ...c }))),
          bounded: results.flatMap((r) => r.bounded.map((b) => ({ file: r.file, ...b }))),
          diagnostics: results.flatMap((r) => r.diagnostics.map((d) => ({ file: r.file, ...d }))),
        });
    } else if (format === 'sarif') {
      writeJson(io, sarifLog(results));
    } else {
      io.out(results.map((r) => formatText(r.findings, r.coverage, r.file, r.bounded, r.hunkLines)).join('\n'));
    }
    if (unusable) return 2;
    if (reaches(results.flatMap((r) => r.findings), failOn)) return 1;
    return results.some((r) => r.bounded.length) ? 4 : 0;
  },
};
