import { DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { handleEvent } from '../../lambda/approve/http';
import { runAudit } from '../../lambda/aws/audit';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { kmsMac } from '../../lambda/aws/signer';
import type { DeletionResult } from '../../lambda/core/deletion-plan';
import { approvalLockKey, deletionKeys } from '../../lambda/core/s3-keys';
import { signToken, type TokenPayload } from '../../lambda/core/token';
import { DELETION_STATES, deletionExecutionName, type KeptRecord, type RegionInput } from '../../lambda/core/deletion-contract';
import { deleteBatch } from '../../lambda/workflows/deletion/tasks';
import { urlEvent } from '../helpers/approve-fixtures';
import { existingGroups, localApproval, MOTO_SCANNERS, seedApprovalScenario, type ApprovalScenario } from '../helpers/approve-moto';

/** Regions of these tests (test/integration/README.md): one scenario each. */
const FLOW = 'ap-northeast-1';
const FAIL = 'ap-northeast-2';
const TIMEOUT = 'ap-south-1';
const ACCOUNT = '123456789012';
const KEEP_REASON = 'month-end batch <b>x</b>\nverdict: CANDIDATE';

const factory = new ClientFactory();
afterAll(() => factory.destroy());

const tokenOf = (scenario: ApprovalScenario) => new URL(scenario.link).searchParams.get('t') as string;
const get = (scenario: ApprovalScenario, token = tokenOf(scenario)) => urlEvent('GET', { query: `t=${encodeURIComponent(token)}` });
function post(token: string, keep: readonly string[], confirm: string, extra: Array<[string, string]> = []) {
  const form = new URLSearchParams([['t', token], ...keep.map((id): [string, string] => ['keep', id]), ['confirm', confirm], ['note', 'retired in OPS-1'], ...extra]);
  return urlEvent('POST', { body: form.toString(), base64: true });
}

async function readJson<T>(region: string, bucket: string, key: string): Promise<T> {
  const out = await new S3Client({ region, forcePathStyle: true }).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? 'null') as T;
}

async function lockExists(region: string, scenario: ApprovalScenario): Promise<boolean> {
  try {
    await new S3Client({ region, forcePathStyle: true }).send(new HeadObjectCommand({ Bucket: scenario.bucket, Key: approvalLockKey(ACCOUNT, scenario.auditId) }));
    return true;
  } catch {
    return false;
  }
}

/** Records every DeleteSecurityGroup sent through the factory's EC2 client of a region. */
function countDeletes(region: string): string[] {
  const sent: string[] = [];
  factory
    .forRegion(region)
    .get(EC2Client)
    .middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === DeleteSecurityGroupCommand.name) sent.push((args.input as { GroupId: string }).GroupId);
        return next(args);
      },
      { step: 'initialize', name: `countDeletes-${region}` },
    );
  return sent;
}

describe('approval front and deletion workflow (synthesized ASL, run locally against moto)', () => {
  let scenario: ApprovalScenario;
  let app: ReturnType<typeof localApproval>;

  beforeAll(async () => {
    scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, FLOW, 'wf', { cycle: true });
    app = localApproval(scenario, { factory });
  });

  it('refuses a wrong typed count with a 4xx and changes nothing', async () => {
    // Act
    const out = await handleEvent(post(tokenOf(scenario), [scenario.groups.keep], '99'), 'r1', () => app.front, app.logger);

    // Assess
    expect(out.statusCode).toBe(422);
    expect(await lockExists(FLOW, scenario)).toBe(false);
    expect((await existingGroups(FLOW)).has(scenario.groups.referenced)).toBe(true);
  });

  it('refuses a tampered link with a 4xx and changes nothing', async () => {
    // Prepare
    const token = tokenOf(scenario);
    // The second-to-last character carries six bits of the MAC (the last one may carry padding bits only); it is
    // always changed, so the tampered token never equals the signed one.
    const at = token.length - 2;
    const tampered = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect(tampered).not.toBe(token);

    // Act
    const out = await handleEvent(post(tampered, [], '6'), 'r2', () => app.front, app.logger);

    // Assess
    expect(out.statusCode).toBe(403);
    expect(await lockExists(FLOW, scenario)).toBe(false);
  });

  it('refuses an expired link with a 4xx and changes nothing', async () => {
    // Prepare
    const payload = JSON.parse(Buffer.from(tokenOf(scenario).split('.')[0] as string, 'base64url').toString('utf8')) as TokenPayload;
    const expired = await signToken({ ...payload, exp: Math.floor(Date.now() / 1000) - 60 }, kmsMac(new KMSClient({ region: FLOW }), scenario.env.MAC_KEY_ID as string));

    // Act
    const out = await handleEvent(post(expired, [], '6'), 'r3', () => app.front, app.logger);

    // Assess
    expect(out.statusCode).toBe(410);
    expect(await lockExists(FLOW, scenario)).toBe(false);
  });

  it('refuses a correctly signed link expiring more than 30 days ahead with a 4xx and changes nothing', async () => {
    // Prepare
    const payload = JSON.parse(Buffer.from(tokenOf(scenario).split('.')[0] as string, 'base64url').toString('utf8')) as TokenPayload;
    const tooLong = await signToken({ ...payload, exp: Math.floor(Date.now() / 1000) + 31 * 86400 }, kmsMac(new KMSClient({ region: FLOW }), scenario.env.MAC_KEY_ID as string));

    // Act
    const review = await handleEvent(get(scenario, tooLong), 'r3b', () => app.front, app.logger);
    const out = await handleEvent(post(tooLong, [], '6'), 'r3c', () => app.front, app.logger);

    // Assess
    expect(review.statusCode).toBe(403);
    expect(out.statusCode).toBe(403);
    expect(await lockExists(FLOW, scenario)).toBe(false);
  });

  it('deletes exactly the approved groups (one kept by the reviewer) and writes the trail', async () => {
    // Prepare
    const g = scenario.groups;
    const review = await handleEvent(get(scenario), 'r4', () => app.front, app.logger);

    // Act: the kept group is kept for 30 days, with a reason that tries to break out of its line.
    const started = await handleEvent(post(tokenOf(scenario), [g.keep], '5', [['keep_days', '30'], ['keep_reason', KEEP_REASON]]), 'r5', () => app.front, app.logger);
    await app.workflow.executions.settled();

    // Assess
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain(`value="${g.keep}"`);
    expect(started.statusCode).toBe(303);
    expect(started.headers.Location).toBe(`/?t=${encodeURIComponent(tokenOf(scenario))}&view=progress`);
    const left = await existingGroups(FLOW);
    expect([g.referenced, g.referencing, g.hostile, g.cycleA, g.cycleB].filter((id) => left.has(id as string))).toEqual([]);
    expect(left.has(g.keep)).toBe(true);
    expect(left.has(g.inUse)).toBe(true);
    expect(app.workflow.executions.status(deletionExecutionName({ accountId: ACCOUNT, auditId: scenario.auditId }))).toBe('SUCCEEDED');
  });

  it('tags the group the reviewer kept with its date and reason, and the next audit protects it with that reason', async () => {
    // Prepare
    const ec2 = new EC2Client({ region: FLOW });
    const keys = deletionKeys(ACCOUNT, scenario.auditId);
    const settings = { regions: [FLOW], skipSources: [], protectTags: [], productionTags: [], protectNamePatterns: [], minAgeDays: 0 };

    // Act
    const [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [scenario.groups.keep] }))).SecurityGroups ?? [];
    const result = await readJson<DeletionResult>(FLOW, scenario.bucket, keys.result);
    const next = await runAudit(settings, { factory, accountId: ACCOUNT, scanners: MOTO_SCANNERS });
    const trail = await readJson<KeptRecord>(FLOW, scenario.bucket, keys.kept);

    // Assess
    const tags = Object.fromEntries((group?.Tags ?? []).map((t) => [t.Key, t.Value]));
    const until = tags['sg-auditor:kept-until'] as string;
    expect(until).toBe(new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10));
    expect(tags['sg-auditor:kept-reason']).toBe('month-end batch <b>x</b> verdict: CANDIDATE');
    expect(result.outcomes.find((o) => o.groupId === scenario.groups.keep)?.reason).toBe(`kept by reviewer until ${until}: month-end batch <b>x</b> verdict: CANDIDATE`);
    expect(result.totals.keptByReviewer).toBe(1);
    expect(trail).toEqual({ until, reason: 'month-end batch <b>x</b> verdict: CANDIDATE', tagged: [scenario.groups.keep], failed: [] });
    const verdict = next.regions[0]?.groups.find((x) => x.groupId === scenario.groups.keep);
    expect(verdict).toMatchObject({ verdict: 'protected', reasons: [`kept by reviewer until ${until}: month-end batch <b>x</b> verdict: CANDIDATE`] });
  });

  it('makes the kept group a candidate again once its kept-until date has passed (clock injected)', async () => {
    // Prepare
    const settings = { regions: [FLOW], skipSources: [], protectTags: [], productionTags: [], protectNamePatterns: [], minAgeDays: 0 };
    const [group] = (await new EC2Client({ region: FLOW }).send(new DescribeSecurityGroupsCommand({ GroupIds: [scenario.groups.keep] }))).SecurityGroups ?? [];
    const until = group?.Tags?.find((t) => t.Key === 'sg-auditor:kept-until')?.Value as string;
    const dayAfter = new Date(Date.parse(`${until}T00:00:00Z`) + 86400_000);

    // Act
    const lastDay = await runAudit(settings, { factory, accountId: ACCOUNT, scanners: MOTO_SCANNERS, now: () => new Date(dayAfter.getTime() - 1) });
    const later = await runAudit(settings, { factory, accountId: ACCOUNT, scanners: MOTO_SCANNERS, now: () => dayAfter });

    // Assess
    expect(lastDay.regions[0]?.groups.find((x) => x.groupId === scenario.groups.keep)?.verdict).toBe('protected');
    const verdict = later.regions[0]?.groups.find((x) => x.groupId === scenario.groups.keep);
    expect(verdict?.verdict).toBe('candidate');
    expect(verdict?.reasons.join('; ')).toContain(`was kept by reviewer until ${until}, which has passed`);
  });

  it("has each region's pre-delete backup and every revocation, with the rules, in the trail", async () => {
    // Act
    const keys = deletionKeys(ACCOUNT, scenario.auditId);
    const result = await readJson<DeletionResult>(FLOW, scenario.bucket, keys.result);
    const backup = await readJson<{ groups: Array<{ groupId: string }> }>(FLOW, scenario.bucket, keys.preDeleteBackup(FLOW));

    // Assess
    expect(result.status).toBe('completed');
    expect(result.preDeleteBackups[FLOW]).toBe(`s3://${scenario.bucket}/${keys.preDeleteBackup(FLOW)}`);
    expect(backup.groups.map((x) => x.groupId)).toEqual(expect.arrayContaining([scenario.groups.cycleA, scenario.groups.cycleB]));
    expect(result.revocations.map((r) => [r.groupId, r.status, r.rules[0]?.referencedGroup?.groupId]).sort()).toEqual(
      [
        [scenario.groups.cycleA, 'revoked', scenario.groups.cycleB],
        [scenario.groups.cycleB, 'revoked', scenario.groups.cycleA],
      ].sort(),
    );
    expect(result.totals).toEqual({ deleted: 5, alreadyDeleted: 0, skipped: 0, failed: 0, keptByReviewer: 1 });
    expect(app.emails.map((e) => e.subject)).toEqual([`[sg-auditor] ${ACCOUNT}: 5 security groups deleted`]);
  });

  it('shows the result on a later GET of the used link', async () => {
    // Act
    const again = await handleEvent(get(scenario), 'r6', () => app.front, app.logger);

    // Assess
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('Deletion result');
    expect(again.body).toContain('5 deleted, 0 skipped, 0 failed, 1 kept by reviewer');
  });

  it('refuses a reused link with a 4xx and starts nothing', async () => {
    // Act
    const out = await handleEvent(post(tokenOf(scenario), [], '6'), 'r7', () => app.front, app.logger);

    // Assess
    expect(out.statusCode).toBe(409);
    expect((await existingGroups(FLOW)).has(scenario.groups.keep)).toBe(true);
  });
});

describe('a task that fails', () => {
  it('ends in an ABORTED trail and email, and nothing else is deleted', async () => {
    // Prepare
    const scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, FAIL, 'wffail');
    let calls = 0;
    const app: ReturnType<typeof localApproval> = localApproval(scenario, {
      factory,
      chunkSize: 1,
      handlers: {
        // The first batch deletes one group (budget 0 stops it after a chunk); the next one fails.
        [DELETION_STATES.batch]: async (input: RegionInput) => {
          calls += 1;
          if (calls > 1) throw Object.assign(new Error('forced failure'), { name: 'ForcedFailure' });
          return deleteBatch(input, { ...app.tasks, batchBudgetMs: 0 });
        },
      },
    });
    const before = await existingGroups(FAIL);

    // Act
    await handleEvent(post(tokenOf(scenario), [], '4'), 'f1', () => app.front, app.logger);
    await app.workflow.executions.settled();

    // Assess
    const result = await readJson<DeletionResult>(FAIL, scenario.bucket, deletionKeys(ACCOUNT, scenario.auditId).result);
    expect(result.status).toBe('aborted');
    expect(result.abortReason).toContain('ForcedFailure');
    const deleted = result.outcomes.filter((o) => o.outcome === 'deleted').map((o) => o.groupId);
    expect(deleted).toHaveLength(1);
    const after = await existingGroups(FAIL);
    expect([...before].filter((id) => !after.has(id))).toEqual(deleted);
    expect(app.emails.map((e) => e.subject)).toEqual([expect.stringContaining('ABORTED')]);
    expect(app.workflow.executions.status(deletionExecutionName({ accountId: ACCOUNT, auditId: scenario.auditId }))).toBe('FAILED');
  });
});

describe('a batch that times out mid-call', () => {
  it('resumes in the next attempt and deletes no group twice', async () => {
    // Prepare
    const scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, TIMEOUT, 'wftime');
    const sent = countDeletes(TIMEOUT);
    let attempts = 0;
    const app: ReturnType<typeof localApproval> = localApproval(scenario, {
      factory,
      chunkSize: 1,
      handlers: {
        [DELETION_STATES.batch]: async (input: RegionInput) => {
          attempts += 1;
          if (attempts > 1) return deleteBatch(input, app.tasks);
          // The first attempt's second DeleteSecurityGroup reaches EC2, then the batch is killed
          // before it records the answer: Step Functions sees States.Timeout and retries.
          const ec2 = factory.forRegion(TIMEOUT).get(EC2Client);
          let deletes = 0;
          const hang = new Promise<never>(() => undefined);
          ec2.middlewareStack.add(
            (next, context) => async (args) => {
              const out = await next(args);
              if (context.commandName === DeleteSecurityGroupCommand.name && (deletes += 1) === 2) await hang;
              return out;
            },
            { step: 'initialize', name: 'killAfterSecondDelete' },
          );
          let timer: NodeJS.Timeout | undefined;
          const killed = new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              ec2.middlewareStack.remove('killAfterSecondDelete');
              reject(Object.assign(new Error('Task timed out'), { name: 'States.Timeout' }));
            }, 1500);
          });
          try {
            return await Promise.race([deleteBatch(input, app.tasks), killed]);
          } finally {
            clearTimeout(timer);
          }
        },
      },
    });

    // Act
    await handleEvent(post(tokenOf(scenario), [], '4'), 't1', () => app.front, app.logger);
    await app.workflow.executions.settled();

    // Assess
    expect(attempts).toBe(2);
    const g = scenario.groups;
    const approved = [g.referencing, g.referenced, g.hostile, g.keep];
    const left = await existingGroups(TIMEOUT);
    expect(approved.filter((id) => left.has(id))).toEqual([]);
    expect(sent.sort()).toEqual([...approved].sort());
    const result = await readJson<DeletionResult>(TIMEOUT, scenario.bucket, deletionKeys(ACCOUNT, scenario.auditId).result);
    expect(result.outcomes.filter((o) => o.reason.includes('confirmed gone'))).toHaveLength(1);
    expect(result.status).toBe('completed');
  });
});
