// The review reply a kernel reviewer would send: headers for git send-email, interleaved
// quoting of only the hunks with findings, each finding under the line it is about, and
// for a concurrency finding the interleaving the model found, as a thread table.
import { headerText, stripReplyPrefixes } from '../mail/index';
import type { Message } from '../mail/types';
import type { Comment, Hunk, PatchMessage } from '../patch/types';
import { renderSwimlanes } from '../check/swimlane';
import type { Trace, TraceStep } from '../check/types';
import type { Finding, ReviewCoverage, Undecided } from './types';

const CONCURRENCY = new Set(['lost-wakeup', 'deadlock', 'entry-left-locked', 'livelock', 'use-after-free', 'stale-mapping', 'overlap']);

/** Every entry of the From, To and Cc headers, as written ("Name <addr>", "addr", "Name"). */
function addressEntries(msg: Message): string[] {
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

/** The address of an entry, when it has one mail can be sent to: not a bare name, not an
 *  archive's obfuscation ("dan.j.williams@xxxxxxxxx", "jack at suse.cz"). */
export function sendableAddress(entry: string): string | null {
  const addr = (/<([^<>]*)>/.exec(entry)?.[1] ?? entry).trim();
  const m = /^[^\s@<>"]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/.exec(addr);
  if (!m) return null;
  const labels = m[1].split('.');
  if (labels.some((l) => /^x+$/i.test(l))) return null;
  // Gmane rewrote every address to one of its own, long since dead.
  if (/(?:^|\.)gmane\.org$/i.test(m[1])) return null;
  return addr.toLowerCase();
}

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
    const known = addressEntries(pm.message).find((a) => sp.name && a.toLowerCase().startsWith(sp.name.toLowerCase()) && a.includes('<'));
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

/** The body's width: prose is wrapped to it; quoted code and thread tables keep their lines. */
export const REPLY_WIDTH = 72;

/** A finding's message as a sentence: a capital (unless it starts with an identifier) and a full stop. */
export function sentence(text: string): string {
  let t = text.trim();
  const first = /^\S+/.exec(t)?.[0] ?? '';
  if (/^[a-z]/.test(t) && !/[_()]/.test(first)) t = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** The reviewer comment of the thread that already made this point, if any. */
function earlierComment(f: Finding, hunks: readonly Hunk[]): Comment | null {
  if (f.comment === undefined) return null;
  const all = (c: Comment): Comment[] => [c, ...c.replies.flatMap(all)];
  return hunks.flatMap((h) => h.comments.flatMap(all)).find((c) => c.mailLines[0] === f.comment) ?? null;
}

function explain(f: Finding, hunks: readonly Hunk[]): string[] {
  const earlier = earlierComment(f, hunks);
  const who = earlier?.speaker?.split(/\s+/)[0];
  const said = sentence(f.message);
  const out: string[] = [wrapText(who ? `As ${who} noted, ${/^[A-Z][a-z]/.test(said) ? said[0].toLowerCase() + said.slice(1) : said}` : said, REPLY_WIDTH)];
  if (f.trace && CONCURRENCY.has(f.kind)) {
    out.push('');
    out.push(wrapText(f.fixed
      ? `Before this patch the model finds this interleaving${f.simulation ? ` (${f.simulation.scenario})` : ''}; with it, it finds none:`
      : f.simulation ? `The model finds this interleaving (${f.simulation.scenario}):` : 'The model finds this interleaving:', REPLY_WIDTH));
    out.push('');
    const t = compactTrace(f.trace);
    // The thread the model leaves asleep gets its last row, as a reviewer draws it.
    const sleeper = /\b(T\d+):[^;]*?sleeps (?:forever )?on (?:it forever|key (0x[0-9a-f]+))/.exec(f.simulation?.summary ?? '');
    const who = sleeper ? t.threads.findIndex((n) => n.startsWith(`${sleeper[1]}:`)) : -1;
    if (sleeper && who >= 0) {
      t.steps.push({ thread: who, threadName: t.threads[who], function: '', label: '', note: `... sleeps forever${sleeper[2] ? ` on ${sleeper[2]}` : ''}` });
    }
    out.push(`${TABLE_START}${renderSwimlanes(t, { width: 100, cell, numbers: false })}${TABLE_END}`);
    if (f.simulation) { out.push(''); out.push(wrapText(sentence(f.simulation.summary), REPLY_WIDTH)); }
  } else if (f.simulation?.confirmed) {
    out.push('');
    out.push(wrapText(sentence(`The model confirms it (${f.simulation.scenario}): ${f.simulation.summary}`), REPLY_WIDTH));
  }
  return out;
}

/** Words filled to the width; a word longer than the width stands on a line of its own. */
export function wrapText(text: string, width: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) { lines.push(line); line = w; } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

export interface ReplyOptions {
  /** "Name <address>" of the reviewer: a Reviewed-by line is offered in their name when the
   *  model ran every changed line and found nothing. */
  reviewer?: string | null;
}

/** The reply and what a reviewer should know before sending it (left out of the headers, no Reviewed-by). */
export interface ReplyDraft {
  text: string;
  notes: string[];
  /** Where the thread tables stand: 0-based first and last line of each in `text`. Like quoted
   *  code, they keep their width; all other body text is wrapped at REPLY_WIDTH. */
  tables: [number, number][];
}

// A thread table's bounds while the reply is assembled; taken out before it is returned.
const TABLE_START = '\u0001';
const TABLE_END = '\u0002';

/** The assembled lines as text, with the thread tables' line ranges. */
function finishText(out: readonly string[]): { text: string; tables: [number, number][] } {
  const lines = (out.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\n+$/, '') + '\n').split('\n');
  const tables: [number, number][] = [];
  let open = -1;
  lines.forEach((l, i) => {
    if (l.includes(TABLE_START)) open = i;
    if (l.includes(TABLE_END) && open >= 0) { tables.push([open, i]); open = -1; }
  });
  return { text: lines.join('\n').replace(/[\u0001\u0002]/g, ''), tables };
}

/** The reply mail's headers: To the patch's author, Cc everyone else the message names, each with
 *  an address mail can be sent to; entries without one are left out and named in the notes. */
function replyHeaders(pm: PatchMessage, notes: string[]): string[] {
  const msg = pm.message;
  const out: string[] = [];
  const author = patchAuthor(pm);
  const authorAddr = author ? sendableAddress(author) : null;
  const entries = addressEntries(msg);
  const toEntry = authorAddr ? author : entries.find((e) => sendableAddress(e) !== null && e === msg.from) ?? null;
  const toAddr = toEntry ? sendableAddress(toEntry) : null;
  const cc = new Map<string, string>();
  const unsendable: string[] = [];
  for (const e of entries) {
    const a = sendableAddress(e);
    if (!a) { unsendable.push(e); continue; }
    if (a !== toAddr && !cc.has(a)) cc.set(a, e);
  }
  if (toEntry) out.push(`To: ${headerText(toEntry)}`);
  else notes.push(`no To: the mail gives no address for ${author ?? 'the patch author'}`);
  if (cc.size) out.push(`Cc: ${headerText([...cc.values()].join(', '))}`);
  const dropped = [...new Set(unsendable.filter((e) => !author || e !== author))];
  if (dropped.length) notes.push(`left out of To/Cc, no address mail can be sent to: ${dropped.join(', ')}`);
  out.push(`Subject: ${headerText(`Re: ${stripReplyPrefixes(msg.subject)}`)}`);
  if (msg.messageId) {
    out.push(`In-Reply-To: <${headerText(msg.messageId.replace(/^<|>$/g, ''))}>`);
    out.push(`References: ${headerText([...msg.references, msg.messageId].map((r) => `<${r.replace(/^<|>$/g, '')}>`).join(' '))}`);
  } else {
    notes.push('no In-Reply-To: the mail carries no Message-ID');
  }
  return out;
}

/** What the reply says of the code without findings: a verdict only on what the model ran. */
function closing(result: ReplyInput, shown: readonly Finding[], notes: string[], opts: ReplyOptions): string[] {
  const out: string[] = [];
  const cov = result.coverage;
  if (!cov) {
    if (!shown.length) notes.push('no verdict: the reply was drafted without the coverage of a check');
    return out;
  }
  const outside = cov.filter((c) => c.outside);
  const ran = cov.filter((c) => c.executed > 0);
  const changed = cov.reduce((n, c) => n + c.changed, 0);
  const executed = cov.reduce((n, c) => n + c.executed, 0);
  const undecided = (result.bounded ?? []).length > 0;
  const problems = shown.filter((f) => !f.fixed);
  if (!problems.length && ran.length && !undecided) {
    const fns = [...new Set(ran.flatMap((c) => (c.functions ?? []).filter((f) => f.mode === 'interpreted').map((f) => `${f.name}()`)))];
    const what = fns.length ? fns.join(', ').replace(/, ([^,]*)$/, ' and $1') : 'the changed code the model runs';
    out.push(wrapText(`The locking of ${what} looks right to me: the model runs ${executed === changed ? 'every changed line' : `${executed} of the ${changed} changed lines`}`
      + ' in every interleaving of the scenarios that reach them and finds no lost wakeup, no entry left locked and no lock imbalance.', REPLY_WIDTH));
  }
  if (outside.length) {
    out.push('');
    out.push(wrapText(ran.length ? 'What I did not check:' : 'I have not checked the locking of this patch:', REPLY_WIDTH));
    // What the model covers is said once, after the list; a statement two hunks share, once.
    const scope = new Set<string>();
    const items = [...new Set(outside.map((c) => c.outside!.replace(/^not checked: /, '').replace(/ \((it models [^)]*)\)/, (_, s: string) => { scope.add(s); return ''; })))];
    for (const item of items) out.push(`- ${wrapText(sentence(item), REPLY_WIDTH - 2).replace(/\n/g, '\n  ')}`);
    for (const s of scope) out.push('', wrapText(sentence(s.replace(/^it models/, 'The model covers')), REPLY_WIDTH));
  }
  if (undecided) out.push('', wrapText('Some of the code the model runs was not decided within the search budget.', REPLY_WIDTH));
  const allRan = changed > 0 && executed === changed && !undecided;
  if (!problems.length && allRan) {
    if (opts.reviewer) out.push('', `Reviewed-by: ${headerText(opts.reviewer)}`);
    else notes.push('no Reviewed-by line: no reviewer name and address given');
  }
  return out;
}

export interface ReplyInput {
  findings: Finding[];
  patches: PatchMessage[];
  /** The check's coverage: without it the reply gives no verdict on code without findings. */
  coverage?: ReviewCoverage[];
  bounded?: Undecided[];
}

/** The reply mail: headers, attribution, quoted hunks with the findings interleaved. */
export function draftReply(_text: string, result: ReplyInput, opts: ReplyOptions = {}): string {
  return composeReply(result, opts).text;
}

/** The reply mail and the notes on it. */
export function composeReply(result: ReplyInput, opts: ReplyOptions = {}): ReplyDraft {
  const pm = result.patches.find((p) => p.files.some((f) => f.hunks.length)) ?? result.patches[0];
  const notes: string[] = [];
  if (!pm) return { text: 'No patch found in the mail: nothing to reply to.\n', notes, tables: [] };
  const msg = pm.message;
  const out: string[] = replyHeaders(pm, notes);
  out.push('');
  const author = patchAuthor(pm);
  const who = author?.replace(/\s*<[^>]*>/, '').replace(/^"(.*)"$/, '$1') ?? 'you';
  // The date the mail carries is the patch's own only when the patch is not quoted in a reply.
  out.push(wrapText(msg.date && (pm.quoteDepth ?? 0) === 0 ? `On ${msg.date}, ${who} wrote:` : `${who} wrote:`, REPLY_WIDTH));

  const hunks = result.patches.flatMap((p) => p.files.flatMap((f) => f.hunks.map((h) => ({ h, path: f.path ?? h.path }))));
  const allHunks = hunks.map((x) => x.h);
  // What the patch fixes is worth saying too: the interleaving it removes.
  const shown = result.findings.filter((f) => f.severity !== 'info' || f.fixed);
  let lastPath: string | null = null;
  for (const { h, path } of hunks) {
    const mine = shown.filter((f) => f.line >= h.mailLines[0] && f.line <= h.mailLines[1]).sort((a, b) => a.line - b.line);
    if (!mine.length) continue;
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
      out.push(...explain(f, allHunks));
      out.push('');
      from = f.endLine + 1;
    }
    if (from <= (h.lines[h.lines.length - 1]?.mailLine ?? 0)) out.push('> ...');
    out.push('');
  }
  out.push('', ...closing(result, shown, notes, opts));
  return { ...finishText(out), notes };
}
