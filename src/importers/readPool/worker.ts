import { parentPort } from 'node:worker_threads';
import { readOne, readOneSync, type ReadRequest, type ReadResult } from './pool.ts';

/** Small files are read into this one buffer, not each into a new one (less for the collector to do). */
const scratch = Buffer.allocUnsafe(1 << 20);

/** Reads files for the main thread (sha256, the facts detection needs, the detected format), a chunk of paths per message. */
parentPort!.on('message', async (req: ReadRequest) => {
  const results: ReadResult['results'] = [];
  // a chunk's small files are read and detected synchronously, one after the other, so that no
  // other chunk's reading can come between a file's read into `scratch` and its detection
  for (const p of req.paths) results.push(readOneSync(p, scratch) ?? (await readOne(p)));
  parentPort!.postMessage({ first: req.first, results } satisfies ReadResult);
});
