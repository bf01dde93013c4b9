/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in their shortest ECMAScript form, strings escaped as JSON.stringify does. Anything JSON cannot
 * represent exactly (NaN, Infinity, undefined, functions, symbols, bigints, lone surrogates, cycles, class
 * instances such as Date or Map) is refused rather than silently changed, because the text is what gets
 * hashed and signed. Browser-safe: no Node APIs.
 */
export class CanonicalJsonError extends Error {
  readonly code = 'CANONICAL_JSON';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} at ${path || '(root)'}`);
    this.name = 'CanonicalJsonError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function str(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw new CanonicalJsonError('a string holds a lone UTF-16 surrogate, which is not valid Unicode', path);
  return JSON.stringify(s);
}

export interface CanonicalOptions {
  /**
   * What a property whose value is undefined means: 'refuse' (the default: signed payloads say null or omit
   * the key), or 'omit' as JSON.stringify does (records built with optional fields, e.g. backup manifests).
   */
  undefinedProperties?: 'refuse' | 'omit';
}

function write(value: unknown, path: string, seen: Set<object>, out: string[], omitUndefined: boolean): void {
  switch (typeof value) {
    case 'string':
      out.push(str(value, path));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`the number ${String(value)} has no JSON form`, path);
      // JSON.stringify gives the ECMAScript shortest round-trip form that JCS prescribes, and "0" for -0.
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`a value of type ${typeof value} has no JSON form`, path);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (seen.has(value)) throw new CanonicalJsonError('the value refers to itself (a cycle)', path);
  seen.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      if (!(i in value)) throw new CanonicalJsonError('an array has a hole', `${path}[${i}]`);
      write(value[i], `${path}[${i}]`, seen, out, omitUndefined);
    }
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null)
      throw new CanonicalJsonError(`an instance of ${(value as object).constructor?.name ?? 'a class'} is not plain JSON: convert it first`, path);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => !(omitUndefined && record[k] === undefined))
      .sort(compareUtf16);
    out.push('{');
    keys.forEach((k, i) => {
      const v = record[k];
      const p = `${path}.${k}`;
      if (v === undefined) throw new CanonicalJsonError('a property is undefined: omit it or use null', p);
      if (i > 0) out.push(',');
      out.push(str(k, p), ':');
      write(v, p, seen, out, omitUndefined);
    });
    out.push('}');
  }
  seen.delete(value);
}

/** The canonical text of a JSON value; throws CanonicalJsonError naming the offending path. */
export function canonicalize(value: unknown, options: CanonicalOptions = {}): string {
  const out: string[] = [];
  write(value, '', new Set(), out, options.undefinedProperties === 'omit');
  return out.join('');
}

/** The canonical text as UTF-8 bytes: what is hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}

/** Whether `text` is exactly the canonical form of the JSON it holds (used to refuse ambiguous payloads). */
export function isCanonical(text: string): boolean {
  try {
    return canonicalize(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}
