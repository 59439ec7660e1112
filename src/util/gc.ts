import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full garbage collection, between phases of a long import. Reading 100,000 small files left
 * ~450 MB of mostly dead buffers in the JS heap, which V8 collects only when the heap grows
 * further, while DuckDB is inserting next to it. Measured at bench scale 5: the RSS after reading
 * went from 700 to 527 MB; together with DuckDB's smaller share of the budget during import
 * (IMPORT_DUCKDB_SHARE), the import's peak went from 2.4 GB to under 1.9 GB.
 */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}
