import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BatchCheckpoint, RegionSummary } from '../core/deletion-progress';
import { deletionKeys } from '../core/s3-keys';
import { isLockTaken, isMissing } from './approval-store';

/**
 * The deletion workflow's objects under deletions/<account>/<auditId>/ (DESIGN.md S3 layout):
 * JSON in, JSON out, with "write once" for the trail and the email marker.
 */
export interface DeletionStore {
  readonly bucket: string;
  getJson<T>(key: string): Promise<T | undefined>;
  putJson(key: string, value: unknown): Promise<void>;
  putText(key: string, text: string): Promise<void>;
  /** Writes only if absent (If-None-Match: *); false when it already existed. */
  putOnce(key: string, body: string, contentType: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  checkpoints(accountId: string, auditId: string, region: string): Promise<BatchCheckpoint[]>;
  summary(accountId: string, auditId: string, region: string): Promise<RegionSummary | undefined>;
}

/** The DeletionStore on the artifact bucket. */
export function s3DeletionStore(s3: S3Client, bucket: string): DeletionStore {
  const getJson = async <T>(key: string): Promise<T | undefined> => {
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await out.Body?.transformToByteArray();
        const text = bytes ? Buffer.from(bytes).toString('utf8') : undefined;
      return text === undefined ? undefined : (JSON.parse(text) as T);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  };
  return {
    bucket,
    getJson,
    async putJson(key, value) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${JSON.stringify(value)}\n`, ContentType: 'application/json' }));
    },
    async putText(key, text) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: 'text/plain; charset=utf-8' }));
    },
    async putOnce(key, body, contentType) {
      try {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, IfNoneMatch: '*' }));
        return true;
      } catch (error) {
        if (isLockTaken(error)) return false;
        throw error;
      }
    },
    async exists(key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
    async checkpoints(accountId, auditId, region) {
      const prefix = deletionKeys(accountId, auditId).progressPrefix(region);
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      const found = await Promise.all(keys.map((k) => getJson<BatchCheckpoint>(k)));
      return found.filter((c): c is BatchCheckpoint => c !== undefined);
    },
    summary: (accountId, auditId, region) => getJson<RegionSummary>(deletionKeys(accountId, auditId).summary(region)),
  };
}
