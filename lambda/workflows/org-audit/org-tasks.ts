import type { SNSClient } from '@aws-sdk/client-sns';
import { publishReport, signedApprovalUrl, type AuditLogger, type PublishDeps, type ScheduledAuditConfig } from '../../aws/publish-audit';
import type { AuditMetrics } from '../../aws/audit-metrics';
import { CONTENT_TYPE, type ArtifactStore } from '../../aws/artifact-store';
import type { ClientFactory } from '../../aws/client-factory';
import { reportCoverage } from '../../aws/coverage';
import { publishEmail } from '../../aws/notifier';
import type { MemberCredentials } from '../../aws/member-role';
import { auditOrgItem, discoverAccountRegions, listActiveAccounts } from '../../aws/org';
import { homeRegion } from '../../aws/regions';
import type { Scanner } from '../../aws/scanners/types';
import { newAuditId } from '../../core/audit-id';
import { sha256Hex, toJsonBytes } from '../../core/backup';
import type { MacProvider } from '../../core/token';
import { mapLimit } from '../../core/concurrency';
import {
  accountStatus,
  assembleAccountReport,
  failedRegionsOf,
  orgKeys,
  ORG_TUNING,
  planOrg,
  summarizeOrg,
  type OrgAccountResult,
  type OrgItem,
  type OrgPlan,
  type OrgPlanAccount,
  type RegionItemResult,
} from '../../core/org';
import { renderOrgDigest, renderOrgTable } from '../../core/render-org';
import { cleanText } from '../../core/render-email';

/**
 * The organization audit's steps, each a function of (config, deps, small input) -> small
 * output; large data goes through the artifact store. The state machine's task handlers call
 * them one step per invocation; `sg-audit audit --accounts` calls them in-process with a
 * store in memory. No workflow logic here: order, retries and catches are the state machine's.
 */

export interface OrgAuditConfig {
  /** The per-account audit config (settings, bucket, topic, MAC key, link, dry run, ...). */
  audit: ScheduledAuditConfig;
  accounts: string[] | 'all';
  memberRoleName: string;
  emailPerAccount: boolean;
}

export interface OrgTaskDeps {
  store: ArtifactStore;
  /** Clients in the auditor's own account (Organizations). */
  home: ClientFactory;
  credentials: MemberCredentials;
  logger: AuditLogger;
  now?: () => Date;
}

export interface PlanInput {
  /** Normally made here; tests and the CLI may fix it. */
  auditId?: string;
}

/** The plan step's output: keys for the Distributed Maps' ItemReaders and counts. */
export interface PlanOutput {
  auditId: string;
  /** The artifact bucket: the Distributed Maps' ItemReaders read the items from it. */
  bucket: string;
  startedAt: string;
  itemsKey: string;
  accountsKey: string;
  accounts: number;
  items: number;
}

/** Plan: the accounts (Organizations or the list) x their enabled regions, written to the store. */
export async function planTask(config: OrgAuditConfig, deps: OrgTaskDeps, input: PlanInput = {}): Promise<PlanOutput & { plan: OrgPlan; itemList: OrgItem[] }> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const auditId = input.auditId ?? newAuditId(started);
  const listed =
    config.accounts === 'all' ? await listActiveAccounts(deps.home) : config.accounts.map((accountId) => ({ accountId }));
  const reached = await discoverAccountRegions(listed, { credentials: deps.credentials });
  const { accounts, items } = planOrg(reached, config.audit.settings.regions, homeRegion(), auditId);
  const plan: OrgPlan = {
    auditId,
    startedAt: started.toISOString(),
    settings: config.audit.settings,
    memberRoleName: config.memberRoleName,
    accounts,
    itemCount: items.length,
  };
  const keys = orgKeys(auditId);
  await Promise.all([
    deps.store.put(keys.plan, toJsonBytes(plan), CONTENT_TYPE.json),
    deps.store.put(keys.items, toJsonBytes(items), CONTENT_TYPE.json),
    deps.store.put(keys.accounts, toJsonBytes(accounts), CONTENT_TYPE.json),
  ]);
  const unreachable = reached.filter((a) => a.error).map((a) => ({ accountId: a.accountId, code: a.error?.code }));
  deps.logger.info('org audit planned', { auditId, accounts: accounts.length, items: items.length, unreachable });
  return {
    auditId,
    bucket: deps.store.bucket,
    startedAt: plan.startedAt,
    itemsKey: keys.items,
    accountsKey: keys.accounts,
    accounts: accounts.length,
    items: items.length,
    plan,
    itemList: items,
  };
}

export interface RegionItemsInput {
  auditId: string;
  items: OrgItem[];
}

export interface RegionItemsDeps extends OrgTaskDeps {
  scanners?: readonly Scanner[];
  /** Items of one batch audited at once (they are mostly waiting on the network). */
  concurrency?: number;
  onResult?: (result: RegionItemResult) => void;
}

/** Region items: audit each (account, region) and store its region report. Never fails for an AWS refusal. */
export async function regionItemsTask(
  config: OrgAuditConfig,
  deps: RegionItemsDeps,
  input: RegionItemsInput,
): Promise<{ auditId: string; items: number; failed: number }> {
  const keys = orgKeys(input.auditId);
  let failed = 0;
  await mapLimit(input.items, deps.concurrency ?? ORG_TUNING.itemConcurrency, async (item) => {
    const result = await auditOrgItem(item, config.audit.settings, {
      credentials: deps.credentials,
      ...(deps.scanners ? { scanners: deps.scanners } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
    if (result.report.status === 'failed') {
      failed += 1;
      deps.logger.warn('region not audited', { accountId: item.accountId, region: item.region, error: result.report.error });
    }
    await deps.store.put(keys.region(item.accountId, item.region), toJsonBytes(result), CONTENT_TYPE.json);
    deps.onResult?.(result);
  });
  return { auditId: input.auditId, items: input.items.length, failed };
}

export interface AssembleInput {
  auditId: string;
  startedAt: string;
  account: OrgPlanAccount;
}

export interface AssembleDeps {
  store: ArtifactStore;
  mac: ScheduledAuditDepsMac;
  sns: SNSClient;
  logger: AuditLogger;
  metrics: AuditMetrics;
  now?: () => Date;
  integrations?: PublishDeps['integrations'];
}

type ScheduledAuditDepsMac = Parameters<typeof publishReport>[1]['mac'];

async function readJson<T>(store: ArtifactStore, key: string): Promise<T> {
  return JSON.parse((await store.get(key)).toString('utf8')) as T;
}

/** Reads the items' results of one account; a missing one is left out (the report then says NoResult). */
export async function readRegionResults(store: ArtifactStore, auditId: string, account: OrgPlanAccount): Promise<Map<string, RegionItemResult>> {
  const keys = orgKeys(auditId);
  const results = new Map<string, RegionItemResult>();
  await mapLimit(account.regions, 8, async (region) => {
    try {
      results.set(region, await readJson<RegionItemResult>(store, keys.region(account.accountId, region)));
    } catch {
      // Absent: the item never finished. assembleAccountReport reports the region failed.
    }
  });
  return results;
}

/**
 * Assemble one account: its report from the items' region reports, then exactly what the
 * single-account audit publishes (report.json, sg_log.txt, backup.json, signed link, and its
 * email unless the digest is configured). Writes the account's result for the summary.
 */
export async function assembleAccountTask(config: OrgAuditConfig, deps: AssembleDeps, input: AssembleInput): Promise<OrgAccountResult> {
  const now = deps.now ?? (() => new Date());
  const results = await readRegionResults(deps.store, input.auditId, input.account);
  const plan = { startedAt: input.startedAt, settings: config.audit.settings };
  const report = assembleAccountReport(input.account, plan, results, now(), reportCoverage());
  const byRegionMs = new Map([...results.values()].map((r) => [r.region, Date.parse(r.finishedAt) - Date.parse(r.startedAt)]));
  const totalMs = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  const published = await publishReport(config.audit, deps, report, { totalMs, byRegionMs }, {
    email: config.emailPerAccount,
    returnLink: true,
  });
  const result: OrgAccountResult = {
    accountId: report.accountId,
    ...(input.account.name ? { name: input.account.name } : {}),
    auditId: report.auditId,
    status: accountStatus(report),
    regions: report.regions.length,
    totals: report.totals,
    failedRegions: failedRegionsOf(report),
    apiCalls: report.apiCalls.total,
    keys: published.keys,
    reportSha256: published.reportSha256,
    // The link's hash, never the link: the digest re-makes it (summaryTask).
    ...(published.linkUrl && published.linkExpiresAt ? { link: { sha256: sha256Hex(Buffer.from(published.linkUrl, 'utf8')), expiresAt: published.linkExpiresAt } } : {}),
    ...(published.messageId ? { messageId: published.messageId } : {}),
  };
  await deps.store.put(orgKeys(input.auditId).account(report.accountId), toJsonBytes(result), CONTENT_TYPE.json);
  return result;
}

export interface SummaryInput {
  auditId: string;
  startedAt: string;
}

export interface SummaryDeps {
  store: ArtifactStore;
  sns: SNSClient;
  /** Re-makes each account's approval link for the digest (the summary holds only their hashes). */
  mac: MacProvider;
  logger: AuditLogger;
  now?: () => Date;
}

/** Summary: every account's result -> summary.json and summary.txt; the digest email when configured. */
export async function summaryTask(
  config: OrgAuditConfig,
  deps: SummaryDeps,
  input: SummaryInput,
): Promise<{ auditId: string; summaryKey: string; accounts: number; failed: number; candidates: number; messageId?: string }> {
  const now = deps.now ?? (() => new Date());
  const keys = orgKeys(input.auditId);
  const accounts = await readJson<OrgPlanAccount[]>(deps.store, keys.accounts);
  const results = await mapLimit(accounts, 16, async (account): Promise<OrgAccountResult> => {
    try {
      return await readJson<OrgAccountResult>(deps.store, keys.account(account.accountId));
    } catch {
      // Its assemble step failed: no report, no link; say so rather than leave it out.
      return {
        accountId: account.accountId,
        ...(account.name ? { name: account.name } : {}),
        auditId: account.auditId,
        status: 'failed',
        regions: account.regions.length,
        totals: { groups: 0, inUse: 0, candidates: 0, protected: 0, unknown: 0 },
        failedRegions: [{ region: '*', code: 'NotAssembled', message: "this account's report could not be assembled; see the state machine's execution" }],
        apiCalls: 0,
        keys: { report: '', log: '', backup: '' },
        reportSha256: '',
      };
    }
  });
  const summary = summarizeOrg(input.auditId, input.startedAt, now().toISOString(), results);
  await Promise.all([
    deps.store.put(keys.summary, toJsonBytes(summary), CONTENT_TYPE.json),
    deps.store.put(keys.table, Buffer.from(renderOrgTable(summary), 'utf8'), CONTENT_TYPE.text),
  ]);
  deps.logger.info('org audit summarized', { auditId: input.auditId, accounts: summary.accounts, totals: summary.totals, apiCalls: summary.apiCalls });
  let messageId: string | undefined;
  if (!config.emailPerAccount) {
    const links = await remakeLinks(config, deps, summary.results);
    const email = renderOrgDigest(summary, { bucket: deps.store.bucket, tableKey: keys.table, dryRun: config.audit.dryRun, coverage: reportCoverage(), links });
    messageId = await publishEmail(deps.sns, config.audit.topicArn, email.subject, email.body);
  }
  return {
    auditId: input.auditId,
    summaryKey: keys.summary,
    accounts: summary.accounts.total,
    failed: summary.accounts.failed,
    candidates: summary.totals.candidates,
    ...(messageId ? { messageId } : {}),
  };
}

/**
 * The digest's approval links, re-signed from each account's result (HMAC is deterministic) and
 * checked against the hash the assemble task recorded: no live link is ever stored. A link that
 * does not hash to the record is left out of the email (and logged), never sent altered.
 */
async function remakeLinks(config: OrgAuditConfig, deps: SummaryDeps, results: readonly OrgAccountResult[]): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  for (const r of results) {
    if (!r.link) continue;
    const exp = Math.floor(Date.parse(r.link.expiresAt) / 1000);
    const url = await signedApprovalUrl(config.audit.approvalUrl, { auditId: r.auditId, accountId: r.accountId, reportSha256: r.reportSha256, exp }, deps.mac);
    if (sha256Hex(Buffer.from(url, 'utf8')) === r.link.sha256) links.set(r.accountId, url);
    else deps.logger.error('approval link could not be re-made for the digest', { accountId: r.accountId, auditId: r.auditId });
  }
  return links;
}

/** The email sent when the org audit itself failed (a Catch in the state machine calls it). */
export async function orgFailureTask(
  config: OrgAuditConfig,
  deps: { sns: SNSClient; logger: AuditLogger },
  input: { auditId?: string; error?: { Error?: string; Cause?: string } },
): Promise<{ notified: true }> {
  const code = cleanText(input.error?.Error ?? 'Error', 60);
  const cause = cleanText(input.error?.Cause ?? 'unknown cause', 1000);
  deps.logger.error('org audit failed', { auditId: input.auditId, error: code });
  await publishEmail(
    deps.sns,
    config.audit.topicArn,
    `[sg-auditor] organization audit FAILED (${code})`,
    [
      `The sg-auditor organization audit ${input.auditId ?? '(not planned)'} stopped: ${code}.`,
      `Cause: ${cause}`,
      '',
      'Reports already written stay in S3; accounts not reached have no new report and nothing was cleared.',
      "See the audit state machine's execution in the Step Functions console, then start it again.",
      '',
    ].join('\n'),
  );
  return { notified: true };
}
