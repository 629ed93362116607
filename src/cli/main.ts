// dax-review <verb> [args]: thin over the core; each verb lives in its own file.
import { getCParser } from '../c/parser';
import { verbs } from './verbs';
import { UsageError, terminalIO, type CliIO } from './verb';

const io: CliIO = terminalIO({
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  write: (t) => process.stdout.write(t),
  writeBytes: (b) => process.stdout.write(b),
});

// A reader that closes early (dax-review ... | head) ends the output, not in a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}

function help(): string {
  const width = Math.max(...verbs.map((v) => v.name.length), 4);
  return ['usage: dax-review <verb> [args]', '', ...verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    '', 'dax-review <verb> --help shows a verb\'s usage.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(help());
    return name ? 0 : 2;
  }
  const verb = verbs.find((v) => v.name === name);
  if (!verb) {
    io.err(`dax-review: unknown verb '${name}'\n\n${help()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(verb.usage);
    return 0;
  }
  try {
    // The model's kernel C and the mail's hunks are read with the C parser: load it once.
    if (verb.readsC !== false) await getCParser();
    return await verb.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`dax-review ${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    io.err(`dax-review: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exitCode = 3;
  },
);
