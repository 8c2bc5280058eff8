import {
  AuthorizeSecurityGroupIngressCommand,
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { inUseNow, runRegionBatch } from '../../lambda/aws/deleter';
import { planDeletion } from '../../lambda/core/deletion-plan';
import { mergeCheckpoints, type BatchCheckpoint } from '../../lambda/core/deletion-progress';
import { candidate, regionReport } from '../helpers/audit-report';
import { awsError } from '../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);
beforeEach(() => {
  ec2.reset();
  // The batch's re-check right before deleting: nothing attached unless a test says so.
  ec2.on(DescribeNetworkInterfacesCommand).resolves({});
  ec2.on(DescribeInstancesCommand).resolves({});
  ec2.on(DescribeSecurityGroupsCommand).resolves({});
});

const refRule = (to: string) => ({ ruleId: `sgr-to-${to}`, isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, referencedGroup: { groupId: to } });

function planOf(groups: ReturnType<typeof candidate>[]) {
  return planDeletion(groups, [], [regionReport('us-east-1', groups)]).regions[0] as NonNullable<ReturnType<typeof planDeletion>['regions'][0]>;
}

/** A clock that moves 1 s per call slept or made, so a budget runs out after a few calls. */
function fakeTime() {
  let now = 0;
  return { clock: () => now, sleep: async (ms: number) => void (now += ms), tick: () => (now += 1000) };
}

describe('runRegionBatch', () => {
  it('stops at its budget and a second batch resumes, deleting every group exactly once', async () => {
    // Prepare
    const time = fakeTime();
    ec2.on(DeleteSecurityGroupCommand).callsFake(() => {
      time.tick();
      return {};
    });
    const plan = planOf(['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5'].map((id) => candidate(id)));
    const saved: BatchCheckpoint[] = [];
    const io = { save: async (cp: BatchCheckpoint) => void saved.push(structuredClone(cp)) };
    const options = { chunkSize: 2, concurrency: 1, callsPerSecond: 1e6, budgetMs: 1500, clock: time.clock, sleep: time.sleep };

    // Act
    const first = await runRegionBatch(plan, mergeCheckpoints([]), new EC2Client({}), io, { ...options, batchId: 'b1' });
    const second = await runRegionBatch(plan, mergeCheckpoints([first.checkpoint]), new EC2Client({}), io, { ...options, budgetMs: 1e9, batchId: 'b2' });

    // Assess
    expect(first.done).toBe(false);
    expect(second.done).toBe(true);
    const deleted = ec2.commandCalls(DeleteSecurityGroupCommand).map((c) => c.args[0].input.GroupId);
    expect(deleted.sort()).toEqual(['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5']);
    expect(saved.some((cp) => cp.inFlight.length > 0)).toBe(true);
  });

  it('checks a group left in flight by a stopped batch and records it deleted without deleting it again', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-2' }] });
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    const plan = planOf([candidate('sg-1'), candidate('sg-2')]);
    const stopped: BatchCheckpoint = { region: 'us-east-1', batchId: 'b1', startedAt: '1', updatedAt: '1', outcomes: [], revocations: [], inFlight: ['sg-1', 'sg-2'] };

    // Act
    const result = await runRegionBatch(plan, mergeCheckpoints([stopped]), new EC2Client({}), { save: async () => undefined }, { batchId: 'b2', callsPerSecond: 1e6 });

    // Assess
    expect(ec2.commandCalls(DeleteSecurityGroupCommand).map((c) => c.args[0].input.GroupId)).toEqual(['sg-2']);
    expect(result.progress.outcomes.get('sg-1')).toMatchObject({ outcome: 'deleted', reason: expect.stringContaining('confirmed gone') });
  });

  it("records a cycle's revoked rules on the outcome of a group whose deletion then failed", async () => {
    // Prepare
    const a = candidate('sg-a', 'us-east-1', { ingress: [refRule('sg-b')] });
    const b = candidate('sg-b', 'us-east-1', { ingress: [refRule('sg-a')] });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({});
    ec2.on(DeleteSecurityGroupCommand, { GroupId: 'sg-a' }).rejects(awsError('UnauthorizedOperation'));
    ec2.on(DeleteSecurityGroupCommand, { GroupId: 'sg-b' }).resolves({});

    // Act
    const result = await runRegionBatch(planOf([a, b]), mergeCheckpoints([]), new EC2Client({}), { save: async () => undefined }, { batchId: 'b1', callsPerSecond: 1e6 });

    // Assess
    expect(result.progress.outcomes.get('sg-a')).toMatchObject({ outcome: 'failed', revokedRules: [refRule('sg-b')] });
    expect([...result.progress.revocations.values()].map((r) => [r.groupId, r.status]).sort()).toEqual([
      ['sg-a', 'revoked'],
      ['sg-b', 'revoked'],
    ]);
  });

  it('starts nothing once the deletion was stopped elsewhere', async () => {
    // Prepare
    ec2.on(DeleteSecurityGroupCommand).resolves({});

    // Act
    const result = await runRegionBatch(planOf([candidate('sg-1')]), mergeCheckpoints([]), new EC2Client({}), { save: async () => undefined, stopped: async () => true }, { batchId: 'b1' });

    // Assess
    expect(result).toMatchObject({ done: false, stopped: true });
    expect(ec2).not.toHaveReceivedCommand(DeleteSecurityGroupCommand);
  });
});

describe("each batch's re-check of its own groups right before deleting", () => {
  const run = (groups: ReturnType<typeof candidate>[]) =>
    runRegionBatch(planOf(groups), mergeCheckpoints([]), new EC2Client({}), { save: async () => undefined }, { batchId: 'b1', callsPerSecond: 1e6 });

  it('skips a group attached to a network interface since the re-audit, with the reason, and deletes the others', async () => {
    // Prepare
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-new', InterfaceType: 'lambda', Groups: [{ GroupId: 'sg-2' }] }] });

    // Act
    const result = await run([candidate('sg-1'), candidate('sg-2')]);

    // Assess
    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, { Filters: [{ Name: 'group-id', Values: ['sg-1', 'sg-2'] }] });
    expect(ec2).not.toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-2' });
    expect(result.progress.outcomes.get('sg-2')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('now in use: attached to network interface eni-new') });
    expect(result.progress.outcomes.get('sg-1')?.outcome).toBe('deleted');
  });

  it('keeps every re-check request within EC2\'s 200 filter values a call, the instance query\'s live states included, and asks about every group', async () => {
    // Prepare: 450 groups asked about at once (a batch asks chunkSize at a time; the function takes any number).
    const ids = Array.from({ length: 450 }, (_, i) => `sg-${i.toString(16).padStart(17, '0')}`);

    // Act
    await inUseNow(new EC2Client({}), ids, new Set());

    // Assess
    const filterCalls = ec2.calls().map((c) => (c.args[0].input as { Filters?: Array<{ Values?: string[] }> }).Filters ?? []);
    const valuesPerCall = filterCalls.map((filters) => filters.reduce((n, f) => n + (f.Values?.length ?? 0), 0));
    expect(Math.max(...valuesPerCall)).toBeLessThanOrEqual(200);
    const askedOfInstances = ec2.commandCalls(DescribeInstancesCommand).flatMap((c) => c.args[0].input.Filters?.find((f) => f.Name === 'instance.group-id')?.Values ?? []);
    expect(new Set(askedOfInstances).size).toBe(450);
  });

  it('skips a group used by an EC2 instance since the re-audit', async () => {
    // Prepare
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-new', SecurityGroups: [{ GroupId: 'sg-1' }] }] }] });

    // Act
    const result = await run([candidate('sg-1')]);

    // Assess
    expect(ec2).not.toHaveReceivedCommand(DeleteSecurityGroupCommand);
    expect(result.progress.outcomes.get('sg-1')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('EC2 instance i-new') });
  });

  it('skips a group that a rule of a group outside the deletion started referencing', async () => {
    // Prepare
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [{ GroupId: 'sg-app', GroupName: 'app', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-1' }] }] }],
    });

    // Act
    const result = await run([candidate('sg-1')]);

    // Assess
    expect(ec2).not.toHaveReceivedCommand(DeleteSecurityGroupCommand);
    expect(result.progress.outcomes.get('sg-1')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('referenced by a rule of sg-app') });
  });

  it('revokes no rule of a reference cycle whose member became used, and deletes neither member', async () => {
    // Prepare
    const a = candidate('sg-a', 'us-east-1', { ingress: [refRule('sg-b')] });
    const b = candidate('sg-b', 'us-east-1', { ingress: [refRule('sg-a')] });
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({});
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-new', Groups: [{ GroupId: 'sg-a' }] }] });

    // Act
    const result = await run([a, b]);

    // Assess
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
    expect(ec2).not.toHaveReceivedCommand(DeleteSecurityGroupCommand);
    expect(result.progress.outcomes.get('sg-a')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('eni-new') });
    expect(result.progress.outcomes.get('sg-b')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('still referenced by rules of sg-a') });
  });

  it("adds a cycle's revoked rules back to a member whose deletion then failed", async () => {
    // Prepare
    const a = candidate('sg-a', 'us-east-1', { ingress: [refRule('sg-b')] });
    const b = candidate('sg-b', 'us-east-1', { ingress: [refRule('sg-a')] });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({});
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({});
    ec2.on(DeleteSecurityGroupCommand, { GroupId: 'sg-a' }).rejects(awsError('UnauthorizedOperation'));
    ec2.on(DeleteSecurityGroupCommand, { GroupId: 'sg-b' }).rejects(awsError('UnauthorizedOperation'));

    // Act
    const result = await run([a, b]);

    // Assess
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: 'sg-a',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-b' }] }],
    });
    expect(result.progress.revocations.get('sg-a')?.readded).toEqual({ added: 1, failed: [] });
    expect(result.progress.outcomes.get('sg-a')).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('its revoked rules were added back') });
  });

  it('adds back nothing to a member that was deleted', async () => {
    // Prepare
    const a = candidate('sg-a', 'us-east-1', { ingress: [refRule('sg-b')] });
    const b = candidate('sg-b', 'us-east-1', { ingress: [refRule('sg-a')] });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({});
    ec2.on(DeleteSecurityGroupCommand).resolves({});

    // Act
    const result = await run([a, b]);

    // Assess
    expect(ec2).not.toHaveReceivedCommand(AuthorizeSecurityGroupIngressCommand);
    expect([...result.progress.outcomes.values()].map((o) => o.outcome)).toEqual(['deleted', 'deleted']);
  });
});
