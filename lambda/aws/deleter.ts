import {
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
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
  stepWave,
  type DeletionPlan,
  type DeletionResult,
  type GroupOutcome,
  type RegionPlan,
  type Requester,
  type Revocation,
  type RevocationRecord,
} from '../core/deletion-plan';
import { mergeCheckpoints, type BatchCheckpoint, type RegionProgress } from '../core/deletion-progress';
import type { AuditReport, AuditSettings, GroupRecord, RegionReport } from '../core/model';
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
  /** Groups per checkpoint: their ids are recorded as in flight before the calls, outcomes after. */
  chunkSize?: number;
  /**
   * Time (per `clock`) a batch may spend before it returns `done: false` for the next batch to
   * resume (checked between chunks; the workflow's batch Lambda runs well within its timeout).
   */
  budgetMs?: number;
}

const DEFAULTS: Required<DeleterOptions> = {
  concurrency: 4,
  callsPerSecond: 4,
  maxAttempts: 4,
  backoffMs: (attempt: number) => 2000 * 2 ** (attempt - 1),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  clock: () => Date.now(),
  chunkSize: 50,
  budgetMs: Number.POSITIVE_INFINITY,
};

const NOT_FOUND = new Set(['InvalidGroup.NotFound', 'InvalidGroupId.NotFound']);
const RULE_NOT_FOUND = new Set([...NOT_FOUND, 'InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound']);

/** Spaces call starts at least 1/rate apart; the SDK's adaptive retry handles the rest. */
export function rateLimiter(perSecond: number, sleep: (ms: number) => Promise<void>, clock: () => number): () => Promise<void> {
  const interval = 1000 / Math.max(perSecond, 0.001);
  let next = 0;
  return async () => {
    const now = clock();
    const start = Math.max(now, next);
    next = start + interval;
    if (start > now) await sleep(start - now);
  };
}

async function revokeAll(ec2: EC2Client, revocation: Revocation, take: () => Promise<void>): Promise<void> {
  const calls: Array<[boolean, string[]]> = [
    [false, revocation.ingress.map((r) => r.ruleId)],
    [true, revocation.egress.map((r) => r.ruleId)],
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

/** Of `ids`, the groups that no longer exist (one filtered, non-mutating listing per 200 ids). */
async function goneGroups(ec2: EC2Client, ids: readonly string[]): Promise<Set<string>> {
  const present = new Set<string>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    let token: string | undefined;
    do {
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: chunk }], MaxResults: 1000, NextToken: token }));
      for (const g of out.SecurityGroups ?? []) if (g.GroupId) present.add(g.GroupId);
      token = out.NextToken;
    } while (token);
  }
  return new Set(ids.filter((id) => !present.has(id)));
}

/** Where a batch keeps its checkpoint, and how it learns that the deletion was aborted. */
export interface BatchIo {
  save(checkpoint: BatchCheckpoint): Promise<void>;
  /** True once the deletion was stopped elsewhere (its trail written): start nothing more. */
  stopped?(): Promise<boolean>;
}

export interface BatchResult {
  /** Every group of the plan has an outcome. */
  done: boolean;
  /** Stopped because the deletion was aborted elsewhere. */
  stopped: boolean;
  checkpoint: BatchCheckpoint;
  progress: RegionProgress;
}

/**
 * One batch of a region's deletion: resumes from `prior` (the merged checkpoints of earlier
 * batches), works wave by wave, chunk by chunk, and returns when done or out of budget. Before
 * a chunk's calls it records their groups as in flight, so a batch that is killed mid-call is
 * followed by one that checks which of those groups are gone instead of deleting them again.
 * Cycle rules are revoked only when their wave is reached, each revocation recorded before the
 * call with the rules' contents. Never throws for one group; throws when a checkpoint cannot
 * be saved (the workflow retries the batch).
 */
export async function runRegionBatch(
  plan: RegionPlan,
  prior: RegionProgress,
  ec2: EC2Client,
  io: BatchIo,
  options: DeleterOptions & { batchId: string; now?: () => Date },
): Promise<BatchResult> {
  const o: Required<DeleterOptions> = { ...DEFAULTS, ...stripUndefined(options) };
  const now = options.now ?? (() => new Date());
  const started = o.clock();
  const take = rateLimiter(o.callsPerSecond, o.sleep, o.clock);
  const progress: RegionProgress = { outcomes: new Map(prior.outcomes), revocations: new Map(prior.revocations), uncertain: new Set(prior.uncertain) };
  const checkpoint: BatchCheckpoint = { region: plan.region, batchId: options.batchId, startedAt: now().toISOString(), updatedAt: now().toISOString(), outcomes: [], revocations: [], inFlight: [] };
  const save = async () => {
    checkpoint.updatedAt = now().toISOString();
    await io.save(checkpoint);
  };
  const withRevocation = (outcome: GroupOutcome): GroupOutcome => {
    const revoked = progress.revocations.get(outcome.groupId);
    return revoked && revoked.status !== 'failed' ? { ...outcome, revokedRules: revoked.rules } : outcome;
  };
  const record = (outcome: GroupOutcome) => {
    const full = withRevocation(outcome);
    progress.outcomes.set(full.groupId, full);
    checkpoint.outcomes.push(full);
  };
  const noteRevocation = (revocation: RevocationRecord) => {
    progress.revocations.set(revocation.groupId, revocation);
    checkpoint.revocations = checkpoint.revocations.filter((r) => r.groupId !== revocation.groupId);
    checkpoint.revocations.push(revocation);
  };
  const finish = (done: boolean, stopped = false): BatchResult => ({ done, stopped, checkpoint, progress });

  // A batch stopped mid-call left groups that may be gone: look before deleting again.
  if (progress.uncertain.size > 0) {
    const ids = [...progress.uncertain];
    const gone = await goneGroups(ec2, ids);
    const byId = new Map(plan.waves.flatMap((w) => w.groups).map((g) => [g.groupId, g]));
    for (const id of gone) {
      const g = byId.get(id);
      if (g) record({ groupId: id, region: g.region, groupName: g.groupName, outcome: 'deleted', reason: 'deleted (confirmed gone when the next batch resumed; the call\'s answer was lost)' });
    }
    progress.uncertain.clear();
    await save();
  }

  let worked = false;
  for (const wave of plan.waves) {
    const gone = new Set([...progress.outcomes.values()].filter((x) => x.outcome === 'deleted').map((x) => x.groupId));
    const step = stepWave(wave, plan.referrers, gone, new Set(progress.outcomes.keys()));
    for (const s of step.skipped) record(s);
    if (step.skipped.length > 0) await save();
    if (step.ready.length === 0) continue;
    if (worked && o.clock() - started >= o.budgetMs) return finish(false);
    if (await io.stopped?.()) return finish(false, true);

    const held = new Map<string, string>();
    for (const revocation of step.revocations) {
      if (progress.revocations.get(revocation.groupId)?.status === 'revoked') continue;
      const rules = [...revocation.ingress, ...revocation.egress];
      noteRevocation({ groupId: revocation.groupId, region: plan.region, rules, status: 'uncertain' });
      await save();
      try {
        await revokeAll(ec2, revocation, take);
        noteRevocation({ groupId: revocation.groupId, region: plan.region, rules, status: 'revoked' });
      } catch (error) {
        const { code, message } = toScanError(error);
        noteRevocation({ groupId: revocation.groupId, region: plan.region, rules, status: 'failed', error: `${code}: ${message}` });
        held.set(revocation.groupId, `could not revoke its rules referencing other groups of its reference cycle (${code}: ${message})`);
        for (const rule of rules) {
          const target = rule.referencedGroup?.groupId;
          if (target && !held.has(target)) held.set(target, `still referenced by rules of ${revocation.groupId}, whose revocation failed`);
        }
      }
      worked = true;
      await save();
    }
    const ready: GroupRecord[] = [];
    for (const g of step.ready) {
      const why = held.get(g.groupId);
      if (why === undefined) ready.push(g);
      else record({ groupId: g.groupId, region: g.region, groupName: g.groupName, outcome: progress.revocations.get(g.groupId)?.status === 'failed' ? 'failed' : 'skipped', reason: why });
    }
    for (let i = 0; i < ready.length; i += o.chunkSize) {
      if (worked && o.clock() - started >= o.budgetMs) return finish(false);
      if (await io.stopped?.()) return finish(false, true);
      const chunk = ready.slice(i, i + o.chunkSize);
      checkpoint.inFlight = chunk.map((g) => g.groupId);
      await save();
      const outcomes = await mapLimit(chunk, o.concurrency, (group) => deleteOne(ec2, group, take, o));
      for (const outcome of outcomes) record(outcome);
      checkpoint.inFlight = [];
      worked = true;
      await save();
    }
  }
  return finish(true);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Carries out a plan in-process (the CLI): every region's batches until done; never throws for one group. */
export async function executePlan(plan: DeletionPlan, factory: ClientFactory, options: DeleterOptions = {}): Promise<{ outcomes: GroupOutcome[]; revocations: RevocationRecord[] }> {
  const perRegion = await Promise.all(
    plan.regions.map(async (region) => {
      const ec2 = factory.forRegion(region.region).get(EC2Client);
      const result = await runRegionBatch(region, mergeCheckpoints([]), ec2, { save: async () => undefined }, { ...options, budgetMs: Number.POSITIVE_INFINITY, batchId: 'in-process' });
      const order = region.waves.flatMap((w) => w.groups.map((g) => g.groupId));
      return { outcomes: order.map((id) => result.progress.outcomes.get(id)).filter((x): x is GroupOutcome => x !== undefined), revocations: [...result.progress.revocations.values()] };
    }),
  );
  return { outcomes: [...plan.outcomes, ...perRegion.flatMap((r) => r.outcomes)], revocations: perRegion.flatMap((r) => r.revocations) };
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
}

export interface DeletionDeps extends Pick<AuditDeps, 'scanners' | 'now' | 'scannerConcurrency'> {
  factory: ClientFactory;
  deleter?: DeleterOptions;
  /**
   * Writes the pre-delete backup from the re-audit, before anything is deleted; returns where,
   * per region. If it throws, nothing is deleted.
   */
  beforeDelete?: (reaudit: readonly RegionReport[]) => Promise<Record<string, string>>;
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
  const preDeleteBackups = deps.beforeDelete ? await deps.beforeDelete(reaudit) : {};
  const plan = planDeletion(check.selected, check.kept, reaudit);
  const { outcomes, revocations } = await executePlan(plan, deps.factory, deps.deleter);
  return {
    schemaVersion: DELETION_RESULT_SCHEMA_VERSION,
    status: 'completed',
    auditId: input.report.auditId,
    accountId: input.report.accountId,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    requester: input.requester,
    selection: [...new Set(input.selection)],
    outcomes,
    revocations,
    preDeleteBackups,
    totals: countOutcomes(outcomes),
  };
}
