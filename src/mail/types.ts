// The mail stage's output: messages as reviewers have them, every body line tied to
// its line in the mail document so later stages can point at it.

/** How the message was stored. Detected, never asked for. */
export type MailFormat =
  | 'rfc822'        // one raw message: headers, blank line, body
  | 'mbox'          // "From " separated, mboxo/mboxcl quoting
  | 'mboxrd'        // public-inbox raw mbox: "From mboxrd@z" separators, ">From " unescaping
  | 'lkml'          // lkml.org text dump: subject line, "From: Name", "Date: Tue Oct 11 2016 - 18:51:39 EST"
  | 'public-inbox'  // lore / public-inbox HTML page saved as text: headers, thread overview, reply instructions
  | 'mail-archive'  // mail-archive / marc style: [Date Prev][Date Next] navigation, [Index of Archives] footer
  | 'text';         // none of the above: plain text that may still hold a patch

export type Severity = 'error' | 'warning' | 'info';

/** A problem met while reading: always names the mail line it came from (1-based). */
export interface MailDiagnostic {
  line: number;
  severity: Severity;
  message: string;
  /** What the reader noticed and handled itself (page chrome, a list footer, an @@ context that
   *  names another function): for a log (`parse --verbose`, an output channel), not a diagnostic. */
  verbose?: boolean;
}

/** "[PATCH v5 15/17]", "[-mm PATCH v2 23/25]", "[RFC PATCH 00/13]", "PATCHv3", "v6,19/24", "1 of 2". */
export interface SeriesTag {
  raw: string;
  prefixes: string[];        // tags other than PATCH/RFC/RESEND/version/index, e.g. ["-mm"]
  version: number | null;    // null when the tag names none (v1)
  index: number | null;
  total: number | null;
  rfc: boolean;
  resend: boolean;
}

export interface Header {
  name: string;
  value: string;       // unfolded, RFC 2047 decoded
  mailLine: number;
}

export interface Trailer {
  key: string;         // "Signed-off-by", "Cc", "Reviewed-by", ...
  value: string;
  depth: number;       // quote depth of the line it stands on
  mailLine: number;
}

/** Who speaks at a quote depth. Depth 0 is the message's own author. */
export interface Speaker {
  depth: number;
  name: string | null;
  email: string | null;
  /** True when no header or attribution line named it and it was worked out otherwise. */
  inferred: boolean;
  /** The attribution line ("On ..., Jan Kara wrote:") or header that named it. */
  mailLine: number | null;
}

/** One decoded body line. `text` has the quote prefix removed; `raw` keeps it. */
export interface BodyLine {
  mailLine: number;
  raw: string;
  depth: number;
  text: string;
}

/** One row of a public-inbox "Thread overview". */
export interface ThreadEntry {
  date: string;
  subject: string;
  author: string;
  /** Nesting in the overview: 0 for the cover letter, 1 for its replies, ... */
  depth: number;
  series: SeriesTag | null;
  current: boolean;    // the "[this message]" row
  mailLine: number;
}

export interface Message {
  format: MailFormat;
  subject: string;
  from: string | null;          // "Name <addr>" or "Name" as given; obfuscated addresses kept
  date: string | null;          // as written
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  headers: Header[];
  series: SeriesTag | null;
  trailers: Trailer[];
  speakers: Speaker[];          // indexed by depth, sorted by depth
  body: BodyLine[];
  thread: ThreadEntry[];        // empty unless the page carried an overview
  diagnostics: MailDiagnostic[];
  /** The message's extent in the source document, 1-based inclusive. */
  firstLine: number;
  lastLine: number;
  /** MIME leaves in order; those read into `body` have inBody true. Empty for web-archive dumps. */
  parts: MailPart[];
  /** A mailing-list footer ("--" / "To unsubscribe ...") cut from the end of the body: not the author's text. */
  listFooter: BodyLine[];
}

/** One MIME leaf. Attachments that are not text stay here with their bytes; nothing is dropped. */
export interface MailPart {
  contentType: string;          // lower case, e.g. "text/x-patch"
  charset: string | null;
  transferEncoding: string | null;
  filename: string | null;
  /** Read into the message body (text/plain, text/x-patch, text/x-diff, *.patch, ...). */
  inBody: boolean;
  /** Not text (NUL bytes or invalid UTF-8 in a non-text type): kept as bytes, reported, never read as lines. */
  binary: boolean;
  /** Decoded size in bytes. */
  size: number;
  /** Decoded bytes of parts not read into the body; null for body parts (their text is in `body`). */
  data: Uint8Array | null;
  /** The part's extent (its MIME headers included), 1-based inclusive. */
  firstLine: number;
  lastLine: number;
}

export interface MailDocument {
  file: string | null;
  format: MailFormat;
  messages: Message[];
  diagnostics: MailDiagnostic[];
}
