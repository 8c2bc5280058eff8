import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AuditReport, Totals } from '../core/model';

/** The part of Powertools Metrics the audit uses (tests pass a recorder). */
export interface AuditMetrics {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  /** Flushes one EMF document with the current dimensions, then clears them. */
  publishStoredMetrics(): unknown;
}

function addCounts(metrics: AuditMetrics, totals: Totals, failedSources: number, apiCalls: number, durationMs: number | undefined): void {
  metrics.addMetric('Groups', MetricUnit.Count, totals.groups);
  metrics.addMetric('InUse', MetricUnit.Count, totals.inUse);
  metrics.addMetric('Candidates', MetricUnit.Count, totals.candidates);
  metrics.addMetric('Protected', MetricUnit.Count, totals.protected);
  metrics.addMetric('Unknown', MetricUnit.Count, totals.unknown);
  metrics.addMetric('FailedSources', MetricUnit.Count, failedSources);
  metrics.addMetric('ApiCalls', MetricUnit.Count, apiCalls);
  if (durationMs !== undefined) metrics.addMetric('Duration', MetricUnit.Milliseconds, durationMs);
}

/**
 * Emits one EMF document per region (dimension Region) and one for the whole audit (no
 * Region dimension), so alarms can watch either.
 */
export function emitAuditMetrics(
  metrics: AuditMetrics,
  report: AuditReport,
  durations: { totalMs: number; byRegionMs: ReadonlyMap<string, number> },
): void {
  let failedSources = 0;
  for (const region of report.regions) {
    const failed = region.scans.filter((s) => s.status === 'failed').length;
    failedSources += failed;
    metrics.addDimension('Region', region.region);
    addCounts(metrics, region.totals, failed, region.apiCalls, durations.byRegionMs.get(region.region));
    metrics.addMetric('RegionFailed', MetricUnit.Count, region.status === 'failed' ? 1 : 0);
    metrics.publishStoredMetrics();
  }
  addCounts(metrics, report.totals, failedSources, report.apiCalls.total, durations.totalMs);
  metrics.addMetric('FailedRegions', MetricUnit.Count, report.regions.filter((r) => r.status === 'failed').length);
  metrics.publishStoredMetrics();
}

/** The whole audit could not run: one count for the alarm, plus how long it took to fail. */
export function emitAuditFailure(metrics: AuditMetrics, durationMs: number): void {
  metrics.addMetric('AuditFailed', MetricUnit.Count, 1);
  metrics.addMetric('Duration', MetricUnit.Milliseconds, durationMs);
  metrics.publishStoredMetrics();
}
