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
  readonly strings: Map<string, string>;
  /** Type of the first element of each array path (e.g. '[]' -> 'string'). */
  arrayElem: Map<string, string>;
  /** The scanner hit something that is not JSON. */
  invalid: boolean;
}

/** `quiet`: inside the 4th or a later element of an array (or top-level value), whose keys the
 * first elements already showed; such values are parsed but not recorded, which keeps detection
 * of files full of small records cheap. */
type Frame = {
  kind: 'object' | 'array';
  path: string;
  key?: string;
  sawElem?: boolean;
  elems: number;
  quiet: boolean;
  /** Keys already recorded under this path, shared by every frame of the path. */
  keys?: Set<string>;
};

/** A number, true, false or null starting where lastIndex is (at most 64 characters, as before). */
const LITERAL = /(-?\d[\d.eE+-]{0,62}|true|false|null)/y;

/** Elements of an array whose keys and strings are recorded. */
const RECORDED_ELEMENTS = 3;

/**
 * String values are only collected while scanning; `strings` is built from them when first read
 * (most detections never read it, and building every value's path string was a third of the scan).
 */
class Prefix implements JsonPrefix {
  top: JsonPrefix['top'] = 'none';
  topValues = 0;
  newlineSeparated = false;
  firstComplete = false;
  keys = new Set<string>();
  arrayElem = new Map<string, string>();
  invalid = false;
  pending: Array<[parent: string, key: string | undefined, value: string]> = [];
  private built: Map<string, string> | undefined;
  constructor(private readonly maxValuesTracked: number) {}
  get strings(): Map<string, string> {
    if (!this.built) {
      const m = new Map<string, string>();
      for (const [parent, key, value] of this.pending) {
        if (m.size >= this.maxValuesTracked) break;
        const p = key === undefined ? `${parent}[]` : parent ? `${parent}.${key}` : key;
        if (!m.has(p)) m.set(p, value);
      }
      this.built = m;
    }
    return this.built;
  }
}

export function scanJsonPrefix(text: string, maxValuesTracked = 4096): JsonPrefix {
  const out = new Prefix(maxValuesTracked);
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  let expectKey = false;
  let sawNewlineAtTop = false;
  if (text.charCodeAt(0) === 0xfeff) i = 1;

  // Which keys each parent path has shown already: the first elements of an array repeat the same
  // keys, and building and hashing a full path string for each repeat was most of the scan's time
  // (detection of 20,000 small CloudTrail files).
  const keysOf = new Map<string, Set<string>>();
  const recordKey = (f: Frame, key: string) => {
    let seen = f.keys;
    if (!seen) {
      seen = keysOf.get(f.path);
      if (!seen) keysOf.set(f.path, (seen = new Set()));
      f.keys = seen;
    }
    if (seen.has(key)) return;
    seen.add(key);
    if (out.keys.size < maxValuesTracked) out.keys.add(f.path ? `${f.path}.${key}` : key);
  };
  const recordString = (f: Frame, v: string) => {
    if (f.kind === 'object' && f.key === undefined) return;
    out.pending.push([f.path, f.kind === 'array' ? undefined : f.key, v]);
  };

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
    } else if (f.kind === 'array') {
      f.elems++;
      if (!f.sawElem) {
        f.sawElem = true;
        out.arrayElem.set(f.path, type);
      }
    }
  };
  /** Whether a value starting now (after beginValue) is not recorded. */
  const quietHere = (): boolean => {
    const f = stack[stack.length - 1];
    if (!f) return out.topValues > RECORDED_ELEMENTS;
    return f.quiet || (f.kind === 'array' && f.elems > RECORDED_ELEMENTS);
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
      if (c === 0x0a && stack.length === 0) sawNewlineAtTop = true;
      i++;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      // { or [
      const parent = stack[stack.length - 1];
      const path = parent?.quiet ? '' : (valuePath() ?? '');
      const kind = c === 0x7b ? 'object' : 'array';
      beginValue(kind);
      stack.push({ kind, path, elems: 0, quiet: quietHere() });
      expectKey = c === 0x7b;
      i++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      // } or ]
      stack.pop();
      if (stack.length === 0 && out.topValues === 1) out.firstComplete = true;
      expectKey = false;
      i++;
      continue;
    }
    if (c === 0x2c) {
      // ,
      const f = stack[stack.length - 1];
      if (f && f.kind === 'object') {
        expectKey = true;
        f.key = undefined;
      }
      i++;
      continue;
    }
    if (c === 0x3a) {
      // :
      expectKey = false;
      i++;
      continue;
    }
    if (c === 0x22) {
      // find the end of the string: the next quote not escaped by an odd run of backslashes
      // (indexOf rather than a loop over every character: detection of 20,000 small files spent
      // most of its time here)
      let j = text.indexOf('"', i + 1);
      while (j !== -1) {
        let b = j - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        if ((j - 1 - b) % 2 === 0) break;
        j = text.indexOf('"', j + 1);
      }
      if (j === -1) return out; // string runs past the prefix
      let escaped = false;
      for (let k = i + 1; k < j; k++) {
        if (text.charCodeAt(k) === 0x5c) {
          escaped = true;
          break;
        }
      }
      const f0 = stack[stack.length - 1];
      if (f0?.quiet || (f0?.kind === 'array' && f0.elems >= RECORDED_ELEMENTS)) {
        // not recorded: only the structure matters
        if (f0.kind === 'object' && expectKey) expectKey = false;
        else beginValue('string');
        i = j + 1;
        continue;
      }
      let s: string;
      if (!escaped) s = text.slice(i + 1, j);
      else {
        try {
          s = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          out.invalid = true;
          return out;
        }
      }
      const f = f0;
      if (f && f.kind === 'object' && expectKey) {
        f.key = s;
        recordKey(f, s);
        expectKey = false;
      } else {
        beginValue('string');
        if (f) recordString(f, s);
      }
      i = j + 1;
      continue;
    }
    // number, true, false, null
    LITERAL.lastIndex = i;
    const m = LITERAL.exec(text);
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
