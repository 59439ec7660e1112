import { describe, expect, it } from 'vitest';
import { objectSizeLimit } from '../../src/importers/common.ts';

describe('the object size limit given to DuckDB\'s JSON reader', () => {
  it('is 1 MiB for small files and the next power of two above the largest file otherwise', () => {
    expect(objectSizeLimit(0)).toBe(1024 ** 2);
    expect(objectSizeLimit(10_000)).toBe(1024 ** 2);
    // room for the file plus 1 KiB
    expect(objectSizeLimit(1024 ** 2 - 1024)).toBe(1024 ** 2);
    expect(objectSizeLimit(1024 ** 2 - 1023)).toBe(2 * 1024 ** 2);
    expect(objectSizeLimit(19.9e6)).toBe(32 * 1024 ** 2);
  });
});
