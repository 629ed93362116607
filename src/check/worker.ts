// The search worker (bundled as dist/worker.js): each message is a WorkerRequest
// ({scenario, points, overrides, budget, id?, cancel?}); it answers with progress
// messages and then one 'verdict' (or 'error') message. runInWorker() in ./run is the
// caller's side.
import { parentPort } from 'node:worker_threads';
import { handleRequest } from './run';
import { buildFromInput } from './scenario';
import type { WorkerReply, WorkerRequest } from './types';

const port = parentPort;
if (port) {
  port.on('message', (req: WorkerRequest) => handleRequest(req, buildFromInput, (m: WorkerReply) => port.postMessage(m)));
}
