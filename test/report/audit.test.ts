import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFindings } from '../../src/audit/index.ts';
import type { Db } from '../../src/db/connection.ts';
import { accessAudit } from '../../src/report/model.ts';
import { memoryDb } from '../helpers/db.ts';
import { loadIncident } from './fixture.ts';

let db: Db;
beforeAll(async () => {
  db = await memoryDb();
  await loadIncident(db);
});
afterAll(() => db.close());

/** The database, counting the statements run through it. */
function counting(target: Db): { db: Db; statements: () => number } {
  let n = 0;
  const proxy = new Proxy(target, {
    get(t, key) {
      const v = Reflect.get(t, key, t) as unknown;
      if (typeof v !== 'function') return v;
      if (['run', 'all', 'json', 'scalar'].includes(String(key))) {
        return (...args: unknown[]) => {
          n++;
          return (v as (...a: unknown[]) => unknown).apply(t, args);
        };
      }
      return (v as (...a: unknown[]) => unknown).bind(t);
    },
  });
  return { db: proxy, statements: () => n };
}

describe("the report's access audit", () => {
  it('runs the audit once for every function\'s rows and for the findings, which are those of `analyze findings`', async () => {
    const provider = accessAudit();
    const c = counting(db);
    const rows = await provider.rows(c.db, {});
    const afterRows = c.statements();
    expect(afterRows).toBeGreaterThan(0);
    expect(rows.length).toBeGreaterThan(0);
    await provider.rows(c.db, { function: rows[0]!.function ?? undefined });
    const findings = await provider.findings!(c.db);
    expect(c.statements()).toBe(afterRows);
    expect(findings).toEqual(await auditFindings(db));
  });
});
