import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export const CONTENT_TYPE = {
  json: 'application/json',
  text: 'text/plain; charset=utf-8',
} as const;

/** An artifact that could not be written or read; names the key so the log says which. */
export class ArtifactStoreError extends Error {
  override readonly name = 'ArtifactStoreError';
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Where reports, logs and backups live (one S3 bucket in AWS). */
export interface ArtifactStore {
  readonly bucket: string;
  /** Writes the exact bytes; throws ArtifactStoreError if the object was not stored. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The exact bytes stored under the key. */
  get(key: string): Promise<Buffer>;
}

/** The S3 store. Encryption is left to the bucket's default (SSE-KMS or SSE-S3, set by the stack). */
export function s3ArtifactStore(s3: S3Client, bucket: string): ArtifactStore {
  return {
    bucket,
    async put(key, body, contentType) {
      try {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      } catch (error) {
        throw new ArtifactStoreError(`could not write s3://${bucket}/${key}: ${(error as Error).message}`, key, { cause: error });
      }
    },
    async get(key) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!out.Body) throw new Error('empty body');
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (error) {
        throw new ArtifactStoreError(`could not read s3://${bucket}/${key}: ${(error as Error).message}`, key, { cause: error });
      }
    },
  };
}
