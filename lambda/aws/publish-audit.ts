import type { SNSClient } from '@aws-sdk/client-sns';
import { CONTENT_TYPE, type ArtifactStore } from './artifact-store';
import { emitAuditMetrics, type AuditMetrics } from './audit-metrics';
import type { Integrations } from './integrations';
import { publishEmail } from './notifier';
import { buildBackup, sealReport, sha256Hex as coreSha256Hex, toJsonBytes } from '../core/backup';
import { settingsFromEnv, type AuditEnv, type FindingsMode } from '../core/config';
import type { AuditReport, AuditSettings, Totals } from '../core/model';
import { isAllClear, renderAuditEmail, type ApprovalLink, type ArtifactKeys } from '../core/render-email';
import { renderLog } from '../core/render-log';
import { auditKeys } from '../core/s3-keys';
import { signToken, TOKEN_VERSION, type MacProvider } from '../core/token';

/**
 * Publishing a finished audit: report.json, sg_log.txt and backup.json in S3, the signed
 * approval link, the metrics and the email. The audit Lambda and organization mode's assemble
 * task both call publishReport, so an account's artifacts never depend on how it was audited.
 */
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
  /** Security Hub findings for the candidates (default auto: where the hub is enabled). */
  findings?: FindingsMode;
  /** sg-auditor events on the default EventBridge bus (default true). */
  events?: boolean;
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
    findings: env.SECURITY_HUB_FINDINGS,
    events: env.INTEGRATION_EVENTS,
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

/** Hex SHA-256 of bytes: the report hash the approval link signs. */
export const sha256Hex = coreSha256Hex;

/** What writing and announcing a finished report needs (organization mode calls it per account). */
export interface PublishDeps {
  store: ArtifactStore;
  mac: MacProvider;
  sns: SNSClient;
  logger: AuditLogger;
  metrics: AuditMetrics;
  now?: () => Date;
  /** Security Hub findings and the "Audit Completed" event; absent: neither (tests, the CLI). */
  integrations?: Pick<Integrations, 'auditPublished'>;
}

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
  // written first: a report never names a backup that is not there. One artifact is in memory
  // at a time (each is rendered, written and let go inside its own call): at 17 regions of
  // 10,000 groups they are ~780 MB together (docs/benchmark.md).
  const report = await writeBackup(store, keys.backup, unsealed);
  const reportSha256 = await writeJson(store, keys.report, report);
  // Every artifact must exist before the email points at them.
  await store.put(keys.log, Buffer.from(renderLog(report), 'utf8'), CONTENT_TYPE.text);
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
  const messageId = await emailReport(config, deps, report, result, link, options);
  if (deps.integrations) {
    // After the email, and never failing the audit: the artifacts and the email are the record.
    try {
      await deps.integrations.auditPublished(report, store.bucket, keys.report, config.dryRun, result.linkExpiresAt);
    } catch (error) {
      logger.warn('integrations failed', { error: (error as Error).message });
    }
  }
  return messageId ? { ...result, messageId } : result;
}

/** Writes the backup of `unsealed`; the report sealed with the backup's SHA-256. */
async function writeBackup(store: ArtifactStore, key: string, unsealed: AuditReport): Promise<AuditReport> {
  const backupBytes = toJsonBytes(buildBackup(unsealed));
  await store.put(key, backupBytes, CONTENT_TYPE.json);
  return sealReport(unsealed, backupBytes);
}

/** Writes `value` as JSON; the SHA-256 of the bytes written. */
async function writeJson(store: ArtifactStore, key: string, value: unknown): Promise<string> {
  const bytes = toJsonBytes(value);
  await store.put(key, bytes, CONTENT_TYPE.json);
  return coreSha256Hex(bytes);
}

/** Emails the report unless the digest lists it or the audit is all clear and EMAIL_WHEN_CLEAN=false; the SNS message id. */
async function emailReport(
  config: ScheduledAuditConfig,
  deps: PublishDeps,
  report: AuditReport,
  result: ScheduledAuditResult,
  link: ApprovalLink | undefined,
  options: { email?: boolean },
): Promise<string | undefined> {
  if (options.email === false) return undefined;
  if (isAllClear(report) && !config.emailWhenClean) {
    deps.logger.info('all clear; no email (EMAIL_WHEN_CLEAN=false)');
    return undefined;
  }
  const email = renderAuditEmail({ report, bucket: deps.store.bucket, keys: result.keys, dryRun: config.dryRun, ...(link ? { link } : {}) });
  const messageId = await publishEmail(deps.sns, config.topicArn, email.subject, email.body);
  deps.logger.info('email published', { messageId, bytes: Buffer.byteLength(email.body, 'utf8') });
  return messageId;
}

async function approvalLink(
  config: ScheduledAuditConfig,
  deps: PublishDeps,
  report: AuditReport,
  reportSha256: string,
  now: Date,
): Promise<ApprovalLink> {
  const exp = Math.floor(now.getTime() / 1000) + config.linkValidityDays * DAY_SECONDS;
  const url = await signedApprovalUrl(config.approvalUrl, { auditId: report.auditId, accountId: report.accountId, reportSha256, exp }, deps.mac);
  return { url, expiresAt: new Date(exp * 1000) };
}

/**
 * The approval link of an audit: its token signed with the MAC key, on APPROVAL_URL (keeping any
 * path or query it has). HMAC is deterministic, so the same fields make the same link: the org
 * digest re-makes links instead of storing them.
 */
export async function signedApprovalUrl(
  approvalUrl: string,
  fields: { auditId: string; accountId: string; reportSha256: string; exp: number },
  mac: MacProvider,
): Promise<string> {
  const token = await signToken({ v: TOKEN_VERSION, auditId: fields.auditId, accountId: fields.accountId, reportSha256: fields.reportSha256, exp: fields.exp }, mac);
  const url = new URL(approvalUrl);
  url.searchParams.set('t', token);
  return url.toString();
}
