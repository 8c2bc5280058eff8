import {
  DeleteSecurityGroupCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mapLimit } from '../core/concurrency';
import {
  checkSelection,
  countOutcomes,
  DELETION_RESULT_SCHEMA_VERSION,
  planDeletion,
  type DeletionPlan,
  type DeletionResult,
  type GroupOutcome,
  type RegionPlan,
  type Requester,
} from '../core/deletion-plan';
import type { AuditReport, AuditSettings, GroupRecord } from '../core/model';
import { strictestSettings } from '../core/strictest';
import { auditRegion, type AuditDeps } from './audit';
import type { ClientFactory } from './client-factory';
import { toScanError } from './errors';

/** IAM actions the deletion path calls (granted to the approval Lambda, with conditions). */
export const DELETION_ACTIONS = [
  'ec2:DeleteSecurityGroup',
  'ec2:RevokeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupEgress',
] as const;

/** Raised when a selection reaches the deletion core without having been validated. */
export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

export interface DeleterOptions {
  /** DeleteSecurityGroup calls in flight per region. */
  concurrency?: number;
  /** Mutating EC2 calls started per second per region (EC2 refills its bucket at ~5/s). */
  callsPerSecond?: number;
  /** DeleteSecurityGroup attempts while AWS answers DependencyViolation (an ENI still detaching). */
  maxAttempts?: number;
  /** Wait before retry `attempt` (1-based) after a DependencyViolation. */
  backoffMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
  /**
   * Time (per `clock`) after which no new revocation, deletion or retry starts, so the caller
   * still has time to write the trail (the approval Lambda passes its own timeout less a margin).
   */
  deadline?: number;
}

const DEFAULTS = {
  concurrency: 4,
  callsPerSecond: 4,
  maxAttempts: 4,
  backoffMs: (attempt: number) => 2000 * 2 ** (attempt - 1),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  clock: () => Date.now(),
  deadline: Number.POSITIVE_INFINITY,
};

const OUT_OF_TIME =
  'not attempted: the approval ran out of time first; it is still a candidate, so delete it with sg-audit delete or from the next audit';

const NOT_FOUND = new Set(['InvalidGroup.NotFound', 'InvalidGroupId.NotFound']);
const RULE_NOT_FOUND = new Set([...NOT_FOUND, 'InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound']);

/** Spaces call starts at least 1/rate apart; the SDK's adaptive retry handles the rest. */
function rateLimiter(perSecond: number, sleep: (ms: number) => Promise<void>, clock: () => number): () => Promise<void> {
  const interval = 1000 / Math.max(perSecond, 0.001);
  let next = 0;
  return async () => {
    const now = clock();
    const start = Math.max(now, next);
    next = start + interval;
    if (start > now) await sleep(start - now);
  };
}

async function revokeAll(ec2: EC2Client, revocation: RegionPlan['revocations'][number], take: () => Promise<void>): Promise<void> {
  const calls: Array<[boolean, string[]]> = [
    [false, revocation.ingressRuleIds],
    [true, revocation.egressRuleIds],
  ];
  for (const [egress, ids] of calls) {
    if (ids.length === 0) continue;
    await take();
    try {
      const input = { GroupId: revocation.groupId, SecurityGroupRuleIds: ids };
      if (egress) await ec2.send(new RevokeSecurityGroupEgressCommand(input));
      else await ec2.send(new RevokeSecurityGroupIngressCommand(input));
    } catch (error) {
      if (!RULE_NOT_FOUND.has(toScanError(error).code)) throw error;
    }
  }
}

async function deleteOne(ec2: EC2Client, group: GroupRecord, take: () => Promise<void>, o: Required<DeleterOptions>): Promise<GroupOutcome> {
  const base = { groupId: group.groupId, region: group.region, groupName: group.groupName };
  for (let attempt = 1; ; attempt += 1) {
    if (o.clock() >= o.deadline) {
      return attempt === 1
        ? { ...base, outcome: 'skipped', reason: OUT_OF_TIME }
        : { ...base, outcome: 'failed', reason: `DependencyViolation after ${attempt - 1} attempts; out of time for more retries`, attempts: attempt - 1 };
    }
    await take();
    try {
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: group.groupId }));
      return { ...base, outcome: 'deleted', reason: 'deleted; still a candidate in the re-audit', attempts: attempt };
    } catch (error) {
      const { code, message } = toScanError(error);
      if (NOT_FOUND.has(code)) return { ...base, outcome: 'deleted', reason: 'already gone (InvalidGroup.NotFound)', attempts: attempt };
      if (code === 'DependencyViolation' && attempt < o.maxAttempts) {
        await o.sleep(o.backoffMs(attempt));
        continue;
      }
      const tries = code === 'DependencyViolation' ? ` after ${attempt} attempts` : '';
      return { ...base, outcome: 'failed', reason: `${code}${tries}: ${message}`, attempts: attempt };
    }
  }
}

async function executeRegion(plan: RegionPlan, factory: ClientFactory, o: Required<DeleterOptions>): Promise<GroupOutcome[]> {
  const ec2 = factory.forRegion(plan.region).get(EC2Client);
  const take = rateLimiter(o.callsPerSecond, o.sleep, o.clock);
  const outcomes: GroupOutcome[] = [];
  const gone = new Set<string>();
  const released = new Set<string>();
  const failedRevoke = new Map<string, string>();
  const revokedRules = new Map<string, string[]>();
  for (const revocation of plan.revocations) {
    if (o.clock() >= o.deadline) {
      failedRevoke.set(revocation.groupId, 'not attempted: the approval ran out of time before revoking its rules');
      continue;
    }
    try {
      await revokeAll(ec2, revocation, take);
      released.add(revocation.groupId);
      revokedRules.set(revocation.groupId, [...revocation.ingressRuleIds, ...revocation.egressRuleIds]);
    } catch (error) {
      const { code, message } = toScanError(error);
      failedRevoke.set(revocation.groupId, `could not revoke its rules referencing other selected groups (${code}: ${message})`);
    }
  }
  for (const wave of plan.waves) {
    const ready: GroupRecord[] = [];
    for (const group of wave) {
      const base = { groupId: group.groupId, region: group.region, groupName: group.groupName };
      const revokeError = failedRevoke.get(group.groupId);
      const holding = (plan.referrers[group.groupId] ?? []).filter((r) => !gone.has(r) && !released.has(r));
      if (revokeError) outcomes.push({ ...base, outcome: 'failed', reason: revokeError });
      else if (holding.length > 0) {
        outcomes.push({ ...base, outcome: 'skipped', reason: `still referenced by rules of ${holding.join(', ')}, which could not be deleted` });
      } else ready.push(group);
    }
    const done = await mapLimit(ready, o.concurrency, (group) => deleteOne(ec2, group, take, o));
    for (const d of done) {
      if (d.outcome === 'deleted') gone.add(d.groupId);
      const revoked = revokedRules.get(d.groupId);
      outcomes.push(revoked ? { ...d, revokedRules: revoked } : d);
    }
  }
  return outcomes;
}

/** Carries out a plan: revocations, then deletions wave by wave; never throws for one group. */
export async function executePlan(plan: DeletionPlan, factory: ClientFactory, options: DeleterOptions = {}): Promise<GroupOutcome[]> {
  const o: Required<DeleterOptions> = { ...DEFAULTS, ...options };
  const perRegion = await Promise.all(plan.regions.map((r) => executeRegion(r, factory, o)));
  return [...plan.outcomes, ...perRegion.flat()];
}

export interface DeletionInput {
  report: AuditReport;
  /** Group ids the reviewer selected; each must be a candidate of `report`. */
  selection: readonly string[];
  /**
   * The configuration in force now (the Lambda's, or the CLI's flags). The re-audit uses the
   * strictest of it and the signed report's settings (strictestSettings).
   */
  settings: AuditSettings;
  requester: Requester;
  /** Epoch ms after which no new deletion starts (see DeleterOptions.deadline). */
  deadline?: number;
}

export interface DeletionDeps extends Pick<AuditDeps, 'scanners' | 'now' | 'scannerConcurrency'> {
  factory: ClientFactory;
  deleter?: DeleterOptions;
}

/**
 * The deletion core shared by the approval Lambda and `sg-audit delete`: re-audits the
 * selection's regions, deletes only what is still a candidate, in a safe order.
 */
export async function runDeletion(input: DeletionInput, deps: DeletionDeps): Promise<DeletionResult> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const check = checkSelection(input.report, input.selection);
  if (!check.ok) throw new SelectionError(`selection rejected (${check.problem}): ${check.invalid.join(', ')}`);
  const regions = [...new Set(check.selected.map((g) => g.region))];
  // Never laxer than the audit the reviewer saw, nor than the configuration in force now.
  const settings: AuditSettings = { ...strictestSettings(input.report.settings, input.settings), regions };
  const auditDeps: AuditDeps = { factory: deps.factory, now };
  if (deps.scanners) auditDeps.scanners = deps.scanners;
  if (deps.scannerConcurrency) auditDeps.scannerConcurrency = deps.scannerConcurrency;
  const reaudit = await Promise.all(regions.map((region) => auditRegion(region, settings, input.report.accountId, auditDeps)));
  const plan = planDeletion(check.selected, check.kept, reaudit);
  const deleter = input.deadline !== undefined ? { ...deps.deleter, deadline: input.deadline } : deps.deleter;
  const outcomes = await executePlan(plan, deps.factory, deleter);
  return {
    schemaVersion: DELETION_RESULT_SCHEMA_VERSION,
    auditId: input.report.auditId,
    accountId: input.report.accountId,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    requester: input.requester,
    selection: [...new Set(input.selection)],
    outcomes,
    totals: countOutcomes(outcomes),
  };
}
