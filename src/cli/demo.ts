// dax-review demo: check and simulate the bundled example patch mail.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkMail } from '../review/index';
import { formatText } from '../review/format';
import { simulateHunk } from '../bind/index';
import { renderSwimlanes } from '../check/swimlane';
import { renderSimulation } from './simulate';
import { readText } from './check';
import { UsageError, type Verb } from './verb';

const EXAMPLE = 'dax-pmd-downgrade.mbox';

const usage = `usage: dax-review demo

Reviews examples/${EXAMPLE}, a DAX patch mail written for this project: prints the
findings with the interleaving that confirms each, and the simulation of the hunk.`;

/** The example mail: beside the bundle (dist/../examples) or in the source tree. */
export function exampleMail(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (const dir of [path.join(here, '..', 'examples'), path.join(here, '..', '..', 'examples'), path.join(process.cwd(), 'examples')]) {
    const p = path.join(dir, EXAMPLE);
    if (existsSync(p)) return p;
  }
  throw new UsageError(`cannot find examples/${EXAMPLE} beside ${here}`);
}

export const demo: Verb = {
  name: 'demo',
  summary: 'check and simulate the bundled example patch mail',
  usage,
  async run(_args, io) {
    const file = exampleMail();
    const rel = path.relative(process.cwd(), file) || file;
    io.out(`$ dax-review check ${rel}`);
    const t0 = performance.now();
    const r = await checkMail(readText(file), { file: rel });
    io.out(formatText(r.findings, r.coverage, rel));
    for (const f of r.findings.filter((x) => x.trace)) {
      io.out('');
      io.out(`${rel}:${f.line}: ${f.kind} [${f.rule}], ${f.simulation?.summary ?? ''}`);
      io.out(renderSwimlanes(f.trace!, { width: 110 }));
    }
    const hunks = [...new Set(r.findings.map((f) => f.hunk.id).filter((id) => id >= 0))];
    for (const id of hunks) {
      io.out('');
      io.out(`$ dax-review simulate ${rel} --hunk ${id}`);
      const s = await simulateHunk(r.patches, id);
      io.out(renderSimulation(s).split('\n').filter((l) => !/^\s{4}/.test(l)).join('\n'));
    }
    io.out('');
    io.out(`reviewed in ${(performance.now() - t0).toFixed(0)} ms; 'dax-review reply ${rel}' drafts the reply mail`);
    return 0;
  },
};
