import { parentPort } from 'node:worker_threads';
import { detect } from '../detect.ts';
import { readFacts } from '../sniff.ts';
import type { ReadRequest, ReadResult } from './pool.ts';

/** Reads files for the main thread (sha256, the facts detection needs, the detected format), a chunk of paths per message. */
parentPort!.on('message', async (req: ReadRequest) => {
  const results: ReadResult['results'] = [];
  for (const p of req.paths) {
    const facts = await readFacts(p);
    const detection = detect(facts);
    facts.head = Buffer.alloc(0);
    delete facts.fullHead;
    results.push({ facts, detection });
  }
  parentPort!.postMessage({ first: req.first, results } satisfies ReadResult);
});
