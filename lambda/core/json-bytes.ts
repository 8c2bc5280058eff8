/**
 * The bytes of `JSON.stringify(value, null, 2) + '\n'`, built without that string.
 *
 * A 10,000-group region's report is tens of megabytes and 17 of them hundreds: stringifying the
 * whole value makes one string of that size, and Buffer.from copies it, so each artifact briefly
 * needs twice its size (docs/benchmark.md). Here the value is serialised in pieces (the top
 * levels walked, everything below MAX_WALK_DEPTH stringified as a whole and re-indented), twice:
 * once to count the bytes, once to write them into a buffer of exactly that size. The pieces
 * never exist at once, so the buffer is the only copy; the cost is serialising twice.
 *
 * The output is byte for byte JSON.stringify's (test/unit/json-bytes.test.ts): keys in
 * Object.keys order, toJSON honoured, undefined, functions and symbols left out of objects and
 * written as null in arrays. Newlines inside strings are escaped by JSON, so re-indenting a
 * stringified piece line by line is exact.
 */
const MAX_WALK_DEPTH = 4;
const STEP = '  ';

type Emit = (piece: string) => void;

/** JSON's own rule: what a value becomes before it is written (toJSON), and whether it is written at all. */
function prepared(key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: (k: string) => unknown }).toJSON(key);
  }
  return value;
}

const skipped = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

function write(value: unknown, indent: string, depth: number, emit: Emit): void {
  if (value === null || typeof value !== 'object' || depth >= MAX_WALK_DEPTH) {
    const text = JSON.stringify(value, null, 2);
    emit(depth > 0 && indent ? text.replace(/\n/g, `\n${indent}`) : text);
    return;
  }
  const inner = indent + STEP;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      emit('[]');
      return;
    }
    emit('[');
    value.forEach((item, i) => {
      const element = prepared(String(i), item);
      emit(`${i === 0 ? '' : ','}\n${inner}`);
      if (skipped(element)) emit('null');
      else write(element, inner, depth + 1, emit);
    });
    emit(`\n${indent}]`);
    return;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const member = prepared(key, (value as Record<string, unknown>)[key]);
    if (skipped(member)) continue;
    emit(`${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `);
    first = false;
    write(member, inner, depth + 1, emit);
  }
  emit(first ? '{}' : `\n${indent}}`);
}

/** Exactly `Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8')`, with no string of the whole. */
export function jsonBytes(value: unknown): Buffer {
  const top = prepared('', value);
  if (skipped(top)) return Buffer.from(`${JSON.stringify(top, null, 2)}\n`, 'utf8');
  let length = 1;
  write(top, '', 0, (piece) => {
    length += Buffer.byteLength(piece, 'utf8');
  });
  const bytes = Buffer.allocUnsafe(length);
  let offset = 0;
  write(top, '', 0, (piece) => {
    offset += bytes.write(piece, offset, 'utf8');
  });
  offset += bytes.write('\n', offset, 'utf8');
  if (offset !== length) throw new Error(`jsonBytes wrote ${offset} bytes of ${length}: the value changed while it was written`);
  return bytes;
}
