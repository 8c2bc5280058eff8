import { DeleteSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { handleEvent } from '../../lambda/approve/http';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { kmsMac } from '../../lambda/aws/signer';
import type { DeletionResult } from '../../lambda/core/deletion-plan';
import { approvalLockKey, deletionKeys } from '../../lambda/core/s3-keys';
import { signToken, type TokenPayload } from '../../lambda/core/token';
import { DELETION_STATES, type RegionInput } from '../../lambda/workflows/deletion/contract';
import { deleteBatch } from '../../lambda/workflows/deletion/tasks';
import { urlEvent } from '../helpers/approve-fixtures';
import { existingGroups, localApproval, seedApprovalScenario, type ApprovalScenario } from '../helpers/approve-moto';

/** Regions of these tests (test/integration/README.md): one scenario each. */
const FLOW = 'ap-northeast-1';
const FAIL = 'ap-northeast-2';
const TIMEOUT = 'ap-south-1';
const ACCOUNT = '123456789012';

const factory = new ClientFactory();
afterAll(() => factory.destroy());

const tokenOf = (scenario: ApprovalScenario) => new URL(scenario.link).searchParams.get('t') as string;
const get = (scenario: ApprovalScenario, token = tokenOf(scenario)) => urlEvent('GET', { query: `t=${encodeURIComponent(token)}` });
function post(token: string, keep: readonly string[], confirm: string) {
  const form = new URLSearchParams([['t', token], ...keep.map((id): [string, string] => ['keep', id]), ['confirm', confirm], ['note', 'retired in OPS-1']]);
  return urlEvent('POST', { body: form.toString(), base64: true });
}

async function readJson<T>(region: string, bucket: string, key: string): Promise<T> {
  const out = await new S3Client({ region, forcePathStyle: true }).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? 'null') as T;
}

async function lockExists(region: string, scenario: ApprovalScenario): Promise<boolean> {
  try {
    await new S3Client({ region, forcePathStyle: true }).send(new HeadObjectCommand({ Bucket: scenario.bucket, Key: approvalLockKey(scenario.auditId) }));
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
    const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}${token.slice(-1)}`;

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

  it('deletes exactly the approved groups (one kept by the reviewer) and writes the trail', async () => {
    // Prepare
    const g = scenario.groups;
    const review = await handleEvent(get(scenario), 'r4', () => app.front, app.logger);

    // Act
    const started = await handleEvent(post(tokenOf(scenario), [g.keep], '5'), 'r5', () => app.front, app.logger);
    await app.workflow.executions.settled();

    // Assess
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain(`value="${g.keep}"`);
    expect(started.statusCode).toBe(200);
    expect(started.body).toContain('Deletion');
    const left = await existingGroups(FLOW);
    expect([g.referenced, g.referencing, g.hostile, g.cycleA, g.cycleB].filter((id) => left.has(id as string))).toEqual([]);
    expect(left.has(g.keep)).toBe(true);
    expect(left.has(g.inUse)).toBe(true);
    expect(app.workflow.executions.status(scenario.auditId)).toBe('SUCCEEDED');
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
    expect(result.totals).toEqual({ deleted: 5, skipped: 0, failed: 0, keptByReviewer: 1 });
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
    expect(app.workflow.executions.status(scenario.auditId)).toBe('FAILED');
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
