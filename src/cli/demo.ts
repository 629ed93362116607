// dax-review demo: check and simulate the bundled example patch mail.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkMail } from '../review/index';
import { formatText } from '../review/format';
import { simulateHunk } from '../bind/index';
import { renderSwimlanes } from '../check/swimlane';
import { renderSimulation } from './simulate';
import { compactTrace, cell } from '../review/reply';
import { DEFAULT_LIMITS, readMailFile } from '../mail/index';
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
    const r = await checkMail(readMailFile(file, DEFAULT_LIMITS), { file: rel });
    io.out(formatText(r.findings, r.coverage, rel));
    for (const f of r.findings.filter((x) => x.trace)) {
      io.out('');
      io.out(`${rel}:${f.line}: ${f.kind} [${f.rule}]: ${f.simulation?.summary ?? ''}`);
      io.out(renderSwimlanes(compactTrace(f.trace!), { width: 110, cell }));
    }
    // The hunk verdicts, pre-image against post-image, in the scenarios that confirmed a finding.
    const runs = new Map<string, { hunk: number; scenario: string }>();
    for (const f of r.findings) if (f.hunk.id >= 0 && f.simulation) runs.set(`${f.hunk.id}:${f.simulation.scenario}`, { hunk: f.hunk.id, scenario: f.simulation.scenario });
    for (const { hunk, scenario } of runs.values()) {
      io.out('');
      io.out(`$ dax-review simulate ${rel} --hunk ${hunk} --scenario ${scenario}`);
      const s = await simulateHunk(r.patches, hunk, { scenario });
      io.out(renderSimulation(s).split('\n').filter((l) => !/^\s{4}/.test(l)).join('\n'));
    }
    io.out('');
    io.out(`reviewed in ${(performance.now() - t0).toFixed(0)} ms; 'dax-review reply ${rel}' drafts the reply mail`);
    return 0;
  },
};
