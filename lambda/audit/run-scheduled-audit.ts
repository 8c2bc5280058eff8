import type { SNSClient } from '@aws-sdk/client-sns';
import { CONTENT_TYPE, type ArtifactStore } from '../aws/artifact-store';
import { currentAccountId } from '../aws/account';
import { runAudit, type ProgressEvent } from '../aws/audit';
import { INVENTORY_LABEL, type ClientFactory } from '../aws/client-factory';
import { toScanError } from '../aws/errors';
import { publishEmail } from '../aws/notifier';
import type { Scanner } from '../aws/scanners/types';
import { newAuditId } from '../core/audit-id';
import { auditArtifacts, sha256Hex as coreSha256Hex } from '../core/backup';
import { settingsFromEnv, type AuditEnv } from '../core/config';
import type { AuditReport, AuditSettings, Totals } from '../core/model';
import { isAllClear, renderAuditEmail, renderFailureEmail, type ApprovalLink, type ArtifactKeys } from '../core/render-email';
import { renderLog } from '../core/render-log';
import { auditKeys } from '../core/s3-keys';
import { signToken, TOKEN_VERSION, type MacProvider } from '../core/token';
import { emitAuditFailure, emitAuditMetrics, type AuditMetrics } from './audit-metrics';

const DAY_SECONDS = 24 * 60 * 60;

/** What the scheduled audit needs to know, decoupled from environment variable names. */
export interface ScheduledAuditConfig {
  settings: AuditSettings;
  bucket: string;
  topicArn: string;
  macKeyId: string;
  approvalUrl: string;
  linkValidityDays: number;
  dryRun: boolean;
  emailWhenClean: boolean;
}

/** The config a validated audit environment describes. */
export function configFromEnv(env: AuditEnv): ScheduledAuditConfig {
  return {
    settings: settingsFromEnv(env),
    bucket: env.ARTIFACT_BUCKET,
    topicArn: env.TOPIC_ARN,
    macKeyId: env.MAC_KEY_ID,
    approvalUrl: env.APPROVAL_URL,
    linkValidityDays: env.LINK_VALIDITY_DAYS,
    dryRun: env.DRY_RUN,
    emailWhenClean: env.EMAIL_WHEN_CLEAN,
  };
}

/** The part of Powertools Logger the audit uses: structured, context as the second argument. */
export interface AuditLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
  appendKeys(keys: Record<string, unknown>): void;
  removeKeys(keys: string[]): void;
}

export interface ScheduledAuditDeps {
  /** Clients for the audited regions; its call counter gives the API-call metrics. */
  factory: ClientFactory;
  store: ArtifactStore;
  mac: MacProvider;
  sns: SNSClient;
  logger: AuditLogger;
  metrics: AuditMetrics;
  /** The scanner registry by default; tests pass a subset. */
  scanners?: readonly Scanner[];
  now?: () => Date;
  auditId?: string;
}

export interface ScheduledAuditResult {
  auditId: string;
  accountId: string;
  totals: Totals;
  failedRegions: string[];
  keys: ArtifactKeys;
  reportSha256: string;
  /** When the approval link expires; absent when no link was made. */
  linkExpiresAt?: string;
  /** The approval link itself, only when asked for (organization mode's digest lists it). */
  linkUrl?: string;
  /** The SNS message id; absent when no email was sent (clean audit, EMAIL_WHEN_CLEAN=false). */
  messageId?: string;
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

/** Hex SHA-256 of bytes: the report hash the approval link signs. */
export const sha256Hex = coreSha256Hex;

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

/** What writing and announcing a finished report needs (organization mode calls it per account). */
export type PublishDeps = Pick<ScheduledAuditDeps, 'store' | 'mac' | 'sns' | 'logger' | 'metrics' | 'now'>;

/**
 * Writes report.json, sg_log.txt and backup.json, signs the approval link, emits the metrics
 * and emails the report (unless `email: false`: the organization digest lists it instead).
 */
export async function publishReport(
  config: ScheduledAuditConfig,
  deps: PublishDeps,
  unsealed: AuditReport,
  durations: Parameters<typeof emitAuditMetrics>[2],
  options: { email?: boolean; returnLink?: boolean } = {},
): Promise<ScheduledAuditResult> {
  const now = deps.now ?? (() => new Date());
  const { logger, store } = deps;
  const keys = auditKeys(unsealed.accountId, unsealed.auditId);
  // The report carries the backup's SHA-256 (and the link signs the report's), so the backup is
  // written first: a report never names a backup that is not there.
  const sealed = auditArtifacts(unsealed);
  const { report, reportBytes, reportSha256 } = sealed;
  await store.put(keys.backup, sealed.backupBytes, CONTENT_TYPE.json);
  // Every artifact must exist before the email points at them.
  await Promise.all([
    store.put(keys.report, reportBytes, CONTENT_TYPE.json),
    store.put(keys.log, Buffer.from(renderLog(report), 'utf8'), CONTENT_TYPE.text),
  ]);
  logger.info('artifacts written', { bucket: store.bucket, prefix: keys.prefix });

  const link = !config.dryRun && report.totals.candidates > 0 ? await approvalLink(config, deps, report, reportSha256, now()) : undefined;

  emitAuditMetrics(deps.metrics, report, durations);
  const failedRegions = report.regions.filter((r) => r.status === 'failed').map((r) => r.region);
  const result: ScheduledAuditResult = {
    auditId: report.auditId,
    accountId: report.accountId,
    totals: report.totals,
    failedRegions,
    keys: { report: keys.report, log: keys.log, backup: keys.backup },
    reportSha256,
    ...(link ? { linkExpiresAt: link.expiresAt.toISOString() } : {}),
    ...(link && options.returnLink ? { linkUrl: link.url } : {}),
  };
  logger.info('audit finished', { totals: report.totals, failedRegions, apiCalls: report.apiCalls.total, dryRun: config.dryRun, coverage: report.coverage });

  if (options.email === false) return result;
  if (isAllClear(report) && !config.emailWhenClean) {
    logger.info('all clear; no email (EMAIL_WHEN_CLEAN=false)');
    return result;
  }
  const email = renderAuditEmail({ report, bucket: store.bucket, keys: result.keys, dryRun: config.dryRun, ...(link ? { link } : {}) });
  const messageId = await publishEmail(deps.sns, config.topicArn, email.subject, email.body);
  logger.info('email published', { messageId, bytes: Buffer.byteLength(email.body, 'utf8') });
  return { ...result, messageId };
}

async function approvalLink(
  config: ScheduledAuditConfig,
  deps: PublishDeps,
  report: AuditReport,
  reportSha256: string,
  now: Date,
): Promise<ApprovalLink> {
  const exp = Math.floor(now.getTime() / 1000) + config.linkValidityDays * DAY_SECONDS;
  const token = await signToken({ v: TOKEN_VERSION, auditId: report.auditId, accountId: report.accountId, reportSha256, exp }, deps.mac);
  // URL keeps any path or query APPROVAL_URL already has, and encodes the token.
  const url = new URL(config.approvalUrl);
  url.searchParams.set('t', token);
  return { url: url.toString(), expiresAt: new Date(exp * 1000) };
}
