import { plainText } from './text';

/**
 * "Keep for N days, because ...": a reviewer's decision, stored on the group itself as two tags so
 * that every later audit, wherever it runs, sees it. Tag values are written by anyone with
 * ec2:CreateTags, so everything read from them is sanitised and bounded before it becomes a reason.
 */
export const KEPT_UNTIL_TAG = 'sg-auditor:kept-until';
export const KEPT_REASON_TAG = 'sg-auditor:kept-reason';
/** The two keys the deletion workflow may write (its CreateTags is limited to them by IAM). */
export const KEEP_TAG_KEYS = [KEPT_UNTIL_TAG, KEPT_REASON_TAG] as const;

/**
 * EC2 tag values hold at most 256 Unicode characters; a reason is bounded by the same, counted in
 * UTF-16 units (what the page's maxlength counts), which is never more than EC2's count.
 */
export const MAX_KEEP_REASON = 256;
/** Tag keys and values starting with `aws:` (any case) are reserved for AWS. */
const RESERVED_PREFIX = /^aws:/i;
/** How much of a malformed date is quoted back. */
const MAX_QUOTED_DATE = 40;
const DAY_MS = 24 * 60 * 60 * 1000;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Untrusted tag text as one bounded line. */
function cleanLine(value: string, max: number): string {
  const chars = Array.from(plainText(value).trim());
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

function isCalendarDate(year: string, month: string, day: string): boolean {
  const d = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return d.getUTCFullYear() === Number(year) && d.getUTCMonth() === Number(month) - 1 && d.getUTCDate() === Number(day);
}

/**
 * The first moment a keep no longer holds: a date (`2027-01-31`) keeps the group through that whole
 * day in UTC; a full ISO time (`2027-01-31T12:00:00Z`) until that instant. Undefined when malformed.
 */
export function keptUntilEnd(value: string): Date | undefined {
  const text = value.trim();
  const date = DATE_ONLY.exec(text);
  if (date) {
    const [, y, m, d] = date as unknown as [string, string, string, string];
    if (!isCalendarDate(y, m, d)) return undefined;
    return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)) + DAY_MS);
  }
  const time = DATE_TIME.exec(text);
  if (time) {
    const [, y, m, d] = time as unknown as [string, string, string, string];
    const at = Date.parse(text);
    if (!isCalendarDate(y, m, d) || Number.isNaN(at)) return undefined;
    return new Date(at);
  }
  return undefined;
}

/** What the keep tags of a group say at `now`. */
export type KeepStatus =
  | { state: 'none' }
  /** Kept (or the date cannot be read: kept, fail-safe): the group is protected with `reason`. */
  | { state: 'kept' | 'malformed'; reason: string }
  /** The date has passed: the group is judged on its evidence again; `note` tells the reviewer. */
  | { state: 'expired'; note: string };

/** Case and surrounding spaces of a key do not matter (as for every protection tag). */
function valuesOf(tags: Readonly<Record<string, string>>, key: string): string[] {
  const wanted = key.toLowerCase();
  return Object.entries(tags)
    .filter(([k]) => k.trim().toLowerCase() === wanted)
    .map(([, v]) => v);
}

/**
 * Reads `sg-auditor:kept-until` / `sg-auditor:kept-reason`. A date that cannot be read keeps the
 * group: protecting it costs a month at most, deleting it against a reviewer's wish cannot be
 * undone with the same id. Only `kept-until` decides; a reason alone keeps nothing.
 */
export function keepStatus(tags: Readonly<Record<string, string>>, now: Date): KeepStatus {
  const untils = valuesOf(tags, KEPT_UNTIL_TAG);
  if (untils.length === 0) return { state: 'none' };
  const reasonText = valuesOf(tags, KEPT_REASON_TAG)
    .map((r) => cleanLine(r, MAX_KEEP_REASON))
    .find((r) => r.length > 0);
  const because = reasonText ? `: ${reasonText}` : ' (no reason given)';
  let expired: KeepStatus | undefined;
  for (const raw of untils) {
    const shown = cleanLine(raw, MAX_QUOTED_DATE);
    const end = keptUntilEnd(raw);
    if (end === undefined) {
      return {
        state: 'malformed',
        reason: `tag ${KEPT_UNTIL_TAG} is malformed (${JSON.stringify(shown)}, expected a date such as 2027-01-31): kept until a person corrects or removes it${because}`,
      };
    }
    if (now.getTime() < end.getTime()) return { state: 'kept', reason: `kept by reviewer until ${shown}${because}` };
    expired ??= { state: 'expired', note: `was kept by reviewer until ${shown}, which has passed${because}` };
  }
  return expired ?? { state: 'none' };
}

/** A reason as one line: control, format and separator characters and runs of spaces become one space. */
function oneLine(reason: string): string {
  return plainText(reason).replace(/\s+/gu, ' ').trim();
}

/**
 * A reason as a tag value EC2 accepts: one line, at most MAX_KEEP_REASON UTF-16 units (a longer
 * one is cut without splitting a character, and ends with …), and not starting with the reserved
 * `aws:` prefix (such a reason is written after `reason: `). EC2 takes any other character in a
 * value; whoever reads it back (keepStatus, the pages, the emails) still treats it as untrusted.
 */
export function keepReasonTagValue(reason: string): string {
  let text = oneLine(reason);
  if (RESERVED_PREFIX.test(text)) text = `reason: ${text}`;
  if (text.length <= MAX_KEEP_REASON) return text;
  let cut = text.slice(0, MAX_KEEP_REASON - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The tags that keep a group for `days` from `now` (the date in UTC), with a bounded, one-line reason. */
export function keepTags(days: number, reason: string, now: Date): Record<string, string> {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`keep days must be a whole number of at least 1, got ${days}`);
  const until = new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10);
  return { [KEPT_UNTIL_TAG]: until, [KEPT_REASON_TAG]: keepReasonTagValue(reason) };
}

/** The keep durations the review page offers (days); 0 keeps the groups this time only, untagged. */
export const KEEP_DAY_CHOICES = [0, 30, 90, 180, 365] as const;

/** What the reviewer asked for the groups they kept: tag them for `days` with `reason`, or not. */
export type KeepChoice = { days: 0 } | { days: Exclude<(typeof KEEP_DAY_CHOICES)[number], 0>; reason: string };

/**
 * Reads the review form's keep fields (`keep_days`, `keep_reason`): a duration the page offers,
 * and a reason of at most MAX_KEEP_REASON characters, required when a duration is chosen (it is
 * what the next reviewer reads). Problems come back as one sentence for a 400 page.
 */
export function parseKeepChoice(days: string | null | undefined, reason: string | null | undefined): { ok: true; choice: KeepChoice } | { ok: false; problem: string } {
  const n = days === null || days === undefined || days === '' ? 0 : Number(days);
  const offered = KEEP_DAY_CHOICES.find((d) => d === n);
  if (offered === undefined) return { ok: false, problem: `keep for ${JSON.stringify(days)} days is not one of the offered durations (${KEEP_DAY_CHOICES.join(', ')})` };
  if (offered === 0) return { ok: true, choice: { days: 0 } };
  const text = oneLine(reason ?? '');
  if (text.length === 0) return { ok: false, problem: `say why the kept groups are kept for ${offered} days: the reason is what the next reviewer reads` };
  if (text.length > MAX_KEEP_REASON) return { ok: false, problem: `the keep reason is longer than ${MAX_KEEP_REASON} characters` };
  if (RESERVED_PREFIX.test(text)) return { ok: false, problem: 'the keep reason cannot start with "aws:", which AWS reserves in tag values' };
  return { ok: true, choice: { days: offered, reason: text } };
}
