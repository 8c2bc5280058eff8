import { PutObjectCommand } from '@aws-sdk/client-s3';
import { approveLink, handleApproval, MAX_REVIEW_PAGE_BYTES, reviewLink } from '../../lambda/approve/approve-core';
import type { LockRecord } from '../../lambda/aws/approval-store';
import type { DeletionExecutionInput } from '../../lambda/core/deletion-contract';
import { selectionSha256 } from '../../lambda/core/approval-auth';
import { approvalLockKey, auditKeys } from '../../lambda/core/s3-keys';
import { approveDeps, fakeS3, fakeWorkflow, getRequest, NOW, postRequest, publishReport } from '../helpers/approve-fixtures';
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
  const calls: DeletionExecutionInput[] = [];
  const deps = approveDeps(s3.client, mac, fakeWorkflow(calls));
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
    expect(res.body).toContain('Delete <span class="count"><span class="static">2</span></span> groups');
    expect(s3.mock).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('says the page is too large for the approval URL, and how to delete from a terminal, when the candidates\' page would pass 6 MB', async () => {
    // Prepare: 8,000 candidates with 255-character names and descriptions (anyone may write them).
    const s3 = fakeS3();
    const mac = hmacMac();
    const long = 'd'.repeat(255);
    const groups = Array.from({ length: 8000 }, (_, i) => candidate(`sg-${i.toString(16).padStart(17, '0')}`, 'us-east-1', { groupName: `n${i}-${'x'.repeat(250)}`, description: long }));
    const big = auditReport([regionReport('us-east-1', groups)]);
    const token = await publishReport(s3.objects, big, mac);

    // Act
    const res = await reviewLink(getRequest(token), approveDeps(s3.client, mac, fakeWorkflow([])));

    // Assess
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('Too many candidates for one page');
    expect(res.body).toContain(auditKeys(big.accountId, big.auditId).report);
    expect(Buffer.byteLength(res.body)).toBeLessThan(MAX_REVIEW_PAGE_BYTES);
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

  it('refuses a correctly signed link that expires more than 30 days ahead with 403, and starts nothing on POST', async () => {
    // Prepare
    const s3 = fakeS3();
    const mac = hmacMac();
    const token = await publishReport(s3.objects, report(), mac, { exp: Math.floor(NOW.getTime() / 1000) + 31 * 86400 });
    const calls: DeletionExecutionInput[] = [];
    const deps = approveDeps(s3.client, mac, fakeWorkflow(calls));

    // Act
    const get = await reviewLink(getRequest(token), deps);
    const post = await approveLink(postRequest(token, { confirm: '2' }), deps);

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

  it('renders a member account\'s link in organization mode (the stack runs in another account)', async () => {
    // Prepare
    const { token, s3, mac } = await setup();

    // Act
    const res = await reviewLink(getRequest(token), approveDeps(s3.client, mac, { accountId: async () => '999999999999', organization: true }));

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('sg-0a');
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

  it('shows the progress of a used link instead of a dead end', async () => {
    // Prepare
    const { token, deps } = await setup();
    await approveLink(postRequest(token, { confirm: '2' }), deps);

    // Act
    const res = await reviewLink(getRequest(token), deps);

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Deletion in progress');
    expect(res.body).toContain('http-equiv="refresh"');
  });
});

describe('POST: approving', () => {
  it('takes the lock with every candidate except the kept ones and starts the workflow', async () => {
    // Prepare
    const { s3, token, deps, calls } = await setup();

    // Act
    const res = await approveLink(postRequest(token, { keep: ['sg-0b'], confirm: '1', note: 'decommissioned <app>' }), deps);

    // Assess
    expect(res.statusCode).toBe(303);
    const lock = JSON.parse(s3.objects.get(approvalLockKey('123456789012', report().auditId))?.toString('utf8') ?? '{}') as LockRecord;
    expect(calls).toEqual([{ accountId: '123456789012', auditId: report().auditId, selectionSha256: lock.selectionSha256 }]);
    expect(lock).toMatchObject({ selection: ['sg-0a'], note: 'decommissioned <app>', sourceIp: '203.0.113.9', userAgent: 'test-agent' });
  });

  it('answers an approval with 303 See Other to the link\'s progress URL', async () => {
    // Prepare
    const { token, deps } = await setup();

    // Act
    const res = await approveLink(postRequest(token, { confirm: '2' }), deps);

    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.headers.Location).toBe(`/?t=${encodeURIComponent(token)}&view=progress`);
  });

  it('shows the progress page at the progress URL, as often as it is reloaded, starting nothing more', async () => {
    // Prepare
    const { token, deps, calls } = await setup();
    const approved = await approveLink(postRequest(token, { confirm: '2' }), deps);
    const location = new URL(approved.headers.Location ?? '', 'https://front.example');
    const get = () => handleApproval({ ...getRequest(undefined), query: location.searchParams }, deps);

    // Act
    const first = await get();
    const reloaded = await get();

    // Assess
    expect([first.statusCode, reloaded.statusCode]).toEqual([200, 200]);
    expect(reloaded.body).toContain('Deletion in progress');
    expect(reloaded.body).toBe(first.body);
    expect(calls).toHaveLength(1);
  });

  it("puts the signed link and the selection's hash in the lock, for the workflow to authenticate", async () => {
    // Prepare
    const { s3, token, deps } = await setup();

    // Act
    await approveLink(postRequest(token, { keep: ['sg-0b'], confirm: '1' }), deps);

    // Assess
    const lock = JSON.parse(s3.objects.get(approvalLockKey('123456789012', report().auditId))?.toString('utf8') ?? '{}') as LockRecord;
    expect(lock.token).toBe(token);
    expect(lock.selectionSha256).toBe(selectionSha256({ accountId: '123456789012', auditId: report().auditId, reportSha256: lock.reportSha256, selection: ['sg-0a'] }));
  });

  it('refuses a typed count that is not the number of groups to delete with 422, starting nothing', async () => {
    // Prepare
    const { s3, token, deps, calls } = await setup();

    // Act
    const res = await approveLink(postRequest(token, { keep: ['sg-0b'], confirm: '2' }), deps);

    // Assess
    expect(res.statusCode).toBe(422);
    expect(calls).toHaveLength(0);
    expect(s3.objects.has(approvalLockKey('123456789012', report().auditId))).toBe(false);
  });

  it('rejects keeping a group that was not a candidate with 400 and keeps the link usable', async () => {
    // Prepare
    const { s3, token, deps, calls } = await setup();

    // Act
    const res = await approveLink(postRequest(token, { keep: ['sg-0c'], confirm: '2' }), deps);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('sg-0c');
    expect(calls).toHaveLength(0);
    expect(s3.objects.has(approvalLockKey('123456789012', report().auditId))).toBe(false);
  });

  it('rejects keeping every candidate with 400 without taking the lock', async () => {
    // Prepare
    const { s3, token, deps } = await setup();

    // Act
    const res = await approveLink(postRequest(token, { keep: ['sg-0a', 'sg-0b'], confirm: '0' }), deps);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(s3.objects.has(approvalLockKey('123456789012', report().auditId))).toBe(false);
  });

  it('records in the lock that the kept groups are kept for the chosen days, with the reason on one line', async () => {
    // Prepare
    const { s3, token, deps } = await setup();

    // Act
    const res = await approveLink(postRequest(token, { keep: ['sg-0b'], confirm: '1', keepDays: '90', keepReason: 'nightly\njob <b>' }), deps);

    // Assess
    expect(res.statusCode).toBe(303);
    const lock = JSON.parse(s3.objects.get(approvalLockKey('123456789012', report().auditId))?.toString('utf8') ?? '{}') as LockRecord;
    expect(lock).toMatchObject({ selection: ['sg-0a'], keepFor: { days: 90, reason: 'nightly job <b>' } });
  });

  it('rejects keeping for a number of days without a reason with 400, taking no lock', async () => {
    // Prepare
    const { s3, token, deps, calls } = await setup();

    // Act
    const res = await approveLink(postRequest(token, { keep: ['sg-0b'], confirm: '1', keepDays: '30', keepReason: ' ' }), deps);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('say why');
    expect(calls).toHaveLength(0);
    expect(s3.objects.has(approvalLockKey('123456789012', report().auditId))).toBe(false);
  });

  it('rejects a keep duration the page does not offer with 400', async () => {
    // Prepare
    const { token, deps, calls } = await setup();

    // Act
    const res = await approveLink(postRequest(token, { keep: ['sg-0b'], confirm: '1', keepDays: '36500', keepReason: 'forever' }), deps);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it('rejects a note over the limit with 400', async () => {
    // Prepare
    const { token, deps, calls } = await setup();

    // Act
    const res = await approveLink(postRequest(token, { confirm: '2', note: 'x'.repeat(1001) }), deps);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it('lets only one of two concurrent POSTs take the lock and start the workflow', async () => {
    // Prepare
    const { token, deps, calls } = await setup();

    // Act
    const [a, b] = await Promise.all([approveLink(postRequest(token, { confirm: '2' }), deps), approveLink(postRequest(token, { keep: ['sg-0a'], confirm: '1' }), deps)]);

    // Assess
    expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409]);
    expect(calls).toHaveLength(1);
  });

  it('starts nothing when the lock cannot be written for any other reason', async () => {
    // Prepare
    const { s3, token, deps, calls } = await setup();
    s3.mock.on(PutObjectCommand).rejects(Object.assign(new Error('We encountered an internal error'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }));

    // Act
    const attempt = approveLink(postRequest(token, { confirm: '2' }), deps);

    // Assess
    await expect(attempt).rejects.toThrow('internal error');
    expect(calls).toHaveLength(0);
  });

  it('refuses a replayed POST after the link was used', async () => {
    // Prepare
    const { token, deps, calls } = await setup();
    await approveLink(postRequest(token, { confirm: '2' }), deps);

    // Act
    const res = await approveLink(postRequest(token, { keep: ['sg-0a'], confirm: '1' }), deps);

    // Assess
    expect(res.statusCode).toBe(409);
    expect(calls).toHaveLength(1);
  });
});

describe('POST: an approved deletion that never started', () => {
  async function failedStart() {
    const s3 = fakeS3();
    const mac = hmacMac();
    const token = await publishReport(s3.objects, report(), mac);
    const calls: DeletionExecutionInput[] = [];
    const workflow = fakeWorkflow(calls);
    let failNext = true;
    let now = NOW;
    const deps = approveDeps(s3.client, mac, {
      ...workflow,
      now: () => now,
      startDeletion: async (input) => {
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        }
        await workflow.startDeletion(input);
      },
    });
    await expect(approveLink(postRequest(token, { confirm: '2' }), deps)).rejects.toThrow('Rate exceeded');
    return { token, deps, calls, later: () => (now = new Date(NOW.getTime() + 2 * 60_000)) };
  }

  it('offers, on the used link, to start the approved deletion whose workflow never started', async () => {
    // Prepare
    const { token, deps, later } = await failedStart();
    later();

    // Act
    const res = await reviewLink(getRequest(token), deps);

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('The approved deletion did not start');
    expect(res.body).toContain('name="resume" value="1"');
  });

  it('does not offer a start within a minute of the approval, while the first POST may still be starting it', async () => {
    // Prepare
    const { token, deps } = await failedStart();

    // Act
    const res = await reviewLink(getRequest(token), deps);

    // Assess
    expect(res.body).not.toContain('name="resume"');
  });

  it('starts the approved deletion once on POST resume=1, and refuses a second resume while it runs', async () => {
    // Prepare
    const { token, deps, calls, later } = await failedStart();
    later();
    const resume = () => {
      const request = postRequest(token);
      request.form?.set('resume', '1');
      return approveLink(request, deps);
    };

    // Act
    const first = await resume();
    const second = await resume();

    // Assess
    expect(first.statusCode).toBe(303);
    expect(calls).toEqual([{ accountId: '123456789012', auditId: report().auditId, selectionSha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(second.statusCode).toBe(409);
  });

  it('refuses POST resume=1 on a link whose deletion started normally', async () => {
    // Prepare
    const { token, deps, calls } = await setup();
    await approveLink(postRequest(token, { confirm: '2' }), deps);
    const request = postRequest(token);
    request.form?.set('resume', '1');

    // Act
    const res = await approveLink(request, deps);

    // Assess
    expect(res.statusCode).toBe(409);
    expect(calls).toHaveLength(1);
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

