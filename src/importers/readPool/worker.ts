import { parentPort } from 'node:worker_threads';
import { readOne, type ReadRequest, type ReadResult } from './pool.ts';

/** Reads files for the main thread (sha256, the facts detection needs, the detected format), a chunk of paths per message. */
parentPort!.on('message', async (req: ReadRequest) => {
  const results: ReadResult['results'] = [];
  for (const p of req.paths) results.push(await readOne(p));
  parentPort!.postMessage({ first: req.first, results } satisfies ReadResult);
});
