import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ApproveDeps, SignIn } from '../../lambda/approve/approve-core';
import { handleEvent } from '../../lambda/approve/http';
import type { LockRecord, PendingApproval } from '../../lambda/aws/approval-store';
import { ClientFactory } from '../../lambda/aws/client-factory';
import type { DeletionExecutionInput, StartedRecord } from '../../lambda/core/deletion-contract';
import { approvalLockKey, deletionKeys, pendingApprovalKey } from '../../lambda/core/s3-keys';
import type { SignInConfig } from '../../lambda/core/signin';
import { FRONT_ORIGIN, urlEvent } from '../helpers/approve-fixtures';
import { existingGroups, localApproval, seedApprovalScenario, type ApprovalScenario } from '../helpers/approve-moto';

/** moto's default account: the scenario's audit and its lock are in it. */
const MOTO_ACCOUNT = '123456789012';

/**
 * Two-person approval (approvalsRequired 2) end to end on moto: the front records the first
 * approver's selection beside the lock, refuses the same person twice, and starts the deletion
 * workflow exactly once, when a second, different approver confirms. Sign-in itself is the
 * browser test's (approval-signin); here a stand-in provider accepts a session naming the person.
 */

const REGION = 'ap-east-1';
const CONFIG: SignInConfig = {
  issuer: 'https://idp.example.com',
  clientId: 'client-1',
  authorizeUrl: 'https://idp.example.com/authorize',
  tokenUrl: 'https://idp.example.com/token',
  jwksUri: 'https://idp.example.com/jwks',
  group: 'approvers',
  groupsClaim: 'groups',
};
const PEOPLE: Record<string, Record<string, unknown>> = {
  alice: { sub: 'sub-alice', email: 'alice@example.com', iss: CONFIG.issuer, groups: ['approvers'] },
  bob: { sub: 'sub-bob', email: 'bob@example.com', iss: CONFIG.issuer, groups: ['approvers'] },
};

const provider: SignIn['provider'] = {
  exchange: async () => undefined,
  verify: async (token) => {
    const claims = PEOPLE[token];
    return claims ? { ok: true, claims, exp: Math.floor(Date.now() / 1000) + 3600 } : { ok: false, problem: 'invalid', message: 'unknown' };
  },
};

const factory = new ClientFactory();
let scenario: ApprovalScenario;
let app: ReturnType<typeof localApproval>;
let deps: ApproveDeps;
const starts: DeletionExecutionInput[] = [];

beforeAll(async () => {
  scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'twoperson');
  app = localApproval(scenario, { factory });
  deps = {
    ...app.front,
    approvalsRequired: 2,
    signIn: async () => ({ config: CONFIG, provider }),
    startDeletion: async (input) => {
      starts.push(input);
      await app.front.startDeletion(input);
    },
  };
}, 60_000);

afterAll(async () => {
  await app?.workflow.executions.settled();
  factory.destroy();
});

const token = () => new URL(scenario.link).searchParams.get('t') as string;
function post(person: string, keep: readonly string[], confirm: string) {
  const form = new URLSearchParams([['t', token()], ...keep.map((id): [string, string] => ['keep', id]), ['confirm', confirm]]);
  return handleEvent(urlEvent('POST', { body: form.toString(), base64: true, headers: { origin: FRONT_ORIGIN, cookie: `sg_session=${person}` } }), 'req', () => deps, app.logger);
}

async function s3Json<T>(key: string): Promise<T | undefined> {
  const s3 = new S3Client({ region: REGION, forcePathStyle: true });
  try {
    await s3.send(new HeadObjectCommand({ Bucket: scenario.bucket, Key: key }));
  } catch {
    return undefined;
  }
  const out = await s3.send(new GetObjectCommand({ Bucket: scenario.bucket, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? 'null') as T;
}

describe('two-person approval on moto', () => {
  it('records one approver\'s selection as pending and starts nothing', async () => {
    // Prepare
    const g = scenario.groups;

    // Act
    const res = await post('alice', [g.keep], '3');
    const page = await handleEvent(urlEvent('GET', { query: `t=${encodeURIComponent(token())}&view=progress`, headers: { cookie: 'sg_session=bob' } }), 'req', () => deps, app.logger);

    // Assess
    expect(res.statusCode).toBe(303);
    const pending = await s3Json<PendingApproval>(pendingApprovalKey(MOTO_ACCOUNT, scenario.auditId));
    expect(pending?.approver).toEqual({ sub: 'sub-alice', email: 'alice@example.com', provider: CONFIG.issuer, approvedAt: expect.any(String) });
    expect(pending?.selection.sort()).toEqual([g.referenced, g.referencing, g.hostile].sort());
    expect(await s3Json<LockRecord>(approvalLockKey(MOTO_ACCOUNT, scenario.auditId))).toBeUndefined();
    expect(starts).toEqual([]);
    expect(page.body).toContain('Pending: first approval by alice@example.com');
    expect(page.body).toContain(`value="${g.keep}" id="k-${g.keep}" checked`);
  });

  it('refuses the same person approving twice, starting nothing', async () => {
    // Prepare
    const g = scenario.groups;

    // Act
    const res = await post('alice', [g.keep], '3');

    // Assess
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('A second approver is needed');
    expect(await s3Json<LockRecord>(approvalLockKey(MOTO_ACCOUNT, scenario.auditId))).toBeUndefined();
    expect(starts).toEqual([]);
  });

  it('refuses a second approver widening the selection to a group the first one kept', async () => {
    // Prepare / Act
    const res = await post('bob', [], '4');

    // Assess
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Selection differs from the first approval');
    expect(starts).toEqual([]);
  });

  it('starts exactly one workflow when a second, different approver confirms a narrower selection, with both approvers in the trail', async () => {
    // Prepare
    const g = scenario.groups;

    // Act
    const res = await post('bob', [g.keep, g.hostile], '2');
    const again = await post('bob', [g.keep], '3');
    await app.workflow.executions.settled();

    // Assess
    expect(res.statusCode).toBe(303);
    expect(again.statusCode).toBe(409);
    expect(starts).toHaveLength(1);
    const lock = await s3Json<LockRecord>(approvalLockKey(MOTO_ACCOUNT, scenario.auditId));
    expect(lock?.selection.sort()).toEqual([g.referenced, g.referencing].sort());
    expect(lock?.approvers?.map((a) => a.email)).toEqual(['alice@example.com', 'bob@example.com']);
    const started = await s3Json<StartedRecord>(deletionKeys(lock?.accountId ?? '', scenario.auditId).started);
    expect(started?.requester.approvers?.map((a) => a.sub)).toEqual(['sub-alice', 'sub-bob']);
    const left = await existingGroups(REGION);
    expect([g.referenced, g.referencing].filter((id) => left.has(id))).toEqual([]);
    expect(left.has(g.hostile)).toBe(true);
    expect(left.has(g.keep)).toBe(true);
  }, 60_000);
});
