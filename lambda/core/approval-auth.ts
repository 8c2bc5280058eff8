import { createHash } from 'node:crypto';
import { isAuditId } from './audit-id';
import { verifyToken, type MacProvider } from './token';

/**
 * How the deletion workflow authenticates an approval before acting on it. The front writes the
 * single-use lock with the signed link's token in it (its payload and KMS MAC) and the SHA-256 of
 * what was approved (the selection's hash); the workflow's first task verifies the token with KMS
 * VerifyMac, checks that it names this account and audit and the signed report, and recomputes
 * the selection's hash. A lock written by anyone else (no valid MAC), copied from another audit or
 * account, or with its selection changed is refused: nothing is deleted and a REFUSED trail says why.
 */

/** What the selection's hash covers: the report approved, the groups to delete and the keep choice. */
export interface ApprovedSelection {
  accountId: string;
  auditId: string;
  reportSha256: string;
  selection: readonly string[];
  keepFor?: { days: number; reason: string } | undefined;
}

/** The SHA-256 (hex) of an approved selection; order and duplicates of the ids do not matter. */
export function selectionSha256(approved: ApprovedSelection): string {
  const canonical = {
    v: 1,
    accountId: approved.accountId,
    auditId: approved.auditId,
    reportSha256: approved.reportSha256,
    selection: [...new Set(approved.selection)].sort(),
    keepFor: approved.keepFor ? { days: approved.keepFor.days, reason: approved.keepFor.reason } : null,
  };
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('hex');
}

/** The lock fields the check reads (the lock is untrusted input until it passes). */
export interface LockClaim {
  accountId?: unknown;
  auditId?: unknown;
  reportSha256?: unknown;
  selection?: unknown;
  keepFor?: unknown;
  token?: unknown;
  selectionSha256?: unknown;
}

export type ApprovalAuthentication = { ok: true } | { ok: false; reason: string };

const ACCOUNT_ID = /^\d{12}$/;

/** True when the ids can name S3 keys (the REFUSED trail is written under them). */
export function validExecutionIds(ids: { accountId?: unknown; auditId?: unknown }): ids is { accountId: string; auditId: string } {
  return typeof ids.accountId === 'string' && ACCOUNT_ID.test(ids.accountId) && typeof ids.auditId === 'string' && isAuditId(ids.auditId);
}

function isKeepFor(value: unknown): value is { days: number; reason: string } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.days === 'number' && typeof v.reason === 'string';
}

/**
 * Authenticates a lock for the execution `expected` (its account and audit), given the SHA-256 of
 * the report as stored now and when S3 says the lock was written (the link must have been valid
 * then; a lock written later with an expired link is refused). Every failure names its reason.
 */
export async function authenticateApproval(
  lock: LockClaim | undefined,
  expected: { accountId: string; auditId: string; selectionSha256?: string | undefined },
  context: { reportSha256: string | undefined; lockWrittenAt: Date; mac: MacProvider },
): Promise<ApprovalAuthentication> {
  const refuse = (reason: string): ApprovalAuthentication => ({ ok: false, reason });
  if (!lock) return refuse('there is no approval lock for this audit and account');
  if (typeof lock.token !== 'string' || lock.token.length === 0) return refuse('the approval lock carries no signed link: it was not written by the approval front');
  const verdict = await verifyToken(lock.token, context.mac, { accountId: expected.accountId, now: context.lockWrittenAt, memberAccounts: true });
  if (!verdict.ok) return refuse(`the signed link in the approval lock is not valid (${verdict.reason}): it was not written by the approval front`);
  const { payload } = verdict;
  if (payload.accountId !== expected.accountId || payload.auditId !== expected.auditId) {
    return refuse(`the approval lock holds the link of another audit or account (${payload.accountId}/${payload.auditId}), not of ${expected.accountId}/${expected.auditId}`);
  }
  if (lock.accountId !== expected.accountId || lock.auditId !== expected.auditId) return refuse('the approval lock names another audit or account than its signed link');
  if (lock.reportSha256 !== payload.reportSha256) return refuse("the approval lock's report hash is not the one its signed link signs");
  if (context.reportSha256 === undefined) return refuse('the signed report is missing');
  if (context.reportSha256 !== payload.reportSha256) return refuse('the report changed after its link was signed');
  if (!Array.isArray(lock.selection) || !lock.selection.every((id): id is string => typeof id === 'string')) return refuse('the approval lock has no valid selection');
  if (lock.keepFor !== undefined && !isKeepFor(lock.keepFor)) return refuse('the approval lock has an invalid keep choice');
  const hash = selectionSha256({ accountId: expected.accountId, auditId: expected.auditId, reportSha256: payload.reportSha256, selection: lock.selection, keepFor: lock.keepFor });
  if (lock.selectionSha256 !== hash) return refuse('the selection in the approval lock does not match its hash: it was changed after the approval');
  if (expected.selectionSha256 !== undefined && expected.selectionSha256 !== hash) return refuse('the selection in the approval lock is not the one the execution was started for');
  return { ok: true };
}
