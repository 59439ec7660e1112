import { describe, expect, it } from 'vitest';
import { duckdbMemoryLimit, IMPORT_DUCKDB_SHARE } from '../../src/db/connection.ts';
import { fillMarker, withSource } from '../../src/db/sql.ts';
import { DEFAULT_FIELDS, FLOW_FIELDS, type FlowField } from '../../src/importers/flow/fields.ts';
import { selectList } from '../../src/importers/flow/text.ts';

describe('statement markers', () => {
  it('fills exactly one marker, and refuses a statement with none or two', () => {
    expect(withSource('INSERT INTO t {{source}};', '  SELECT 1 \n')).toBe('INSERT INTO t SELECT 1;');
    expect(fillMarker('SELECT {{columns}} FROM r', 'columns', 'a, $b')).toBe('SELECT a, $b FROM r');
    // replacement text is taken literally ($& would otherwise insert the marker itself)
    expect(fillMarker('SELECT {{c}}', 'c', '$&')).toBe('SELECT $&');
    expect(() => fillMarker('SELECT 1', 'columns', 'a')).toThrow(/0 \{\{columns\}\} markers/);
    expect(() => fillMarker('-- {{columns}}\nSELECT {{columns}}', 'columns', 'a')).toThrow(/2 \{\{columns\}\} markers/);
  });

  it('builds a flow load select list only from the fixed AWS field list', () => {
    expect(selectList(DEFAULT_FIELDS)).toBe(
      'r."version", r."account_id", r."interface_id", r."srcaddr", r."dstaddr", r."srcport", r."dstport", r."protocol", r."packets", r."bytes", to_timestamp(r."start") AS start_time, to_timestamp(r."end") AS end_time, r."action", r."log_status"',
    );
    const forged: FlowField = { name: 'x', column: 'x"; DROP TABLE flow_records; --', type: 'VARCHAR', version: 2 };
    expect(() => selectList([FLOW_FIELDS[0]!, forged])).toThrow(/not a flow-log field/);
  });
});

describe('memory budget', () => {
  it('gives DuckDB its share of the budget, in DuckDB units (GB decimal, GiB binary)', () => {
    expect(duckdbMemoryLimit('1GB')).toBe('1000MB');
    expect(duckdbMemoryLimit('1GB', IMPORT_DUCKDB_SHARE)).toBe('700MB');
    expect(duckdbMemoryLimit('1GiB', 0.7)).toBe('751MB');
    expect(duckdbMemoryLimit('4 gb', 0.7)).toBe('2800MB');
    expect(duckdbMemoryLimit('512MB', 0.7)).toBe('358MB');
    expect(duckdbMemoryLimit('1.5GB', 0.7)).toBe('1050MB');
    expect(duckdbMemoryLimit('10MB')).toBe('64MB');
    for (const bad of ['', 'lots', '80%', '1 GB extra', '-1GB']) expect(() => duckdbMemoryLimit(bad), bad).toThrow(/is not a size/);
  });
});
