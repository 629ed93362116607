// dax-review lsp: the language server on standard input and output, for any editor.
import type * as Protocol from 'vscode-languageserver/node';
import type * as Server from '../lsp/server';
import type { Verb } from './verb';
import { UsageError } from './verb';

const usage = `usage: dax-review lsp [--stdio]

Serves the review as a language server (Language Server Protocol) on standard input and
output: findings as diagnostics with their trace steps as related information, a lens per
hunk, code actions on findings, hovers with the counterexample as a thread table, commands
to simulate a hunk, check the mail with simulation and draft the reply, and the custom
requests daxReview/trace and daxReview/outline; for an editor's own features over the
analysis, daxReview/analyse, daxReview/ask, daxReview/job and daxReview/view (README.md).
README.md shows Neovim and Emacs set-ups.

initializationOptions (all optional), and again as the daxReview section of
workspace/didChangeConfiguration: rules (rule ids or prefixes run as the mail is edited;
empty: every static rule; null: none), budget { maxStates, maxMs }, jobDeadline (seconds),
kernelTree (a kernel checkout), delay (ms of quiet after an edit), readOnOpen (false: a
mail is read when the client first asks for it), clientCommands (the client runs the
commands of lenses and actions itself), readers (how many workers read a large mailbox at
once; default one a core, at most four).`;

export const lsp: Verb = {
  name: 'lsp',
  summary: 'serve the review to any editor as a language server (stdio)',
  usage,
  run(args) {
    const unknown = args.filter((a) => a !== '--stdio' && !a.startsWith('--clientProcessId'));
    if (unknown.length) throw new UsageError(`unknown argument ${unknown[0]}\n\n${usage}`);
    // Loaded here, not with the CLI: every other verb starts without the protocol libraries.
    const { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver/node') as typeof Protocol;
    const { MailServer } = require('../lsp/server') as typeof Server;
    const reader = new StreamMessageReader(process.stdin);
    const writer = new StreamMessageWriter(process.stdout);
    // The client going away ends the server; what it cannot read is said on standard error.
    reader.onClose(() => process.exit(0));
    reader.onError((e) => process.stderr.write(`dax-review lsp: unreadable input: ${e.message}\n`));
    writer.onError(([e]) => { process.stderr.write(`dax-review lsp: cannot write to the client: ${e.message}\n`); process.exit(0); });
    const connection = createConnection(ProposedFeatures.all, reader, writer);
    // The analysis worker's bundle (analysis.js) sits beside the CLI's.
    new MailServer(connection, __dirname).listen();
    // The connection ends the process on the client's exit notification; until then it serves.
    return new Promise<number>(() => undefined);
  },
};
