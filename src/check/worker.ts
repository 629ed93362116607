// The search worker (bundled as dist/worker.js): each message is a WorkerRequest
// ({scenario, points, overrides, budget, id?, cancel?}); it answers with progress
// messages and then one 'verdict' (or 'error') message. runInWorker() in ./run is the
// caller's side.
import { parentPort } from 'node:worker_threads';
import { getCParser } from '../c/parser';
import { handleRequest } from './run';
import { buildFromInput } from './scenario';
import type { WorkerReply, WorkerRequest } from './types';

const port = parentPort;
if (port) {
  // The model's kernel C is lowered with the C parser: requests wait for it once.
  const ready = getCParser();
  port.on('message', (req: WorkerRequest) => {
    void ready.then(() => handleRequest(req, buildFromInput, (m: WorkerReply) => port.postMessage(m)),
      (e: unknown) => port.postMessage({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) }));
  });
}
