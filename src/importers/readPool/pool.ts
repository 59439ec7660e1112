import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { detect, type Detection } from '../detect.ts';
import { readFacts, readFactsSync, type FileFacts } from '../sniff.ts';

export interface ReadRequest {
  first: number;
  paths: string[];
}
export interface ReadResult {
  first: number;
  results: Array<{ facts: FileFacts; detection: Detection }>;
}

/** Below this many files, reading in the main thread is cheaper than starting workers. */
export const WORKER_MIN_FILES = 2000;
/** Paths per message: one message per file cost as much as reading a small file. */
const CHUNK = 200;

/** Facts with the format detected, and the head dropped. */
function detected(facts: FileFacts): { facts: FileFacts; detection: Detection } {
  const detection = detect(facts);
  facts.head = Buffer.alloc(0);
  delete facts.fullHead;
  return { facts, detection };
}

/**
 * One file read in one call, its facts and detected format, without a promise (undefined for a
 * large file: readOne). `scratch` is reused from file to file (readFactsSync): detection runs,
 * and the head and fullHead are dropped, before this returns.
 */
export function readOneSync(path: string, scratch?: Buffer): { facts: FileFacts; detection: Detection } | undefined {
  const facts = readFactsSync(path, scratch);
  return facts && detected(facts);
}

/** One file: its facts and detected format, with the head dropped (used in this thread and by worker.ts). */
export async function readOne(path: string): Promise<{ facts: FileFacts; detection: Detection }> {
  return readOneSync(path) ?? detected(await readFacts(path));
}

/**
 * Reads every file (sha256, the facts detection needs) and detects its format, calling `done`
 * as each finishes (in any order). Each head is dropped at once: for tens of thousands of small
 * files they would hold hundreds of MB. Reading and detecting small files is JavaScript work
 * (synchronous reads, gunzip of the head, the JSON prefix scan), so a large set is split over
 * one worker thread per core.
 */
export async function readAndDetect(
  paths: string[],
  done: (i: number, facts: FileFacts, detection: Detection) => void,
  opts: { concurrency?: number; workerMinFiles?: number; threads?: number } = {},
): Promise<void> {
  const concurrency = opts.concurrency ?? 8;
  const cores = opts.threads ?? Math.min(os.availableParallelism(), 4);
  if (paths.length < (opts.workerMinFiles ?? WORKER_MIN_FILES) || cores < 2) {
    // in this thread, a few at a time (large files are streamed; their reads overlap)
    let next = 0;
    const one = async () => {
      while (next < paths.length) {
        const i = next++;
        const r = await readOne(paths[i]!);
        done(i, r.facts, r.detection);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, one));
    return;
  }
  const workers = Array.from({ length: cores }, () => new Worker(new URL('./worker.mjs', import.meta.url)));
  try {
    let next = 0;
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            let inFlight = 0;
            const send = () => {
              // two chunks in flight, so that a worker never waits for its next paths
              while (inFlight < 2 && next < paths.length) {
                const first = next;
                next = Math.min(paths.length, next + CHUNK);
                inFlight++;
                w.postMessage({ first, paths: paths.slice(first, next) } satisfies ReadRequest);
              }
              if (inFlight === 0) resolve();
            };
            w.on('message', (r: ReadResult) => {
              inFlight--;
              r.results.forEach((x, k) => {
                x.facts.head = Buffer.alloc(0); // a Buffer arrives as a plain Uint8Array
                done(r.first + k, x.facts, x.detection);
              });
              send();
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (inFlight > 0 || next < paths.length) reject(new Error(`file reader thread exited (code ${code}) before reading every file`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
