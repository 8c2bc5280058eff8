import type { DeletionResult, GroupOutcome, OutcomeKind, RevocationRecord } from './deletion-plan';
import { approverLine } from './signin';
import type { RuleRecord } from './model';
import { describeRule } from './render-log';
import { plainText } from './text';

const LABEL: Record<OutcomeKind, string> = {
  deleted: 'DELETED',
  'already-deleted': 'ALREADY DELETED',
  skipped: 'SKIPPED',
  failed: 'FAILED',
  'kept-by-reviewer': 'KEPT BY REVIEWER',
};

/**
 * Strips control and format characters so a user agent, note or group name can neither forge
 * lines in the trail nor disguise itself with bidirectional overrides or invisible characters.
 */
export function oneLine(value: string | undefined, max = 1000): string {
  if (!value) return '-';
  const clean = plainText(value).trim();
  return clean.length > max ? `${clean.slice(0, max)}...` : clean || '-';
}

export function formatDeletionTotals(result: Pick<DeletionResult, 'totals'>): string {
  const t = result.totals;
  const already = t.alreadyDeleted > 0 ? `, ${t.alreadyDeleted} already deleted` : '';
  return `${t.deleted} deleted${already}, ${t.skipped} skipped, ${t.failed} failed, ${t.keptByReviewer} kept by reviewer`;
}

/** "sgr-1 (tcp 22 from sg-b, "ssh from bastion")": a rule with its contents, for the trail. */
function ruleText(rule: RuleRecord): string {
  const description = rule.description ? `, "${oneLine(rule.description, 255)}"` : '';
  return `${oneLine(rule.ruleId, 64)} (${oneLine(describeRule(rule), 300)}${description})`;
}

function outcomeLine(o: GroupOutcome): string {
  const revoked = o.revokedRules && o.revokedRules.length > 0 ? ` [revoked rules ${o.revokedRules.map(ruleText).join('; ')}]` : '';
  return `${LABEL[o.outcome]} ${o.groupId} (${oneLine(o.groupName, 255)}) ${o.region}: ${oneLine(o.reason)}${revoked}`;
}

/** deletion_log.txt: who asked, when, why, and each group's outcome with its reason. */
const REVOCATION_LABEL: Record<RevocationRecord['status'], string> = { revoked: 'REVOKED', failed: 'REVOKE FAILED', uncertain: 'REVOKE UNCERTAIN' };

function revocationLine(r: RevocationRecord): string {
  const error = r.error ? ` (${oneLine(r.error)})` : '';
  const readded = r.readded
    ? `; the group was not deleted, so ${r.readded.added} of them were added back${r.readded.failed.length > 0 ? ` (not: ${r.readded.failed.map((f) => oneLine(f, 300)).join('; ')})` : ''}`
    : '';
  return `${REVOCATION_LABEL[r.status]} from ${r.groupId} ${r.region}${error}: ${r.rules.map(ruleText).join('; ')}${readded}`;
}

const shaOf = (result: DeletionResult, region: string): string => {
  const sha = result.preDeleteBackupSha256?.[region];
  return sha ? ` (SHA-256 ${oneLine(sha, 64)})` : '';
};

export function renderDeletionLog(result: DeletionResult): string {
  const r = result.requester;
  const backups = Object.entries(result.preDeleteBackups ?? {});
  const revocations = result.revocations ?? [];
  const lines = [
    `sg-auditor deletion for audit ${result.auditId}${result.status === 'aborted' ? ' -- ABORTED' : result.status === 'refused' ? ' -- REFUSED' : ''}`,
    ...(result.status === 'aborted' ? [`ABORTED: ${oneLine(result.abortReason)}. Outcomes below are those recorded before it stopped.`] : []),
    ...(result.status === 'refused' ? [`REFUSED: ${oneLine(result.refuseReason)}. Nothing was deleted, tagged or revoked.`] : []),
    `Account ${result.accountId}; started ${result.startedAt}; finished ${result.finishedAt}`,
    `Requested via ${r.via}; source IP ${oneLine(r.sourceIp, 64)}; user agent ${oneLine(r.userAgent, 512)}${r.user ? `; user ${oneLine(r.user, 128)}` : ''}`,
    ...(r.approvers?.length ? [`Approved by (signed in): ${r.approvers.map((a) => oneLine(approverLine(a), 512)).join('; ')}`] : []),
    `Reviewer's note: ${oneLine(r.note)}`,
    `Selected: ${result.selection.length > 0 ? result.selection.map((s) => oneLine(s, 64)).join(', ') : '(none)'}`,
    `Result: ${formatDeletionTotals(result)}`,
    `Pre-delete backups: ${backups.length > 0 ? backups.map(([region, key]) => `${region} ${oneLine(key)}${shaOf(result, region)}`).join(', ') : '(none written)'}`,
    '',
    ...result.outcomes.map(outcomeLine),
    ...(revocations.length > 0 ? ['', `Revocations (rules revoked to break reference cycles, with their contents): ${revocations.length}`, ...revocations.map(revocationLine)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** How to recreate what was deleted: from each region's pre-delete backup, checked against this trail. */
function restoreHint(result: DeletionResult): string[] {
  const backups = Object.entries(result.preDeleteBackups ?? {});
  if (backups.length === 0) {
    return [
      'Deleted groups can be recreated, with the rules between them, from the audit backup (report.json beside it):',
      '  sg-audit restore --backup backup.json --all     (or --group sg-... for some)',
    ];
  }
  return [
    'Deleted groups can be recreated, with the rules between them, from the pre-delete backup (the groups as they were just before deleting;',
    'restore checks it against the SHA-256 in result.json, downloaded beside it):',
    ...backups.map(([region, key]) => `  ${region}: ${oneLine(key)}${shaOf(result, region)}`),
    '  sg-audit restore --backup pre-delete-backup-<region>.json --trail result.json --all     (or --group sg-... for some)',
  ];
}

/** The result email: subject and plain-text body. */
export function renderDeletionEmail(result: DeletionResult, trailLocation: string): { subject: string; body: string } {
  const t = result.totals;
  const aborted = result.status === 'aborted';
  if (result.status === 'refused') {
    const subject = `[sg-auditor] ${result.accountId}: deletion for audit ${result.auditId} REFUSED (nothing deleted)`;
    const body = [
      `A deletion for audit ${result.auditId} in account ${result.accountId} was REFUSED at ${result.finishedAt}: ${oneLine(result.refuseReason)}.`,
      'Nothing was deleted, tagged or revoked. The deletion workflow acts only on an approval lock written by the approval front with a valid signed link;',
      'a lock written or changed by anything else means someone with write access to the artifact bucket tried to start a deletion: find out who (CloudTrail data events, S3 server access logs).',
      '',
      renderDeletionLog(result),
      `The trail is in ${trailLocation}.`,
    ].join('\n');
    return { subject, body };
  }
  const subject = aborted
    ? `[sg-auditor] ${result.accountId}: deletion for audit ${result.auditId} ABORTED (${t.deleted} deleted before it stopped)`
    : `[sg-auditor] ${result.accountId}: ${t.deleted} security groups deleted${t.failed > 0 ? `, ${t.failed} failed` : ''}`;
  const body = [
    aborted
      ? `The deletion for audit ${result.auditId} in account ${result.accountId} was ABORTED at ${result.finishedAt}: ${oneLine(result.abortReason)}.\nGroups not listed as deleted below were not deleted by it; run an audit to see what is left.`
      : `Deletion for audit ${result.auditId} in account ${result.accountId} finished at ${result.finishedAt}.`,
    `Result: ${formatDeletionTotals(result)}.`,
    '',
    renderDeletionLog(result),
    `The full trail is in ${trailLocation}.`,
    ...restoreHint(result),
  ].join('\n');
  return { subject, body };
}
