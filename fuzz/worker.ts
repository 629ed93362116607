// The fuzzing worker: runs inputs the main thread sends and answers with their outcome.
import { parentPort, workerData } from 'node:worker_threads';
import { runOne } from './run';

const file = (workerData as { file: string }).file;
parentPort!.on('message', (msg: { id: number; bytes: Uint8Array }) => {
  runOne(Buffer.from(msg.bytes), file).then(
    (o) => parentPort!.postMessage({ id: msg.id, ...o }),
    (e: unknown) => parentPort!.postMessage({ id: msg.id, problem: `harness: ${e instanceof Error ? e.stack : String(e)}`, ms: 0, slowest: '' }),
  );
});
