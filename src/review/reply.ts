// The review reply a kernel reviewer would send: headers for git send-email, interleaved
// quoting of only the hunks with findings, each finding under the line it is about, and
// for a concurrency finding the interleaving the model found, as a thread table.
import { headerText, stripReplyPrefixes } from '../mail/index';
import type { Message } from '../mail/types';
import type { Hunk, PatchMessage } from '../patch/types';
import { renderSwimlanes } from '../check/swimlane';
import type { Trace, TraceStep } from '../check/types';
import type { Finding } from './types';

export interface ReplyInput {
  findings: Finding[];
  patches: PatchMessage[];
}

const CONCURRENCY = new Set(['lost-wakeup', 'deadlock', 'entry-left-locked', 'livelock', 'use-after-free', 'stale-mapping', 'overlap']);

/** Every address the headers name, one per entry ("Name <addr>"). */
function addresses(msg: Message): string[] {
  return ['from', 'to', 'cc'].flatMap((n) => splitAddresses(header(msg, n) ?? '')).map((a) => a.trim()).filter(Boolean);
}

/** An address list cut at the commas outside quoted names, in one pass. */
function splitAddresses(list: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) { out.push(list.slice(start, i)); start = i + 1; }
  }
  out.push(list.slice(start));
  return out;
}

const addrOf = (a: string): string => (/<([^>]+)>/.exec(a)?.[1] ?? a).toLowerCase();

function header(msg: Message, name: string): string | null {
  return msg.headers.find((h) => h.name.toLowerCase() === name)?.value ?? null;
}

/** Who wrote the patch: the speaker at the patch's quote depth, or the message author. */
function patchAuthor(pm: PatchMessage): string | null {
  const depth = pm.quoteDepth ?? 0;
  const sp = pm.message.speakers.find((s) => s.depth === depth);
  if (sp && (sp.name || sp.email)) {
    if (sp.email) return `${sp.name ? `${sp.name} ` : ''}<${sp.email}>`;
    // The attribution names the author without an address: the headers may carry it.
    const known = addresses(pm.message).find((a) => sp.name && a.toLowerCase().startsWith(sp.name.toLowerCase()) && a.includes('<'));
    return known ?? sp.name;
  }
  return pm.message.from;
}

function quote(h: Hunk, from: number, to: number): string[] {
  return h.lines.filter((l) => l.mailLine >= from && l.mailLine <= to).map((l) => `> ${l.op}${l.text}`.trimEnd());
}

/** A trace cell in reviewer words: what the step did, and the call that did it. */
export function cell(s: TraceStep): string {
  const call = /\b([A-Za-z_]\w*)\s*\(/.exec(s.label)?.[1];
  const what = s.note.replace(/;?\s*tree_lock (taken|released);?\s*/g, ' ').trim();
  return call && !/^spin_/.test(call) ? `${what} (${call})` : what;
}

/** The steps a reviewer draws: those that change an entry, a wait or a wake, not lock traffic. */
export function compactTrace(t: Trace): Trace {
  const steps = t.steps.filter((s) => s.note && !/^tree_lock (taken|released)$/.test(s.note.trim()) && !/^PTE .* maps/.test(s.note));
  return { threads: t.threads, steps };
}

function explain(f: Finding): string[] {
  const out: string[] = [wrapText(f.message, 72)];
  if (f.trace && CONCURRENCY.has(f.kind)) {
    out.push('');
    out.push(wrapText(f.fixed
      ? `Before this patch the model finds this interleaving${f.simulation ? ` (${f.simulation.scenario})` : ''}; with it, it finds none:`
      : f.simulation ? `The model finds this interleaving (${f.simulation.scenario}):` : 'The model finds this interleaving:', 72));
    out.push('');
    const t = compactTrace(f.trace);
    // The thread the model leaves asleep gets its last row, as a reviewer draws it.
    const sleeper = /\b(T\d+):[^;]*?sleeps (?:forever )?on (?:it forever|key (0x[0-9a-f]+))/.exec(f.simulation?.summary ?? '');
    const who = sleeper ? t.threads.findIndex((n) => n.startsWith(`${sleeper[1]}:`)) : -1;
    if (sleeper && who >= 0) {
      t.steps.push({ thread: who, threadName: t.threads[who], function: '', label: '', note: `... sleeps forever${sleeper[2] ? ` on ${sleeper[2]}` : ''}` });
    }
    out.push(renderSwimlanes(t, { width: 100, cell, numbers: false }));
    if (f.simulation) { out.push(''); out.push(wrapText(f.simulation.summary, 72)); }
  } else if (f.simulation?.confirmed) {
    out.push('');
    out.push(wrapText(`The model confirms it (${f.simulation.scenario}): ${f.simulation.summary}`, 72));
  }
  return out;
}

function wrapText(text: string, width: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) { lines.push(line); line = w; } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** The reply mail: headers, attribution, quoted hunks with the findings interleaved. */
export function draftReply(_text: string, result: ReplyInput): string {
  const pm = result.patches.find((p) => p.files.some((f) => f.hunks.length)) ?? result.patches[0];
  const out: string[] = [];
  if (!pm) return 'No patch found in the mail: nothing to reply to.\n';
  const msg = pm.message;
  const subject = `Re: ${stripReplyPrefixes(msg.subject)}`;
  const author = patchAuthor(pm);
  const to = author ?? header(msg, 'from');
  const cc = [...new Map(addresses(msg).filter((a) => !to || addrOf(a) !== addrOf(to)).map((a) => [addrOf(a), a])).values()];
  // Each header one line: whatever the mail carried, no value may start a header of its own.
  if (to) out.push(`To: ${headerText(to)}`);
  if (cc.length) out.push(`Cc: ${headerText(cc.join(', '))}`);
  out.push(`Subject: ${headerText(subject)}`);
  if (msg.messageId) {
    out.push(`In-Reply-To: <${headerText(msg.messageId.replace(/^<|>$/g, ''))}>`);
    out.push(`References: ${headerText([...msg.references, msg.messageId].map((r) => `<${r.replace(/^<|>$/g, '')}>`).join(' '))}`);
  }
  out.push('');
  const who = author?.replace(/\s*<[^>]*>/, '') ?? 'you';
  // The date the mail carries is the patch's own only when the patch is not quoted in a reply.
  out.push(msg.date && (pm.quoteDepth ?? 0) === 0 ? `On ${msg.date}, ${who} wrote:` : `${who} wrote:`);

  const hunks = result.patches.flatMap((p) => p.files.flatMap((f) => f.hunks.map((h) => ({ h, path: f.path ?? h.path }))));
  // What the patch fixes is worth saying too: the interleaving it removes.
  const shown = result.findings.filter((f) => f.severity !== 'info' || f.fixed);
  let lastPath: string | null = null;
  let any = false;
  for (const { h, path } of hunks) {
    const mine = shown.filter((f) => f.line >= h.mailLines[0] && f.line <= h.mailLines[1]).sort((a, b) => a.line - b.line);
    if (!mine.length) continue;
    any = true;
    if (path && path !== lastPath) {
      out.push(`> diff --git a/${path} b/${path}`);
      out.push(`> --- a/${path}`);
      out.push(`> +++ b/${path}`);
      lastPath = path;
    }
    if (h.oldStart !== null && h.newStart !== null) {
      out.push(`> @@ -${h.oldStart},${h.oldCount ?? 0} +${h.newStart},${h.newCount ?? 0} @@${h.headerContext ? ` ${h.headerContext}` : ''}`);
    }
    // Quote from a few lines before each finding; elide what lies between.
    let from = h.lines[0]?.mailLine ?? h.mailLines[0];
    for (const f of mine) {
      const start = Math.max(from, f.line - 12);
      if (start > from) out.push('> ...');
      out.push(...quote(h, start, f.endLine));
      out.push('');
      out.push(...explain(f));
      out.push('');
      from = f.endLine + 1;
    }
    if (from <= (h.lines[h.lines.length - 1]?.mailLine ?? 0)) out.push('> ...');
    out.push('');
  }
  if (!any) {
    out.push('');
    out.push('The locking of the quoted code looks right to me: the model runs every interleaving of the scenarios');
    out.push('it touches and finds no lost wakeup, no entry left locked and no lock imbalance.');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}
