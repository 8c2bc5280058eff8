import type { AuditReport, ClassifiedGroup, GroupRecord, RegionReport, RuleRecord } from './model';
import type { Approver } from './signin';

/**
 * Deletion planning, pure: which of the reviewer's groups may still be deleted after the
 * re-audit, which rules must be revoked first, and in what order the rest are deleted.
 */

/** 2: status, revocations with rule contents, pre-delete backups; revokedRules are rules, not ids. */
export const DELETION_RESULT_SCHEMA_VERSION = 2;

/** `already-deleted`: gone before this deletion reached it (InvalidGroup.NotFound, or absent from the re-audit). */
export type OutcomeKind = 'deleted' | 'already-deleted' | 'skipped' | 'failed' | 'kept-by-reviewer';

export interface GroupOutcome {
  groupId: string;
  region: string;
  groupName: string;
  outcome: OutcomeKind;
  reason: string;
  /** Rules revoked from this group to break a reference cycle, as they were (pre-delete backup). */
  revokedRules?: RuleRecord[];
  /** DeleteSecurityGroup calls made (DependencyViolation retries included). */
  attempts?: number;
}

/** Who asked for the deletion, recorded in the trail. */
export interface Requester {
  via: 'approval-link' | 'cli';
  sourceIp?: string;
  userAgent?: string;
  /** The CLI's local user name. */
  user?: string;
  /** The reviewer's free-text note ("why are these being deleted"). */
  note?: string;
  /** Signed-in approval: who approved (subject, email, identity provider). */
  approvers?: Approver[];
}

export interface DeletionTotals {
  deleted: number;
  /** Gone before this deletion reached them: not deleted by it. */
  alreadyDeleted: number;
  skipped: number;
  failed: number;
  keptByReviewer: number;
}

/** One revocation of a cycle's rules, recorded whatever happens next. */
export interface RevocationRecord {
  groupId: string;
  region: string;
  /** The rules as the pre-delete backup holds them, enough to add them back. */
  rules: RuleRecord[];
  /** `uncertain`: the call was started but its answer was lost (a batch stopped mid-call). */
  status: 'revoked' | 'failed' | 'uncertain';
  error?: string;
  /**
   * The group was then not deleted (skipped or failed), so its revoked rules were added back:
   * how many, and those that could not be (e.g. the group they referenced was deleted meanwhile).
   */
  readded?: { added: number; failed: string[] };
}

export interface DeletionResult {
  schemaVersion: typeof DELETION_RESULT_SCHEMA_VERSION;
  /**
   * `aborted`: the workflow stopped on an error; the outcomes are what was recorded until then.
   * `refused`: the approval could not be authenticated (lambda/core/approval-auth.ts); nothing was done.
   */
  status: 'completed' | 'aborted' | 'refused';
  /** Why it stopped (aborted only). */
  abortReason?: string;
  /** Why the approval was refused (refused only). */
  refuseReason?: string;
  auditId: string;
  accountId: string;
  startedAt: string;
  finishedAt: string;
  requester: Requester;
  /** The groups the reviewer selected, as sent. */
  selection: string[];
  outcomes: GroupOutcome[];
  /** Every revocation attempted, with the rules' contents. */
  revocations: RevocationRecord[];
  /** region -> where that region's pre-delete backup was written. */
  preDeleteBackups: Record<string, string>;
  /**
   * region -> SHA-256 (hex) of that pre-delete backup's bytes as written: `sg-audit restore
   * --backup <pre-delete backup>` refuses a backup that does not match it.
   */
  preDeleteBackupSha256?: Record<string, string>;
  totals: DeletionTotals;
}

export function countOutcomes(outcomes: readonly GroupOutcome[]): DeletionTotals {
  const totals: DeletionTotals = { deleted: 0, alreadyDeleted: 0, skipped: 0, failed: 0, keptByReviewer: 0 };
  for (const o of outcomes) {
    if (o.outcome === 'deleted') totals.deleted += 1;
    else if (o.outcome === 'already-deleted') totals.alreadyDeleted += 1;
    else if (o.outcome === 'skipped') totals.skipped += 1;
    else if (o.outcome === 'failed') totals.failed += 1;
    else totals.keptByReviewer += 1;
  }
  return totals;
}

/** Every candidate of a report, in report order. */
export function candidatesOf(report: AuditReport): ClassifiedGroup[] {
  return report.regions.flatMap((r) => r.groups.filter((g) => g.verdict === 'candidate'));
}

export type SelectionCheck =
  | { ok: true; selected: ClassifiedGroup[]; kept: ClassifiedGroup[] }
  | { ok: false; problem: 'empty' | 'not-candidates'; invalid: string[] };

/**
 * Accepts a selection only if every id was a candidate in the signed report: the caller may
 * narrow the audit's choice, never widen it. Duplicates are ignored.
 */
export function checkSelection(report: AuditReport, groupIds: readonly string[]): SelectionCheck {
  const candidates = candidatesOf(report);
  const byId = new Map(candidates.map((g) => [g.groupId, g]));
  const wanted = [...new Set(groupIds)];
  const invalid = wanted.filter((id) => !byId.has(id));
  if (invalid.length > 0) return { ok: false, problem: 'not-candidates', invalid };
  if (wanted.length === 0) return { ok: false, problem: 'empty', invalid: [] };
  const chosen = new Set(wanted);
  return {
    ok: true,
    selected: candidates.filter((g) => chosen.has(g.groupId)),
    kept: candidates.filter((g) => !chosen.has(g.groupId)),
  };
}

/** Rules revoked from one group of a reference cycle, once its wave is reached. */
export interface Revocation {
  groupId: string;
  ingress: RuleRecord[];
  egress: RuleRecord[];
}

/** Groups deleted together; only the last wave of a region can hold cycles (and revocations). */
export interface PlanWave {
  groups: GroupRecord[];
  /** The rules tying the wave's cycles together; revoked only when the wave is reached. */
  revocations: Revocation[];
}

export interface RegionPlan {
  region: string;
  /** Groups deleted wave by wave: a group is deleted only after every group referencing it. */
  waves: PlanWave[];
  /**
   * group id -> planned groups whose rules reference it. A group is deleted only once each of
   * these is deleted or has had its rules revoked; otherwise the reference still holds it.
   */
  referrers: Record<string, string[]>;
}

export interface DeletionPlan {
  /** Groups decided without any call: kept by the reviewer, skipped, or already gone. */
  outcomes: GroupOutcome[];
  regions: RegionPlan[];
}

function outcome(group: Pick<GroupRecord, 'groupId' | 'region' | 'groupName'>, kind: OutcomeKind, reason: string): GroupOutcome {
  return { groupId: group.groupId, region: group.region, groupName: group.groupName, outcome: kind, reason };
}

function referencedIds(group: GroupRecord): Set<string> {
  const ids = new Set<string>();
  for (const rule of [...group.ingress, ...group.egress]) {
    const id = rule.referencedGroup?.groupId;
    if (id && id !== group.groupId) ids.add(id);
  }
  return ids;
}

function rulesReferencing(group: GroupRecord, targets: ReadonlySet<string>): { ingress: RuleRecord[]; egress: RuleRecord[] } {
  const hits = (rule: RuleRecord) => {
    const id = rule.referencedGroup?.groupId;
    return id !== undefined && id !== group.groupId && targets.has(id);
  };
  return { ingress: group.ingress.filter(hits), egress: group.egress.filter(hits) };
}

/**
 * Plans the deletion of `selected` (candidates of the signed report) from a fresh re-audit of
 * their regions. A group is deleted only if it is still a candidate and no group that stays
 * (kept by the reviewer, or skipped) references it; groups referenced by other planned groups
 * are deleted after them, and only a reference cycle is broken by revoking rules.
 */
export function planDeletion(
  selected: readonly ClassifiedGroup[],
  kept: readonly ClassifiedGroup[],
  reaudit: readonly RegionReport[],
): DeletionPlan {
  const outcomes: GroupOutcome[] = kept.map((g) => outcome(g, 'kept-by-reviewer', 'kept by reviewer (not selected)'));
  const keptIds = new Set(kept.map((g) => g.groupId));
  const regions: RegionPlan[] = [];
  const regionNames = [...new Set(selected.map((g) => g.region))];

  for (const regionName of regionNames) {
    const mine = selected.filter((g) => g.region === regionName);
    const fresh = reaudit.find((r) => r.region === regionName);
    if (!fresh || fresh.status === 'failed') {
      const why = fresh?.error ? ` (${fresh.error.code}: ${fresh.error.message})` : '';
      for (const g of mine) outcomes.push(outcome(g, 'skipped', `the region could not be re-audited${why}; nothing was deleted there`));
      continue;
    }
    const current = new Map(fresh.groups.map((g) => [g.groupId, g]));
    const planned = new Map<string, ClassifiedGroup>();
    for (const g of mine) {
      const now = current.get(g.groupId);
      if (!now) outcomes.push(outcome(g, 'already-deleted', 'already deleted: gone before the deletion (not found by the re-audit)'));
      else if (now.verdict !== 'candidate') outcomes.push(outcome(g, 'skipped', `now ${now.verdict}: ${now.reasons.join('; ')}`));
      else planned.set(g.groupId, now);
    }

    // A planned group referenced by a group that stays would fail with DependencyViolation
    // (or, if it did not, leave a dangling rule): keep it, and repeat since keeping one group
    // can keep the groups it references.
    let changed = true;
    while (changed) {
      changed = false;
      for (const group of fresh.groups) {
        if (planned.has(group.groupId)) continue;
        for (const target of referencedIds(group)) {
          const victim = planned.get(target);
          if (!victim) continue;
          planned.delete(target);
          const who = keptIds.has(group.groupId) ? 'kept by the reviewer' : 'not being deleted';
          outcomes.push(outcome(victim, 'skipped', `still referenced by rules of ${group.groupId} (${group.groupName}), which is ${who}`));
          changed = true;
        }
      }
    }

    const referrers: Record<string, string[]> = {};
    for (const group of planned.values()) {
      for (const target of referencedIds(group)) {
        if (planned.has(target)) (referrers[target] ??= []).push(group.groupId);
      }
    }
    const waves: PlanWave[] = [];
    const remaining = new Set(planned.keys());
    while (remaining.size > 0) {
      const wave = [...remaining].filter((id) => !(referrers[id] ?? []).some((r) => remaining.has(r)));
      if (wave.length > 0) {
        waves.push({ groups: wave.map((id) => planned.get(id) as GroupRecord), revocations: [] });
        for (const id of wave) remaining.delete(id);
        continue;
      }
      // Only cycles are left: the rules that tie them together are revoked when this wave is
      // reached (after every outside referrer is gone), then they are all deleted.
      const revocations: Revocation[] = [];
      for (const id of remaining) {
        const rules = rulesReferencing(planned.get(id) as GroupRecord, remaining);
        if (rules.ingress.length + rules.egress.length === 0) continue;
        revocations.push({ groupId: id, ingress: rules.ingress, egress: rules.egress });
      }
      waves.push({ groups: [...remaining].map((id) => planned.get(id) as GroupRecord), revocations });
      remaining.clear();
    }
    regions.push({ region: regionName, waves, referrers });
  }
  return { outcomes, regions };
}

export interface WaveStep {
  /** Groups that cannot be deleted now that the wave is reached (a referrer stayed). */
  skipped: GroupOutcome[];
  /** Revocations to make before deleting `ready` (cycle waves only), narrowed to what is needed. */
  revocations: Revocation[];
  ready: GroupRecord[];
}

/**
 * What to do when a wave is reached, given which groups are already gone. A group whose referrer
 * (from an earlier wave) is still there is skipped. In a cycle wave, such a group blocks every
 * member its own rules reference, and only the rules among unblocked members are revoked: no
 * rule is revoked from a cycle that cannot be deleted whole.
 */
export function stepWave(
  wave: PlanWave,
  referrers: Readonly<Record<string, string[]>>,
  gone: ReadonlySet<string>,
  done: ReadonlySet<string>,
  /** Groups the batch's own re-check found in use just now, with why: never deleted, and they hold what they reference. */
  held: ReadonlyMap<string, string> = new Map(),
): WaveStep {
  const members = new Set(wave.groups.map((g) => g.groupId));
  const byId = new Map(wave.groups.map((g) => [g.groupId, g]));
  const blocked = new Map<string, string>([...held].filter(([id]) => members.has(id)));
  for (const g of wave.groups) {
    if (blocked.has(g.groupId)) continue;
    const holding = (referrers[g.groupId] ?? []).filter((r) => !members.has(r) && !gone.has(r));
    if (holding.length > 0) blocked.set(g.groupId, `still referenced by rules of ${holding.join(', ')}, which could not be deleted`);
  }
  if (wave.revocations.length > 0) {
    let changed = true;
    while (changed) {
      changed = false;
      for (const id of members) {
        if (blocked.has(id)) continue;
        const holder = (referrers[id] ?? []).find((r) => members.has(r) && blocked.has(r));
        if (holder) {
          blocked.set(id, `still referenced by rules of ${holder}, in a reference cycle that cannot be deleted now; its rules were left in place`);
          changed = true;
        }
      }
    }
  }
  const free = new Set([...members].filter((id) => !blocked.has(id)));
  const revocations: Revocation[] = [];
  for (const r of wave.revocations) {
    if (!free.has(r.groupId)) continue;
    const needed = (rule: RuleRecord) => free.has(rule.referencedGroup?.groupId ?? '');
    const narrowed = { groupId: r.groupId, ingress: r.ingress.filter(needed), egress: r.egress.filter(needed) };
    if (narrowed.ingress.length + narrowed.egress.length > 0) revocations.push(narrowed);
  }
  const skipped = [...blocked]
    .filter(([id]) => !done.has(id))
    .map(([id, reason]) => outcome(byId.get(id) as GroupRecord, 'skipped', reason));
  const ready = wave.groups.filter((g) => free.has(g.groupId) && !done.has(g.groupId));
  return { skipped, revocations, ready };
}
