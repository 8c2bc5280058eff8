import { gunzipSync } from 'node:zlib';
import { groupIdSweep, type GroupIdPlace, type GroupIdSweep } from '../core/group-id-sweep';
import type { GroupRecord, ScanError, SourceId } from '../core/model';
import type { ResponseObserver, SdkResponse } from './client-factory';
import type { Evidence } from './scanners/types';

/*
 * The free-text sweep (DESIGN.md): every answer a scanner's calls get is searched for the region's
 * group ids and security-group ARNs, in every string at any depth (JSON held in strings and base64
 * user data opened), so a field AWS adds tomorrow is read the day it appears. A group named there
 * is in use, with the resource and the JSON path as evidence. Only the id, the path and the
 * resource's ARN/name/id leave this module: the value around the id (environment variables hold
 * secrets) is never copied, logged or stored.
 */

/**
 * Sources whose answers name groups as their subjects rather than as something using them: the
 * group's own rules and the rules of peered VPCs that reference it (sg-rule-references,
 * peered-references: references count only through classify's fixpoint), CloudTrail events about
 * the groups (cloudtrail-age), the groups' VPC associations and RAM shares, whose scanners decide
 * what counts. The inventory (DescribeSecurityGroups/Rules) runs outside every scan and is never
 * swept.
 */
export const SWEEP_EXCLUDED_SOURCES: ReadonlySet<SourceId> = new Set<SourceId>([
  'sg-rule-references',
  'peered-references',
  'cloudtrail-age',
  'vpc-associations',
  'ram-shares',
  // Events name groups as their subjects (reads and rule edits too): recent-activity decides which count.
  'recent-activity',
]);

/** Whether the answers a source gets are swept. */
export function sweepsResponses(source: SourceId): boolean {
  return !SWEEP_EXCLUDED_SOURCES.has(source);
}

/**
 * States of a resource that is gone for good (an instance terminated an hour ago, a deleted
 * stack or endpoint, a closed or cancelled Spot request still listed): whatever its answer still
 * names holds nothing. Deliberately
 * short: a stopped, failed, inactive or deleting resource is still swept.
 */
const GONE_STATES = new Set(['terminated', 'deleted', 'delete_complete', 'delete-complete', 'cancelled', 'closed']);
const STATE_KEY = /^(?:state|status|stackstatus|lifecyclestate)$/i;

/** Gzip user data inflates to at most 1 MB here (EC2 user data is at most 16 KB before encoding). */
const MAX_INFLATED_BYTES = 1024 * 1024;

function inflate(bytes: Uint8Array): Uint8Array | undefined {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isGone(item: Json): boolean {
  for (const [key, value] of Object.entries(item)) {
    if (!STATE_KEY.test(key)) continue;
    const state = typeof value === 'string' ? value : isObject(value) ? (value.Name ?? value.name ?? value.Code ?? value.code) : undefined;
    if (typeof state === 'string' && GONE_STATES.has(state.toLowerCase())) return true;
  }
  return false;
}

const ARN_KEY = /arn$/i;
// FunctionName, jobDefinitionName, ParameterName, Id, name...: camelCase or PascalCase keys, never
// an environment variable's UPPER_SNAKE name.
const NAME_KEY = /^(?:[A-Za-z]*[a-z])?(?:Name|Id)$|^(?:name|id)$/;
const MAX_IDENTITY_CHARS = 256;

/**
 * The resource an answer's value belongs to: along the path from the answer's root, the first
 * object with an ARN (a key ending in `Arn` whose value is an ARN, or any value that is one, as
 * `ExportingStackId`), else the first with a name or id key. The key on the path itself is never
 * the identity (it holds the swept value).
 */
function identityOf(root: unknown, segments: readonly (string | number)[]): { identity?: string; gone: boolean } {
  const chain: Array<{ item: Json; next: string | number | undefined }> = [];
  let current: unknown = root;
  for (let i = 0; i <= segments.length; i += 1) {
    if (isObject(current)) chain.push({ item: current, next: segments[i] });
    if (i === segments.length) break;
    const segment = segments[i] as string | number;
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isObject(current) && typeof segment === 'string') current = current[segment];
    else break; // the path went into JSON held in a string: the enclosing items are above it
  }
  const gone = chain.some(({ item }) => isGone(item));
  // An item whose own ARN (`ResourceARN` in the tagging API, `Arn`) is a group's is that group's listing.
  const selfArn = chain.map(({ item }) => item.ResourceARN ?? item.ResourceArn ?? item.Arn ?? item.arn).find((v): v is string => typeof v === 'string' && /:security-group\/sg-/i.test(v));
  if (selfArn) return { identity: selfArn, gone };
  const usable = (key: string, value: unknown, next: string | number | undefined): value is string =>
    key !== next && typeof value === 'string' && value.length > 0 && value.length <= MAX_IDENTITY_CHARS;
  for (const { item, next } of chain) {
    for (const [key, value] of Object.entries(item)) {
      if (usable(key, value, next) && value.startsWith('arn:') && (ARN_KEY.test(key) || NAME_KEY.test(key))) return { identity: value, gone };
    }
  }
  // A name or id that names a group is the group's own listing (or a value): not an identity.
  for (const { item, next } of chain) {
    for (const [key, value] of Object.entries(item)) {
      if (NAME_KEY.test(key) && usable(key, value, next) && !/sg-[0-9a-f]{8}/i.test(value)) return { identity: value, gone };
    }
  }
  return { gone };
}

/** One group found by the sweep on one resource. */
export interface SweepFinding {
  groupId: string;
  evidence: Evidence;
}

const SWEEPS = new WeakMap<readonly GroupRecord[], GroupIdSweep>();

/** Places kept per group and resource: the evidence names the first few. */
const MAX_PATHS_SHOWN = 2;

/**
 * The sweep of one scan: `observer` is handed every answer (see observeResponses), `findings()`
 * gives one usage per group and resource. Never throws into the SDK call: an error is kept in
 * `error` (the scan then fails closed, see runScanner).
 */
export class ResponseSweep {
  private readonly sweep: GroupIdSweep;
  private readonly found = new Map<string, { groupId: string; identity: string; read: string; paths: string[]; more: number }>();
  error: ScanError | undefined;

  constructor(groups: readonly GroupRecord[]) {
    // One id index per region's inventory, shared by that region's scans.
    let sweep = SWEEPS.get(groups);
    if (!sweep) {
      sweep = groupIdSweep(
        groups.map((g) => g.groupId),
        { inflate },
      );
      SWEEPS.set(groups, sweep);
    }
    this.sweep = sweep;
  }

  readonly observer: ResponseObserver = (response: SdkResponse): void => {
    try {
      this.read(response);
    } catch (error) {
      this.error ??= { code: 'SweepFailed', message: `free-text sweep of ${response.service} ${response.operation} failed: ${(error as Error)?.name ?? 'error'}` };
    }
  };

  private read({ service, operation, output }: SdkResponse): void {
    if (!isObject(output)) return;
    // The request id and attempts are the SDK's, not the resource's.
    const body: Json = { ...output };
    delete body.$metadata;
    const places: GroupIdPlace[] = this.sweep.inJson(body);
    for (const place of places) {
      const { identity, gone } = identityOf(body, place.segments);
      if (gone) continue;
      // A resource that is the group itself (its own tags, in the tagging API) does not use it.
      if (identity && identity.toLowerCase().endsWith(`security-group/${place.groupId.toLowerCase()}`)) continue;
      const name = identity ?? `${operation} answer`;
      const key = `${place.groupId}\u0000${name}`;
      const entry = this.found.get(key);
      if (!entry) this.found.set(key, { groupId: place.groupId, identity: name, read: `${service} ${operation}`, paths: [place.path], more: 0 });
      else if (entry.paths.length < MAX_PATHS_SHOWN) entry.paths.push(place.path);
      else entry.more += 1;
    }
  }

  /** One finding per group and resource, in order of discovery. */
  findings(): SweepFinding[] {
    return [...this.found.values()].map(({ groupId, identity, read, paths, more }) => ({
      groupId,
      evidence: {
        resourceType: `${read} item`,
        resourceId: identity,
        detail: `found in ${paths.join(', ')}${more > 0 ? ` (+${more} more)` : ''} of ${identity}, by the free-text sweep`,
      },
    }));
  }
}

/**
 * Reads every page of a listing and keeps nothing: for sources whose answers matter only to the
 * sweep, which sees each page as it arrives.
 */
export async function readEveryPage(pages: AsyncIterable<unknown>): Promise<void> {
  const iterator = pages[Symbol.asyncIterator]();
  while (!(await iterator.next()).done) {
    // each page was swept on arrival
  }
}
