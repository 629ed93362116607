// Whether a text is patch mail: a diff at any quote depth, in something that reads as mail.
// Pure, so that the host decides a plain-text file's language without loading the core.

const DIFF = /^[>| \t]*(?:diff --git |@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@|--- (?:a\/|\/dev\/null)|Index: \S)/m;
const MAIL = /^(?:From [^\s@]+(?:@\S+)? +\w{3} \w{3} |From: |Subject: |Date: |Message-I[Dd]: |Re: |\S.*\[(?:[^\]]*\s)?PATCH\b)|^[ \t]*On .{4,200} wrote:\s*$/m;

/** A subject naming a patch ("[PATCH v5 15/17]", "Re: [RFC PATCH 00/13]"): a thread about a series, diff or not. */
const PATCH_SUBJECT = /^(?:Subject:[ \t]*)?(?:(?:Re|Fwd?|Aw):[ \t]*)*\[[^\]\n]*\bPATCH\b[^\]\n]*\]/im;

/** Looks only at the first `limit` characters: cheap on any file. */
export function isPatchMail(text: string, limit = 256 * 1024): boolean {
  const head = text.length > limit ? text.slice(0, limit) : text;
  return (DIFF.test(head) && MAIL.test(head)) || PATCH_SUBJECT.test(head.slice(0, 8192));
}

/** Files whose extension says they are patches or mail, whatever language the editor gave them. */
export const PATCH_MAIL_EXTENSIONS = ['.patch', '.diff', '.eml', '.mbox', '.mbx'];

export function hasPatchMailExtension(fsPath: string): boolean {
  const lower = fsPath.toLowerCase();
  return PATCH_MAIL_EXTENSIONS.some((e) => lower.endsWith(e));
}
