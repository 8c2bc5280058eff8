import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { mapLimit } from '../core/concurrency';
import type { AuditSettings, ScanError } from '../core/model';
import { failedRegionReport, type AccountRegions, type OrgAccount, type OrgItem, type RegionItemResult } from '../core/org';
import { auditRegion, type ProgressEvent } from './audit';
import { INVENTORY_LABEL, type ClientFactory } from './client-factory';
import { toScanError } from './errors';
import { AssumeRoleError, type MemberCredentials } from './member-role';
import { homeRegion, listEnabledRegions } from './regions';
import type { Scanner } from './scanners/types';

/** The AWS edge of organization mode: list accounts, discover their regions, audit one item. */

export const ORGANIZATIONS_ACTIONS = ['organizations:ListAccounts'] as const;

/** An error as the org reports show it: AssumeRole failures keep STS's code and name the role. */
export function orgError(error: unknown): ScanError {
  if (error instanceof AssumeRoleError) return { code: error.code, message: error.message };
  return toScanError(error);
}

/** Every ACTIVE account of the organization (ListAccounts, paginated), sorted by id. */
export async function listActiveAccounts(factory: ClientFactory): Promise<OrgAccount[]> {
  const client = factory.forRegion(homeRegion()).get(OrganizationsClient);
  const accounts: OrgAccount[] = [];
  for await (const page of paginateListAccounts({ client, pageSize: 20 }, {})) {
    for (const a of page.Accounts ?? []) {
      // `State` replaces `Status` (retired in 2026); either says ACTIVE for a live account.
      const state = a.State ?? a.Status;
      if (a.Id && state === 'ACTIVE') accounts.push({ accountId: a.Id, ...(a.Name ? { name: a.Name } : {}) });
    }
  }
  return accounts.sort((x, y) => x.accountId.localeCompare(y.accountId));
}

export interface OrgDeps {
  credentials: MemberCredentials;
  /** Accounts probed or items audited at once. */
  concurrency?: number;
  maxAttempts?: number;
}

/**
 * Each account's enabled regions, read through its member role. An account whose role cannot
 * be assumed (or that refuses DescribeRegions) is returned with its error, never dropped.
 */
export async function discoverAccountRegions(accounts: readonly OrgAccount[], deps: OrgDeps): Promise<AccountRegions[]> {
  return mapLimit(accounts, deps.concurrency ?? 20, async (account) => {
    const factory = deps.credentials.factoryFor(account.accountId, deps.maxAttempts ? { maxAttempts: deps.maxAttempts } : {});
    try {
      await deps.credentials.resolve(account.accountId);
      const enabled = await factory.counter.run(INVENTORY_LABEL, () => listEnabledRegions(factory));
      return { ...account, enabled };
    } catch (error) {
      return { ...account, error: orgError(error) };
    } finally {
      factory.destroy();
    }
  });
}

export interface OrgItemDeps extends OrgDeps {
  scanners?: readonly Scanner[];
  now?: () => Date;
  onProgress?: (event: ProgressEvent & { accountId: string }) => void;
}

/**
 * Audits one (account, region) with the same `auditRegion` the single-account audit runs.
 * Never throws: an item planned as failed, or whose role cannot be assumed, is a failed region
 * report carrying the error, so that account's groups there stay unknown.
 */
export async function auditOrgItem(item: OrgItem, settings: AuditSettings, deps: OrgItemDeps): Promise<RegionItemResult> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const done = (report: RegionItemResult['report'], bySource: Record<string, number>): RegionItemResult => ({
    accountId: item.accountId,
    region: item.region,
    startedAt,
    finishedAt: now().toISOString(),
    report,
    apiCallsBySource: bySource,
  });
  if (item.error) return done(failedRegionReport(item.region, item.error), {});
  try {
    await deps.credentials.resolve(item.accountId);
  } catch (error) {
    return done(failedRegionReport(item.region, orgError(error)), {});
  }
  // A factory per item: its counter is this item's API calls, its clients this account's.
  const factory = deps.credentials.factoryFor(item.accountId, deps.maxAttempts ? { maxAttempts: deps.maxAttempts } : {});
  try {
    const report = await auditRegion(item.region, settings, item.accountId, {
      factory,
      ...(deps.scanners ? { scanners: deps.scanners } : {}),
      now,
      ...(deps.onProgress ? { onProgress: (event: ProgressEvent) => deps.onProgress?.({ ...event, accountId: item.accountId }) } : {}),
    });
    return done(report, factory.counter.byLabel());
  } finally {
    factory.destroy();
  }
}
