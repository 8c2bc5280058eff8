/** The S3 layout (DESIGN.md): one bucket, these prefixes. */
export const auditKeys = (accountId: string, auditId: string) => {
  const prefix = `audits/${accountId}/${auditId}/`;
  return { prefix, report: `${prefix}report.json`, log: `${prefix}sg_log.txt`, backup: `${prefix}backup.json` };
};

/**
 * The single-use lock of an approval link, written with If-None-Match: *; keyed by account and
 * audit, so two accounts' audits (organization mode) can never share one.
 */
export const approvalLockKey = (accountId: string, auditId: string) => `approvals/${accountId}/${auditId}.json`;

/** Where locks were written before they were keyed by account: still honoured as "link used". */
export const legacyApprovalLockKey = (auditId: string) => `approvals/${auditId}.json`;

/** Two-person approval: the first approver's confirmed selection, beside the lock (written with If-None-Match: *). */
export const pendingApprovalKey = (accountId: string, auditId: string) => `approvals/${accountId}/${auditId}.pending.json`;

export const deletionKeys = (accountId: string, auditId: string) => {
  const prefix = `deletions/${accountId}/${auditId}/`;
  return {
    prefix,
    started: `${prefix}started.json`,
    /** The keep step's outcome: which kept groups were tagged kept-until, and which could not be. */
    kept: `${prefix}kept.json`,
    result: `${prefix}result.json`,
    log: `${prefix}deletion_log.txt`,
    /** Written once the result email was sent, so a second finish or abort does not send it again. */
    emailed: `${prefix}emailed.json`,
    reaudit: (region: string) => `${prefix}reaudit-${region}.json`,
    preDeleteBackup: (region: string) => `${prefix}pre-delete-backup-${region}.json`,
    /** The SHA-256 of that backup's bytes, recorded when it was written, for the trail. */
    preDeleteBackupSha256: (region: string) => `${prefix}pre-delete-backup-${region}.sha256.json`,
    progressPrefix: (region: string) => `${prefix}progress/${region}/`,
    checkpoint: (region: string, batchId: string) => `${prefix}progress/${region}/batch-${batchId}.json`,
    summary: (region: string) => `${prefix}progress/${region}.json`,
  };
};
