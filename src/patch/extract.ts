// Tolerant extraction of a patch from a message body: files and hunks at the
// patch's quote depth, whatever the archive and the reviewers did to them, and
// the review comments written between the quoted lines.
//
// The walk looks at one body line at a time. Lines quoted at the patch's depth
// (or deeper) are patch material; shallower lines interrupt it and are comments
// by the speaker of their depth. When the quote resumes after an interruption
// the @@ counts decide whether it continues the hunk or is a fragment whose
// header the reviewer cut: the counts are hints, the lines are the truth.
import type { BodyLine, MailDiagnostic, Message } from '../mail/types';
import { codeAt, isSpace, isWhite } from '../mail/lines';
import { bodyAttributions, splitQuoteUpTo, type Attribution } from '../mail/quote';
import type { Comment, Damage, FilePatch, Hunk, HunkLine, LineOp, PatchMessage } from './types';
import {
  continuesStatement, unbracedHeaderAbove, isBareLine, isElision, isFileMetaLine, isSignatureMark, keepsIndentation, parseDiffGit, parseFileLine, parseIndexLine,
  parseHunkHeader, type HunkHeader,
} from './lines';
import { resolveFunctions } from './functions';
import { headerlessFragments } from './fragments';

/** A run may overshoot the @@ counts by this many lines and still continue the hunk. */
const COUNT_SLACK = 1;

type PathSource = Hunk['pathSource'];

interface FileState {
  path: string | null;
  oldPath: string | null;
  newPath: string | null;
}

interface Building {
  hunk: Hunk;
  header: HunkHeader | null;
  seenOld: number;
  seenNew: number;
  /** Next old/new line numbers; null once a gap made them unknown. */
  nextOld: number | null;
  nextNew: number | null;
  /** Index into hunk.lines where the current quoted run began. */
  runStart: number;
  /** Lines before this index carry line numbers; null while numbering holds. */
  numberedUntil: number | null;
  /** Bare blank lines next to a comment: context, or the reviewer's spacing. */
  spacing: number[];
  /** Index of the last bare blank line (a quote prefix and nothing after it). */
  lastBare: number;
  /** Mail lines with no diff op that start with code: stripped indentation, or a wrapped line. */
  opless: number[];
  /** Some line so far kept its indentation (a tab or two spaces after the op). */
  indented: boolean;
  /** Length of the previous patch line as the mail has it, quote prefix included. */
  prevRawLength: number;
}

export interface Extraction {
  quoteDepth: number | null;
  files: FilePatch[];
  comments: Comment[];
  diagnostics: MailDiagnostic[];
  /** Lines of the commit message at the patch's depth (for diffstat inference). */
  commitLines: BodyLine[];
}

/** The depth most diff headers sit at; ties go to the deeper quote (the original patch). */
export function patchDepth(body: readonly BodyLine[]): number | null {
  const votes = new Map<number, number>();
  for (let i = 0; i < body.length; i++) {
    const { depth, text } = body[i];
    let start = parseHunkHeader(text) !== null || parseDiffGit(text) !== null;
    if (!start && text.startsWith('--- ') && i + 1 < body.length) {
      const next = body[i + 1];
      start = next.depth === depth && next.text.startsWith('+++ ');
    }
    if (start) votes.set(depth, (votes.get(depth) ?? 0) + 1);
  }
  let best: number | null = null;
  let bestVotes = 0;
  for (const [depth, n] of votes) {
    if (n > bestVotes || (n === bestVotes && best !== null && depth > best)) {
      best = depth;
      bestVotes = n;
    }
  }
  return best;
}

export function extractPatch(msg: Message): Extraction {
  const body = msg.body;
  // No diff or @@ header anywhere: the quote may still hold fragments the reviewer trimmed to.
  const headed = patchDepth(body);
  const fragments = headed === null ? headerlessFragments(body) : null;
  const p = headed ?? fragments?.depth ?? null;
  const diagnostics: MailDiagnostic[] = [];
  if (p === null) {
    return { quoteDepth: null, files: [], comments: [], diagnostics, commitLines: [] };
  }
  const attributions = bodyAttributions(body);
  const speakerName = speakerLookup(msg, attributions);
  // Body lines the walk passes over: attribution lines, and the spacing around elisions.
  const skip = spacingAroundElisions(body, p);
  for (const a of attributions) for (let k = a.first; k <= a.last; k++) skip[k] = 1;

  const hunks: Hunk[] = [];
  const messageComments: Comment[] = [];
  const commitLines: BodyLine[] = [];
  let phase: 'message' | 'files' | 'done' = 'message';
  let file: FileState | null = null;
  const fileHeaders = new Map<string | null, FileState>();
  let fileSinceHunk = false;       // a file header came after the last hunk
  let cur = null as Building | null;
  let last = null as Building | null; // the last hunk, open or finished
  let gapLine: number | null = null;
  let interrupted = false;          // comments since the last patch line
  let cutSinceLast = false;         // an elision or a detected cut since the last hunk line
  let pending: BodyLine[] = [];     // lines between two stretches of patch: comments, replies, blanks
  let signatureDepth: number | null = null;
  let afterHunk = false;            // quoted text after a complete hunk, until a header or a cut
  let blankVerdict: { until: number; more: boolean } | null = null; // a run of blank lines shares one look-ahead

  for (let i = 0; i < body.length; i++) {
    const line = body[i];
    if (skip[i]) continue;
    if (line.depth < p) {
      if (signatureDepth !== null && line.depth <= signatureDepth) continue;
      signatureDepth = null;
      if (isSignatureMark(line.text)) { signatureDepth = line.depth; continue; }
      if (isElision(line.text) && deeperFollows(body, i)) {
        if (phase === 'files') { gapLine = line.mailLine; cutSinceLast = true; }
        continue;
      }
      if (!isWhite(line.text) && !interrupted) {
        interrupted = true;
        markSpacing(cur, cur ? cur.hunk.lines.length - 1 : -1);
      }
      pending.push(line);
      continue;
    }
    signatureDepth = null;
    flushComments();
    const text = line.depth === p ? line.text : splitQuoteUpTo(line.raw, p).text;

    if (phase === 'done') continue;
    if (phase === 'message') {
      if (!startsDiff(i, text) && !fragments?.starts.has(i)) { commitLines.push(line); continue; }
      phase = 'files';
    }
    // A header-less fragment ends at the first quoted line that is no diff line.
    if (fragments && text !== '' && !'+- '.includes(text[0])) {
      flushComments();
      finish();
      phase = 'message';
      commitLines.push(line);
      continue;
    }
    const settled = cur === null || cur.hunk.headerMissing || complete(cur);

    const git = text.startsWith('diff ') ? parseDiffGit(text) : null;
    if (git) {
      finish();
      file = { path: git.newPath ?? git.oldPath, oldPath: git.oldPath, newPath: git.newPath };
      fileHeaders.set(file.path, file);
      fileSinceHunk = true;
      continue;
    }
    if (settled && text.startsWith('--- ') && nextAtDepth(i, p)?.startsWith('+++ ')) {
      finish();
      const oldPath = parseFileLine(text, '---') ?? null;
      const newPath = parseFileLine(nextAtDepth(i, p) ?? '', '+++') ?? null;
      file = { path: newPath ?? oldPath, oldPath, newPath };
      fileHeaders.set(file.path, file);
      fileSinceHunk = true;
      i = nextIndexAtDepth(i, p);
      continue;
    }
    const quilt = settled ? parseIndexLine(text) : null;
    if (quilt) {
      finish();
      file = { path: quilt, oldPath: quilt, newPath: quilt };
      fileHeaders.set(file.path, file);
      fileSinceHunk = true;
      continue;
    }
    if (settled && isFileMetaLine(text)) continue;
    const header = parseHunkHeader(text);
    if (header) {
      finish();
      startHunk(line, header);
      continue;
    }
    if (settled && isSignatureMark(text)) { finish(); phase = 'done'; continue; }
    if (isElision(text)) { gapLine = line.mailLine; cutSinceLast = true; continue; }
    if (text.startsWith('\\ ')) continue; // "\ No newline at end of file"

    const flowing = gapLine === null && !interrupted;
    if (text === '' && cur !== null && complete(cur) && flowing && !moreHunkLines(i)) continue;
    if (cur !== null && complete(cur) && flowing && endsPatch(i, text)) { finish(); afterHunk = true; continue; }
    const opLike = text === '' || text[0] === '+' || text[0] === '-' || text[0] === ' ';
    if (!opLike && cur !== null && complete(cur) && flowing) {
      // The counts are met and this is no diff line: the hunk is over (a footer, a signature).
      finish();
      afterHunk = true;
      diagnostics.push({ line: line.mailLine, severity: 'info', verbose: true, message: `mail line ${line.mailLine}: text after a complete hunk, not read as patch` });
      continue;
    }
    if (afterHunk) {
      if (flowing) continue;
      afterHunk = false;
    }
    const resumed = cur === null || gapLine !== null || interrupted;
    if (resumed) decideResumption(i);
    addLine(line, text);
    if (resumed) markSpacing(cur, (cur as Building).hunk.lines.length - 1);
  }
  flushComments();
  finish();
  diagnostics.push(...pathDiagnostics(hunks));
  resolveFunctions(hunks, diagnostics);
  return { quoteDepth: p, files: groupFiles(hunks, fileHeaders), comments: messageComments, diagnostics, commitLines };

  function startsDiff(i: number, text: string): boolean {
    if (parseHunkHeader(text) || parseDiffGit(text) || parseIndexLine(text)) return true;
    return text.startsWith('--- ') && (nextAtDepth(i, p as number)?.startsWith('+++ ') ?? false);
  }

  function nextIndexAtDepth(i: number, depth: number): number {
    for (let j = i + 1; j < body.length; j++) {
      if (body[j].depth >= depth) return j;
      if (!isWhite(body[j].text)) return -1;
    }
    return -1;
  }
  function nextAtDepth(i: number, depth: number): string | null {
    const j = nextIndexAtDepth(i, depth);
    if (j < 0) return null;
    return body[j].depth === depth ? body[j].text : splitQuoteUpTo(body[j].raw, depth).text;
  }

  /** b4 and some scripts write "---" after the last hunk, before base-commit: and the signature. */
  function endsPatch(i: number, text: string): boolean {
    return text === '---' && !(nextAtDepth(i, p as number)?.startsWith('+++ ') ?? false);
  }

  function complete(b: Building): boolean {
    return b.header !== null && b.seenOld >= b.header.oldCount && b.seenNew >= b.header.newCount;
  }

  /** Where a new hunk's file comes from: a header, the hunk before it, or nowhere. */
  function pathFor(): { path: string | null; source: PathSource } {
    if (fileSinceHunk && file) return { path: file.path, source: 'header' };
    if (!last) return file ? { path: file.path, source: 'header' } : { path: null, source: 'unknown' };
    const prev = last.hunk;
    if (!cutSinceLast) return { path: prev.path, source: prev.pathSource };
    // A cut may have removed a file header: one cut after a named file is
    // tolerated, a second one without a new header leaves the file unknown.
    if (prev.pathSource === 'header' && prev.path !== null) return { path: prev.path, source: 'inherited' };
    return { path: null, source: 'unknown' };
  }

  function startHunk(line: BodyLine, header: HunkHeader | null): void {
    const { path, source } = pathFor();
    const hunk: Hunk = {
      id: hunks.length, path, pathSource: source,
      oldStart: header?.oldStart ?? null, oldCount: header?.oldCount ?? null,
      newStart: header?.newStart ?? null, newCount: header?.newCount ?? null,
      headerContext: header?.context ?? null,
      function: null, functionSource: null, functions: [], scopes: [],
      quoteDepth: p as number, headerMissing: header === null, damage: [], lines: [], comments: [],
      mailLines: [line.mailLine, line.mailLine], afterGap: gapLine, clean: false,
    };
    if (header === null) {
      addDamage(hunk, 'missing-header', line.mailLine,
        gapLine !== null ? `no @@ header after the elision at mail line ${gapLine}: line numbers unknown`
          : fragments ? 'a quoted fragment with no diff or @@ header: file and line numbers unknown'
            : 'no @@ header: the quote resumes past the end of the previous hunk, line numbers unknown');
    }
    hunks.push(hunk);
    cur = {
      hunk, header, seenOld: 0, seenNew: 0,
      nextOld: header?.oldStart ?? null, nextNew: header?.newStart ?? null, runStart: 0,
      numberedUntil: null, spacing: [], lastBare: -1, opless: [], indented: false, prevRawLength: 0,
    };
    last = cur;
    fileSinceHunk = false;
    afterHunk = false;
    cutSinceLast = false;
    gapLine = null;
    interrupted = false;
  }

  /**
   * The quote resumes after a gap or a comment. It continues the open hunk when
   * its lines fit in what the @@ counts still expect; otherwise it is a fragment
   * of a later hunk whose header was cut.
   */
  function decideResumption(i: number): void {
    const b = cur;
    if (b === null) { startHunk(body[i], null); return; }
    const run = runCounts(i);
    let fits: boolean;
    if (b.header === null) fits = gapLine === null;
    else {
      const remOld = b.header.oldCount - b.seenOld;
      const remNew = b.header.newCount - b.seenNew;
      fits = run.old <= remOld + COUNT_SLACK && run.new <= remNew + COUNT_SLACK;
    }
    if (fits) {
      if (gapLine !== null) {
        addDamage(b.hunk, 'elided', gapLine, `lines elided at mail line ${gapLine}: line numbers after it unknown`);
        b.nextOld = null;
        b.nextNew = null;
        b.numberedUntil ??= b.hunk.lines.length;
      }
      gapLine = null;
      interrupted = false;
      b.runStart = b.hunk.lines.length;
      return;
    }
    if (gapLine === null) cutSinceLast = true;
    finish();
    startHunk(body[i], null);
  }

  /** After a complete hunk: does patch text (not a header or the end) follow the blank line at i? */
  function moreHunkLines(i: number): boolean {
    if (blankVerdict && i < blankVerdict.until) return blankVerdict.more;
    let more = false;
    let j = i + 1;
    for (; j < body.length; j++) {
      const l = body[j];
      if (l.depth < p!) break;
      const text = l.depth === p ? l.text : splitQuoteUpTo(l.raw, p!).text;
      if (text === '') continue;
      more = !(startsDiff(j, text) || isSignatureMark(text) || isElision(text) || isFileMetaLine(text) || endsPatch(j, text));
      break;
    }
    blankVerdict = { until: j, more };
    return more;
  }

  /** Old and new line counts of the quoted run starting at i, up to the next interruption. */
  function runCounts(i: number): { old: number; new: number } {
    let old = 0;
    let nw = 0;
    for (let j = i; j < body.length; j++) {
      const l = body[j];
      if (skip[j]) continue;
      if (l.depth < p!) break;
      const text = l.depth === p ? l.text : splitQuoteUpTo(l.raw, p!).text;
      if (isElision(text) || parseHunkHeader(text) || text.startsWith('diff ') || isSignatureMark(text)) break;
      const op = classify(text).op;
      if (op !== '+') old++;
      if (op !== '-') nw++;
    }
    return { old, new: nw };
  }

  function addLine(line: BodyLine, text: string): void {
    const b = cur as Building;
    const { op, code, damage } = classify(text);
    const prev = b.hunk.lines[b.hunk.lines.length - 1];
    if (damage === 'stripped-indent' && b.indented && prev && b.hunk.lines.length > b.runStart && isWrapTail(code, b.prevRawLength)) {
      // The mailer broke a long line: the tail belongs to the line above, not to the counts.
      prev.text = /\s$/.test(prev.text) ? prev.text + code : `${prev.text} ${code}`;
      addDamage(b.hunk, 'wrapped', line.mailLine, '');
      b.prevRawLength = line.raw.length;
      b.hunk.mailLines[1] = line.mailLine;
      return;
    }
    if (keepsIndentation(code)) b.indented = true;
    b.prevRawLength = line.raw.length;
    const hl: HunkLine = { op, text: code, mailLine: line.mailLine, oldLine: null, newLine: null, function: null };
    if (op !== '+') { hl.oldLine = b.nextOld; if (b.nextOld !== null) b.nextOld++; b.seenOld++; }
    if (op !== '-') { hl.newLine = b.nextNew; if (b.nextNew !== null) b.nextNew++; b.seenNew++; }
    if (damage) addDamage(b.hunk, damage, line.mailLine, '');
    if (damage === 'trailing-ws') b.lastBare = b.hunk.lines.length;
    if (damage === 'stripped-indent' && !/^\s/.test(code)) b.opless.push(line.mailLine);
    b.hunk.lines.push(hl);
    b.hunk.mailLines[1] = line.mailLine;
  }

  function finish(): void {
    const b = cur;
    if (!b) return;
    cur = null;
    const h = b.hunk;
    dropSpacing(b, diagnostics);
    if (b.header && (b.seenOld !== b.header.oldCount || b.seenNew !== b.header.newCount)) {
      addDamage(h, 'count-mismatch', h.mailLines[0],
        `@@ says -${b.header.oldCount} +${b.header.newCount} lines, the mail has -${b.seenOld} +${b.seenNew}`);
    }
    if (h.lines.length === 0) {
      diagnostics.push({ line: h.mailLines[0], severity: 'warning', message: `mail line ${h.mailLines[0]}: @@ header with no lines under it` });
    }
    finishDamage(h, b.opless);
    h.clean = b.header !== null && h.damage.length === 0;
  }

  /** Turns the lines collected between two stretches of patch into threaded comments. */
  function flushComments(): void {
    const lines = pending;
    if (lines.length === 0) return;
    pending = [];
    if (!lines.some((l) => !isWhite(l.text))) return;
    // Right under an @@ line, before any of its lines, a comment answers the hunk as a whole.
    const target = cur && phase === 'files' ? cur : null;
    const anchor = target && target.hunk.lines.length > target.runStart ? anchorAbove(target) : null;
    const roots = threadComments(lines, speakerName, target ? target.hunk.id : null, anchor);
    if (target) target.hunk.comments.push(...roots);
    else messageComments.push(...roots);
  }
}

/**
 * Who speaks at a depth at a given mail line: the nearest attribution above it
 * one level shallower, so a reply quoting two mails at the same depth names each
 * writer; otherwise the message's speaker of that depth.
 */
function speakerLookup(msg: Message, attributions: readonly Attribution[]): (depth: number, mailLine: number) => string | null {
  const byDepth = new Map<number, Attribution[]>();
  for (const a of attributions) {
    const list = byDepth.get(a.depth + 1) ?? [];
    list.push(a);
    byDepth.set(a.depth + 1, list);
  }
  return (depth, mailLine) => {
    const list = byDepth.get(depth);
    let found: Attribution | null = null;
    if (list) {
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid].lastLine < mailLine) { found = list[mid]; lo = mid + 1; } else hi = mid - 1;
      }
    }
    if (found && found.name !== null) return found.name;
    return msg.speakers.find((s) => s.depth === depth)?.name ?? null;
  };
}

/** Notes the hunk line at k when it is a bare blank line of the current run (a comment borders it). */
function markSpacing(b: Building | null, k: number): void {
  if (b && k >= b.runStart && k >= 0 && k === b.lastBare) b.spacing.push(k);
}

/**
 * A bare quoted blank line beside a comment is either a blank context line or
 * the reviewer's spacing. When the hunk holds more lines than its @@ counts,
 * such lines are the likelier surplus: they are dropped (last first), the line
 * numbers and comment anchors follow, and a diagnostic names each one.
 */
function dropSpacing(b: Building, diagnostics: MailDiagnostic[]): void {
  if (!b.header || b.spacing.length === 0) return;
  const surplus = Math.min(b.seenOld - b.header.oldCount, b.seenNew - b.header.newCount);
  if (surplus <= 0) return;
  const h = b.hunk;
  const drop = [...new Set(b.spacing)].sort((x, y) => y - x).slice(0, surplus);
  for (const k of drop) {
    const [gone] = h.lines.splice(k, 1);
    b.seenOld--;
    b.seenNew--;
    const shift = (c: Comment): void => {
      if (c.anchor) {
        const last = c.anchor[1] >= k ? c.anchor[1] - 1 : c.anchor[1];
        const first = Math.min(c.anchor[0] > k ? c.anchor[0] - 1 : c.anchor[0], last);
        c.anchor = last < 0 ? null : [first, last];
      }
      c.replies.forEach(shift);
    };
    h.comments.forEach(shift);
    if (b.numberedUntil !== null && k < b.numberedUntil) b.numberedUntil--;
    const trailing = h.damage.find((d) => d.kind === 'trailing-ws');
    if (trailing) trailing.mailLines = trailing.mailLines.filter((m) => m !== gone.mailLine);
    diagnostics.push({
      line: gone.mailLine, severity: 'info', verbose: true,
      message: `mail line ${gone.mailLine}: blank quoted line beside a comment read as spacing, the @@ counts have no room for it`,
    });
  }
  h.damage = h.damage.filter((d) => d.kind !== 'trailing-ws' || d.mailLines.length > 0);
  const lastLine = h.lines[h.lines.length - 1];
  if (lastLine) h.mailLines[1] = lastLine.mailLine;
  renumber(b);
}

/** Old and new line numbers from the @@ header, up to the first gap. */
function renumber(b: Building): void {
  if (!b.header) return;
  let o = b.header.oldStart;
  let n = b.header.newStart;
  const until = b.numberedUntil ?? b.hunk.lines.length;
  b.hunk.lines.forEach((l, k) => {
    const numbered = k < until;
    l.oldLine = l.op !== '+' && numbered ? o++ : null;
    l.newLine = l.op !== '-' && numbered ? n++ : null;
  });
}

/** Blank lines next to an elision are the reviewer's spacing, not blank context lines: 1 at their indexes. */
function spacingAroundElisions(body: readonly BodyLine[], p: number): Uint8Array {
  const out = new Uint8Array(body.length);
  for (let i = 0; i < body.length; i++) {
    const l = body[i];
    if (l.depth > p || !isElision(l.text)) continue;
    if (l.depth < p && !deeperFollows(body, i)) continue;
    for (let j = i - 1; j >= 0 && isWhite(body[j].text) && body[j].depth >= Math.min(l.depth, p); j--) out[j] = 1;
    for (let j = i + 1; j < body.length && isWhite(body[j].text); j++) out[j] = 1;
  }
  return out;
}

function deeperFollows(body: readonly BodyLine[], i: number): boolean {
  for (let j = i + 1; j < body.length; j++) {
    if (isWhite(body[j].text)) continue;
    return body[j].depth > body[i].depth;
  }
  return false;
}

/** First character after the quote prefix decides the op; anything else is damaged context. */
function classify(text: string): { op: LineOp; code: string; damage: Damage['kind'] | null } {
  if (text === '') return { op: ' ', code: '', damage: 'trailing-ws' };
  const c = text[0];
  if (c === '+' || c === '-' || c === ' ') return { op: c, code: text.slice(1), damage: null };
  return { op: ' ', code: text, damage: 'stripped-indent' };
}

/** Mailers wrap near 72-80 columns; shorter lines were not broken. */
const WRAP_COLUMN = 60;

/**
 * A line without a diff op is the tail of a wrapped line when the line above was
 * long and it does not itself look like a line of its own at column 0 (a brace,
 * a preprocessor line, a label, a definition).
 */
function isWrapTail(code: string, prevRawLength: number): boolean {
  if (prevRawLength < WRAP_COLUMN || /^\s/.test(code)) return false;
  const t = code.trim();
  return !(/^[{}]/.test(t) || t.startsWith('#') || /^[A-Za-z_]\w*:$/.test(t) || /^(?:static|struct|union|enum|typedef|extern)\b/.test(t));
}

/** Kinds that hit single lines are gathered into one entry per hunk; events (a gap, a cut header) stay one each. */
const PER_LINE: readonly Damage['kind'][] = ['stripped-indent', 'trailing-ws', 'wrapped'];

function addDamage(h: Hunk, kind: Damage['kind'], mailLine: number, message: string): void {
  const d = PER_LINE.includes(kind) ? h.damage.find((x) => x.kind === kind) : undefined;
  if (d) { d.mailLines.push(mailLine); return; }
  h.damage.push({ kind, mailLine, message, mailLines: [mailLine] });
}

/**
 * Writes the per-line damage messages once the hunk is complete. In a hunk that
 * kept its indentation, a line starting with code where a diff op belongs was
 * not stripped but broken by the mailer: it is reported as wrapped.
 */
function finishDamage(h: Hunk, opless: readonly number[]): void {
  const indented = h.lines.some((l) => keepsIndentation(l.text));
  const strip = h.damage.find((d) => d.kind === 'stripped-indent');
  if (indented && strip && opless.length > 0) {
    const wrapped = new Set(opless);
    strip.mailLines = strip.mailLines.filter((m) => !wrapped.has(m));
    const wrapped0 = h.damage.find((d) => d.kind === 'wrapped');
    if (wrapped0) {
      wrapped0.mailLines = [...wrapped0.mailLines, ...opless].sort((x, y) => x - y);
      wrapped0.mailLine = wrapped0.mailLines[0];
    } else {
      h.damage.push({ kind: 'wrapped', mailLine: opless[0], message: '', mailLines: [...opless] });
    }
    if (strip.mailLines.length === 0) h.damage.splice(h.damage.indexOf(strip), 1);
    else strip.mailLine = strip.mailLines[0];
  }
  for (const d of h.damage) {
    const n = d.mailLines.length;
    const where = n === 1 ? `mail line ${d.mailLines[0]}` : `${n} lines from mail line ${d.mailLines[0]}`;
    if (d.kind === 'stripped-indent') d.message = `${where}: leading whitespace stripped, read as context`;
    else if (d.kind === 'wrapped') d.message = `${where}: no diff op where the hunk keeps indentation, read as context (probably wrapped by the mailer)`;
    else if (d.kind === 'trailing-ws') d.message = `${where}: blank context line lost its leading space`;
  }
}

/**
 * The hunk lines a comment answers: the statement just above it. Trailing blank
 * and brace-only lines are skipped, and a statement wrapped over several lines
 * is taken whole.
 */
function anchorAbove(b: Building): [number, number] {
  const lines = b.hunk.lines;
  let last = lines.length - 1;
  while (last > b.runStart && isBareLine(lines[last].text)) last--;
  let first = last;
  while (first > b.runStart && continuesStatement(lines[first - 1].text)) first--;
  // The body of an unbraced `if (...)` is one statement with its header.
  const header = unbracedHeaderAbove(lines.map((l) => l.text), first, b.runStart);
  return [header >= 0 ? header : first, last];
}

/**
 * Groups interrupting lines into comments: consecutive lines of one depth (blank
 * lines inside allowed) are one comment; a shallower comment answers the deeper
 * one above it, a comment at the same or a deeper depth starts a new thread on
 * the same anchor.
 */
export function threadComments(
  lines: readonly BodyLine[], speakerName: (depth: number, mailLine: number) => string | null,
  hunk: number | null, anchor: [number, number] | null,
): Comment[] {
  const segments: { depth: number; lines: BodyLine[] }[] = [];
  for (const l of lines) {
    if (isWhite(l.text)) {
      const s = segments[segments.length - 1];
      if (s) s.lines.push(l);
      continue;
    }
    const s = segments[segments.length - 1];
    if (s && s.depth === l.depth) s.lines.push(l);
    else segments.push({ depth: l.depth, lines: [l] });
  }
  const roots: Comment[] = [];
  const stack: Comment[] = [];
  for (const s of segments) {
    while (s.lines.length && isWhite(s.lines[s.lines.length - 1].text)) s.lines.pop();
    const comment: Comment = {
      speaker: speakerName(s.depth, s.lines[0].mailLine), depth: s.depth,
      mailLines: [s.lines[0].mailLine, s.lines[s.lines.length - 1].mailLine],
      anchor, hunk, function: null, text: s.lines.map((l) => l.text).join('\n'), replies: [],
    };
    while (stack.length && stack[stack.length - 1].depth <= s.depth) stack.pop();
    if (stack.length) stack[stack.length - 1].replies.push(comment);
    else roots.push(comment);
    stack.push(comment);
  }
  return roots;
}

/**
 * Lines of C indented with spaces in a hunk with no tab at all: kernel C indents with tabs, so
 * a mailer (Gmail, a web client) expanded them. 0 when the hunk keeps a tab, or is no C.
 */
function tabsExpanded(h: Hunk): number {
  if (h.path !== null && !/\.(?:c|h)$/.test(h.path)) return 0;
  let spaced = 0;
  for (const l of h.lines) {
    const t = l.text;
    if (t.includes('\t')) return 0;
    let i = 0;
    while (codeAt(t, i) === 32) i++;
    if (i >= 4 && i < t.length && !isSpace(t.charCodeAt(i))) spaced++; // /^ {4,}\S/
  }
  return spaced;
}

/** Damage that keeps a hunk from applying as posted, in a few words; whitespace first. */
const APPLY_DAMAGE: Partial<Record<Damage['kind'], string>> = {
  'trailing-ws': 'blank context lines lost their leading space',
  'stripped-indent': 'leading whitespace stripped',
  wrapped: 'lines wrapped by the mailer',
};

/**
 * One information line per hunk that would not apply as posted (whitespace damage, a cut file
 * header): it matters to whoever applies the patch; the other damage is on the hunk itself.
 */
function pathDiagnostics(hunks: readonly Hunk[]): MailDiagnostic[] {
  const out: MailDiagnostic[] = [];
  for (const h of hunks) {
    const why = h.damage.filter((d) => APPLY_DAMAGE[d.kind]).map((d) => `${APPLY_DAMAGE[d.kind]} (${d.mailLines.length} line${d.mailLines.length === 1 ? '' : 's'})`);
    const expanded = tabsExpanded(h);
    if (expanded) why.push(`tabs expanded to spaces by the mailer (${expanded} line${expanded === 1 ? '' : 's'})`);
    if (h.path === null) why.push('the mail does not say which file it belongs to (its file header was cut)');
    if (!why.length) continue;
    out.push({ line: h.mailLines[0], severity: 'info', message: `hunk at mail line ${h.mailLines[0]} does not apply as posted: ${why.join('; ')}` });
  }
  return out;
}

function groupFiles(hunks: readonly Hunk[], headers: ReadonlyMap<string | null, FileState>): FilePatch[] {
  const files: FilePatch[] = [];
  const byPath = new Map<string | null, FilePatch>();
  for (const h of hunks) {
    let f = byPath.get(h.path);
    if (!f) {
      const named = h.path !== null ? headers.get(h.path) : undefined;
      f = { path: h.path, oldPath: named ? named.oldPath : h.path, newPath: named ? named.newPath : h.path, hunks: [] };
      files.push(f);
      byPath.set(h.path, f);
    }
    f.hunks.push(h);
  }
  return files;
}
