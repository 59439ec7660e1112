import { describe, expect, it } from 'vitest';
import { render, terminalSafe, type Table } from '../../src/output/printer.ts';
import { withMemoryDb } from '../helpers/db.ts';
import { queryTable } from '../../src/output/printer.ts';

const t: Table = {
  columns: ['name', 'n', 'obj'],
  rows: [
    { name: '=HYPERLINK("http://evil")', n: 1, obj: { a: [1, 2] } },
    { name: 'line1\nline2 "quoted", comma', n: -2, obj: null },
    { name: '\u001b[31mred\u001b[0m \u202egnp.exe', n: 3, obj: 'x' },
  ],
};

describe('one printer for table, JSON and CSV', () => {
  it('JSON keeps values and column order', () => {
    expect(JSON.parse(render(t, 'json'))).toEqual(t.rows.map((r) => ({ name: r.name, n: r.n, obj: r.obj })));
  });

  it('CSV quotes per RFC 4180 and defuses spreadsheet formulas in text cells only', () => {
    const lines = render(t, 'csv').split('\r\n');
    expect(lines[0]).toBe('name,n,obj');
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://evil"")",1,"{""a"":[1,2]}"`);
    expect(lines[2]).toBe('"line1\nline2 ""quoted"", comma",-2,');
  });

  it('the table escapes terminal control sequences and bidi overrides', () => {
    const out = render(t, 'table', { maxWidth: 0 });
    expect(out).not.toMatch(/\u001b|\u202e/);
    expect(out).toContain('\\x1b[31mred\\x1b[0m \\u202egnp.exe');
    expect(out).toContain('line1\\nline2');
    expect(terminalSafe('ok\ttab')).toBe('ok\ttab');
  });

  it('normalizes DuckDB values: BIGINT, HUGEINT, TIMESTAMPTZ, DATE, JSON, lists, structs', async () => {
    await withMemoryDb(async (db) => {
      const r = await queryTable(
        db,
        `SELECT 42::BIGINT AS b, 12345678901234567890::HUGEINT AS h, TIMESTAMPTZ '2026-03-11 08:00:00.5+00' AS t,
                DATE '2026-03-11' AS d, '{"k":[1]}'::JSON AS j, ['a','b'] AS l, {'x': 1::BIGINT} AS s, NULL AS z`,
      );
      expect(r.rows[0]).toEqual({ b: 42, h: '12345678901234567890', t: '2026-03-11T08:00:00.500Z', d: '2026-03-11', j: { k: [1] }, l: ['a', 'b'], s: { x: 1 }, z: null });
    });
  });
});
