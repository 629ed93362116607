// A large mailbox's analysis as its batches come (see BATCH in core.ts). The analysis worker,
// the language server and its client pass one another only what changed since their last
// answer (the batches read since, the coverage bound since), and each side merges what it got
// into the same whole analysis: a thousand messages' outline then crosses each boundary once,
// not once per answer.
import type { Finding, HunkCoverage } from '../review/types';
import type { Analysis, Outline, Review } from './jobs';

/** One batch's share of the analysis, or what changed of it. */
export interface AnalysisPart {
  /** The index of the batch's first message in the document: names the batch. */
  start: number;
  /** The batch as read, with its findings: both come together, once. */
  read?: { outline: Outline; findings: Finding[] };
  /** Set once the batch is bound to the model. */
  coverage?: Record<string, HunkCoverage>;
}

/** What changed of an analysis since an earlier delta. */
export interface AnalysisDelta {
  /** How many batches the document has. */
  batches: number;
  /** The parts are all there is: what was merged before is dropped (a new read). */
  whole: boolean;
  parts: AnalysisPart[];
}

interface Stored {
  start: number;
  read: { outline: Outline; findings: Finding[] } | null;
  coverage: Record<string, HunkCoverage> | null;
  /** When the read and the coverage were last merged (PartStore's sequence). */
  readAt: number;
  coveredAt: number;
}

/** The parts of one read of a document, merged as they come. */
export class PartStore {
  private readonly parts = new Map<number, Stored>();
  private batches = 0;
  /** Counts the merges: `since(seq)` answers what changed after the merge it counted. */
  seq = 0;
  private cached: Analysis | null = null;

  add(delta: AnalysisDelta): void {
    if (delta.whole) this.parts.clear();
    this.batches = delta.batches;
    this.seq++;
    for (const p of delta.parts) {
      const s = this.parts.get(p.start) ?? { start: p.start, read: null, coverage: null, readAt: 0, coveredAt: 0 };
      if (p.read) { s.read = p.read; s.readAt = this.seq; }
      if (p.coverage) { s.coverage = p.coverage; s.coveredAt = this.seq; }
      this.parts.set(p.start, s);
    }
    this.cached = null;
  }

  /** What changed after merge `seq` (0: everything, as a whole delta). */
  since(seq: number): AnalysisDelta {
    const parts: AnalysisPart[] = [];
    for (const s of this.parts.values()) {
      if (s.readAt > seq) parts.push({ start: s.start, ...(s.read ? { read: s.read } : {}), ...(s.coverage ? { coverage: s.coverage } : {}) });
      else if (s.coveredAt > seq && s.coverage) parts.push({ start: s.start, coverage: s.coverage });
    }
    return { batches: this.batches, whole: seq === 0, parts };
  }

  /** The analysis so far: the batches read, in mail order. */
  analysis(): Analysis {
    this.cached ??= mergeParts([...this.parts.values()], this.batches);
    return this.cached;
  }
}

/** Batches' analyses as one, in mail order; `batches`: how many the document has. A batch
 *  not bound yet adds no coverage, and the answer says how many are left (`unfinished`). */
function mergeParts(stored: readonly Stored[], batches: number): Analysis {
  const read = stored.filter((p) => p.read).sort((a, b) => a.start - b.start);
  const outlines = read.map((p) => p.read!.outline);
  const covered = stored.filter((p) => p.coverage).length;
  const a: Analysis = {
    outline: {
      messages: outlines.flatMap((o) => o.messages), diagnostics: outlines.flatMap((o) => o.diagnostics),
      symbols: outlines.flatMap((o) => o.symbols ?? []),
    },
    review: {
      findings: read.flatMap((p) => p.read!.findings),
      coverage: Object.assign({}, ...read.map((p) => p.coverage ?? {})) as Review['coverage'],
      verdicts: {},
    },
    notices: [],
  };
  if (read.length < batches || covered < batches) a.unfinished = { findings: read.length < batches, coverage: batches - covered };
  return a;
}
