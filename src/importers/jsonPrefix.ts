/**
 * A tolerant scanner for the first bytes of a JSON document (or of JSON Lines). Detection only
 * ever sees a prefix of a file, which JSON.parse cannot read, so this walks the tokens and
 * records which keys occur where, plus the first string value of each key path.
 *
 * Paths: '' is the top-level object; 'Records[]' is an object inside the array under the
 * top-level key Records; '[]' is an element of a top-level array; 'a.b' a nested object.
 */
export interface JsonPrefix {
  /** Type of the first top-level value. */
  top: 'object' | 'array' | 'other' | 'none';
  /** Number of top-level values started within the prefix (2+ means JSON Lines or concatenated JSON). */
  topValues: number;
  /** Whether a second top-level value began on a new line (JSON Lines). */
  newlineSeparated: boolean;
  /** Whether the first top-level value ended within the prefix. */
  firstComplete: boolean;
  /** key paths seen, e.g. 'Records[].eventVersion' */
  keys: Set<string>;
  /** First string value seen at a key path (only for values that are complete in the prefix). */
  strings: Map<string, string>;
  /** Type of the first element of each array path (e.g. '[]' -> 'string'). */
  arrayElem: Map<string, string>;
  /** The scanner hit something that is not JSON. */
  invalid: boolean;
}

type Frame = { kind: 'object' | 'array'; path: string; key?: string; sawElem?: boolean };

export function scanJsonPrefix(text: string, maxValuesTracked = 4096): JsonPrefix {
  const out: JsonPrefix = {
    top: 'none',
    topValues: 0,
    newlineSeparated: false,
    firstComplete: false,
    keys: new Set(),
    strings: new Map(),
    arrayElem: new Map(),
    invalid: false,
  };
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  let expectKey = false;
  let sawNewlineAtTop = false;
  if (text.charCodeAt(0) === 0xfeff) i = 1;

  const valuePath = (): string | undefined => {
    const f = stack[stack.length - 1];
    if (!f) return undefined;
    if (f.kind === 'object') return f.key === undefined ? undefined : f.path ? `${f.path}.${f.key}` : f.key;
    return `${f.path}[]`;
  };

  const beginValue = (type: string) => {
    const f = stack[stack.length - 1];
    if (!f) {
      out.topValues++;
      if (out.topValues === 1) {
        out.top = type === 'object' ? 'object' : type === 'array' ? 'array' : 'other';
      } else if (sawNewlineAtTop) {
        out.newlineSeparated = true;
      }
      sawNewlineAtTop = false;
    } else if (f.kind === 'array' && !f.sawElem) {
      f.sawElem = true;
      out.arrayElem.set(f.path, type);
    }
  };

  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (c === '\n' && stack.length === 0) sawNewlineAtTop = true;
      i++;
      continue;
    }
    if (c === '{' || c === '[') {
      const path = valuePath() ?? '';
      beginValue(c === '{' ? 'object' : 'array');
      stack.push({ kind: c === '{' ? 'object' : 'array', path: c === '{' ? path : path });
      expectKey = c === '{';
      i++;
      continue;
    }
    if (c === '}' || c === ']') {
      stack.pop();
      if (stack.length === 0 && out.topValues === 1) out.firstComplete = true;
      expectKey = false;
      i++;
      continue;
    }
    if (c === ',') {
      const f = stack[stack.length - 1];
      if (f && f.kind === 'object') {
        expectKey = true;
        f.key = undefined;
      }
      i++;
      continue;
    }
    if (c === ':') {
      expectKey = false;
      i++;
      continue;
    }
    if (c === '"') {
      // find the end of the string
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      if (j >= n) return out; // string runs past the prefix
      let s: string;
      try {
        s = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        out.invalid = true;
        return out;
      }
      const f = stack[stack.length - 1];
      if (f && f.kind === 'object' && expectKey) {
        f.key = s;
        const p = f.path ? `${f.path}.${s}` : s;
        if (out.keys.size < maxValuesTracked) out.keys.add(p);
        expectKey = false;
      } else {
        const p = valuePath();
        beginValue('string');
        if (p !== undefined && !out.strings.has(p) && out.strings.size < maxValuesTracked) out.strings.set(p, s);
      }
      i = j + 1;
      continue;
    }
    // number, true, false, null
    const m = /^(-?\d[\d.eE+-]*|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) {
      out.invalid = true;
      return out;
    }
    beginValue(m[1] === 'null' ? 'null' : m[1] === 'true' || m[1] === 'false' ? 'boolean' : 'number');
    if (stack.length === 0 && out.topValues === 1) out.firstComplete = true;
    i += m[1]!.length;
  }
  return out;
}
