import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DeletionResult } from '../core/deletion-plan';
import { approvalLockKey, auditKeys, deletionKeys, legacyApprovalLockKey, pendingApprovalKey } from '../core/s3-keys';
import type { Approver } from '../core/signin';
import { toScanError } from './errors';

/**
 * IAM actions the approval Lambda needs on the artifact bucket. s3:ListBucket is what makes S3
 * answer a missing lock or report with 404 rather than 403 (scope it to approvals/ and audits/).
 */
export const APPROVAL_STORE_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket'] as const;

/** What the approval lock records: who used the link, when, for what. The workflow reads it. */
export interface LockRecord {
  auditId: string;
  accountId: string;
  /** The signed report's SHA-256: the workflow checks the report it reads against it. */
  reportSha256: string;
  takenAt: string;
  sourceIp?: string;
  userAgent?: string;
  /** The reviewer's note ("why are these being deleted"). */
  note?: string;
  /** The groups to delete: every candidate of the signed report except those the reviewer kept. */
  selection: string[];
  /** Keep the groups the reviewer kept for this many days, with this reason (the workflow tags them). */
  keepFor?: { days: number; reason: string };
  /**
   * The signed link's token (payload and KMS MAC): the workflow verifies it with VerifyMac before
   * acting (lambda/core/approval-auth.ts). Readable only by the front and the workflow's roles, and
   * already used (the lock is what makes it used), so holding it here hands out nothing.
   */
  token: string;
  /** SHA-256 of the approved selection (report hash, groups, keep choice): selectionSha256(). */
  selectionSha256: string;
  /** Signed-in approval: who approved (verified ID token, approvers group). */
  approvers?: Approver[];
}

/** Two-person approval: the first approver's confirmed selection, waiting for a second, different approver. */
export interface PendingApproval {
  auditId: string;
  accountId: string;
  reportSha256: string;
  /** The link's expiry: the pending approval expires with it. */
  expiresAt: string;
  selection: string[];
  keepFor?: { days: number; reason: string };
  note?: string;
  approver: Approver;
  sourceIp?: string;
  userAgent?: string;
}

/** The approval Lambda's storage: the signed report, the single-use lock and the trail. */
export interface ApprovalStore {
  /** Two-person approval: the pending first approval, if any. */
  readPending(accountId: string, auditId: string): Promise<PendingApproval | undefined>;
  /** Records the first approval; false when another first approval was recorded before. */
  putPending(record: PendingApproval): Promise<boolean>;
  /** The exact report.json bytes, or undefined when there is no such report. */
  readReport(accountId: string, auditId: string): Promise<Buffer | undefined>;
  /** True once the link's lock exists (the link was used), under its key or the legacy one. */
  isUsed(accountId: string, auditId: string): Promise<boolean>;
  /** Takes the single-use lock; false when someone else already holds it. */
  takeLock(record: LockRecord): Promise<boolean>;
  /** The lock, once taken. */
  readLock(accountId: string, auditId: string): Promise<LockRecord | undefined>;
  /** The lock as stored (untrusted until authenticated) and when S3 says it was written. */
  readLockEntry(accountId: string, auditId: string): Promise<{ lock: LockRecord; writtenAt?: Date } | undefined>;
  /** Writes result.json and deletion_log.txt; returns where they are. */
  writeTrail(result: DeletionResult, log: string): Promise<string>;
}

export const isMissing = (error: unknown): boolean => {
  const { code } = toScanError(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return code === 'NoSuchKey' || code === 'NotFound' || status === 404;
};

/** S3 answers a lost If-None-Match race with 412, or 409 while a concurrent write is in flight. */
export const isLockTaken = (error: unknown): boolean => {
  const { code } = toScanError(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || status === 412 || status === 409;
};

/** The ApprovalStore on the artifact bucket (DESIGN.md S3 layout). */
export function s3ApprovalStore(s3: S3Client, bucket: string): ApprovalStore {
  /** A JSON object and when S3 wrote it; undefined when it is missing or empty. */
  const readJson = async <T>(key: string): Promise<{ value: T; writtenAt?: Date } | undefined> => {
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await out.Body?.transformToByteArray();
      const text = bytes ? Buffer.from(bytes).toString('utf8') : undefined;
      if (!text) return undefined;
      return { value: JSON.parse(text) as T, ...(out.LastModified ? { writtenAt: out.LastModified } : {}) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  };
  /** Writes a JSON object only if the key is free (If-None-Match: *); false when it was taken. */
  const putOnce = async (key: string, record: object): Promise<boolean> => {
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(record), ContentType: 'application/json', IfNoneMatch: '*' }));
      return true;
    } catch (error) {
      if (isLockTaken(error)) return false;
      throw error;
    }
  };
  const readAt = async (key: string): Promise<{ lock: LockRecord; writtenAt?: Date } | undefined> => {
    const read = await readJson<LockRecord>(key);
    return read ? { lock: read.value, ...(read.writtenAt ? { writtenAt: read.writtenAt } : {}) } : undefined;
  };
  const exists = async (key: string): Promise<boolean> => {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  };
  // A legacy lock (approvals/<auditId>.json) still makes its link used, and shows on its progress
  // page; it holds no signed link, so the workflow refuses to act on it.
  const readLockEntry = async (accountId: string, auditId: string) => (await readAt(approvalLockKey(accountId, auditId))) ?? (await readAt(legacyApprovalLockKey(auditId)));
  return {
    async readReport(accountId, auditId) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: auditKeys(accountId, auditId).report }));
        if (!out.Body) return undefined;
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async isUsed(accountId, auditId) {
      return (await exists(approvalLockKey(accountId, auditId))) || (await exists(legacyApprovalLockKey(auditId)));
    },
    takeLock(record) {
      return putOnce(approvalLockKey(record.accountId, record.auditId), record);
    },
    async readPending(accountId, auditId) {
      return (await readJson<PendingApproval>(pendingApprovalKey(accountId, auditId)))?.value;
    },
    putPending(record) {
      return putOnce(pendingApprovalKey(record.accountId, record.auditId), record);
    },
    async readLock(accountId, auditId) {
      return (await readLockEntry(accountId, auditId))?.lock;
    },
    readLockEntry,
    async writeTrail(result, log) {
      const keys = deletionKeys(result.accountId, result.auditId);
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: keys.result, Body: `${JSON.stringify(result, null, 2)}\n`, ContentType: 'application/json' }),
      );
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys.log, Body: log, ContentType: 'text/plain; charset=utf-8' }));
      return `s3://${bucket}/${keys.prefix}`;
    },
  };
}
