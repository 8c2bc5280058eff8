import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { BackupFormatError, findBackupGroup, parseBackup, restoreGroups } from '../../lambda/aws/restore';
import type { GroupRecord } from '../../lambda/core/model';
import { awsError } from '../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);
const clients = () => new ClientFactory({ maxAttempts: 1 }).forRegion('eu-west-1');

/** The region as DescribeSecurityGroups / DescribeSecurityGroupRules show it now. */
function regionNow(groups: SecurityGroup[], rules: SecurityGroupRule[] = []): void {
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: groups });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: rules });
}

beforeEach(() => {
  ec2.reset();
  regionNow([]);
  ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-0new' });
  ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({});
  ec2.on(AuthorizeSecurityGroupEgressCommand).resolves({});
  ec2.on(RevokeSecurityGroupEgressCommand).resolves({});
});

function saved(overrides: Partial<GroupRecord> = {}): GroupRecord {
  return {
    region: 'eu-west-1',
    groupId: 'sg-0a1d',
    groupName: 'billing-db',
    description: 'billing database',
    vpcId: 'vpc-1',
    ownerId: '123456789012',
    tags: { team: 'billing', 'aws:cloudformation:stack-name': 'x' },
    ingress: [
      { ruleId: 'sgr-1', isEgress: false, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIpv4: '10.0.0.0/8', description: 'vpc' },
      { ruleId: 'sgr-2', isEgress: false, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, referencedGroup: { groupId: 'sg-0d0e', userId: '123456789012' } },
      { ruleId: 'sgr-3', isEgress: false, ipProtocol: '-1', referencedGroup: { groupId: 'sg-0a1d', userId: '123456789012' } },
      { ruleId: 'sgr-4', isEgress: false, ipProtocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: 'pl-1' },
    ],
    egress: [{ ruleId: 'sgr-5', isEgress: true, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv6: '::/0' }],
    ...overrides,
  };
}

const backupJson = (groups: GroupRecord[]) => ({ schemaVersion: 1, auditId: 'a', accountId: '123456789012', createdAt: 'x', groups });

describe('restoreGroups', () => {
  it('recreates the group with its tags, minus aws: keys, plus the original id', async () => {
    // Act
    const [result] = await restoreGroups([saved()], clients());

    // Assess
    expect(result).toMatchObject({ status: 'created', newGroupId: 'sg-0new' });
    expect(ec2).toHaveReceivedCommandWith(CreateSecurityGroupCommand, {
      GroupName: 'billing-db',
      Description: 'billing database',
      VpcId: 'vpc-1',
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'team', Value: 'billing' }, { Key: 'sg-auditor:restored-from', Value: 'sg-0a1d' }] }],
    });
  });

  it('restores each rule with its description, pointing a self-reference at the new group', async () => {
    // Act
    await restoreGroups([saved()], clients());

    // Assess
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: 'sg-0new',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'vpc' }] }],
    });
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: 'sg-0new',
      IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-0new' }] }],
    });
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: 'sg-0new',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-1' }] }],
    });
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupEgressCommand, {
      GroupId: 'sg-0new',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    });
  });

  it('restores a rule with its tags, minus aws: keys', async () => {
    // Prepare
    const group = saved({ ingress: [{ ruleId: 'sgr-1', isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8', tags: { owner: 'ops', 'aws:x': 'y' } }] });

    // Act
    await restoreGroups([group], clients());

    // Assess
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: 'sg-0new',
      TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'owner', Value: 'ops' }] }],
    });
  });

  it('points rules between groups restored together at their new ids', async () => {
    // Prepare
    ec2.on(CreateSecurityGroupCommand, { GroupName: 'app' }).resolves({ GroupId: 'sg-0new1' });
    ec2.on(CreateSecurityGroupCommand, { GroupName: 'db' }).resolves({ GroupId: 'sg-0new2' });
    const app = saved({ groupId: 'sg-0aa', groupName: 'app', ingress: [], egress: [{ ruleId: 'r1', isEgress: true, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, referencedGroup: { groupId: 'sg-0bb', userId: '123456789012' } }] });
    const db = saved({ groupId: 'sg-0bb', groupName: 'db', egress: [], ingress: [{ ruleId: 'r2', isEgress: false, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, referencedGroup: { groupId: 'sg-0aa', userId: '123456789012' }, description: 'from app' }] });

    // Act
    const results = await restoreGroups([app, db], clients());

    // Assess
    expect(results.map((r) => r.failedRules)).toEqual([[], []]);
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupEgressCommand, {
      GroupId: 'sg-0new1',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-0new2' }] }],
    });
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: 'sg-0new2',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-0new1', Description: 'from app' }] }],
    });
  });

  it('creates every group before adding any rule', async () => {
    // Act
    await restoreGroups([saved({ groupId: 'sg-0aa', groupName: 'a' }), saved({ groupId: 'sg-0bb', groupName: 'b' })], clients());

    // Assess
    const names = ec2.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);
    const lastCreate = names.lastIndexOf('CreateSecurityGroupCommand');
    const firstRule = names.findIndex((n) => n.startsWith('Authorize') || n.startsWith('Revoke'));
    expect(lastCreate).toBeLessThan(firstRule);
  });

  it('reports a rule whose referenced group no longer exists, with a hint, and restores the others', async () => {
    // Prepare
    ec2
      .on(AuthorizeSecurityGroupIngressCommand, { IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-0d0e', UserId: '123456789012' }] }] })
      .rejects(awsError('InvalidGroup.NotFound', "The security group 'sg-0d0e' does not exist"));

    // Act
    const [result] = await restoreGroups([saved()], clients());

    // Assess
    expect(result?.failedRules).toEqual([
      {
        rule: 'tcp 5432 from sg-0d0e (account 123456789012)',
        code: 'InvalidGroup.NotFound',
        message: "The security group 'sg-0d0e' does not exist (restore sg-0d0e too, in the same run, then this rule comes back)",
      },
    ]);
    expect(result?.restoredRules).toBe(4);
  });

  it('revokes the default egress when the original had no plain allow-all egress', async () => {
    // Act
    const [result] = await restoreGroups([saved()], clients());

    // Assess
    expect(result?.revokedDefaultEgress).toBe(true);
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupEgressCommand, {
      GroupId: 'sg-0new',
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
  });

  it('revokes the allow-all IPv6 egress a new group starts with (a VPC with an IPv6 CIDR) when the original had none', async () => {
    // Prepare
    regionNow([], [{ GroupId: 'sg-0new', SecurityGroupRuleId: 'sgr-v6', IsEgress: true, IpProtocol: '-1', CidrIpv6: '::/0' }]);

    // Act
    const [result] = await restoreGroups([saved()], clients());

    // Assess
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupEgressCommand, { GroupId: 'sg-0new', SecurityGroupRuleIds: ['sgr-v6'] });
    expect(result?.failedRules).toEqual([]);
  });

  it('keeps the allow-all IPv6 egress a new group starts with when the original had exactly that rule', async () => {
    // Prepare
    regionNow([], [{ GroupId: 'sg-0new', SecurityGroupRuleId: 'sgr-v6', IsEgress: true, IpProtocol: '-1', CidrIpv6: '::/0' }]);
    const group = saved({ egress: [{ ruleId: 'sgr-9', isEgress: true, ipProtocol: '-1', cidrIpv6: '::/0' }] });

    // Act
    await restoreGroups([group], clients());

    // Assess
    expect(ec2).not.toHaveReceivedCommandWith(RevokeSecurityGroupEgressCommand, { GroupId: 'sg-0new', SecurityGroupRuleIds: ['sgr-v6'] });
  });

  it('keeps the default egress when the original had exactly that rule', async () => {
    // Prepare
    const group = saved({ egress: [{ ruleId: 'sgr-9', isEgress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }] });

    // Act
    const [result] = await restoreGroups([group], clients());

    // Assess
    expect(result).toMatchObject({ revokedDefaultEgress: false, presentRules: 1 });
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupEgressCommand);
    expect(ec2).not.toHaveReceivedCommand(AuthorizeSecurityGroupEgressCommand);
  });

  it('replaces the default egress by the saved allow-all when that had a description', async () => {
    // Prepare
    const group = saved({ egress: [{ ruleId: 'sgr-9', isEgress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', description: 'all out' }] });

    // Act
    await restoreGroups([group], clients());

    // Assess
    expect(ec2).toHaveReceivedCommand(RevokeSecurityGroupEgressCommand);
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupEgressCommand, {
      GroupId: 'sg-0new',
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'all out' }] }],
    });
  });

  it('does not recreate a group whose original still exists', async () => {
    // Prepare
    regionNow([{ GroupId: 'sg-0a1d', GroupName: 'billing-db', VpcId: 'vpc-1' }]);

    // Act
    const [result] = await restoreGroups([saved()], clients());

    // Assess
    expect(result?.status).toBe('still-exists');
    expect(ec2).not.toHaveReceivedCommand(CreateSecurityGroupCommand);
    expect(ec2).not.toHaveReceivedCommand(AuthorizeSecurityGroupIngressCommand);
  });

  it('reuses a group restored before (found by its restored-from tag) and adds only what is missing', async () => {
    // Prepare
    regionNow([{ GroupId: 'sg-0old1', GroupName: 'billing-db', VpcId: 'vpc-1', Tags: [{ Key: 'sg-auditor:restored-from', Value: 'sg-0a1d' }] }]);
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.Duplicate', 'already exists'));

    // Act
    const [result] = await restoreGroups([saved()], clients());

    // Assess
    expect(result).toMatchObject({ status: 'already-restored', newGroupId: 'sg-0old1', restoredRules: 1, presentRules: 4, failedRules: [] });
    expect(ec2).not.toHaveReceivedCommand(CreateSecurityGroupCommand);
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupEgressCommand);
  });

  it('revokes the default egress a reused group still has (a run that stopped before)', async () => {
    // Prepare
    regionNow(
      [{ GroupId: 'sg-0old1', GroupName: 'billing-db', VpcId: 'vpc-1', Tags: [{ Key: 'sg-auditor:restored-from', Value: 'sg-0a1d' }] }],
      [{ GroupId: 'sg-0old1', SecurityGroupRuleId: 'sgr-d', IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' }],
    );

    // Act
    const [result] = await restoreGroups([saved()], clients());

    // Assess
    expect(result?.revokedDefaultEgress).toBe(true);
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupEgressCommand, { GroupId: 'sg-0old1' });
  });

  it('points a rule at a group an earlier run restored', async () => {
    // Prepare
    regionNow([{ GroupId: 'sg-0old9', GroupName: 'peer', VpcId: 'vpc-1', Tags: [{ Key: 'sg-auditor:restored-from', Value: 'sg-0d0e' }] }]);

    // Act
    await restoreGroups([saved()], clients());

    // Assess
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: 'sg-0new',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-0old9' }] }],
    });
  });

  it('reports a group it could not create and still restores the others', async () => {
    // Prepare
    ec2.on(CreateSecurityGroupCommand, { GroupName: 'a' }).rejects(awsError('InvalidVpcID.NotFound', 'no vpc'));
    ec2.on(CreateSecurityGroupCommand, { GroupName: 'b' }).resolves({ GroupId: 'sg-0new2' });

    // Act
    const results = await restoreGroups([saved({ groupId: 'sg-0aa', groupName: 'a' }), saved({ groupId: 'sg-0bb', groupName: 'b' })], clients());

    // Assess
    expect(results.map((r) => [r.status, r.newGroupId])).toEqual([
      ['failed', undefined],
      ['created', 'sg-0new2'],
    ]);
    expect(results[0]?.error).toBe('InvalidVpcID.NotFound: no vpc');
  });
});

describe('parseBackup', () => {
  it('rejects a file that is not a backup, naming the field', () => {
    // Act
    const parse = () => parseBackup({ schemaVersion: 1, groups: [{ groupId: 'nope' }] });

    // Assess
    expect(parse).toThrow(BackupFormatError);
    expect(parse).toThrow(/auditId/);
  });

  it('asks for a region when the id appears in several', () => {
    // Prepare
    const backup = parseBackup(backupJson([saved(), saved({ region: 'us-east-1' })]));

    // Act
    const find = () => findBackupGroup(backup, 'sg-0a1d');

    // Assess
    expect(find).toThrow(/--region/);
    expect(findBackupGroup(backup, 'sg-0a1d', 'us-east-1').region).toBe('us-east-1');
  });
});
