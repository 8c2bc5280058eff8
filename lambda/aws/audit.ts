import { newAuditId } from '../core/audit-id';
import { classifyOptionsFor, classifyRegion } from '../core/classify';
import { mapLimit } from '../core/concurrency';
import { groupIdOfRef } from '../core/group-ref';
import {
  addToTotals,
  emptyTotals,
  REPORT_SCHEMA_VERSION,
  sumTotals,
  type AuditReport,
  type AuditSettings,
  type GroupRecord,
  type RegionReport,
  type ScanError,
  type ScanResult,
  type Usage,
} from '../core/model';
import { currentAccountId } from './account';
import { INVENTORY_LABEL, observeResponses, type ClientFactory } from './client-factory';
import { toScanError } from './errors';
import { reportCoverage } from './coverage';
import { loadInventory } from './inventory';
import { RegionScope } from './region-scope';
import { ResponseSweep, sweepsResponses } from './response-sweep';
import { listEnabledRegions } from './regions';
import { SCANNERS } from './scanners/registry';
import type { ScanContext, ScanOutcome, Scanner } from './scanners/types';

export type ProgressEvent =
  | { kind: 'region-start'; region: string }
  | { kind: 'inventory'; region: string; groups: number }
  | { kind: 'scan'; region: string; source: string; status: ScanResult['status']; usages: number; note?: string; error?: ScanError }
  | { kind: 'region-done'; region: string; status: RegionReport['status'] };

export interface AuditDeps {
  factory: ClientFactory;
  /** The scanner registry; tests and the bench pass a subset. */
  scanners?: readonly Scanner[];
  now?: () => Date;
  /** Skips the STS call when the caller already knows it. */
  accountId?: string;
  auditId?: string;
  regionConcurrency?: number;
  scannerConcurrency?: number;
  onProgress?: (event: ProgressEvent) => void;
}

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

export interface RunEnv {
  deps: AuditDeps;
  region: string;
  /** The region's shared listings and service list for this run (a fresh one when absent). */
  scope?: RegionScope;
  settings: AuditSettings;
}

type BaseContext = Omit<ScanContext, 'found' | 'created' | 'shared' | 'isSkipped'>;

/**
 * Runs one scanner and turns whatever happens into a ScanResult (never throws). Every source is
 * called; a failure is `failed` unless the service's endpoint does not exist and the region's
 * service list does not name it ("not offered", see RegionScope.judge).
 */
export async function runScanner(scanner: Scanner, base: BaseContext, env: RunEnv): Promise<ScanResult> {
  const { deps, region } = env;
  const counter = deps.factory.counter;
  const scope = env.scope ?? new RegionScope(deps.factory.forRegion(region), counter);
  const started = performance.now();
  const usages: Usage[] = [];
  const createdAt: Record<string, string> = {};
  const seen = new Set<string>();
  const sharedRead = new Set<string>();
  const notes: string[] = [];
  // The free-text sweep of every answer this scan gets (response-sweep.ts).
  const sweep = sweepsResponses(scanner.source) ? new ResponseSweep(base.groups) : undefined;
  const result = (scanStatus: ScanResult['status'], scanExtra: Partial<ScanResult> = {}): ScanResult => {
    let status = scanStatus;
    let extra = scanExtra;
    if (sweep && status !== 'skipped') {
      // Groups the scanner itself reported keep its evidence; the sweep adds the others.
      const reported = new Set(usages.map((u) => u.groupId));
      for (const finding of sweep.findings()) {
        if (!reported.has(finding.groupId)) usages.push({ groupId: finding.groupId, region, source: scanner.source, ...finding.evidence });
      }
      if (sweep.error) {
        // Fail closed: a sweep that broke may have missed a group. It never hides the scanner's own error.
        if (status === 'ok') {
          status = 'failed';
          extra = { ...extra, error: sweep.error };
        } else notes.push(sweep.error.message);
      }
    }
    const note = [...new Set([...notes, extra.note].filter(Boolean))].join('; ');
    const scan: ScanResult = {
      source: scanner.source,
      region,
      status,
      usages,
      apiCalls: counter.count(region, scanner.source),
      durationMs: Math.round(performance.now() - started),
      ...extra,
      ...(note ? { note } : {}),
    };
    if (sharedRead.size > 0) scan.sharedListings = [...sharedRead].sort();
    if (Object.keys(createdAt).length > 0) scan.createdAt = createdAt;
    deps.onProgress?.({
      kind: 'scan',
      region,
      source: scanner.source,
      status,
      usages: usages.length,
      ...(scan.note ? { note: scan.note } : {}),
      ...(scan.error ? { error: scan.error } : {}),
    });
    return scan;
  };

  if (env.settings.skipSources.includes(scanner.source)) {
    return result('skipped', { note: 'excluded by skipSources' });
  }

  const notOffered = `not offered in ${region}`;
  const ctx: ScanContext = {
    ...base,
    found(groupIds, evidence) {
      for (const ref of groupIds ?? []) {
        if (!ref) continue;
        // An ARN (`arn:aws:ec2:...:security-group/sg-...`) names the same group as its id.
        const groupId = groupIdOfRef(ref);
        if (!groupId) continue;
        const key = `${groupId}\u0000${evidence.resourceType}\u0000${evidence.resourceId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        usages.push({ groupId, region, source: scanner.source, ...evidence });
      }
    },
    created(groupId, isoTime) {
      createdAt[groupId] = isoTime;
    },
    async *shared(listing) {
      sharedRead.add(listing.key);
      const pages = scope.shared(listing);
      yield* pages.read();
      if (pages.notOffered) {
        const note = listing.service === scanner.service ? notOffered : `${listing.service} ${notOffered}`;
        if (!notes.includes(note)) notes.push(note);
      }
    },
    isSkipped(source) {
      return env.settings.skipSources.includes(source);
    },
  };
  try {
    const scan = (): Promise<ScanOutcome | void> => scanner.scan(deps.factory.forRegion(region), region, ctx);
    const outcome = await counter.run(scanner.source, () => (sweep ? observeResponses(sweep.observer, scan) : scan()));
    return result('ok', {
      ...(outcome?.note ? { note: outcome.note } : {}),
      ...(outcome?.activity ? { activity: outcome.activity } : {}),
      ...(outcome?.activityWindow ? { activityWindow: outcome.activityWindow } : {}),
    });
  } catch (error) {
    const verdict = await counter.run(scanner.source, () => scope.judge(error, scanner.service, scanner.source));
    if (verdict.kind === 'not-offered') return result('ok', { note: notOffered });
    return result('failed', { error: toScanError(error), ...(verdict.note ? { note: verdict.note } : {}) });
  }
}
