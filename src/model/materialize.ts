/**
 * Model views computed once per command. Each named view of queries/model is copied into a
 * temporary table of the same name, which shadows the view on this connection (views and queries
 * name them unqualified, so they read the copy). Besides not computing a view again for every
 * query that reads it, a table gives DuckDB its true size: planned as a view, eni_attribution (a
 * few hundred rows) was estimated at millions, and DuckDB built its hash join on the 10 million
 * flow records instead (new-connections went from 4-5 s to 2 s at bench scale 1).
 */
import type { Db } from '../db/connection.ts';
import { traced } from '../util/trace.ts';

/** The model views that may be materialized, in an order where each comes after the views it reads. */
const MODEL_VIEWS = [
  'function_names',
  'function_roles',
  'eni_attribution',
  'peers',
  'function_sessions',
  'functions',
  'function_flows',
  'function_hourly_invocations',
  'source_hours',
] as const;
export type ModelView = (typeof MODEL_VIEWS)[number];

/** The small views the flow model joins with the flow records (`query` copies these when its SQL reads that model). */
export const FLOW_MODEL: readonly ModelView[] = ['eni_attribution', 'peers'];

/**
 * Small views that analyzers join with large tables: materialized by every command that runs
 * analyzers. function_sessions is not among them: three analyzers and the access audit read it,
 * but its copy holds every role-session event in memory (about 700 MB of RSS at bench scale 5).
 * Copying the two small views it joins (function_names, function_roles; a few hundred rows) makes
 * each read of it three times faster instead (0.38 -> 0.13 s at bench scale 1).
 */
export const ANALYZER_MODEL: readonly ModelView[] = ['function_names', 'function_roles', ...FLOW_MODEL];

/**
 * Runs `fn` with `views` materialized, dropping the copies afterwards. Not reentrant: commands call
 * it once, around everything they run.
 */
export async function withModelTables<T>(db: Db, views: readonly ModelView[], fn: () => Promise<T>): Promise<T> {
  const ordered = MODEL_VIEWS.filter((v) => views.includes(v));
  const made: ModelView[] = [];
  try {
    for (const v of ordered) {
      // v is one of the fixed names above, never input
      await traced(`materialize ${v}`, () => db.run(`CREATE OR REPLACE TEMP TABLE ${v} AS SELECT * FROM main.${v}`));
      made.push(v);
    }
    return await fn();
  } finally {
    for (const v of made.reverse()) await db.run(`DROP TABLE IF EXISTS temp.${v}`);
  }
}
