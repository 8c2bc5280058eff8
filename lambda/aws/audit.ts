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
  type Usage,
} from '../core/model';
import { currentAccountId } from './account';
import { INVENTORY_LABEL, type ClientFactory } from './client-factory';
import { toScanError } from './errors';
import { loadInventory } from './inventory';
import { listEnabledRegions, offeredServices } from './regions';
import { SCANNERS } from './scanners/registry';
import type { ScanContext, Scanner } from './scanners/types';

export type ProgressEvent =
  | { kind: 'region-start'; region: string }
  | { kind: 'inventory'; region: string; groups: number }
  | { kind: 'scan'; region: string; source: string; status: ScanResult['status']; usages: number; note?: string }
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

const DEFAULT_REGION_CONCURRENCY = 4;
const DEFAULT_SCANNER_CONCURRENCY = 8;

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

  let offered: ReadonlySet<string> | undefined;
  let offeredNote: string | undefined;
  try {
    const codes = await factory.counter.run(INVENTORY_LABEL, () => offeredServices(clients));
    offered = codes.size > 0 ? codes : undefined;
  } catch (error) {
    const { code } = toScanError(error);
    offeredNote = `service list unavailable (${code}): every source was called`;
  }

  const classifyOptions = classifyOptionsFor(settings, accountId, now);
  const baseContext = { accountId, groups, minAgeDays: settings.minAgeDays, now };
  const run = (scanner: Scanner, candidates: ReadonlySet<string>): Promise<ScanResult> =>
    runScanner(scanner, { ...baseContext, candidates }, { deps, region, offered, offeredNote, settings });

  const first = scanners.filter((s) => !s.afterClassify);
  const later = scanners.filter((s) => s.afterClassify);
  const scans = await mapLimit(first, deps.scannerConcurrency ?? DEFAULT_SCANNER_CONCURRENCY, (s) => run(s, new Set()));
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
      usageCount: s.usages.length,
    })),
    groups: classified,
    totals,
    apiCalls: factory.counter.regionTotal(region),
  };
}

interface RunEnv {
  deps: AuditDeps;
  region: string;
  offered: ReadonlySet<string> | undefined;
  offeredNote: string | undefined;
  settings: AuditSettings;
}

type BaseContext = Omit<ScanContext, 'found' | 'created'>;

/** Runs one scanner and turns whatever happens into a ScanResult (never throws). */
export async function runScanner(scanner: Scanner, base: BaseContext, env: RunEnv): Promise<ScanResult> {
  const { deps, region } = env;
  const counter = deps.factory.counter;
  const usages: Usage[] = [];
  const createdAt: Record<string, string> = {};
  const seen = new Set<string>();
  const result = (status: ScanResult['status'], extra: Partial<ScanResult> = {}): ScanResult => {
    const scan: ScanResult = {
      source: scanner.source,
      region,
      status,
      usages,
      apiCalls: counter.count(region, scanner.source),
      ...extra,
    };
    if (Object.keys(createdAt).length > 0) scan.createdAt = createdAt;
    deps.onProgress?.({
      kind: 'scan',
      region,
      source: scanner.source,
      status,
      usages: usages.length,
      ...(scan.note ? { note: scan.note } : {}),
    });
    return scan;
  };

  if (env.settings.skipSources.includes(scanner.source)) {
    return result('skipped', { note: 'excluded by skipSources' });
  }
  if (scanner.service && env.offered && !env.offered.has(scanner.service)) {
    return result('ok', { note: `not offered in ${region}` });
  }

  const ctx: ScanContext = {
    ...base,
    found(groupIds, evidence) {
      for (const groupId of groupIds ?? []) {
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
  };
  try {
    const outcome = await counter.run(scanner.source, () => scanner.scan(deps.factory.forRegion(region), region, ctx));
    const note = [outcome?.note, env.offeredNote].filter(Boolean).join('; ');
    return result('ok', note ? { note } : {});
  } catch (error) {
    return result('failed', { error: toScanError(error) });
  }
}
