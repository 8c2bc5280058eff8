import type { GroupRecord, RuleRecord } from './model';

/** The tag naming the group a restored group was recreated from (how a re-run finds it). */
export const RESTORED_FROM_TAG = 'sg-auditor:restored-from';

/** What restore does with one group of the backup, decided from the region as it is now. */
export type PlannedGroup =
  | { group: GroupRecord; action: 'create' }
  /** A group tagged restored-from this one exists: reuse it (a re-run), never a second copy. */
  | { group: GroupRecord; action: 'already-restored'; newGroupId: string; current: GroupRecord }
  /** The original was never deleted: nothing to restore, and references to it stay as they are. */
  | { group: GroupRecord; action: 'still-exists' };

export interface RestorePlan {
  groups: PlannedGroup[];
  /** Original id -> restored id, for every group of the region restored by any earlier run. */
  restoredBefore: Map<string, string>;
}

/**
 * Decides, per group to restore, whether to create it, reuse an earlier restore of it (found by
 * its restored-from tag anywhere in the region), or leave it because the original still exists.
 * `existing` is the region's inventory now.
 */
export function planRestore(selected: readonly GroupRecord[], existing: readonly GroupRecord[]): RestorePlan {
  const present = new Map(existing.map((g) => [g.groupId, g]));
  const restoredBefore = new Map<string, string>();
  // Oldest id first, so a duplicate an earlier tool made does not change which copy is used.
  for (const g of [...existing].sort((a, b) => a.groupId.localeCompare(b.groupId))) {
    const from = g.tags[RESTORED_FROM_TAG];
    if (from && !restoredBefore.has(from)) restoredBefore.set(from, g.groupId);
  }
  const groups = selected.map((group): PlannedGroup => {
    if (present.has(group.groupId)) return { group, action: 'still-exists' };
    const newGroupId = restoredBefore.get(group.groupId);
    const current = newGroupId ? present.get(newGroupId) : undefined;
    if (newGroupId && current) return { group, action: 'already-restored', newGroupId, current };
    return { group, action: 'create' };
  });
  return { groups, restoredBefore };
}

/** The allow-all IPv4 egress rule every new VPC group starts with, as AWS creates it. */
export const isDefaultEgress = (r: RuleRecord): boolean =>
  r.isEgress &&
  r.ipProtocol === '-1' &&
  r.cidrIpv4 === '0.0.0.0/0' &&
  !r.description &&
  Object.keys(r.tags ?? {}).length === 0;

/** The allow-all IPv6 egress rule a new group can start with (a VPC with an IPv6 CIDR). */
export const isDefaultEgressV6 = (r: RuleRecord): boolean =>
  r.isEgress &&
  r.ipProtocol === '-1' &&
  r.cidrIpv6 === '::/0' &&
  !r.description &&
  Object.keys(r.tags ?? {}).length === 0;

/**
 * The rules to add to a restored group, and whether its default egress must go: the default rule
 * stays only when the backup has that same rule (same target, no description, no tags); otherwise
 * it is revoked and every saved egress rule, an allow-all with a description included, is added.
 */
export function rulesToRestore(group: GroupRecord): { rules: RuleRecord[]; keepDefaultEgress: boolean } {
  const keepDefaultEgress = group.egress.some(isDefaultEgress);
  const egress = keepDefaultEgress ? group.egress.filter((r) => !isDefaultEgress(r)) : group.egress;
  return { rules: [...group.ingress, ...egress], keepDefaultEgress };
}

/** Tags as restore may write them: `aws:` keys are reserved by AWS and cannot be created. */
export function writableTags(tags: Readonly<Record<string, string>> | undefined): Array<{ Key: string; Value: string }> {
  return Object.entries(tags ?? {})
    .filter(([key]) => !key.toLowerCase().startsWith('aws:'))
    .map(([Key, Value]) => ({ Key, Value }));
}
