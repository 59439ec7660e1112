/**
 * A small seeded PRNG (sfc32) and the helpers the generators use. Every generated file takes its
 * own seed from (set, file index, base seed), so a file's bytes do not depend on which generator
 * process wrote it or in what order.
 */

/** FNV-1a of a string: a 32-bit seed. */
export function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX = '0123456789abcdef';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const s = typeof seed === 'string' ? hashSeed(seed) : seed >>> 0;
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = s;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    const a = this.a, b = this.b, c = this.c, d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.c = (r + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** Lower-case hex digits. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }

  private chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  /** Upper-case letters and digits 2-7, as in AWS access key and principal ids. */
  upper(n: number): string {
    return this.chars(UPPER_ALNUM, n);
  }

  alnum(n: number): string {
    return this.chars(ALNUM, n);
  }

  /** A random (version 4) UUID. */
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${HEX[8 + this.int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** Builds a sampler from [value, weight] pairs. */
export function weighted<T>(pairs: Array<[T, number]>): (r: Rng) => T {
  const total = pairs.reduce((a, [, w]) => a + w, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const [, w] of pairs) cum.push((acc += w / total));
  const values = pairs.map(([v]) => v);
  return (r) => {
    const x = r.next();
    for (let i = 0; i < cum.length; i++) if (x < cum[i]!) return values[i]!;
    return values[values.length - 1]!;
  };
}
