import { currentAccountId } from '../aws/account';
import { runAudit, type ProgressEvent } from '../aws/audit';
import { emitAuditFailure } from '../aws/audit-metrics';
import { INVENTORY_LABEL, type ClientFactory } from '../aws/client-factory';
import { toScanError } from '../aws/errors';
import { publishEmail } from '../aws/notifier';
import { publishReport, type PublishDeps, type ScheduledAuditConfig, type ScheduledAuditResult } from '../aws/publish-audit';
import type { Scanner } from '../aws/scanners/types';
import { newAuditId } from '../core/audit-id';
import type { AuditReport } from '../core/model';
import { renderFailureEmail } from '../core/render-email';

export interface ScheduledAuditDeps extends PublishDeps {
  /** Clients for the audited regions; its call counter gives the API-call metrics. */
  factory: ClientFactory;
  /** The scanner registry by default; tests pass a subset. */
  scanners?: readonly Scanner[];
  now?: () => Date;
  auditId?: string;
}

/** The audit produced no inventory at all: nothing can be reported, so the run must fail. */
export class AuditFailedError extends Error {
  override readonly name = 'AuditFailedError';
  constructor(
    message: string,
    /** Shown in the email subject: the regions' common error code, or a summary code. */
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * The scheduled audit: audit every configured region, write report.json, sg_log.txt and
 * backup.json, sign an approval link for the candidates, then email the summary. If no region
 * could be inventoried, emails the failure and rethrows so the Lambda's error alarm fires.
 * An artifact or signing failure throws before anything is published.
 */
export async function runScheduledAudit(config: ScheduledAuditConfig, deps: ScheduledAuditDeps): Promise<ScheduledAuditResult> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const auditId = deps.auditId ?? newAuditId(startedAt);
  const { logger } = deps;
  logger.appendKeys({ auditId });
  try {
    const { report, regionDurations } = await auditOrReportFailure(config, deps, auditId, startedAt);
    const durations = { totalMs: now().getTime() - startedAt.getTime(), byRegionMs: regionDurations };
    return await publishReport(config, deps, report, durations);
  } finally {
    logger.removeKeys(['auditId', 'accountId']);
  }
}

async function auditOrReportFailure(
  config: ScheduledAuditConfig,
  deps: ScheduledAuditDeps,
  auditId: string,
  startedAt: Date,
): Promise<{ report: AuditReport; regionDurations: Map<string, number> }> {
  const now = deps.now ?? (() => new Date());
  const { factory, logger } = deps;
  const regionStarts = new Map<string, number>();
  const regionDurations = new Map<string, number>();
  const onProgress = (event: ProgressEvent): void => {
    if (event.kind === 'region-start') regionStarts.set(event.region, now().getTime());
    if (event.kind === 'region-done') {
      regionDurations.set(event.region, now().getTime() - (regionStarts.get(event.region) ?? startedAt.getTime()));
      logger.info('region audited', { region: event.region, status: event.status });
    }
    if (event.kind === 'scan' && event.status === 'failed') logger.warn('source failed', { region: event.region, source: event.source });
  };

  let accountId: string | undefined;
  try {
    accountId = await factory.counter.run(INVENTORY_LABEL, () => currentAccountId(factory));
    logger.appendKeys({ accountId });
    logger.info('audit started', { regions: config.settings.regions, skipSources: config.settings.skipSources });
    const report = await runAudit(config.settings, {
      factory,
      accountId,
      auditId,
      ...(deps.scanners ? { scanners: deps.scanners } : {}),
      now,
      onProgress,
    });
    if (report.regions.length === 0) throw new AuditFailedError('no region to audit: region discovery returned none', 'NoRegions');
    if (report.regions.every((r) => r.status === 'failed')) {
      const details = report.regions.map((r) => `${r.region}: ${r.error?.code}: ${r.error?.message}`).join('; ');
      const codes = new Set(report.regions.map((r) => r.error?.code ?? 'Error'));
      const code = codes.size === 1 ? [...codes].join('') : 'AllRegionsFailed';
      throw new AuditFailedError(`every region failed, no security group could be inventoried (${details})`, code);
    }
    return { report, regionDurations };
  } catch (error) {
    const scanError = error instanceof AuditFailedError ? { code: error.code, message: error.message } : toScanError(error);
    logger.error('audit failed', { error: scanError });
    emitAuditFailure(deps.metrics, now().getTime() - startedAt.getTime());
    const email = renderFailureEmail({
      auditId,
      ...(accountId ? { accountId } : {}),
      regions: config.settings.regions,
      startedAt,
      error: scanError,
    });
    try {
      await publishEmail(deps.sns, config.topicArn, email.subject, email.body);
    } catch (publishError) {
      // The original error is what matters for the alarm; this one is only logged.
      logger.error('could not publish the failure email', { error: toScanError(publishError) });
    }
    throw error;
  }
}

