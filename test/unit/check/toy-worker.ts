// A worker serving toy machines, to test the worker plumbing without the DAX model.
import { parentPort } from 'node:worker_threads';
import { handleRequest } from '../../../src/check/run';
import type { WorkerRequest } from '../../../src/check/types';
import * as toys from './toys';

const machines: Record<string, (points: Record<string, string | number | boolean>) => toys.ToyMachine> = {
  downgrade: (p) => toys.downgrade(p.wake_all === true, Number(p.waiters ?? 2)),
  counters: (p) => toys.counters(Number(p.n ?? 3), Number(p.k ?? 3)),
};

parentPort!.on('message', (req: WorkerRequest) => {
  handleRequest(req, (input) => {
    const make = machines[input.scenario];
    if (!make) throw new Error(`unknown scenario '${input.scenario}'; scenarios: ${Object.keys(machines).join(', ')}`);
    return make(input.points ?? {});
  }, (m) => parentPort!.postMessage(m));
});
