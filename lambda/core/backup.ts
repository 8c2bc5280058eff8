import { createHash } from 'node:crypto';
import { jsonBytes } from './json-bytes';
import type { AuditReport, GroupRecord } from './model';

export const BACKUP_SCHEMA_VERSION = 1;

/** backup.json: every group of the audit with all its rules and tags, enough to recreate it. */
export interface Backup {
  schemaVersion: typeof BACKUP_SCHEMA_VERSION;
  auditId: string;
  accountId: string;
  createdAt: string;
  groups: GroupRecord[];
}

/** A backup of these groups exactly as inventoried, without verdicts. */
export function backupOf(meta: { auditId: string; accountId: string; createdAt: string }, groups: Iterable<GroupRecord>): Backup {
  const records: GroupRecord[] = [];
  for (const g of groups) {
    const record: GroupRecord = {
      region: g.region,
      groupId: g.groupId,
      groupName: g.groupName,
      description: g.description,
      ownerId: g.ownerId,
      tags: g.tags,
      ingress: g.ingress,
      egress: g.egress,
    };
    if (g.vpcId !== undefined) record.vpcId = g.vpcId;
    if (g.arn !== undefined) record.arn = g.arn;
    records.push(record);
  }
  return { schemaVersion: BACKUP_SCHEMA_VERSION, ...meta, groups: records };
}

/** Builds the backup from a report: every group of every region. */
export function buildBackup(report: AuditReport): Backup {
  return backupOf({ auditId: report.auditId, accountId: report.accountId, createdAt: report.finishedAt }, report.regions.flatMap((r) => r.groups));
}

/** The exact bytes written for report.json and backup.json (the link signs the report's hash). */
export function toJsonBytes(value: unknown): Buffer {
  return jsonBytes(value);
}

/** Hex SHA-256 of bytes: the report's (signed by the link) and the backup's (in the report). */
export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The report as written beside `backupBytes`: it carries their SHA-256. */
export function sealReport(report: AuditReport, backupBytes: Buffer): AuditReport {
  return { ...report, backupSha256: sha256Hex(backupBytes) };
}

/** The report and backup bytes of one audit, bound together. */
export interface AuditArtifacts {
  /** The report as written: `backupSha256` set. */
  report: AuditReport;
  reportBytes: Buffer;
  reportSha256: string;
  backupBytes: Buffer;
}

/**
 * Serialises an audit's backup, then its report carrying the backup's SHA-256: the link signs the
 * report's hash, so the backup is signed through it, and restore refuses a backup that differs.
 */
export function auditArtifacts(report: AuditReport): AuditArtifacts {
  const backupBytes = toJsonBytes(buildBackup(report));
  const sealed = sealReport(report, backupBytes);
  const reportBytes = toJsonBytes(sealed);
  return { report: sealed, reportBytes, reportSha256: sha256Hex(reportBytes), backupBytes };
}

/**
 * Whether `backupBytes` are the backup the report was written with: the SHA-256 in the report
 * (which the approval link signs) must match the exact bytes. `problem` says what is wrong.
 */
export function checkBackup(backupBytes: Buffer, report: Pick<AuditReport, 'auditId' | 'backupSha256'>): { ok: true } | { ok: false; problem: string } {
  if (report.backupSha256 === undefined) {
    return { ok: false, problem: `the report of audit ${report.auditId} predates backupSha256, so nothing vouches for this backup` };
  }
  const actual = sha256Hex(backupBytes);
  if (actual !== report.backupSha256) {
    return {
      ok: false,
      problem: `the backup's SHA-256 is ${actual}, but the report of audit ${report.auditId} says ${report.backupSha256}: the file was changed after the audit, or belongs to another audit`,
    };
  }
  return { ok: true };
}
