import { createHash } from 'node:crypto';
import { emptyTotals, REPORT_SCHEMA_VERSION, sumTotals, type AuditReport, type AuditSettings, type RegionReport, type ReportCoverage, type ScanError, type Totals } from './model';

/**
 * Organization mode, pure: the plan (accounts x regions -> items), a failed item's region
 * report, one account's report assembled from its items, and the org summary. The same
 * functions serve the audit state machine's task handlers and `sg-audit audit --accounts`.
 */

/** An account as Organizations (or the configured list) names it. */
export interface OrgAccount {
  accountId: string;
  name?: string;
}

/** What region discovery through the member role found for one account. */
export interface AccountRegions extends OrgAccount {
  /** Enabled regions (opt-in regions not opted in are already dropped). */
  enabled?: string[];
  /** Set when the account could not be reached (AssumeRole denied, DescribeRegions refused). */
  error?: ScanError;
}

/** One unit of work: one account, one region. `error` set means: do not call AWS, report it failed. */
export interface OrgItem {
  accountId: string;
  region: string;
  error?: ScanError;
}

export interface OrgPlanAccount extends OrgAccount {
  /** This account's own audit id (its report, link and approval lock are per account). */
  auditId: string;
  /** The regions its report will list, in order. */
  regions: string[];
}

export interface OrgPlan {
  auditId: string;
  startedAt: string;
  settings: AuditSettings;
  memberRoleName: string;
  accounts: OrgPlanAccount[];
  itemCount: number;
}

/** What one item produced: the region report plus the calls it made, by source. */
export interface RegionItemResult {
  accountId: string;
  region: string;
  startedAt: string;
  finishedAt: string;
  report: RegionReport;
  apiCallsBySource: Record<string, number>;
}

export type OrgAccountStatus = 'audited' | 'partial' | 'failed';

/** One account's outcome, as the summary and the digest list it. */
export interface OrgAccountResult extends OrgAccount {
  auditId: string;
  /** audited: every region; partial: some regions failed; failed: no region could be audited. */
  status: OrgAccountStatus;
  regions: number;
  totals: Totals;
  failedRegions: Array<{ region: string } & ScanError>;
  apiCalls: number;
  keys: { report: string; log: string; backup: string };
  reportSha256: string;
  /**
   * The approval link's SHA-256 and expiry, never the link: a link approves deletions for whoever
   * holds it. The digest re-signs it (HMAC is deterministic) and checks it against this hash.
   */
  link?: { sha256: string; expiresAt: string };
  messageId?: string;
}

export const ORG_SUMMARY_SCHEMA_VERSION = 1;

export interface OrgSummary {
  schemaVersion: typeof ORG_SUMMARY_SCHEMA_VERSION;
  auditId: string;
  startedAt: string;
  finishedAt: string;
  accounts: { total: number; audited: number; partial: number; failed: number };
  totals: Totals;
  apiCalls: number;
  results: OrgAccountResult[];
}

/** Error code of a region that was planned but produced no result (its item never finished). */
export const NO_RESULT = 'NoResult';
export const REGION_NOT_ENABLED = 'RegionNotEnabled';

/** The S3 layout of one org audit (beside the per-account audits/<accountId>/<auditId>/). */
export const orgKeys = (auditId: string) => {
  const prefix = `audits/_org/${auditId}/`;
  return {
    prefix,
    plan: `${prefix}plan.json`,
    items: `${prefix}items.json`,
    accounts: `${prefix}accounts.json`,
    region: (accountId: string, region: string) => `${prefix}regions/${accountId}/${region}.json`,
    account: (accountId: string) => `${prefix}accounts/${accountId}.json`,
    summary: `${prefix}summary.json`,
    table: `${prefix}summary.txt`,
  };
};

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The account's audit id within an org audit: the org audit's time stamp and a suffix derived
 * from both ids, so a retried assemble step writes the same keys and each account has its own
 * approval lock (approvals/<accountId>/<auditId>.json).
 */
export function accountAuditId(orgAuditId: string, accountId: string): string {
  const stamp = orgAuditId.replace(/-[a-z0-9]{6}$/, '');
  const digest = createHash('sha256').update(`${orgAuditId}/${accountId}`).digest();
  const suffix = [...digest.subarray(0, 6)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${stamp}-${suffix}`;
}

/** A region that could not be audited: no groups (so no candidates), the error said once. */
export function failedRegionReport(region: string, error: ScanError): RegionReport {
  return { region, status: 'failed', error, scans: [], groups: [], totals: emptyTotals(), apiCalls: 0 };
}

/**
 * Crosses accounts with regions. `requested` is the configured regions (or all enabled ones).
 * An unreachable account yields items carrying its error (one per requested region, or one in
 * the home region when every enabled region was asked for); a requested region the account has
 * not enabled yields an item carrying RegionNotEnabled. Nothing is dropped silently.
 */
export function planOrg(
  accounts: readonly AccountRegions[],
  requested: readonly string[] | 'all',
  homeRegion: string,
  orgAuditId: string,
): { accounts: OrgPlanAccount[]; items: OrgItem[] } {
  const planned: OrgPlanAccount[] = [];
  const items: OrgItem[] = [];
  const seen = new Set<string>();
  for (const account of accounts) {
    if (seen.has(account.accountId)) continue;
    seen.add(account.accountId);
    const { accountId } = account;
    let accountItems: OrgItem[];
    if (account.error || !account.enabled) {
      const error = account.error ?? { code: 'NoRegions', message: 'region discovery returned nothing' };
      const regions = requested === 'all' ? [homeRegion] : [...requested];
      accountItems = regions.map((region) => ({ accountId, region, error }));
    } else if (requested === 'all') {
      accountItems = [...account.enabled].sort().map((region) => ({ accountId, region }));
    } else {
      const enabled = new Set(account.enabled);
      accountItems = requested.map((region) =>
        enabled.has(region)
          ? { accountId, region }
          : {
              accountId,
              region,
              error: { code: REGION_NOT_ENABLED, message: `${region} is not enabled for account ${accountId} (an opt-in region not opted in)` },
            },
      );
    }
    items.push(...accountItems);
    planned.push({
      accountId,
      ...(account.name ? { name: account.name } : {}),
      auditId: accountAuditId(orgAuditId, accountId),
      regions: accountItems.map((i) => i.region),
    });
  }
  return { accounts: planned, items };
}

/**
 * One account's report, from the results of its items (exactly the single-account report's
 * shape, with the coverage ledger's figure when given). A planned region without a result is a
 * failed region: nothing there is cleared.
 */
export function assembleAccountReport(
  account: OrgPlanAccount,
  plan: Pick<OrgPlan, 'startedAt' | 'settings'>,
  results: ReadonlyMap<string, RegionItemResult>,
  now: Date,
  coverage?: ReportCoverage,
): AuditReport {
  const regions: RegionReport[] = [];
  const bySource: Record<string, number> = {};
  let startedAt = plan.startedAt;
  let finishedAt = plan.startedAt;
  for (const region of account.regions) {
    const result = results.get(region);
    if (!result || result.accountId !== account.accountId || result.report.region !== region) {
      regions.push(
        failedRegionReport(region, {
          code: NO_RESULT,
          message: 'the audit of this region did not finish (its task failed or timed out); nothing here was cleared',
        }),
      );
      continue;
    }
    regions.push(result.report);
    for (const [label, n] of Object.entries(result.apiCallsBySource)) bySource[label] = (bySource[label] ?? 0) + n;
    if (result.startedAt < startedAt) startedAt = result.startedAt;
    if (result.finishedAt > finishedAt) finishedAt = result.finishedAt;
  }
  if (finishedAt === plan.startedAt) finishedAt = now.toISOString();
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    auditId: account.auditId,
    accountId: account.accountId,
    startedAt,
    finishedAt,
    settings: plan.settings,
    skippedSources: [...plan.settings.skipSources],
    regions,
    totals: sumTotals(regions.map((r) => r.totals)),
    apiCalls: { total: Object.values(bySource).reduce((a, b) => a + b, 0), bySource },
    ...(coverage ? { coverage } : {}),
  };
}

/** audited / partial / failed, from the report's regions. */
export function accountStatus(report: AuditReport): OrgAccountStatus {
  const failed = report.regions.filter((r) => r.status === 'failed').length;
  if (report.regions.length === 0 || failed === report.regions.length) return 'failed';
  return failed > 0 ? 'partial' : 'audited';
}

/** The failed regions of a report, with their errors, for the summary. */
export function failedRegionsOf(report: AuditReport): OrgAccountResult['failedRegions'] {
  return report.regions
    .filter((r) => r.status === 'failed')
    .map((r) => ({ region: r.region, code: r.error?.code ?? 'Error', message: r.error?.message ?? 'unknown error' }));
}

/** The org summary: accounts audited and failed, totals, API calls, every account's result. */
export function summarizeOrg(
  auditId: string,
  startedAt: string,
  finishedAt: string,
  results: readonly OrgAccountResult[],
  extraApiCalls = 0,
): OrgSummary {
  const sorted = [...results].sort((a, b) => a.accountId.localeCompare(b.accountId));
  const count = (status: OrgAccountStatus) => sorted.filter((r) => r.status === status).length;
  return {
    schemaVersion: ORG_SUMMARY_SCHEMA_VERSION,
    auditId,
    startedAt,
    finishedAt,
    accounts: { total: sorted.length, audited: count('audited'), partial: count('partial'), failed: count('failed') },
    totals: sumTotals(sorted.map((r) => r.totals)),
    apiCalls: sorted.reduce((n, r) => n + r.apiCalls, extraApiCalls),
    results: sorted,
  };
}

/**
 * How the org audit packs its work (the bench's model chose these; see `npm run bench -- --org`):
 * items per Lambda invocation (one child execution of the Distributed Map), items of one batch
 * audited at once inside it, and accounts assembled at once (KMS GenerateMac and SNS Publish).
 */
export const ORG_TUNING = { itemsPerBatch: 17, itemConcurrency: 6, assembleConcurrency: 20 } as const;
