// dax-review check FILE... [--tree DIR] [--format text|json|sarif] [--fail-on error|warning|never]
import { readFileSync, statSync } from 'node:fs';
import { checkMail } from '../review/index';
import { formatJson, formatSarif, formatText, reaches } from '../review/format';
import type { Finding, HunkCoverage } from '../review/types';
import { UsageError, type Verb } from './verb';

const usage = `usage: dax-review check FILE... [--tree DIR] [--format text|json|sarif] [--fail-on error|warning|never] [--no-simulate]

Reviews the patches in each mail: protocol rules on every touched function (entry locks,
get/put of unlocked entries, wake-all after delete, spinlocks, radix_tree_preload), each
finding confirmed or contradicted by running the model's scenarios.

  --tree DIR      a kernel checkout: rebuild touched functions whole from it
  --format F      text (GCC style, default), json ({findings, coverage}) or sarif (2.1.0)
  --fail-on L     exit 1 when a finding reaches L: error (default), warning, never
  --no-simulate   static rules only (what the editor runs on every keystroke)

Exit status: 0 clean, 1 findings at --fail-on, 2 unusable input.`;

/** The value of --name VALUE or --name=VALUE; null when absent. */
export function option(args: string[], name: string): string | null {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) {
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
      return v;
    }
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return null;
}

/** Positional arguments: everything that is not an option or an option's value. */
export function positional(args: string[], withValue: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (withValue.includes(args[i])) { i++; continue; }
    if (args[i].startsWith('-')) continue;
    out.push(args[i]);
  }
  return out;
}

export function rejectUnknown(args: string[], known: string[], text: string): void {
  for (const a of args) {
    if (!a.startsWith('-')) continue;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (!known.includes(name)) throw new UsageError(`unknown option ${a}\n\n${text}`);
  }
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String((e as NodeJS.ErrnoException).code) : String(e);
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code}`);
  }
}

export const check: Verb = {
  name: 'check',
  summary: 'review patch mail: findings on mail lines, confirmed by the model',
  usage,
  async run(args, io) {
    rejectUnknown(args, ['--tree', '--format', '--fail-on', '--no-simulate'], usage);
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
    const files = positional(args, ['--tree', '--format', '--fail-on']);
    if (!files.length) throw new UsageError(`no FILE given\n\n${usage}`);
    const simulate = !args.includes('--no-simulate');

    const results: { file: string; findings: Finding[]; coverage: HunkCoverage[] }[] = [];
    for (const file of files) {
      const text = readText(file);
      const r = await checkMail(text, { file, tree: tree ?? undefined, simulate, verdicts: false });
      const hunks = r.patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.length, 0), 0);
      if (!hunks) io.err(`${file}: no patch hunks found in the mail; nothing to check`);
      for (const t of r.treeFailures) io.err(`${file}:${t.mailLine ?? 1}: ${t.applied ? 'note' : 'warning'}: hunk ${t.hunk}: ${t.reason}`);
      results.push({ file, findings: r.findings, coverage: r.coverage });
    }
    if (format === 'json') {
      io.out(results.length === 1 ? formatJson(results[0].findings, results[0].coverage)
        : JSON.stringify({ findings: results.flatMap((r) => r.findings), coverage: results.flatMap((r) => r.coverage.map((c) => ({ file: r.file, ...c }))) }, null, 2));
    } else if (format === 'sarif') {
      io.out(formatSarif(results));
    } else {
      io.out(results.map((r) => formatText(r.findings, r.coverage, r.file)).join('\n'));
    }
    return reaches(results.flatMap((r) => r.findings), failOn) ? 1 : 0;
  },
};
