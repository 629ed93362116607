// Mail as a reviewer keeps it locally: a public-inbox git mirror (lore's v2 layout, one
// message per commit, the message in the commit's blob "m"; epochs under git/N.git) or a
// maildir (cur/ and new/, one message per file). A thread or a series is gathered by
// Message-ID and handed on as one mbox, so every later stage reads it as it reads any mbox.
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { InputError } from './file';
import { readMail } from './index';
import type { Message } from './types';

/** One stored message: its bytes and where they came from (a commit, a maildir file). */
export interface StoredMessage {
  source: string;
  bytes: Uint8Array;
}

const isDir = (p: string): boolean => { try { return fs.statSync(p).isDirectory(); } catch { return false; } };
const isGitDir = (p: string): boolean => isDir(path.join(p, 'objects')) && fs.existsSync(path.join(p, 'HEAD'));

/** The git directories of a mirror: the directory itself (bare), its .git, or each epoch of git/N.git in order. */
export function mirrorGitDirs(dir: string): string[] {
  if (isGitDir(dir)) return [dir];
  if (isGitDir(path.join(dir, '.git'))) return [path.join(dir, '.git')];
  const epochs = path.join(dir, 'git');
  if (isDir(epochs)) {
    const found = fs.readdirSync(epochs).filter((e) => /^\d+\.git$/.test(e) && isGitDir(path.join(epochs, e)))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10)).map((e) => path.join(epochs, e));
    if (found.length) return found;
  }
  return [];
}

/** Is the directory a maildir (cur/ or new/ beside it)? */
export function isMaildir(dir: string): boolean {
  return isDir(path.join(dir, 'cur')) || isDir(path.join(dir, 'new'));
}

/** Every message of a public-inbox git mirror, oldest first: the blob "m" of each commit
 *  (a commit that holds "d" instead records a deletion and has no message). */
async function* readGitMirror(gitdirs: readonly string[]): AsyncGenerator<StoredMessage> {
  for (const gitdir of gitdirs) {
    const cache = {};
    const commits = await git.log({ fs, gitdir, ref: 'HEAD', cache });
    for (const c of commits.reverse()) {
      try {
        const { blob } = await git.readBlob({ fs, gitdir, oid: c.oid, filepath: 'm', cache });
        yield { source: `${gitdir}@${c.oid.slice(0, 12)}`, bytes: blob };
      } catch {
        // No "m" in this commit: a deletion, not a message.
      }
    }
  }
}

/** Every message of a maildir: new/ then cur/, each in name order (delivery order for most writers). */
function* readMaildir(dir: string): Generator<StoredMessage> {
  for (const sub of ['new', 'cur']) {
    const d = path.join(dir, sub);
    if (!isDir(d)) continue;
    for (const name of fs.readdirSync(d).sort()) {
      const file = path.join(d, name);
      if (!fs.statSync(file).isFile()) continue;
      yield { source: file, bytes: fs.readFileSync(file) };
    }
  }
}

/** Every message of a mirror or maildir. Throws InputError when the directory is neither. */
export async function* readStore(dir: string): AsyncGenerator<StoredMessage> {
  const gitdirs = mirrorGitDirs(dir);
  if (gitdirs.length) { yield* readGitMirror(gitdirs); return; }
  if (isMaildir(dir)) { yield* readMaildir(dir); return; }
  throw new InputError(`${dir}: neither a public-inbox git mirror (a git directory, or git/N.git epochs) nor a maildir (cur/, new/)`);
}

const bare = (id: string): string => id.trim().replace(/^<|>$/g, '');

/** The most replies a thread is followed up through (a loop of references ends there too). */
const MAX_DEPTH = 1000;

/**
 * The thread of each message, named by its first message: the first of its references, or the
 * one its In-Reply-To chain leads to through the stored messages (mailers that drop References
 * keep In-Reply-To), else itself.
 */
function threadRoots(messages: readonly Message[]): Map<Message, string> {
  const byId = new Map<string, Message>();
  for (const m of messages) if (m.messageId) byId.set(bare(m.messageId), m);
  const roots = new Map<Message, string>();
  const rootOf = (m: Message): string => {
    let cur = m;
    for (let hops = 0; hops < MAX_DEPTH; hops++) {
      const first = cur.references.length ? bare(cur.references[0]) : null;
      const reply = cur.inReplyTo ? bare(cur.inReplyTo) : null;
      const up = first ?? reply;
      if (up === null) return bare(cur.messageId ?? '');
      const next = byId.get(up);
      // The first reference names the thread; a message not stored names it as well as any could.
      if (!next || next === cur) return up;
      cur = next;
    }
    return bare(cur.messageId ?? '');
  };
  for (const m of messages) roots.set(m, rootOf(m));
  return roots;
}

/**
 * The messages of the thread holding `messageId`, in the store's order, as one mbox (each
 * message after a From_ line, ">From " escaped as mboxrd does). Null when no stored message
 * has that Message-ID.
 */
export async function threadMbox(dir: string, messageId: string): Promise<{ mbox: Buffer; messages: number; sources: string[] } | null> {
  const want = bare(messageId);
  const stored: { s: StoredMessage; m: Message }[] = [];
  for await (const s of readStore(dir)) {
    const m = readMail(s.bytes).messages[0];
    if (m) stored.push({ s, m });
  }
  const target = stored.find((x) => x.m.messageId !== null && bare(x.m.messageId) === want);
  if (!target) return null;
  const roots = threadRoots(stored.map((x) => x.m));
  const root = roots.get(target.m);
  const picked = stored.filter((x) => roots.get(x.m) === root);
  const mbox = Buffer.from(picked.map((x) => `From mboxrd@z Thu Jan  1 00:00:00 1970\n${Buffer.from(x.s.bytes).toString('latin1').replace(/^(>*From )/gm, '>$1').replace(/\n?$/, '\n')}\n`).join(''), 'latin1');
  return { mbox, messages: picked.length, sources: picked.map((x) => x.s.source) };
}
