import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { s3ApprovalStore } from '../../lambda/aws/approval-store';
import { awsError } from '../helpers/scanner-harness';

const s3 = mockClient(S3Client);
const store = () => s3ApprovalStore(new S3Client({ region: 'us-east-1' }), 'bucket');
const withStatus = (code: string, status: number) => Object.assign(awsError(code), { $metadata: { httpStatusCode: status } });
const lock = { auditId: '2026-12-01T02-00-00Z-k3x9q2', accountId: '123456789012', reportSha256: 'ab', takenAt: 'now', selection: ['sg-1'], token: 'payload.mac', selectionSha256: 'cd' };

beforeEach(() => s3.reset());

describe('s3ApprovalStore', () => {
  it('takes the lock with If-None-Match: *', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});

    // Act
    const taken = await store().takeLock(lock);

    // Assess
    expect(taken).toBe(true);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'bucket', Key: 'approvals/123456789012/2026-12-01T02-00-00Z-k3x9q2.json', IfNoneMatch: '*' });
  });

  it('reports the lock as taken when S3 answers 412 PreconditionFailed', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(withStatus('PreconditionFailed', 412));

    // Act
    const taken = await store().takeLock(lock);

    // Assess
    expect(taken).toBe(false);
  });

  it('reports the lock as taken when S3 answers 409 ConditionalRequestConflict', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(withStatus('ConditionalRequestConflict', 409));

    // Act
    const taken = await store().takeLock(lock);

    // Assess
    expect(taken).toBe(false);
  });

  it('lets any other lock error surface', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(withStatus('AccessDenied', 403));

    // Act
    const run = store().takeLock(lock);

    // Assess
    await expect(run).rejects.toThrow('AccessDenied');
  });

  it('reads a missing lock as unused and a missing report as undefined', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(withStatus('NotFound', 404));
    s3.on(GetObjectCommand).rejects(withStatus('NoSuchKey', 404));

    // Act
    const used = await store().isUsed('123456789012', 'a');
    const report = await store().readReport('123456789012', 'a');

    // Assess
    expect(used).toBe(false);
    expect(report).toBeUndefined();
  });

  it('reads a lock under the legacy key (approvals/<auditId>.json) as used, so a link used before the upgrade stays used', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(withStatus('NotFound', 404));
    s3.on(HeadObjectCommand, { Key: 'approvals/2026-12-01T02-00-00Z-k3x9q2.json' }).resolves({});

    // Act
    const used = await store().isUsed('123456789012', '2026-12-01T02-00-00Z-k3x9q2');

    // Assess
    expect(used).toBe(true);
  });

  it('treats a 403 on the lock as an error, not as unused', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(withStatus('Forbidden', 403));

    // Act
    const run = store().isUsed('123456789012', 'a');

    // Assess
    await expect(run).rejects.toThrow();
  });
});
