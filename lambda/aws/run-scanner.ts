import { groupIdOfRef } from '../core/group-ref';
import type { AuditSettings, RegionReport, ScanError, ScanResult, Usage } from '../core/model';
import { observeResponses, type ClientFactory } from './client-factory';
import { toScanError } from './errors';
import { RegionScope } from './region-scope';
import { ResponseSweep, sweepsResponses } from './response-sweep';
import type { ScanContext, ScanOutcome, Scanner } from './scanners/types';

/*
 * Running one scanner (runScanner) and the audit's dependency and progress types. Apart from
 * audit.ts so that a single source (its tests, the deletion's checks) loads without the
 * registry of every scanner and its SDK client.
 */

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
