import { DeleteSecurityGroupCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, RevokeSecurityGroupIngressCommand, DescribeNetworkInterfacesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { executePlan, runDeletion, SelectionError } from '../../lambda/aws/deleter';
import type { Scanner } from '../../lambda/aws/scanners/types';
import { planDeletion } from '../../lambda/core/deletion-plan';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';
import { awsError } from '../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);
const fast = { sleep: async () => undefined, backoffMs: () => 0 };

beforeEach(() => {
  ec2.reset();
  // The batch's re-check right before deleting: nothing attached unless a test says so.
  ec2.on(DescribeNetworkInterfacesCommand).resolves({});
  ec2.on(DescribeInstancesCommand).resolves({});
  ec2.on(DescribeSecurityGroupsCommand).resolves({});
  ssm.reset();
  ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
});

const refRule = (to: string) => ({ ruleId: `sgr-to-${to}`, isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, referencedGroup: { groupId: to } });

function planFor(ids: string[]) {
  const groups = ids.map((id) => candidate(id));
  return planDeletion(groups, [], [regionReport('us-east-1', groups)]);
}

describe('executePlan', () => {
  it('counts InvalidGroup.NotFound as done', async () => {
    // Prepare
    ec2.on(DeleteSecurityGroupCommand).rejects(awsError('InvalidGroup.NotFound'));

    // Act
    const { outcomes } = await executePlan(planFor(['sg-a']), new ClientFactory(), fast);

    // Assess
    expect(outcomes).toEqual([expect.objectContaining({ groupId: 'sg-a', outcome: 'already-deleted', reason: expect.stringContaining('already deleted') })]);
  });

  it('retries DependencyViolation with backoff, then reports the failure', async () => {
    // Prepare
    ec2.on(DeleteSecurityGroupCommand).rejects(awsError('DependencyViolation', 'resource sg-a has a dependent object'));
    const waits: number[] = [];

    // Act
    const { outcomes } = await executePlan(planFor(['sg-a']), new ClientFactory(), {
      maxAttempts: 3,
      callsPerSecond: 1e6,
      backoffMs: (n) => n * 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    // Assess
    expect(ec2).toHaveReceivedCommandTimes(DeleteSecurityGroupCommand, 3);
    expect(waits.filter((w) => w >= 100)).toEqual([100, 200]);
    expect(outcomes[0]).toMatchObject({ outcome: 'failed', attempts: 3, reason: expect.stringContaining('DependencyViolation after 3 attempts') });
  });

  it('succeeds when a DependencyViolation clears on retry', async () => {
    // Prepare
    ec2.on(DeleteSecurityGroupCommand).rejectsOnce(awsError('DependencyViolation')).resolves({});

    // Act
    const { outcomes } = await executePlan(planFor(['sg-a']), new ClientFactory(), fast);

    // Assess
    expect(outcomes[0]).toMatchObject({ outcome: 'deleted', attempts: 2 });
  });

  it('deletes the referencing group first when both are selected', async () => {
    // Prepare
    const a = candidate('sg-a', 'us-east-1', { ingress: [refRule('sg-b')] });
    const b = candidate('sg-b');
    const order: string[] = [];
    ec2.on(DeleteSecurityGroupCommand).callsFake((input: { GroupId: string }) => {
      order.push(input.GroupId);
      return {};
    });

    // Act
    await executePlan(planDeletion([b, a], [], [regionReport('us-east-1', [a, b])]), new ClientFactory(), fast);

    // Assess
    expect(order).toEqual(['sg-a', 'sg-b']);
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
  });

  it('revokes the rules of a reference cycle before deleting', async () => {
    // Prepare
    const a = candidate('sg-a', 'us-east-1', { ingress: [refRule('sg-b')] });
    const b = candidate('sg-b', 'us-east-1', { ingress: [refRule('sg-a')] });
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({});

    // Act
    const { outcomes } = await executePlan(planDeletion([a, b], [], [regionReport('us-east-1', [a, b])]), new ClientFactory(), fast);

    // Assess
    const mutating = ec2.calls().map((c) => c.args[0].constructor.name).filter((name) => !name.startsWith('Describe'));
    expect(mutating[0]).toBe(RevokeSecurityGroupIngressCommand.name);
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, { GroupId: 'sg-a', SecurityGroupRuleIds: ['sgr-to-sg-b'] });
    expect(outcomes.map((o) => o.outcome)).toEqual(['deleted', 'deleted']);
    expect(outcomes[0]?.revokedRules).toEqual([refRule('sg-b')]);
  });

  it('skips a referenced group when its referrer could not be deleted', async () => {
    // Prepare
    const a = candidate('sg-a', 'us-east-1', { ingress: [refRule('sg-b')] });
    const b = candidate('sg-b');
    ec2.on(DeleteSecurityGroupCommand, { GroupId: 'sg-a' }).rejects(awsError('UnauthorizedOperation'));

    // Act
    const { outcomes } = await executePlan(planDeletion([a, b], [], [regionReport('us-east-1', [a, b])]), new ClientFactory(), fast);

    // Assess
    expect(outcomes).toEqual([
      expect.objectContaining({ groupId: 'sg-a', outcome: 'failed' }),
      expect.objectContaining({ groupId: 'sg-b', outcome: 'skipped', reason: expect.stringContaining('sg-a') }),
    ]);
    expect(ec2).toHaveReceivedCommandTimes(DeleteSecurityGroupCommand, 1);
  });

  it('spaces mutating calls to the configured rate', async () => {
    // Prepare
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    const waits: number[] = [];

    // Act
    await executePlan(planFor(['sg-a', 'sg-b', 'sg-c']), new ClientFactory(), {
      callsPerSecond: 5,
      clock: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    // Assess
    expect(waits).toEqual([200, 400]);
  });
});

describe('runDeletion', () => {
  const usedByInstance: Scanner = {
    source: 'ec2-instances',
    actions: [],
    async scan(_clients, _region, ctx) {
      ctx.found(['sg-0b'], { resourceType: 'EC2 instance', resourceId: 'i-0123' });
    },
  };

  it('skips a group that came into use since the audit and deletes the others', async () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0b')])]);
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: ['sg-0a', 'sg-0b'].map((id) => ({ GroupId: id, GroupName: `old-${id}`, Description: 'x', VpcId: 'vpc-1', OwnerId: '123456789012' })),
    });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    ec2.on(DeleteSecurityGroupCommand).resolves({});

    // Act
    const result = await runDeletion(
      { report, selection: ['sg-0a', 'sg-0b'], settings: { ...report.settings, minAgeDays: 0 }, requester: { via: 'cli' } },
      { factory: new ClientFactory(), scanners: [usedByInstance], deleter: fast },
    );

    // Assess
    expect(ec2).toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-0a' });
    expect(ec2).not.toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-0b' });
    expect(result.outcomes).toContainEqual(expect.objectContaining({ groupId: 'sg-0b', outcome: 'skipped', reason: expect.stringContaining('now in-use') }));
    expect(result.totals).toEqual({ deleted: 1, alreadyDeleted: 0, skipped: 1, failed: 0, keptByReviewer: 0 });
  });

  describe('re-auditing at least as strictly as the signed audit and the current settings', () => {
    const usedByEcs: Scanner = {
      source: 'ecs-services',
      actions: [],
      async scan(_clients, _region, ctx) {
        ctx.found(['sg-0a'], { resourceType: 'ECS service', resourceId: 'arn:aws:ecs:us-east-1:123456789012:service/apps/reports', detail: 'desiredCount 0' });
      },
    };
    const inventory = (tags: Record<string, Record<string, string>>) =>
      ec2.on(DescribeSecurityGroupsCommand).resolves({
        SecurityGroups: ['sg-0a', 'sg-0b'].map((id) => ({
          GroupId: id,
          GroupName: `old-${id}`,
          Description: 'x',
          VpcId: 'vpc-1',
          OwnerId: '123456789012',
          Tags: Object.entries(tags[id] ?? {}).map(([Key, Value]) => ({ Key, Value })),
        })),
      });

    beforeEach(() => {
      ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
      ec2.on(DeleteSecurityGroupCommand).resolves({});
    });

    it('checks a source the signed audit skipped when the current settings do not skip it', async () => {
      // Prepare: the reviewer saw an audit that skipped ecs-services; the deployment no longer does.
      inventory({});
      const base = auditReport([regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0b')])]);
      const report = { ...base, settings: { ...base.settings, skipSources: ['ecs-services' as const], minAgeDays: 0 } };

      // Act
      const result = await runDeletion(
        { report, selection: ['sg-0a', 'sg-0b'], settings: { ...report.settings, skipSources: [] }, requester: { via: 'cli' } },
        { factory: new ClientFactory(), scanners: [usedByEcs], deleter: fast },
      );

      // Assess
      expect(ec2).not.toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-0a' });
      expect(result.outcomes).toContainEqual(expect.objectContaining({ groupId: 'sg-0a', outcome: 'skipped', reason: expect.stringContaining('now in-use') }));
    });

    it('checks a source the signed audit checked even when the current settings skip it', async () => {
      // Prepare: the reviewer saw ecs-services checked; the deployment skips it since.
      inventory({});
      const base = auditReport([regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0b')])]);
      const report = { ...base, settings: { ...base.settings, minAgeDays: 0 } };

      // Act
      const result = await runDeletion(
        { report, selection: ['sg-0a', 'sg-0b'], settings: { ...report.settings, skipSources: ['ecs-services'] }, requester: { via: 'cli' } },
        { factory: new ClientFactory(), scanners: [usedByEcs], deleter: fast },
      );

      // Assess
      expect(result.outcomes).toContainEqual(expect.objectContaining({ groupId: 'sg-0a', outcome: 'skipped', reason: expect.stringContaining('now in-use') }));
    });

    it('keeps the protection tags of the signed report even when the current settings have other ones', async () => {
      // Prepare: sg-0a carries the report's tag, sg-0b the current one, both spelled loosely.
      inventory({ 'sg-0a': { keep: ' YES ' }, 'sg-0b': { donotdelete: 'True' } });
      const base = auditReport([regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0b')])]);
      const report = { ...base, settings: { ...base.settings, protectTags: [{ key: 'Keep', value: 'yes' }], minAgeDays: 0 } };

      // Act
      const result = await runDeletion(
        { report, selection: ['sg-0a', 'sg-0b'], settings: { ...report.settings, protectTags: [{ key: 'DoNotDelete', value: 'true' }] }, requester: { via: 'cli' } },
        { factory: new ClientFactory(), scanners: [], deleter: fast },
      );

      // Assess
      expect(ec2).not.toHaveReceivedCommand(DeleteSecurityGroupCommand);
      expect(result.outcomes.map((o) => [o.groupId, o.outcome])).toEqual([
        ['sg-0a', 'skipped'],
        ['sg-0b', 'skipped'],
      ]);
      expect(result.outcomes[0]?.reason).toContain('now protected: tagged keep= YES  (matches Keep=yes)');
    });

    it('accepts a report signed before the upgrade (schema version 1 settings) and keeps its protection tag', async () => {
      // Prepare: an approval link signed by the previous version carries settings with one protectTag.
      inventory({ 'sg-0a': { Keep: 'yes' } });
      const base = auditReport([regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0b')])]);
      const v1Settings = { regions: ['us-east-1'], skipSources: [], protectTag: { key: 'Keep', value: 'yes' }, protectNamePatterns: [], minAgeDays: 0 };
      const report = { ...base, schemaVersion: 1, settings: v1Settings } as unknown as typeof base;

      // Act
      const result = await runDeletion(
        { report, selection: ['sg-0a', 'sg-0b'], settings: { ...base.settings, minAgeDays: 0 }, requester: { via: 'approval-link' } },
        { factory: new ClientFactory(), scanners: [], deleter: fast },
      );

      // Assess
      expect(result.outcomes).toContainEqual(expect.objectContaining({ groupId: 'sg-0a', outcome: 'skipped', reason: expect.stringContaining('now protected') }));
      expect(ec2).toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-0b' });
    });
  });

  it('refuses a selection outside the candidates before any call', async () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a')])]);

    // Act
    const run = runDeletion({ report, selection: ['sg-0zz'], settings: report.settings, requester: { via: 'cli' } }, { factory: new ClientFactory() });

    // Assess
    await expect(run).rejects.toThrow(SelectionError);
    expect(ec2.calls()).toHaveLength(0);
  });
});
