import { EC2Client } from '@aws-sdk/client-ec2';
import { createHash, randomBytes } from 'node:crypto';
import type { LogSink } from '../../core/deletion-contract';
import type { AccountClients } from '../../aws/account-clients';
import type { ApprovalStore, LockRecord } from '../../aws/approval-store';
import { auditRegion } from '../../aws/audit';
import type { Integrations } from '../../aws/integrations';
import type { ClientFactory } from '../../aws/client-factory';
import { runRegionBatch, type DeleterOptions } from '../../aws/deleter';
import type { DeletionStore } from '../../aws/deletion-store';
import { tagKeptGroups } from '../../aws/keeper';
import type { Scanner } from '../../aws/scanners/types';
import { authenticateApproval, validExecutionIds, type LockClaim } from '../../core/approval-auth';
import { backupOf } from '../../core/backup';
import { keepTags, KEPT_REASON_TAG, KEPT_UNTIL_TAG } from '../../core/keep';
import { renderDeletionEmail, renderDeletionLog } from '../../core/deletion-log';
import {
  checkSelection,
  countOutcomes,
  DELETION_RESULT_SCHEMA_VERSION,
  planDeletion,
  type DeletionResult,
  type GroupOutcome,
  type RegionPlan,
  type Requester,
  type RevocationRecord,
} from '../../core/deletion-plan';
import { mergeCheckpoints, summarize } from '../../core/deletion-progress';
import type { AuditReport, AuditSettings, RegionReport } from '../../core/model';
import { deletionKeys } from '../../core/s3-keys';
import { strictestSettings } from '../../core/strictest';
import type { MacProvider } from '../../core/token';
import {
  ApprovalMismatch,
  BackupWriteFailed,
  type AbortInput,
  type BackupOutput,
  type BatchOutput,
  type DeletionExecutionInput,
  type FinishInput,
  type FinishOutput,
  type KeepOutput,
  type KeptRecord,
  type RegionInput,
  type StartedOutput,
  type StartedRecord,
} from '../../core/deletion-contract';

/**
 * The deletion workflow's tasks, one function each: read what they need from S3, call the
 * deletion core, write what they produce to S3, return a small result. The state machine holds
 * the order, the retries and the catches.
 */

export interface DeletionTaskDeps {
  store: DeletionStore;
  approvals: Pick<ApprovalStore, 'readReport' | 'readLock' | 'readLockEntry'>;
  /** Verifies the signed link in the lock (KMS VerifyMac; the started task's role only). */
  mac: MacProvider;
  /** The home account's clients (the task role). */
  factory: ClientFactory;
  /**
   * Clients by the approved report's account: the home account's, or a member's through its
   * member role (organization mode). Absent: every account is served by `factory`.
   */
  accounts?: AccountClients;
  /** As `accounts`, for the deletion batch only: a member's clients through its member deleter role. Absent: `accounts`. */
  deleterAccounts?: AccountClients;
  /** The deployed settings; the re-audit uses the strictest of these and the signed report's. */
  settings: AuditSettings;
  notify(subject: string, body: string): Promise<void>;
  now(): Date;
  logger: LogSink;
  scanners?: readonly Scanner[];
  deleter?: DeleterOptions;
  /** Time a batch may spend before handing over to the next one (ms). */
  batchBudgetMs?: number;
  recordMetrics?(result: DeletionResult): void;
  /** Security Hub findings (resolve deleted, suppress kept) and the deletion events; they never fail the workflow. */
  integrations?: Pick<Integrations, 'deletionStarted' | 'deletionEnded'>;
}

/** Runs an integration step; its failure is logged and never stops or fails the deletion. */
async function integrate(deps: DeletionTaskDeps, what: string, step: (integrations: NonNullable<DeletionTaskDeps['integrations']>) => Promise<unknown>): Promise<void> {
  if (!deps.integrations) return;
  try {
    await step(deps.integrations);
  } catch (error) {
    deps.logger.warn('integration failed', { what, error: (error as Error).message });
  }
}

interface Approval {
  lock: LockRecord;
  report: AuditReport;
  selected: ReturnType<typeof checkSelection> & { ok: true };
}

/** The lock and the signed report, checked against each other: only what the front approved. */
async function loadApproval(input: DeletionExecutionInput, deps: DeletionTaskDeps): Promise<Approval> {
  const lock = await deps.approvals.readLock(input.accountId, input.auditId);
  if (!lock || lock.accountId !== input.accountId) throw new ApprovalMismatch(`no approval lock for audit ${input.auditId} in account ${input.accountId}`);
  const bytes = await deps.approvals.readReport(input.accountId, input.auditId);
  if (!bytes) throw new ApprovalMismatch(`the report of audit ${input.auditId} is missing`);
  if (createHash('sha256').update(bytes).digest('hex') !== lock.reportSha256) throw new ApprovalMismatch('the report changed after it was approved');
  const report = JSON.parse(bytes.toString('utf8')) as AuditReport;
  const selected = checkSelection(report, lock.selection);
  if (!selected.ok) throw new ApprovalMismatch(`the approved selection is not valid (${selected.problem})`);
  return { lock, report, selected };
}

/** The clients acting in the account the approval is for (re-audit and deletions). */
function clientsFor(accountId: string, deps: DeletionTaskDeps, purpose: 'read' | 'delete' = 'read'): Promise<ClientFactory> {
  const accounts = purpose === 'delete' ? (deps.deleterAccounts ?? deps.accounts) : deps.accounts;
  return accounts ? accounts.forAccount(accountId) : Promise.resolve(deps.factory);
}

function requesterOf(lock: LockRecord): Requester {
  return {
    via: 'approval-link',
    ...(lock.sourceIp ? { sourceIp: lock.sourceIp } : {}),
    ...(lock.userAgent ? { userAgent: lock.userAgent } : {}),
    ...(lock.note ? { note: lock.note } : {}),
    ...(lock.approvers?.length ? { approvers: lock.approvers } : {}),
  };
}

/**
 * Authenticates the approval before anything else (lambda/core/approval-auth.ts): the lock must
 * hold a signed link that KMS verifies, for this account and audit and the signed report, valid
 * when the lock was written, and a selection that still hashes to what the front approved.
 * Otherwise the reason, for the REFUSED trail.
 */
async function authenticate(input: DeletionExecutionInput, deps: DeletionTaskDeps): Promise<string | undefined> {
  const entry = await deps.approvals.readLockEntry(input.accountId, input.auditId);
  const bytes = await deps.approvals.readReport(input.accountId, input.auditId);
  const verdict = await authenticateApproval(entry?.lock as LockClaim | undefined, input, {
    reportSha256: bytes ? createHash('sha256').update(bytes).digest('hex') : undefined,
    // S3 sets LastModified, not the writer: a lock written after the link expired is refused.
    lockWrittenAt: entry?.writtenAt ?? deps.now(),
    mac: deps.mac,
  });
  if (!verdict.ok) return verdict.reason;
  try {
    await loadApproval(input, deps);
  } catch (error) {
    if (error instanceof ApprovalMismatch) return error.message;
    throw error;
  }
  return undefined;
}

/** The REFUSED trail: result.json, deletion_log.txt and the email; nothing else is done. */
async function refuse(input: DeletionExecutionInput, reason: string, deps: DeletionTaskDeps): Promise<StartedOutput> {
  deps.logger.error('approval refused: nothing will be deleted', { auditId: String(input.auditId).slice(0, 64), accountId: String(input.accountId).slice(0, 16), reason });
  if (!validExecutionIds(input)) {
    // Ids that cannot name S3 keys: no trail can be written under them; the email says so.
    await deps.notify('[sg-auditor] deletion REFUSED (nothing deleted)', `A deletion execution was started with an invalid account or audit id and was REFUSED: ${reason}. Nothing was deleted.`);
    return { regions: [], selected: 0, refused: true };
  }
  const now = deps.now().toISOString();
  const result: DeletionResult = {
    schemaVersion: DELETION_RESULT_SCHEMA_VERSION,
    status: 'refused',
    refuseReason: reason,
    auditId: input.auditId,
    accountId: input.accountId,
    startedAt: now,
    finishedAt: now,
    requester: { via: 'approval-link' },
    selection: [],
    outcomes: [],
    revocations: [],
    preDeleteBackups: {},
    totals: countOutcomes([]),
  };
  await publishTrail(result, deps);
  return { regions: [], selected: 0, refused: true };
}

/**
 * First state: authenticate the approval, then the started trail, written before anything is
 * deleted. An approval that cannot be authenticated gets a REFUSED trail and `refused: true`, on
 * which the state machine stops (Choice -> Fail) before any other task runs.
 */
export async function writeStartedTrail(input: DeletionExecutionInput, deps: DeletionTaskDeps): Promise<StartedOutput> {
  const refusal = await authenticate(input, deps);
  if (refusal !== undefined) return refuse(input, refusal, deps);
  const { lock, report, selected } = await loadApproval(input, deps);
  const regions = [...new Set(selected.selected.map((g) => g.region))];
  const record: StartedRecord = {
    auditId: report.auditId,
    accountId: report.accountId,
    startedAt: deps.now().toISOString(),
    requester: requesterOf(lock),
    selected: selected.selected.length,
    kept: selected.kept.length,
    regions,
  };
  const wrote = await deps.store.putOnce(deletionKeys(input.accountId, input.auditId).started, `${JSON.stringify(record, null, 2)}\n`, 'application/json');
  deps.logger.info('deletion started', { auditId: input.auditId, selected: record.selected, regions: regions.join(',') });
  // Once per deletion: a retried task finds the started trail written and announces nothing again.
  if (wrote) await integrate(deps, 'deletion started', (i) => i.deletionStarted(record));
  return { regions, selected: record.selected, refused: false };
}

/**
 * Tags the candidates the reviewer kept, when they chose to keep them for a number of days:
 * sg-auditor:kept-until (counted from when the link was used, so a retry writes the same date) and
 * sg-auditor:kept-reason. Later audits classify them protected until then. The outcome of every
 * group goes to kept.json for the trail; a group that could not be tagged is asked about again
 * next audit, which is all a failure here costs.
 */
export async function tagKept(input: DeletionExecutionInput, deps: DeletionTaskDeps): Promise<KeepOutput> {
  const { lock, selected } = await loadApproval(input, deps);
  if (!lock.keepFor || selected.kept.length === 0) return { tagged: 0, failed: 0 };
  const tags = keepTags(lock.keepFor.days, lock.keepFor.reason, new Date(lock.takenAt));
  const record: KeptRecord = { until: tags[KEPT_UNTIL_TAG] as string, reason: tags[KEPT_REASON_TAG] as string, tagged: [], failed: [] };
  const byRegion = new Map<string, string[]>();
  for (const g of selected.kept) byRegion.set(g.region, [...(byRegion.get(g.region) ?? []), g.groupId]);
  // The kept groups are in the link's account: a member account's through its role (organization mode).
  const factory = await clientsFor(input.accountId, deps);
  for (const [region, ids] of byRegion) {
    const outcome = await tagKeptGroups(factory.forRegion(region), ids, tags);
    record.tagged.push(...outcome.tagged);
    record.failed.push(...outcome.failed);
  }
  await deps.store.putJson(deletionKeys(input.accountId, input.auditId).kept, record);
  deps.logger.info('kept groups tagged', { auditId: input.auditId, until: record.until, tagged: record.tagged.length, failed: record.failed.length });
  return { tagged: record.tagged.length, failed: record.failed.length, until: record.until };
}

/**
 * Why a group the reviewer kept is not deleted, for the result: kept this time only; kept until
 * a date with the reason tagged on it; or kept, but the keep could not be tagged (that group, or
 * the whole step), so the next audit asks about it again.
 */
export function keptByReviewerReason(keepFor: LockRecord['keepFor'], record: KeptRecord | undefined, groupId: string): string {
  if (!keepFor) return 'kept by reviewer (not selected)';
  if (record?.tagged.includes(groupId)) return `kept by reviewer until ${record.until}: ${record.reason}`;
  const failed = record?.failed.find((f) => f.groupId === groupId);
  const why = failed ? `${failed.code}` : 'the keep step did not finish';
  return `kept by reviewer (not selected); keeping it for ${keepFor.days} days could not be tagged (${why}), so the next audit asks again`;
}

/** Re-audits one region with the strictest settings; the region report goes to S3. */
export async function reauditRegion(input: RegionInput, deps: DeletionTaskDeps): Promise<{ region: string; groups: number; status: string }> {
  const { report } = await loadApproval(input, deps);
  const settings = { ...strictestSettings(report.settings, deps.settings), regions: [input.region] };
  const fresh = await auditRegion(input.region, settings, input.accountId, {
    factory: await clientsFor(input.accountId, deps),
    now: deps.now,
    ...(deps.scanners ? { scanners: deps.scanners } : {}),
  });
  await deps.store.putJson(deletionKeys(input.accountId, input.auditId).reaudit(input.region), fresh);
  return { region: input.region, groups: fresh.groups.length, status: fresh.status };
}

async function readReaudit(input: RegionInput, deps: DeletionTaskDeps): Promise<RegionReport> {
  const fresh = await deps.store.getJson<RegionReport>(deletionKeys(input.accountId, input.auditId).reaudit(input.region));
  if (!fresh) throw new Error(`the re-audit of ${input.region} is missing`);
  return fresh;
}

/** The groups and rules of a region as the re-audit just read them: what a restore needs now. */
export async function writePreDeleteBackup(input: RegionInput, deps: DeletionTaskDeps): Promise<BackupOutput> {
  const fresh = await readReaudit(input, deps);
  const backup = backupOf({ auditId: input.auditId, accountId: input.accountId, createdAt: deps.now().toISOString() }, fresh.groups);
  const groups = backup.groups;
  const keys = deletionKeys(input.accountId, input.auditId);
  const key = keys.preDeleteBackup(input.region);
  try {
    // putJson writes exactly these bytes; their SHA-256 goes into the trail.
    const sha256 = createHash('sha256').update(`${JSON.stringify(backup)}\n`, 'utf8').digest('hex');
    await deps.store.putJson(key, backup);
    await deps.store.putJson(keys.preDeleteBackupSha256(input.region), { sha256 });
  } catch (error) {
    throw new BackupWriteFailed(`could not write the pre-delete backup of ${input.region} (${(error as Error).name}: ${(error as Error).message})`, { cause: error });
  }
  return { region: input.region, backupKey: key, groups: groups.length };
}

function regionPlan(approval: Approval, fresh: RegionReport): { plan: RegionPlan | undefined; decided: GroupOutcome[] } {
  const mine = approval.selected.selected.filter((g) => g.region === fresh.region);
  const planned = planDeletion(mine, [], [fresh]);
  return { plan: planned.regions[0], decided: planned.outcomes };
}

/** One batch of a region's deletions; resumes from the region's checkpoints. */
export async function deleteBatch(input: RegionInput, deps: DeletionTaskDeps): Promise<BatchOutput> {
  const approval = await loadApproval(input, deps);
  const keys = deletionKeys(input.accountId, input.auditId);
  const { plan } = regionPlan(approval, await readReaudit(input, deps));
  if (!plan) return { region: input.region, done: true, deleted: 0, remaining: 0 };
  const checkpoints = await deps.store.checkpoints(input.accountId, input.auditId, input.region);
  const batchId = `${deps.now().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  const ec2 = (await clientsFor(input.accountId, deps, 'delete')).forRegion(input.region).get(EC2Client);
  const result = await runRegionBatch(
    plan,
    mergeCheckpoints(checkpoints),
    ec2,
    {
      save: (checkpoint) => deps.store.putJson(keys.checkpoint(input.region, batchId), checkpoint),
      // An aborted deletion has its trail written: start nothing more.
      stopped: () => deps.store.exists(keys.result),
    },
    { ...deps.deleter, batchId, now: deps.now, ...(deps.batchBudgetMs !== undefined ? { budgetMs: deps.batchBudgetMs } : {}) },
  );
  const summary = summarize(plan, result.progress, result.done, checkpoints.length + 1, deps.now());
  await deps.store.putJson(keys.summary(input.region), summary);
  const remaining = summary.planned - summary.deleted - summary.alreadyDeleted - summary.skipped - summary.failed;
  deps.logger.info('deletion batch', { auditId: input.auditId, region: input.region, done: result.done, deleted: summary.deleted, remaining });
  return { region: input.region, done: result.done || result.stopped, deleted: summary.deleted, remaining };
}

interface Assembly {
  status: DeletionResult['status'];
  abortReason?: string;
  /** Regions whose pre-delete backup could not be written: nothing was deleted there. */
  abortedRegions: Map<string, string>;
}

/** The trail from everything recorded in S3: outcomes in selection order, nothing left out. */
async function assemble(approval: Approval, deps: DeletionTaskDeps, startedAt: string, how: Assembly): Promise<DeletionResult> {
  const { report, lock, selected } = approval;
  const keys = deletionKeys(report.accountId, report.auditId);
  const byGroup = new Map<string, GroupOutcome>();
  const revocations: RevocationRecord[] = [];
  const preDeleteBackups: Record<string, string> = {};
  const preDeleteBackupSha256: Record<string, string> = {};
  const regions = [...new Set(selected.selected.map((g) => g.region))];
  for (const region of regions) {
    const regionAbort = how.abortedRegions.get(region);
    const fresh = regionAbort ? undefined : await deps.store.getJson<RegionReport>(keys.reaudit(region));
    if (await deps.store.exists(keys.preDeleteBackup(region))) {
      preDeleteBackups[region] = `s3://${deps.store.bucket}/${keys.preDeleteBackup(region)}`;
      const hash = await deps.store.getJson<{ sha256?: string }>(keys.preDeleteBackupSha256(region));
      if (hash?.sha256) preDeleteBackupSha256[region] = hash.sha256;
    }
    if (fresh) for (const o of regionPlan(approval, fresh).decided) byGroup.set(o.groupId, o);
    const progress = mergeCheckpoints(await deps.store.checkpoints(report.accountId, report.auditId, region));
    for (const o of progress.outcomes.values()) byGroup.set(o.groupId, o);
    revocations.push(...progress.revocations.values());
    for (const g of selected.selected.filter((x) => x.region === region && !byGroup.has(x.groupId))) {
      const base = { groupId: g.groupId, region, groupName: g.groupName };
      if (regionAbort) byGroup.set(g.groupId, { ...base, outcome: 'skipped', reason: `nothing was deleted in ${region}: ${regionAbort}` });
      else if (progress.uncertain.has(g.groupId)) {
        byGroup.set(g.groupId, { ...base, outcome: 'failed', reason: 'its deletion was in flight when the workflow stopped: it may be gone; run an audit to see' });
      } else {
        byGroup.set(g.groupId, { ...base, outcome: 'skipped', reason: how.status === 'aborted' ? 'not attempted: the deletion was aborted first; it is still a candidate' : 'not attempted' });
      }
    }
  }
  const keptRecord = await deps.store.getJson<KeptRecord>(keys.kept);
  const outcomes: GroupOutcome[] = [
    ...selected.kept.map((g) => ({ groupId: g.groupId, region: g.region, groupName: g.groupName, outcome: 'kept-by-reviewer' as const, reason: keptByReviewerReason(lock.keepFor, keptRecord, g.groupId) })),
    ...selected.selected.map((g) => byGroup.get(g.groupId) as GroupOutcome),
  ];
  return {
    schemaVersion: DELETION_RESULT_SCHEMA_VERSION,
    status: how.status,
    ...(how.abortReason ? { abortReason: how.abortReason } : {}),
    auditId: report.auditId,
    accountId: report.accountId,
    startedAt,
    finishedAt: deps.now().toISOString(),
    requester: requesterOf(lock),
    selection: [...lock.selection],
    outcomes,
    revocations,
    preDeleteBackups,
    preDeleteBackupSha256,
    totals: countOutcomes(outcomes),
  };
}

/** Writes result.json and deletion_log.txt unless a trail exists, then emails it once. */
async function publishTrail(result: DeletionResult, deps: DeletionTaskDeps): Promise<DeletionResult> {
  const keys = deletionKeys(result.accountId, result.auditId);
  const wrote = await deps.store.putOnce(keys.result, `${JSON.stringify(result, null, 2)}\n`, 'application/json');
  const trail = wrote ? result : ((await deps.store.getJson<DeletionResult>(keys.result)) ?? result);
  if (wrote) {
    await deps.store.putText(keys.log, renderDeletionLog(trail));
    try {
      deps.recordMetrics?.(trail);
    } catch (error) {
      deps.logger.error('could not publish the deletion metrics', { auditId: trail.auditId, error: error as Error });
    }
    await integrate(deps, 'deletion ended', (i) => i.deletionEnded(trail, `s3://${deps.store.bucket}/${keys.result}`));
  }
  if (!(await deps.store.exists(keys.emailed))) {
    const email = renderDeletionEmail(trail, `s3://${deps.store.bucket}/${keys.prefix}`);
    await deps.notify(email.subject, email.body);
    await deps.store.putOnce(keys.emailed, `${JSON.stringify({ at: deps.now().toISOString() })}\n`, 'application/json');
  }
  return trail;
}

async function startedAt(input: DeletionExecutionInput, deps: DeletionTaskDeps): Promise<string> {
  const started = await deps.store.getJson<StartedRecord>(deletionKeys(input.accountId, input.auditId).started);
  return started?.startedAt ?? deps.now().toISOString();
}

/** Last state: the trail and the result email. */
export async function finishDeletion(input: FinishInput, deps: DeletionTaskDeps): Promise<FinishOutput> {
  const approval = await loadApproval(input, deps);
  const abortedRegions = new Map(
    input.regionResults.filter((r) => r.status === 'aborted').map((r) => [r.region, r.error?.Cause ?? r.error?.Error ?? 'its pre-delete backup could not be written']),
  );
  const result = await assemble(approval, deps, await startedAt(input, deps), { status: 'completed', abortedRegions });
  const trail = await publishTrail(result, deps);
  deps.logger.info('deletion finished', { auditId: input.auditId, ...trail.totals });
  return { resultKey: deletionKeys(input.accountId, input.auditId).result, status: trail.status, deleted: trail.totals.deleted, failed: trail.totals.failed };
}

/** The execution input and why it stopped, from a Catch or from the EventBridge rule. */
export function parseAbortInput(input: AbortInput): { ids: DeletionExecutionInput; reason: string } {
  if ('detail' in input) {
    const ids = JSON.parse(input.detail.input ?? '{}') as DeletionExecutionInput;
    const why = [input.detail.error, input.detail.cause].filter(Boolean).join(': ');
    return { ids, reason: `the execution ended ${input.detail.status}${why ? ` (${why})` : ''}` };
  }
  const error = input.error;
  const cause = error?.Cause ? cleanCause(error.Cause) : '';
  return { ids: { accountId: input.accountId, auditId: input.auditId }, reason: `${error?.Error ?? 'error'}${cause ? `: ${cause}` : ''}` };
}

/** A Lambda error's Cause is its JSON error object: keep the message. */
function cleanCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}

/**
 * Every failure path ends here (a Catch, or the rule on FAILED/TIMED_OUT/ABORTED): an ABORTED
 * trail from whatever was recorded, and its email. Idempotent: a trail already written (by
 * finish, or by an earlier abort) is kept, and the email goes out once.
 */
export async function abortDeletion(input: AbortInput, deps: DeletionTaskDeps): Promise<FinishOutput> {
  const { ids, reason } = parseAbortInput(input);
  const keys = deletionKeys(ids.accountId, ids.auditId);
  deps.logger.error('deletion aborted', { auditId: ids.auditId, reason });
  let approval: Approval;
  try {
    approval = await loadApproval(ids, deps);
  } catch (error) {
    // Without a valid approval nothing was deleted: say so, once.
    const subject = `[sg-auditor] ${ids.accountId}: deletion for audit ${ids.auditId} ABORTED before deleting anything`;
    if (await deps.store.putOnce(keys.emailed, `${JSON.stringify({ at: deps.now().toISOString() })}\n`, 'application/json')) {
      await deps.notify(subject, `The deletion for audit ${ids.auditId} stopped before deleting anything: ${reason}; ${(error as Error).message}.`);
    }
    return { resultKey: keys.result, status: 'aborted', deleted: 0, failed: 0 };
  }
  const result = await assemble(approval, deps, await startedAt(ids, deps), { status: 'aborted', abortReason: reason, abortedRegions: new Map() });
  const trail = await publishTrail(result, deps);
  return { resultKey: keys.result, status: trail.status, deleted: trail.totals.deleted, failed: trail.totals.failed };
}
