import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  type DescribeSecurityGroupsCommandOutput,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { chunks, mapLimit } from '../core/concurrency';
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
import { EC2_FILTER_VALUES } from './inventory';
import { toIpPermission } from './restore';

/** IAM actions the deletion path calls (granted to the approval Lambda, with conditions). */
export const DELETION_ACTIONS = [
  'ec2:DeleteSecurityGroup',
  'ec2:RevokeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupEgress',
] as const;

/** Read calls each batch makes to re-check its own groups right before deleting them. */
export const RECHECK_ACTIONS = ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstances', 'ec2:DescribeSecurityGroups'] as const;

/** Calls that add revoked cycle rules back to a group that was then not deleted. */
export const READD_ACTIONS = ['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress'] as const;

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
      if (NOT_FOUND.has(code)) return { ...base, outcome: 'already-deleted', reason: `already deleted: gone before this deletion reached it (${code})`, attempts: attempt };
      if (code === 'DependencyViolation' && attempt < o.maxAttempts) {
        await o.sleep(o.backoffMs(attempt));
        continue;
      }
      const tries = code === 'DependencyViolation' ? ` after ${attempt} attempts` : '';
      return { ...base, outcome: 'failed', reason: `${code}${tries}: ${message}`, attempts: attempt };
    }
  }
}

/** Of `ids`, the groups that no longer exist (one filtered, non-mutating listing per EC2_FILTER_VALUES ids). */
async function goneGroups(ec2: EC2Client, ids: readonly string[]): Promise<Set<string>> {
  const present = new Set<string>();
  for (const chunk of chunks(ids, EC2_FILTER_VALUES)) {
    let token: string | undefined;
    do {
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: chunk }], MaxResults: 1000, NextToken: token }));
      for (const g of out.SecurityGroups ?? []) if (g.GroupId) present.add(g.GroupId);
      token = out.NextToken;
    } while (token);
  }
  return new Set(ids.filter((id) => !present.has(id)));
}

/** Instances that hold their groups (terminated ones do not). */
const LIVE_INSTANCE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

/**
 * The batch's own re-check, right before deleting: of `ids`, the groups in use now, with why. Bulk
 * listings filtered by group id (200 ids a call, paginated), never a call per group, over the
 * ground truth the re-audit read: network interfaces (every attachment), EC2 instances (stopped
 * ones too) and rules of other groups referencing them (`planned` referrers excepted: the plan
 * orders those). Launch templates and launch configurations are not re-read here: they were read
 * by the region's re-audit, minutes before, and attach nothing until something launches (which
 * makes an interface or an instance, seen here).
 */
export async function inUseNow(ec2: EC2Client, ids: readonly string[], planned: ReadonlySet<string>): Promise<Map<string, string>> {
  const used = new Map<string, string>();
  const note = (id: string, why: string) => {
    if (!used.has(id)) used.set(id, why);
  };
  // EC2's limit counts the values of every filter of a call ("The maximum number of filter
  // values specified on a single call is 200"): the instance query adds the live states.
  for (const chunk of chunks(ids, EC2_FILTER_VALUES - LIVE_INSTANCE_STATES.length)) {
    const mine = new Set(chunk);
    let token: string | undefined;
    do {
      const out = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: chunk }], MaxResults: 1000, NextToken: token }));
      for (const eni of out.NetworkInterfaces ?? []) {
        const owner = eni.Attachment?.InstanceId ?? eni.Description ?? eni.InterfaceType ?? 'interface';
        for (const g of eni.Groups ?? []) if (g.GroupId && mine.has(g.GroupId)) note(g.GroupId, `now in use: attached to network interface ${eni.NetworkInterfaceId ?? '?'} (${owner})`);
      }
      token = out.NextToken;
    } while (token);
    token = undefined;
    do {
      const out: DescribeInstancesCommandOutput = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'instance.group-id', Values: chunk },
            { Name: 'instance-state-name', Values: LIVE_INSTANCE_STATES },
          ],
          MaxResults: 1000,
          NextToken: token,
        }),
      );
      for (const instance of (out.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        for (const g of instance.SecurityGroups ?? []) if (g.GroupId && mine.has(g.GroupId)) note(g.GroupId, `now in use: used by EC2 instance ${instance.InstanceId ?? '?'}`);
      }
      token = out.NextToken;
    } while (token);
    for (const filter of ['ip-permission.group-id', 'egress.ip-permission.group-id']) {
      token = undefined;
      do {
        const out: DescribeSecurityGroupsCommandOutput = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: filter, Values: chunk }], MaxResults: 1000, NextToken: token }));
        for (const group of out.SecurityGroups ?? []) {
          if (!group.GroupId || planned.has(group.GroupId)) continue;
          for (const permission of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
            for (const pair of permission.UserIdGroupPairs ?? []) {
              if (pair.GroupId && pair.GroupId !== group.GroupId && mine.has(pair.GroupId)) note(pair.GroupId, `now in use: referenced by a rule of ${group.GroupId} (${group.GroupName ?? ''})`);
            }
          }
        }
        token = out.NextToken;
      } while (token);
    }
  }
  return used;
}

/** Adds a cycle's revoked rules back to a group that was then not deleted. */
async function readdRules(ec2: EC2Client, revocation: RevocationRecord, take: () => Promise<void>): Promise<NonNullable<RevocationRecord['readded']>> {
  const readded = { added: 0, failed: [] as string[] };
  for (const rule of revocation.rules) {
    await take();
    try {
      const input = { GroupId: revocation.groupId, IpPermissions: [toIpPermission(rule)] };
      if (rule.isEgress) await ec2.send(new AuthorizeSecurityGroupEgressCommand(input));
      else await ec2.send(new AuthorizeSecurityGroupIngressCommand(input));
      readded.added += 1;
    } catch (error) {
      const { code, message } = toScanError(error);
      if (code === 'InvalidPermission.Duplicate') readded.added += 1;
      else readded.failed.push(`${rule.ruleId}: ${code}: ${message}`);
    }
  }
  return readded;
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

  const plannedIds = new Set(plan.waves.flatMap((w) => w.groups.map((g) => g.groupId)));
  const isGone = (x: GroupOutcome) => x.outcome === 'deleted' || x.outcome === 'already-deleted';
  let worked = false;
  for (const wave of plan.waves) {
    const gone = new Set([...progress.outcomes.values()].filter(isGone).map((x) => x.groupId));
    const done = new Set(progress.outcomes.keys());
    let step = stepWave(wave, plan.referrers, gone, done);
    if (step.ready.length > 0 && wave.revocations.length > 0) {
      // A cycle's rules are revoked before its groups are deleted: re-check them all first, so no
      // rule is revoked from a group that became used (it then holds the members it references).
      const held = await inUseNow(ec2, step.ready.map((g) => g.groupId), plannedIds);
      if (held.size > 0) step = stepWave(wave, plan.referrers, gone, done, held);
    }
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
      // Right before deleting: a group that became used while earlier batches ran is skipped.
      const candidates = ready.slice(i, i + o.chunkSize);
      const used = await inUseNow(ec2, candidates.map((g) => g.groupId), plannedIds);
      for (const g of candidates) {
        const why = used.get(g.groupId);
        if (why !== undefined) record({ groupId: g.groupId, region: g.region, groupName: g.groupName, outcome: 'skipped', reason: `${why} (found by the batch's re-check right before deleting)` });
      }
      const chunk = candidates.filter((g) => !used.has(g.groupId));
      if (chunk.length === 0) {
        await save();
        continue;
      }
      checkpoint.inFlight = chunk.map((g) => g.groupId);
      await save();
      const outcomes = await mapLimit(chunk, o.concurrency, (group) => deleteOne(ec2, group, take, o));
      for (const outcome of outcomes) record(outcome);
      checkpoint.inFlight = [];
      worked = true;
      await save();
    }
    // Rules revoked to break a cycle go back on every member that was then not deleted.
    for (const revocation of [...progress.revocations.values()]) {
      if (revocation.status !== 'revoked' || revocation.readded || !wave.groups.some((g) => g.groupId === revocation.groupId)) continue;
      const outcome = progress.outcomes.get(revocation.groupId);
      if (!outcome || isGone(outcome)) continue;
      const readded = await readdRules(ec2, revocation, take);
      noteRevocation({ ...revocation, readded });
      const back = readded.failed.length === 0 ? 'its revoked rules were added back' : `${readded.added} of its ${revocation.rules.length} revoked rules were added back`;
      record({ ...outcome, reason: `${outcome.reason}; ${back}` });
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
