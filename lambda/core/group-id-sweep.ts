/**
 * Finds security group ids in free-form text and JSON documents (state machine definitions,
 * EventBridge inputs, stack parameters): any id of a group of the region found there is usage.
 * Pure and linear in the size of the document: one bounded regex pass per string, no backtracking.
 */

/** A group of the inventory named in a document, and where. */
export interface GroupIdPlace {
  /** The id as the inventory spells it. */
  groupId: string;
  /** JSON path of the value (or key) that names it, `$` for plain text. */
  path: string;
  /** The same path as segments: object keys and array indexes. */
  segments: readonly (string | number)[];
}

// `sg-` and 17 or 8 hex digits; whole-token checks are done by hand around each match. No nested
// quantifier and no lookbehind: the engine never backtracks more than the 17 characters.
const CANDIDATE = /sg-(?:[0-9a-f]{17}|[0-9a-f]{8})/gi;
const WORD = /[A-Za-z0-9_]/;
const HEX = /[0-9A-Fa-f]/;
/** How many levels of JSON-in-a-string are opened (an EventBridge Input inside a definition...). */
const MAX_NESTED_JSON = 4;
/**
 * Keys of values that AWS documents as base64 (EC2 and Auto Scaling `UserData`, Spot and EC2 Fleet
 * launch specifications, Image Builder `userDataOverride`, Batch/EKS launch template data...): the
 * value is decoded before it is swept, and gzip-compressed user data (cloud-init accepts it) is
 * inflated.
 */
const BASE64_KEY = /userdata/i;
const BASE64_TEXT = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;
/** A larger blob is not read (an SDK blob member larger than this is not a configuration value). */
const MAX_BLOB_BYTES = 4 * 1024 * 1024;

/** A streaming member (an S3 object body): never read by a sweep. */
function isStream(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { pipe?: unknown; getReader?: unknown; [Symbol.asyncIterator]?: unknown };
  return typeof v.pipe === 'function' || typeof v.getReader === 'function' || typeof v[Symbol.asyncIterator] === 'function';
}

/** A longer path is cut: the evidence names the place, it does not reproduce the document. */
const MAX_PATH_CHARS = 300;

function isWordAt(text: string, index: number): boolean {
  return index >= 0 && index < text.length && WORD.test(text.charAt(index));
}

/**
 * True when the letter before `start` ends an escape sequence rather than a word: `\n`, `\t`, `\r`,
 * `\b`, `\f` and `\uXXXX` in JSON text, `%XX` in URL-encoded text (`%2Fsg-...`).
 */
function endsEscape(text: string, start: number): boolean {
  if (text.charAt(start - 2) === '\\' && 'ntrbf'.includes(text.charAt(start - 1))) return true;
  if (text.charAt(start - 3) === '%' && HEX.test(text.charAt(start - 2)) && HEX.test(text.charAt(start - 1))) return true;
  if (text.charAt(start - 6) === '\\' && (text.charAt(start - 5) === 'u' || text.charAt(start - 5) === 'U')) {
    for (let i = start - 4; i < start; i += 1) if (!HEX.test(text.charAt(i))) return false;
    return true;
  }
  return false;
}

/**
 * Every group id token in `text`, lower-cased (EC2 ids are lower-case; a person may type them
 * otherwise), in order, repeats included. A token is `sg-` plus exactly 8 or 17 hex digits that
 * is not part of a longer word: `xsg-0123abcd` and `sg-0123abcd5` are not ids, while
 * `security-group/sg-0123abcd`, `"sg-0123abcd"`, `security_group:sg-0123abcd`, `\nsg-0123abcd`
 * and `%2Fsg-0123abcd` are.
 */
export function groupIdTokens(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const end = start + match[0].length;
    if (isWordAt(text, end)) continue;
    if (isWordAt(text, start - 1) && !endsEscape(text, start)) continue;
    found.push(match[0].toLowerCase());
  }
  return found;
}

/** `$.States.Run["Parameters"]...`: keys that are not identifiers are quoted. */
function formatPath(segments: readonly (string | number)[]): string {
  let path = '$';
  for (const segment of segments) {
    path += typeof segment === 'number' ? `[${segment}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
    if (path.length > MAX_PATH_CHARS) return `${path.slice(0, MAX_PATH_CHARS)}...`;
  }
  return path;
}

/** One node of the walk; the path is rebuilt from parents only where an id is found. */
interface Frame {
  value: unknown;
  parent: Frame | undefined;
  segment: string | number | undefined;
  nestedJson: number;
  /** Set once a base64 value was decoded: its text is not decoded again. */
  decoded?: boolean;
}

function segmentsOf(frame: Frame): (string | number)[] {
  const segments: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f?.segment !== undefined; f = f.parent) segments.push(f.segment);
  return segments.reverse();
}

/** Parses a string that holds a JSON object or array; undefined for anything else. */
function nestedDocument(text: string): object | undefined {
  const first = text.trimStart().charAt(0);
  if (first !== '{' && first !== '[') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text a base64 value holds (inflated when it is gzip), or undefined when it is not base64.
 * `inflate` is given by the caller (node:zlib in lambda/aws), keeping this module free of I/O.
 */
export function decodeBase64Text(value: string, inflate?: (bytes: Uint8Array) => Uint8Array | undefined): string | undefined {
  if (value.length < 4 || !BASE64_TEXT.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 0) return undefined;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const inflated = inflate?.(bytes);
    return inflated ? Buffer.from(inflated).toString('utf8') : undefined;
  }
  return bytes.toString('utf8');
}

export interface GroupIdSweepOptions {
  /** Inflates gzip bytes (bounded), or undefined when they are not gzip; gzip user data is not opened without it. */
  inflate?: (bytes: Uint8Array) => Uint8Array | undefined;
}

/** Finds the inventory's group ids in the documents of one region. */
export interface GroupIdSweep {
  /** Inventory ids named in `text`, each once, in order of first appearance. */
  inText(text: string | undefined | null): string[];
  /**
   * Inventory ids named anywhere in a JSON value: string values, object keys, and JSON documents
   * held in strings (an EventBridge `Input`), each place with its JSON path.
   */
  inJson(value: unknown): GroupIdPlace[];
  /** `inJson` of a JSON document given as text; text that is not JSON is swept as plain text (path `$`). */
  inJsonText(text: string | undefined | null): GroupIdPlace[];
}

/** A sweep that reports only ids of `inventoryIds` (the region's groups), in their inventory spelling. */
export function groupIdSweep(inventoryIds: Iterable<string>, options: GroupIdSweepOptions = {}): GroupIdSweep {
  const known = new Map<string, string>();
  for (const id of inventoryIds) known.set(id.toLowerCase(), id);

  const idsIn = (text: string): string[] => {
    // Most strings name no group: skip them before the regex pass.
    if (!/sg-/i.test(text)) return [];
    const ids: string[] = [];
    for (const token of groupIdTokens(text)) {
      const id = known.get(token);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  };

  const inJson = (value: unknown): GroupIdPlace[] => {
    const places: GroupIdPlace[] = [];
    const seen = new Set<string>();
    const record = (ids: string[], frame: Frame): void => {
      if (ids.length === 0) return;
      const segments = segmentsOf(frame);
      const path = formatPath(segments);
      for (const groupId of ids) {
        const key = `${groupId}\u0000${path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        places.push({ groupId, path, segments });
      }
    };
    // An explicit stack, not recursion: a deeply nested document cannot overflow the call stack.
    const stack: Frame[] = [{ value, parent: undefined, segment: undefined, nestedJson: 0 }];
    while (stack.length > 0) {
      const frame = stack.pop() as Frame;
      const current = frame.value;
      if (typeof current === 'string') {
        if (!frame.decoded && typeof frame.segment === 'string' && BASE64_KEY.test(frame.segment)) {
          const text = decodeBase64Text(current, options.inflate);
          if (text !== undefined) {
            stack.push({ ...frame, value: text, decoded: true });
            continue;
          }
        }
        const nested = frame.nestedJson < MAX_NESTED_JSON && /sg-/i.test(current) ? nestedDocument(current) : undefined;
        if (nested) stack.push({ value: nested, parent: frame.parent, segment: frame.segment, nestedJson: frame.nestedJson + 1 });
        else record(idsIn(current), frame);
      } else if (ArrayBuffer.isView(current)) {
        // A blob member (AppConfig content, a payload): swept as UTF-8 text, or JSON in it.
        if (current.byteLength <= MAX_BLOB_BYTES) {
          const text = Buffer.from(current.buffer, current.byteOffset, current.byteLength).toString('utf8');
          stack.push({ ...frame, value: text });
        }
      } else if (current instanceof Date || isStream(current)) {
        continue;
      } else if (Array.isArray(current)) {
        for (let i = current.length - 1; i >= 0; i -= 1) stack.push({ value: current[i], parent: frame, segment: i, nestedJson: frame.nestedJson });
      } else if (typeof current === 'object' && current !== null) {
        const entries = Object.entries(current);
        for (let i = entries.length - 1; i >= 0; i -= 1) {
          const [key, child] = entries[i] as [string, unknown];
          const childFrame: Frame = { value: child, parent: frame, segment: key, nestedJson: frame.nestedJson };
          // A key can name a group too (`{"sg-0123...": "web tier"}`).
          record(idsIn(key), childFrame);
          stack.push(childFrame);
        }
      }
    }
    return places;
  };

  return {
    inText(text) {
      return text ? [...new Set(idsIn(text))] : [];
    },
    inJson,
    inJsonText(text) {
      if (!text) return [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return [...new Set(idsIn(text))].map((groupId) => ({ groupId, path: '$', segments: [] }));
      }
      return inJson(parsed);
    },
  };
}

/** The places of each group, in order of first appearance: one evidence line per group and document. */
export function placesByGroup(places: readonly GroupIdPlace[]): Map<string, GroupIdPlace[]> {
  const byGroup = new Map<string, GroupIdPlace[]>();
  for (const place of places) {
    const list = byGroup.get(place.groupId);
    if (list) list.push(place);
    else byGroup.set(place.groupId, [place]);
  }
  return byGroup;
}

/** "at $.a.b, $.c (+2 more)": the first few places of one group, for a usage's detail. */
export function describePlaces(places: readonly GroupIdPlace[], max = 3): string {
  const shown = places.slice(0, max).map((p) => p.path);
  const more = places.length - shown.length;
  return `at ${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`;
}
