/**
 * Group-name globs as people write them: `*` is any run of characters (a group name is not a
 * path, so `prod-*` matches `prod-eks/nodes`), `?` is one character, `[abc]`, `[a-z]` and
 * `[!a]` (or `[^a]`) are classes; every other character is itself; case is ignored.
 *
 * Hand-written rather than a path-glob library: those keep `*` inside one path segment, read
 * `(...)`, `{a,b}`, `@`, `+` and a leading `!` as syntax although AWS allows all of them in group
 * names, and backtracking regular expressions can take exponential time on many stars. This
 * matcher takes at most O(name x pattern) steps.
 */

type Token = { kind: 'any' } | { kind: 'char'; char: string } | { kind: 'class'; negate: boolean; ranges: Array<[number, number]> };

/** Raised for a pattern that cannot be compiled (an unclosed or empty `[`, a reversed range). */
export class GlobSyntaxError extends Error {
  override readonly name = 'GlobSyntaxError';
}

const fold = (ch: string) => ch.toLowerCase();

function inClass(token: Extract<Token, { kind: 'class' }>, ch: string): boolean {
  const candidates = new Set([ch, ch.toLowerCase(), ch.toUpperCase()]);
  let hit = false;
  for (const c of candidates) {
    const code = c.codePointAt(0) ?? -1;
    if (token.ranges.some(([from, to]) => code >= from && code <= to)) hit = true;
  }
  return hit !== token.negate;
}

function matchesToken(token: Token, ch: string): boolean {
  if (token.kind === 'any') return true;
  if (token.kind === 'char') return fold(ch) === token.char;
  return inClass(token, ch);
}

/** Parses `[...]` starting at `chars[start]` (the `[`); returns the token and the index after `]`. */
function parseClass(chars: string[], start: number, pattern: string): [Token, number] {
  let i = start + 1;
  let negate = false;
  if (chars[i] === '!' || chars[i] === '^') {
    negate = true;
    i += 1;
  }
  const ranges: Array<[number, number]> = [];
  let first = true;
  for (; i < chars.length; i += 1) {
    const ch = chars[i] as string;
    if (ch === ']' && !first) return [{ kind: 'class', negate, ranges }, i + 1];
    first = false;
    const from = ch.codePointAt(0) ?? 0;
    if (chars[i + 1] === '-' && chars[i + 2] !== undefined && chars[i + 2] !== ']') {
      const to = (chars[i + 2] as string).codePointAt(0) ?? 0;
      if (to < from) throw new GlobSyntaxError(`range "${ch}-${chars[i + 2]}" in "${pattern}" is reversed`);
      ranges.push([from, to]);
      i += 2;
    } else {
      ranges.push([from, from]);
    }
  }
  throw new GlobSyntaxError(`"[" at position ${start + 1} of "${pattern}" is never closed with "]"`);
}

/** Splits a pattern into segments of one-character tokens, separated by `*`. */
function parse(pattern: string): Token[][] {
  const chars = Array.from(pattern);
  const segments: Token[][] = [[]];
  for (let i = 0; i < chars.length; ) {
    const ch = chars[i] as string;
    if (ch === '*') {
      segments.push([]);
      i += 1;
      continue;
    }
    const current = segments[segments.length - 1] as Token[];
    if (ch === '?') {
      current.push({ kind: 'any' });
      i += 1;
    } else if (ch === '[') {
      const [token, next] = parseClass(chars, i, pattern);
      current.push(token);
      i = next;
    } else {
      current.push({ kind: 'char', char: fold(ch) });
      i += 1;
    }
  }
  return segments;
}

function matchAt(segment: readonly Token[], name: readonly string[], at: number): boolean {
  if (at + segment.length > name.length) return false;
  return segment.every((token, k) => matchesToken(token, name[at + k] as string));
}

/**
 * Compiles a glob into a predicate on names; throws GlobSyntaxError for a malformed pattern.
 * Segments between stars are placed leftmost-first, which is exact for `*` (any run).
 */
export function compileGlob(pattern: string): (name: string) => boolean {
  const segments = parse(pattern);
  const head = segments[0] as Token[];
  if (segments.length === 1) {
    return (name) => {
      const chars = Array.from(name);
      return chars.length === head.length && matchAt(head, chars, 0);
    };
  }
  const tail = segments[segments.length - 1] as Token[];
  const middle = segments.slice(1, -1).filter((s) => s.length > 0);
  return (name) => {
    const chars = Array.from(name);
    if (chars.length < head.length + tail.length || !matchAt(head, chars, 0)) return false;
    const end = chars.length - tail.length;
    if (!matchAt(tail, chars, end)) return false;
    let at = head.length;
    for (const segment of middle) {
      let found = -1;
      for (let p = at; p + segment.length <= end; p += 1) {
        if (matchAt(segment, chars, p)) {
          found = p;
          break;
        }
      }
      if (found < 0) return false;
      at = found + segment.length;
    }
    return true;
  };
}
