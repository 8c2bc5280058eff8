import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { currentAccountId } from '../aws/account';
import { ClientFactory } from '../aws/client-factory';
import { BackupFormatError, findBackupGroup, parseBackup, RestoreError, restoreGroups, type RestoreResult } from '../aws/restore';
import { checkBackup, type Backup } from '../core/backup';
import { parseGroupId, splitList } from '../core/config';
import type { DeletionResult } from '../core/deletion-plan';
import type { AuditReport, GroupRecord } from '../core/model';
import { readAuditReport, ReportSchemaError } from '../core/report-schema';
import { plainText } from '../core/text';
import { parseFlags, UsageError, type CliCommand, type CliIo } from './io';
import { flag } from './settings-flags';

export const RESTORE_USAGE = `Usage: sg-audit restore --backup FILE (--all | --group sg-x[,sg-y]) [--region R] [--report FILE | --trail FILE]

Recreates deleted security groups from an audit's backup.json: same name, description, VPC and
tags (plus sg-auditor:restored-from=<old id>), and every rule with its description and tags.
AWS gives each a NEW group id: resources must be pointed at the new ids. Groups restored in one
run get back the rules between them (a reference to a restored group points at its new id).

The backup is checked first: its SHA-256 must match the backupSha256 of the audit's report.json
(which the approval link signs), or, for a deletion's pre-delete backup, the SHA-256 its trail
(result.json) recorded when it was written. Safe to re-run: a group restored before (found by its
restored-from tag) is reused, never duplicated, and only its missing rules are added.

Options:
  --backup FILE              the audit's backup.json
  --all                      every candidate of the report that no longer exists
  --group sg-x[,sg-y]        these groups (repeatable), as they were when audited
  --region R                 only this region (needed if an id appears in several)
  --report FILE              the audit's report.json (default: report.json next to the backup)
  --trail FILE               for a pre-delete backup: the deletion's result.json (default:
                             result.json next to a pre-delete-backup*.json); --all then restores
                             the groups that deletion deleted
  --allow-unverified-backup  restore even when no report vouches for the backup (a report
                             written before backupSha256, or lost); says so in the output
  -h, --help                 this help
`;

/** The backup does not match the report that signs it: nothing is restored from it. */
export class BackupRejectedError extends Error {
  override readonly name = 'BackupRejectedError';
}

export interface RestoreCommandDeps {
  factory?: () => ClientFactory;
}

async function readJson(path: string, flag: string): Promise<{ bytes: Buffer; json: unknown }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return { bytes, json: JSON.parse(bytes.toString('utf8')) };
  } catch (error) {
    throw new UsageError(`${flag}: ${path} is not JSON: ${(error as Error).message}`);
  }
}

/**
 * The report that vouches for the backup; `verified: false` when none does (no report, or one from
 * before backupSha256) and the caller passed --allow-unverified-backup. A backup that contradicts
 * its report is refused whatever the flags: it was changed after the audit.
 */
async function verifiedBy(
  backupBytes: Buffer,
  reportPath: string,
  allowUnverified: boolean,
  io: CliIo,
): Promise<{ report?: AuditReport; verified: boolean }> {
  const unverified = (why: string, report?: AuditReport) => {
    if (!allowUnverified) {
      throw new UsageError(`cannot check the backup: ${why}; pass --report FILE, or --allow-unverified-backup to restore from a backup nothing vouches for`);
    }
    io.err(`WARNING: restoring from an UNVERIFIED backup (--allow-unverified-backup): ${why}\n`);
    return { ...(report ? { report } : {}), verified: false };
  };
  let report: AuditReport;
  try {
    report = readAuditReport((await readJson(reportPath, '--report')).json).report;
  } catch (error) {
    return unverified(error instanceof ReportSchemaError ? `${reportPath} is not an sg-auditor report (${error.message})` : (error as Error).message);
  }
  const check = checkBackup(backupBytes, report);
  if (check.ok) return { report, verified: true };
  if (report.backupSha256 === undefined) return unverified(check.problem, report);
  throw new BackupRejectedError(`refusing the backup, nothing was restored: ${check.problem}`);
}

/**
 * A deletion's pre-delete backup, checked against its trail: the SHA-256 recorded in result.json
 * when the workflow (or `sg-audit delete`) wrote the backup. A mismatch is refused whatever the flags.
 */
async function verifiedByTrail(backupBytes: Buffer, backup: Backup, trailPath: string, allowUnverified: boolean, io: CliIo): Promise<{ trail?: DeletionResult; verified: boolean }> {
  const unverified = (why: string, trail?: DeletionResult) => {
    if (!allowUnverified) {
      throw new UsageError(`cannot check the pre-delete backup: ${why}; pass --trail FILE (the deletion's result.json), or --allow-unverified-backup to restore from a backup nothing vouches for`);
    }
    io.err(`WARNING: restoring from an UNVERIFIED backup (--allow-unverified-backup): ${why}\n`);
    return { ...(trail ? { trail } : {}), verified: false };
  };
  let trail: DeletionResult;
  try {
    trail = (await readJson(trailPath, '--trail')).json as DeletionResult;
  } catch (error) {
    return unverified((error as Error).message);
  }
  if (typeof trail !== 'object' || trail === null || !Array.isArray(trail.outcomes)) return unverified(`${trailPath} is not an sg-auditor deletion trail (result.json)`);
  if (trail.auditId !== backup.auditId || trail.accountId !== backup.accountId) {
    throw new BackupRejectedError(`refusing the backup, nothing was restored: it is of audit ${backup.auditId} (account ${backup.accountId}), but the trail ${trailPath} is of audit ${trail.auditId} (account ${trail.accountId})`);
  }
  const recorded = Object.values(trail.preDeleteBackupSha256 ?? {});
  if (recorded.length === 0) return unverified(`the trail ${trailPath} records no pre-delete backup SHA-256 (written before it did)`, trail);
  const sha = createHash('sha256').update(backupBytes).digest('hex');
  if (!recorded.includes(sha)) {
    throw new BackupRejectedError(
      `refusing the pre-delete backup, nothing was restored: its SHA-256 is ${sha}, but the trail ${trailPath} recorded ${recorded.join(', ')} when it was written, so it was changed since`,
    );
  }
  return { trail, verified: true };
}

/** The groups to restore: the named ones, or with --all every candidate of the report (or every group the trail's deletion deleted). */
function selectGroups(
  backup: Backup,
  report: AuditReport | undefined,
  values: { all?: boolean; groupIds: string[]; region?: string },
  trail?: DeletionResult,
): GroupRecord[] {
  const inRegion = (g: GroupRecord) => values.region === undefined || g.region === values.region;
  if (values.all && trail) {
    const deleted = new Set(trail.outcomes.filter((o) => o.outcome === 'deleted').map((o) => `${o.region}/${o.groupId}`));
    return backup.groups.filter((g) => inRegion(g) && deleted.has(`${g.region}/${g.groupId}`));
  }
  if (values.all) {
    if (!report) throw new UsageError('--all needs the report, to restore only the groups that were candidates: name them with --group instead');
    const candidates = new Set(report.regions.flatMap((r) => r.groups.filter((g) => g.verdict === 'candidate').map((g) => `${g.region}/${g.groupId}`)));
    return backup.groups.filter((g) => inRegion(g) && candidates.has(`${g.region}/${g.groupId}`));
  }
  const ids = values.groupIds;
  if (ids.length === 0) throw new UsageError('--group takes security group ids (sg-...)');
  try {
    return ids.map((id) => findBackupGroup(backup, id, values.region));
  } catch (error) {
    if (error instanceof RestoreError) throw new UsageError(`--group: ${error.message}`);
    throw error;
  }
}

function resultLines(r: RestoreResult): string {
  const name = `${r.originalGroupId} (${plainText(r.groupName)}) ${r.region}`;
  if (r.status === 'still-exists') return `  ${name}: still exists, nothing to restore\n`;
  if (r.status === 'failed') return `  ${name}: FAILED: ${plainText(r.error ?? '')}\n`;
  const how = r.status === 'created' ? 'recreated as a NEW group' : 'already restored as';
  const egress = r.revokedDefaultEgress ? '; default allow-all egress removed, as in the original' : '';
  const lines = [`  ${name}: ${how} ${r.newGroupId}: ${r.restoredRules} rules added, ${r.presentRules} already there${egress}\n`];
  for (const f of r.failedRules) lines.push(`    rule not restored: ${plainText(f.rule)}: ${f.code}: ${plainText(f.message)}\n`);
  return lines.join('');
}

/** Builds `sg-audit restore` (tests inject the client factory). */
export function createRestoreCommand(deps: RestoreCommandDeps = {}): CliCommand {
  return async (argv: string[], io: CliIo) => {
    const values = parseFlags('restore', argv, {
      backup: { type: 'string' },
      all: { type: 'boolean' },
      group: { type: 'string', multiple: true },
      region: { type: 'string' },
      report: { type: 'string' },
      trail: { type: 'string' },
      'allow-unverified-backup': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(RESTORE_USAGE);
      return 0;
    }
    if (!values.backup) throw new UsageError('--backup FILE is required (see sg-audit restore --help)');
    if (values.all === (values.group !== undefined)) throw new UsageError('give either --all or --group sg-x (see sg-audit restore --help)');
    // Checked before any file is read or AWS client exists.
    const groupIds = [...new Set((values.group ?? []).flatMap(splitList))].map((id) => flag('group', () => parseGroupId(id)));

    const { bytes, json } = await readJson(values.backup, '--backup');
    let backup: Backup;
    try {
      backup = parseBackup(json);
    } catch (error) {
      if (error instanceof BackupFormatError) throw new UsageError(`--backup: ${error.message}`);
      throw error;
    }
    if (values.trail !== undefined && values.report !== undefined) throw new UsageError('give either --report (an audit backup) or --trail (a pre-delete backup), not both');
    const allowUnverified = values['allow-unverified-backup'] === true;
    // A deletion's pre-delete backup is vouched for by its trail (result.json), an audit backup by its report.
    const preDelete = values.trail !== undefined || (values.report === undefined && basename(values.backup).startsWith('pre-delete-backup'));
    const checked = preDelete
      ? await verifiedByTrail(bytes, backup, values.trail ?? join(dirname(values.backup), 'result.json'), allowUnverified, io)
      : await verifiedBy(bytes, values.report ?? join(dirname(values.backup), 'report.json'), allowUnverified, io);
    const report = 'report' in checked ? checked.report : undefined;
    const trail = 'trail' in checked ? checked.trail : undefined;
    const { verified } = checked;
    if (values.all && preDelete && !trail) throw new UsageError('--all with a pre-delete backup needs its trail, to restore only the groups that deletion deleted: name them with --group instead');
    const groups = selectGroups(backup, report, { ...(values.all ? { all: true } : {}), groupIds, ...(values.region !== undefined ? { region: values.region } : {}) }, trail);
    if (groups.length === 0) {
      io.out('Nothing to restore: no candidate of the report is in the backup for that selection.\n');
      return 0;
    }

    const factory = (deps.factory ?? (() => new ClientFactory()))();
    try {
      const accountId = await currentAccountId(factory);
      if (accountId !== backup.accountId) {
        throw new UsageError(`the backup is of account ${backup.accountId}, but these credentials are for ${accountId}`);
      }
      const byRegion = new Map<string, GroupRecord[]>();
      for (const g of groups) byRegion.set(g.region, [...(byRegion.get(g.region) ?? []), g]);
      const results: RestoreResult[] = [];
      for (const [region, list] of byRegion) results.push(...(await restoreGroups(list, factory.forRegion(region))));

      const created = results.filter((r) => r.status === 'created').length;
      const failed = results.filter((r) => r.status === 'failed' || r.failedRules.length > 0);
      const vouch = preDelete ? ' (matches the SHA-256 in its trail)' : ' (matches its report)';
      io.out(`Restore from ${preDelete ? 'pre-delete ' : ''}backup of audit ${backup.auditId}${verified ? vouch : ' (UNVERIFIED)'}: ${groups.length} groups\n`);
      for (const r of results) io.out(resultLines(r));
      const moved = results.filter((r) => r.newGroupId);
      if (moved.length > 0) {
        io.out(`\nOld id -> NEW id (old ids cannot be reused: point resources and rules at the new ones):\n`);
        for (const r of moved) io.out(`  ${r.originalGroupId} -> ${r.newGroupId}\n`);
      }
      io.out(`\n${created} created, ${results.filter((r) => r.status === 'already-restored').length} already restored, ` +
        `${results.filter((r) => r.status === 'still-exists').length} still existed, ${failed.length} with failures\n`);
      return failed.length > 0 ? 1 : 0;
    } finally {
      factory.destroy();
    }
  };
}

/** `sg-audit restore`. */
export const restoreCommand: CliCommand = createRestoreCommand();
