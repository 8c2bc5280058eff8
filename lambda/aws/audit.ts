import { newAuditId } from '../core/audit-id';
import { classifyOptionsFor, classifyRegion } from '../core/classify';
import { mapLimit } from '../core/concurrency';
import {
  addToTotals,
  emptyTotals,
  REPORT_SCHEMA_VERSION,
  sumTotals,
  type AuditReport,
  type AuditSettings,
  type GroupRecord,
  type RegionReport,
  type ScanResult,
} from '../core/model';
import { currentAccountId } from './account';
import { INVENTORY_LABEL } from './client-factory';
import { toScanError } from './errors';
import { reportCoverage } from './coverage';
import { loadInventory } from './inventory';
import { RegionScope } from './region-scope';
import { listEnabledRegions } from './regions';
import { SCANNERS } from './scanners/registry';
import { runScanner, type AuditDeps } from './run-scanner';
import type { Scanner } from './scanners/types';

export { runScanner, type AuditDeps, type ProgressEvent, type RunEnv } from './run-scanner';

// Tuned with `npm run bench -- --model` (README, "Latency and throttle model"): each region has
// its own rate limits and its time is its sequential listings, so 9 regions at once audit the
// 17 default regions in two waves; more scanners at once do not shorten a region.
export const DEFAULT_REGION_CONCURRENCY = 9;
export const DEFAULT_SCANNER_CONCURRENCY = 8;

/** Runs the whole audit: every configured region, every scanner, classified and totalled. */
export async function runAudit(settings: AuditSettings, deps: AuditDeps): Promise<AuditReport> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const accountId = deps.accountId ?? (await deps.factory.counter.run(INVENTORY_LABEL, () => currentAccountId(deps.factory)));
  const regions =
    settings.regions === 'all'
      ? await deps.factory.counter.run(INVENTORY_LABEL, () => listEnabledRegions(deps.factory))
      : [...settings.regions];
  const reports = await mapLimit(regions, deps.regionConcurrency ?? DEFAULT_REGION_CONCURRENCY, (region) =>
    auditRegion(region, settings, accountId, deps),
  );
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    auditId: deps.auditId ?? newAuditId(startedAt),
    accountId,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    settings,
    skippedSources: [...settings.skipSources],
    regions: reports,
    totals: sumTotals(reports.map((r) => r.totals)),
    apiCalls: { total: deps.factory.counter.total(), bySource: deps.factory.counter.byLabel() },
    coverage: reportCoverage(),
  };
}

/**
 * Audits one region. Never throws: a region whose inventory cannot be read is reported as
 * `failed` with no groups (so no candidates), and a failing scanner is recorded as data.
 */
export async function auditRegion(
  region: string,
  settings: AuditSettings,
  accountId: string,
  deps: AuditDeps,
): Promise<RegionReport> {
  const { factory } = deps;
  const clients = factory.forRegion(region);
  const scanners = deps.scanners ?? SCANNERS;
  const now = (deps.now ?? (() => new Date()))();
  deps.onProgress?.({ kind: 'region-start', region });

  // Shared listings and service-list answers of this region, for this run only.
  const scope = new RegionScope(clients, factory.counter);
  const window = { now, minAgeDays: settings.minAgeDays, idleDays: settings.idleDays ?? 0 };
  for (const scanner of scanners) {
    if (!scanner.prefetch || settings.skipSources.includes(scanner.source)) continue;
    for (const listing of scanner.prefetch(window)) scope.shared(listing);
  }

  let groups: GroupRecord[];
  try {
    groups = await factory.counter.run(INVENTORY_LABEL, () => loadInventory(clients));
  } catch (error) {
    deps.onProgress?.({ kind: 'region-done', region, status: 'failed' });
    return {
      region,
      status: 'failed',
      error: toScanError(error),
      scans: [],
      groups: [],
      totals: emptyTotals(),
      apiCalls: factory.counter.regionTotal(region),
    };
  }
  deps.onProgress?.({ kind: 'inventory', region, groups: groups.length });

  const classifyOptions = classifyOptionsFor(settings, accountId, now);
  const baseContext = { accountId, groups, minAgeDays: settings.minAgeDays, idleDays: settings.idleDays ?? 0, now };
  const run = (scanner: Scanner, candidates: ReadonlySet<string>): Promise<ScanResult> =>
    runScanner(scanner, { ...baseContext, candidates }, { deps, region, scope, settings });

  const first = scanners.filter((s) => !s.afterClassify);
  const later = scanners.filter((s) => s.afterClassify);
  // Long scans start first, so the queue ends with quick ones; results keep the registry's order.
  const started = [...first.filter((s) => s.startsFirst), ...first.filter((s) => !s.startsFirst)];
  const byScanner = new Map<Scanner, ScanResult>();
  await mapLimit(started, deps.scannerConcurrency ?? DEFAULT_SCANNER_CONCURRENCY, async (s) => {
    byScanner.set(s, await run(s, new Set()));
  });
  const scans = first.map((s) => byScanner.get(s) as ScanResult);
  if (later.length > 0) {
    const preliminary = classifyRegion(groups, scans, classifyOptions);
    const candidates = new Set(preliminary.filter((g) => g.verdict === 'candidate').map((g) => g.groupId));
    scans.push(...(await mapLimit(later, deps.scannerConcurrency ?? DEFAULT_SCANNER_CONCURRENCY, (s) => run(s, candidates))));
  }

  const classified = classifyRegion(groups, scans, classifyOptions);
  const totals = emptyTotals();
  for (const g of classified) addToTotals(totals, g.verdict);
  deps.onProgress?.({ kind: 'region-done', region, status: 'ok' });
  return {
    region,
    status: 'ok',
    scans: scans.map((s) => ({
      source: s.source,
      status: s.status,
      ...(s.error ? { error: s.error } : {}),
      ...(s.note ? { note: s.note } : {}),
      apiCalls: s.apiCalls,
      ...(s.sharedListings ? { sharedListings: s.sharedListings } : {}),
      ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
      usageCount: s.usages.length,
      ...(s.activityWindow ? { activityWindow: s.activityWindow } : {}),
    })),
    groups: classified,
    totals,
    apiCalls: factory.counter.regionTotal(region),
  };
}
