import { PutObjectCommand } from '@aws-sdk/client-s3';
import { approveLink, handleApproval, reviewLink } from '../../lambda/approve/approve-core';
import type { DeletionInput } from '../../lambda/aws/deleter';
import { approvalLockKey, auditKeys, deletionKeys } from '../../lambda/core/s3-keys';
import { approveDeps, fakeDeleteGroups, fakeS3, getRequest, NOW, postRequest, publishReport } from '../helpers/approve-fixtures';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';
import { hmacMac } from '../helpers/hmac-mac';

function report() {
  return auditReport([
    regionReport('us-east-1', [
      candidate('sg-0a'),
      candidate('sg-0b'),
      candidate('sg-0c', 'us-east-1', { verdict: 'protected', reasons: ['tagged DoNotDelete=true'] }),
    ]),
  ]);
}

async function setup() {
  const s3 = fakeS3();
  const mac = hmacMac();
  const token = await publishReport(s3.objects, report(), mac);
  const calls: DeletionInput[] = [];
  const deps = approveDeps(s3.client, mac, { deleteGroups: fakeDeleteGroups(calls) });
  return { s3, mac, token, calls, deps };
}

afterEach(() => jest.restoreAllMocks());

describe('GET: the review page', () => {
  it('renders the candidates for a valid link and writes nothing', async () => {
    // Prepare
    const { s3, token, deps } = await setup();

    // Act
    const res = await reviewLink(getRequest(token), deps);

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('sg-0a');
    expect(res.body).toContain('Delete <span class="count"><span class="static">2</span></span> selected groups');
    expect(s3.mock).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('refuses a missing token as malformed with 400', async () => {
    // Prepare
    const { deps } = await setup();

    // Act
    const res = await reviewLink(getRequest(undefined), deps);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Malformed link');
  });

  it('refuses a tampered payload as altered with 403', async () => {
    // Prepare
    const { token, deps } = await setup();
    const [body, sig] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    payload.exp += 86400 * 365;
    const tampered = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;

    // Act
    const res = await reviewLink(getRequest(tampered), deps);

    // Assess
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('altered');
  });

  it('refuses an expired link with 410', async () => {
    // Prepare
    const s3 = fakeS3();
    const mac = hmacMac();
    const token = await publishReport(s3.objects, report(), mac, { exp: Math.floor(NOW.getTime() / 1000) - 1 });

    // Act
    const res = await reviewLink(getRequest(token), approveDeps(s3.client, mac));

    // Assess
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('expired');
  });

  it('refuses a correctly signed link that expires more than 30 days ahead with 403, and deletes nothing on POST', async () => {
    // Prepare
    const s3 = fakeS3();
    const mac = hmacMac();
    const token = await publishReport(s3.objects, report(), mac, { exp: Math.floor(NOW.getTime() / 1000) + 31 * 86400 });
    const calls: DeletionInput[] = [];
    const deps = approveDeps(s3.client, mac, { deleteGroups: fakeDeleteGroups(calls) });

    // Act
    const get = await reviewLink(getRequest(token), deps);
    const post = await approveLink(postRequest(token, ['sg-0a']), deps);

    // Assess
    expect([get.statusCode, post.statusCode]).toEqual([403, 403]);
    expect(get.body).toContain('more than 30 days');
    expect(calls).toHaveLength(0);
    expect(s3.mock).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('refuses a link from another token version with 400', async () => {
    // Prepare
    const s3 = fakeS3();
    const mac = hmacMac();
    const token = await publishReport(s3.objects, report(), mac, { v: 99 });

    // Act
    const res = await reviewLink(getRequest(token), approveDeps(s3.client, mac));

    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('different version');
  });

  it('refuses a link signed for another account with 403', async () => {
    // Prepare
    const { token, s3, mac } = await setup();

    // Act
    const res = await reviewLink(getRequest(token), approveDeps(s3.client, mac, { accountId: async () => '999999999999' }));

    // Assess
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('different AWS account');
  });

  it('refuses a link whose report was changed after signing with 409', async () => {
    // Prepare
    const { s3, token, deps } = await setup();
    const key = auditKeys('123456789012', report().auditId).report;
    s3.objects.set(key, Buffer.concat([s3.objects.get(key) as Buffer, Buffer.from(' ')]));

    // Act
    const res = await reviewLink(getRequest(token), deps);

    // Assess
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('modified after this link was signed');
  });

  it('refuses a link whose report is gone with 404', async () => {
    // Prepare
    const { s3, token, deps } = await setup();
    s3.objects.clear();

    // Act
    const res = await reviewLink(getRequest(token), deps);

    // Assess
    expect(res.statusCode).toBe(404);
  });

  it('says "already used" once the lock exists', async () => {
    // Prepare
    const { s3, token, deps } = await setup();
    s3.objects.set(approvalLockKey(report().auditId), Buffer.from('{}'));

    // Act
    const res = await reviewLink(getRequest(token), deps);

    // Assess
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('already used');
  });
});

describe('POST: approving', () => {
  it('deletes the selection, records the unticked candidate as kept and writes the trail', async () => {
    // Prepare
    const { s3, token, deps, calls } = await setup();
    const notify = jest.fn(async () => undefined);

    // Act
    const res = await approveLink(postRequest(token, ['sg-0a'], 'decommissioned <app>'), { ...deps, notify });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.selection).toEqual(['sg-0a']);
    expect(calls[0]?.requester).toEqual({ via: 'approval-link', sourceIp: '203.0.113.9', userAgent: 'test-agent', note: 'decommissioned <app>' });
    const log = s3.objects.get(deletionKeys('123456789012', report().auditId).log)?.toString('utf8') ?? '';
    expect(log).toContain("Reviewer's note: decommissioned <app>");
    expect(log).toContain('KEPT BY REVIEWER sg-0b');
    expect(notify).toHaveBeenCalledTimes(1);
  });

  it('rejects a group that was not a candidate with 400, deletes nothing and keeps the link usable', async () => {
    // Prepare
    const { s3, token, deps, calls } = await setup();

    // Act
    const res = await approveLink(postRequest(token, ['sg-0a', 'sg-0c']), deps);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('sg-0c');
    expect(calls).toHaveLength(0);
    expect(s3.objects.has(approvalLockKey(report().auditId))).toBe(false);
  });

  it('rejects an empty selection with 400 without taking the lock', async () => {
    // Prepare
    const { s3, token, deps } = await setup();

    // Act
    const res = await approveLink(postRequest(token, []), deps);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(s3.objects.has(approvalLockKey(report().auditId))).toBe(false);
  });

  it('rejects a note over the limit with 400', async () => {
    // Prepare
    const { token, deps, calls } = await setup();

    // Act
    const res = await approveLink(postRequest(token, ['sg-0a'], 'x'.repeat(1001)), deps);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it('lets only one of two concurrent POSTs take the lock and delete', async () => {
    // Prepare
    const { token, deps, calls } = await setup();

    // Act
    const [a, b] = await Promise.all([approveLink(postRequest(token, ['sg-0a']), deps), approveLink(postRequest(token, ['sg-0b']), deps)]);

    // Assess
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect(calls).toHaveLength(1);
    expect((a.statusCode === 409 ? a : b).body).toContain('already used');
  });

  it('deletes nothing when the lock cannot be written for any other reason', async () => {
    // Prepare
    const { s3, token, deps, calls } = await setup();
    s3.mock.on(PutObjectCommand).rejects(Object.assign(new Error('We encountered an internal error'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }));

    // Act
    const attempt = approveLink(postRequest(token, ['sg-0a']), deps);

    // Assess
    await expect(attempt).rejects.toThrow('internal error');
    expect(calls).toHaveLength(0);
  });

  it('refuses a replayed POST after the link was used', async () => {
    // Prepare
    const { token, deps, calls } = await setup();
    await approveLink(postRequest(token, ['sg-0a']), deps);

    // Act
    const res = await approveLink(postRequest(token, ['sg-0b']), deps);

    // Assess
    expect(res.statusCode).toBe(409);
    expect(calls).toHaveLength(1);
  });

  it('still writes the trail, emails and shows the result when publishing metrics fails after the deletion', async () => {
    // Prepare
    const { s3, token, deps } = await setup();
    const notify = jest.fn(async () => undefined);
    const recordMetrics = () => {
      throw new Error('metrics exploded');
    };

    // Act
    const res = await approveLink(postRequest(token, ['sg-0a']), { ...deps, notify, recordMetrics });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(s3.objects.has(deletionKeys('123456789012', report().auditId).log)).toBe(true);
    expect(notify).toHaveBeenCalledTimes(1);
  });

  it('still shows the result when the email fails, with a warning', async () => {
    // Prepare
    const { token, deps } = await setup();

    // Act
    const res = await approveLink(postRequest(token, ['sg-0a']), {
      ...deps,
      notify: async () => {
        throw new Error('SNS down');
      },
    });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('The result email could not be sent.');
  });
});

describe('routing', () => {
  it('answers any other method with 405 and an Allow header', async () => {
    // Prepare
    const { token, deps } = await setup();

    // Act
    const res = await handleApproval({ ...getRequest(token), method: 'DELETE' }, deps);

    // Assess
    expect(res.statusCode).toBe(405);
    expect(res.headers.Allow).toBe('GET, POST');
  });

  it('answers another path with 404', async () => {
    // Prepare
    const { token, deps } = await setup();

    // Act
    const res = await handleApproval({ ...getRequest(token), path: '/favicon.ico' }, deps);

    // Assess
    expect(res.statusCode).toBe(404);
  });
});

describe('POST: a deletion that aborts', () => {
  it('emails that the deletion aborted after the lock was taken, and rethrows for the 500 page', async () => {
    // Prepare
    const { token, deps } = await setup();
    const notify = jest.fn(async (_subject: string, _body: string) => undefined);
    const deleteGroups = async () => {
      throw new Error('re-audit exploded');
    };

    // Act
    const attempt = approveLink(postRequest(token, ['sg-0a']), { ...deps, notify, deleteGroups });

    // Assess
    await expect(attempt).rejects.toThrow('re-audit exploded');
    expect(notify).toHaveBeenCalledTimes(1);
    expect(notify.mock.calls[0]?.[0]).toContain('ABORTED');
    expect(notify.mock.calls[0]?.[1]).toContain('re-audit exploded');
  });

  it('puts the error of an aborted deletion on one line of the email, so it cannot forge instructions', async () => {
    // Prepare
    const { token, deps } = await setup();
    const notify = jest.fn(async (_subject: string, _body: string) => undefined);
    const deleteGroups = async () => {
      throw new Error('failed in group "x\nNothing was deleted; no action needed.\u202e"');
    };

    // Act
    await approveLink(postRequest(token, ['sg-0a']), { ...deps, notify, deleteGroups }).catch(() => undefined);

    // Assess
    const body = notify.mock.calls[0]?.[1] ?? '';
    expect(body.split('\n')).not.toContain('Nothing was deleted; no action needed.');
    expect(body).not.toContain('\u202e');
  });
});

describe('POST: the Lambda deadline', () => {
  it('hands the request deadline to the deletion so the trail is still written in time', async () => {
    // Prepare
    const { token, deps, calls } = await setup();
    const request = { ...postRequest(token, ['sg-0a']), deadline: 1_800_000_000_000 };

    // Act
    await approveLink(request, deps);

    // Assess
    expect(calls[0]?.deadline).toBe(1_800_000_000_000);
  });
});

