import { DeleteSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { kmsMac } from '../../lambda/aws/signer';
import { selectionSha256 } from '../../lambda/core/approval-auth';
import { deletionExecutionName } from '../../lambda/core/deletion-contract';
import type { DeletionResult } from '../../lambda/core/deletion-plan';
import { approvalLockKey, deletionKeys } from '../../lambda/core/s3-keys';
import { signToken, type TokenPayload } from '../../lambda/core/token';
import { existingGroups, localApproval, seedApprovalScenario, type ApprovalScenario } from '../helpers/approve-moto';

/**
 * The deletion workflow acts only on an approval it can authenticate: executions started on a
 * lock that the front did not write (written straight to S3) delete nothing and leave a REFUSED
 * trail. Region of this file (test/integration/README.md): ap-southeast-4.
 */
const REGION = 'ap-southeast-4';
const ACCOUNT = '123456789012';

const factory = new ClientFactory();
afterAll(() => factory.destroy());

const deletes: string[] = [];
factory
  .forRegion(REGION)
  .get(EC2Client)
  .middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === DeleteSecurityGroupCommand.name) deletes.push((args.input as { GroupId: string }).GroupId);
      return next(args);
    },
    { step: 'initialize', name: 'countDeletes' },
  );

const s3 = () => new S3Client({ region: REGION, forcePathStyle: true });
const tokenOf = (scenario: ApprovalScenario) => new URL(scenario.link).searchParams.get('t') as string;
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as TokenPayload;
const selectionOf = (scenario: ApprovalScenario) => [scenario.groups.referencing, scenario.groups.referenced, scenario.groups.hostile];

/** A lock as the front writes it, for `token`, with the selection hash the lock claims. */
function lockFor(scenario: ApprovalScenario, token: string, selection = selectionOf(scenario), hashedSelection = selection) {
  const reportSha256 = payloadOf(tokenOf(scenario)).reportSha256;
  const base = { accountId: ACCOUNT, auditId: scenario.auditId, reportSha256 };
  return {
    ...base,
    takenAt: new Date().toISOString(),
    sourceIp: '203.0.113.9',
    selection,
    token,
    selectionSha256: selectionSha256({ ...base, selection: hashedSelection }),
  };
}

async function putLock(scenario: ApprovalScenario, lock: unknown): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: scenario.bucket, Key: approvalLockKey(ACCOUNT, scenario.auditId), Body: JSON.stringify(lock), IfNoneMatch: '*' }));
}

async function readText(scenario: ApprovalScenario, key: string): Promise<string> {
  const out = await s3().send(new GetObjectCommand({ Bucket: scenario.bucket, Key: key }));
  return (await out.Body?.transformToString()) ?? '';
}

async function exists(scenario: ApprovalScenario, key: string): Promise<boolean> {
  try {
    await s3().send(new HeadObjectCommand({ Bucket: scenario.bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

/** Starts the deletion state machine straight on the lock (as anyone allowed StartExecution could). */
async function startOnLock(scenario: ApprovalScenario, lock: unknown) {
  const app = localApproval(scenario, { factory });
  await putLock(scenario, lock);
  await app.workflow.startDeletion({ accountId: ACCOUNT, auditId: scenario.auditId });
  await app.workflow.executions.settled();
  const keys = deletionKeys(ACCOUNT, scenario.auditId);
  return {
    app,
    keys,
    result: JSON.parse(await readText(scenario, keys.result)) as DeletionResult,
    log: await readText(scenario, keys.log),
  };
}

async function signed(scenario: ApprovalScenario, changes: Partial<TokenPayload>): Promise<string> {
  return signToken({ ...payloadOf(tokenOf(scenario)), ...changes }, kmsMac(new KMSClient({ region: REGION }), scenario.env.MAC_KEY_ID as string));
}

describe('an execution started on a lock the approval front did not write', () => {
  beforeEach(() => {
    deletes.length = 0;
  });

  it('deletes nothing and writes a REFUSED trail and email when the lock is forged (no valid MAC)', async () => {
    // Prepare: the link's payload with a MAC made up by the forger.
    const scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'rfforged');
    const forged = `${tokenOf(scenario).split('.')[0] as string}.${Buffer.alloc(32, 7).toString('base64url')}`;

    // Act
    const { app, keys, result, log } = await startOnLock(scenario, lockFor(scenario, forged));

    // Assess
    expect(deletes).toEqual([]);
    const left = await existingGroups(REGION);
    expect(selectionOf(scenario).filter((id) => !left.has(id))).toEqual([]);
    expect(result).toMatchObject({ status: 'refused', totals: { deleted: 0, alreadyDeleted: 0, skipped: 0, failed: 0, keptByReviewer: 0 } });
    expect(result.refuseReason).toContain('not valid (bad-signature)');
    expect(log).toContain('REFUSED: the signed link in the approval lock is not valid (bad-signature)');
    expect(await exists(scenario, keys.started)).toBe(false);
    expect(app.emails.map((e) => e.subject)).toEqual([`[sg-auditor] ${ACCOUNT}: deletion for audit ${scenario.auditId} REFUSED (nothing deleted)`]);
    expect(app.workflow.executions.status(deletionExecutionName({ accountId: ACCOUNT, auditId: scenario.auditId }))).toBe('FAILED');
  });

  it('deletes nothing and writes a REFUSED trail when the lock has no signed link at all', async () => {
    // Prepare
    const scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'rfnolink');
    const withoutToken: Partial<ReturnType<typeof lockFor>> = lockFor(scenario, tokenOf(scenario));
    delete withoutToken.token;

    // Act
    const { result } = await startOnLock(scenario, withoutToken);

    // Assess
    expect(deletes).toEqual([]);
    expect(result.status).toBe('refused');
    expect(result.refuseReason).toContain('carries no signed link');
  });

  it('deletes nothing and writes a REFUSED trail when the lock holds a valid link of another audit', async () => {
    // Prepare: correctly signed with the deployment's key, but for another audit id.
    const scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'rfaudit');
    const other = await signed(scenario, { auditId: '2026-01-01T02-00-00Z-aaaaaa' });

    // Act
    const { result, log } = await startOnLock(scenario, lockFor(scenario, other));

    // Assess
    expect(deletes).toEqual([]);
    expect(result.status).toBe('refused');
    expect(result.refuseReason).toContain('holds the link of another audit or account');
    expect(log).toContain('REFUSED');
    const left = await existingGroups(REGION);
    expect(selectionOf(scenario).filter((id) => !left.has(id))).toEqual([]);
  });

  it('deletes nothing and writes a REFUSED trail when the lock holds a valid link of another account', async () => {
    // Prepare
    const scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'rfaccount');
    const other = await signed(scenario, { accountId: '210987654321' });

    // Act
    const { result } = await startOnLock(scenario, lockFor(scenario, other));

    // Assess
    expect(deletes).toEqual([]);
    expect(result.status).toBe('refused');
    expect(result.refuseReason).toContain('holds the link of another audit or account (210987654321/');
  });

  it("deletes nothing and writes a REFUSED trail when the lock's selection was changed after it was hashed", async () => {
    // Prepare: the real link, a selection widened to the group the reviewer kept.
    const scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'rfselect');
    const widened = [...selectionOf(scenario), scenario.groups.keep];

    // Act
    const { result } = await startOnLock(scenario, lockFor(scenario, tokenOf(scenario), widened, selectionOf(scenario)));

    // Assess
    expect(deletes).toEqual([]);
    expect(result.status).toBe('refused');
    expect(result.refuseReason).toContain('does not match its hash');
    const left = await existingGroups(REGION);
    expect(widened.filter((id) => !left.has(id))).toEqual([]);
  });

  it('deletes nothing when the lock was written after its link expired', async () => {
    // Prepare: a correctly signed link that expired a minute ago, written to S3 now.
    const scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'rfexpired');
    const expired = await signed(scenario, { exp: Math.floor(Date.now() / 1000) - 60 });

    // Act
    const { result } = await startOnLock(scenario, lockFor(scenario, expired));

    // Assess
    expect(deletes).toEqual([]);
    expect(result.status).toBe('refused');
    expect(result.refuseReason).toContain('(expired)');
  });
});
