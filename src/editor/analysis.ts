// The analysis worker: runs the core for the extension host, one request at a time.
// Heavy jobs get a worker of their own, so Cancel is terminating it (client.ts).
import { parentPort } from 'node:worker_threads';
import * as core from './core';
import type { FromWorker, JobRequest, ToWorker } from './jobs';

type Request = { id: number } & JobRequest;

async function run(req: Request, progress: (text: string) => void, partial: (result: unknown) => void, superseded: () => boolean, abandoned: () => boolean): Promise<unknown> {
  switch (req.op) {
    case 'analyse': return core.analyse(req.args, partial, superseded);
    case 'analyseParts': return core.analyseParts(req.args, partial, superseded, abandoned);
    case 'check': return core.check(req.args, progress);
    case 'simulate': return core.simulate(req.args, progress);
    case 'scenarios': return core.scenarios(req.args);
    case 'runScenario': return core.runScenario(req.args, progress);
    case 'reply': return core.reply(req.args, progress);
    case 'threadKinds': return core.threadKinds();
    case 'warm': return core.warm();
  }
}

export function serve(): void {
  const port = parentPort;
  if (!port) throw new Error('dax-review analysis: not started as a worker');
  let queue = Promise.resolve();
  // Requests received and not yet started: a long read gives way to them (core.analyse).
  let waiting = 0;
  // Reads whose answer the host will drop: they stop at the next batch.
  const abandoned = new Set<number>();
  port.on('message', (req: ToWorker) => {
    if (req.op === 'abandon') { abandoned.add(req.target); return; }
    waiting++;
    queue = queue.then(async () => {
      waiting--;
      const post = (m: FromWorker) => port.postMessage(m);
      try {
        const result = await run(req, (text) => post({ id: req.id, kind: 'progress', text }), (r) => post({ id: req.id, kind: 'partial', result: r }), () => waiting > 0, () => abandoned.has(req.id));
        post({ id: req.id, kind: 'done', result });
      } catch (e) {
        const message = e instanceof core.Unavailable ? e.message
          : e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
        post({ id: req.id, kind: 'error', message });
      } finally {
        abandoned.delete(req.id);
      }
    });
  });
}
