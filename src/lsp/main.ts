// The language server's own bundle (dist/server.js), as an editor's language client starts it:
// the transport (--node-ipc, --stdio, --socket=PORT, --pipe=NAME) is read from its arguments.
// `dax-review lsp` serves the same server on standard input and output.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { MailServer } from './server';

// The analysis worker's bundle (analysis.js) sits beside this one.
new MailServer(createConnection(ProposedFeatures.all), __dirname).listen();
