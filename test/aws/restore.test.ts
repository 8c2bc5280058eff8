import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { BackupFormatError, findBackupGroup, parseBackup, restoreGroup } from '../../lambda/aws/restore';
import type { GroupRecord } from '../../lambda/core/model';
import { awsError } from '../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

beforeEach(() => {
  ec2.reset();
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

describe('restoreGroup', () => {
  it('recreates the group with its tags, minus aws: keys, plus the original id', async () => {
    // Act
    const result = await restoreGroup(saved(), new ClientFactory().forRegion('eu-west-1'));

    // Assess
    expect(result.newGroupId).toBe('sg-0new');
    expect(ec2).toHaveReceivedCommandWith(CreateSecurityGroupCommand, {
      GroupName: 'billing-db',
      Description: 'billing database',
      VpcId: 'vpc-1',
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'team', Value: 'billing' }, { Key: 'sg-auditor:restored-from', Value: 'sg-0a1d' }] }],
    });
  });

  it('restores each rule, pointing a self-reference at the new group', async () => {
    // Act
    await restoreGroup(saved(), new ClientFactory().forRegion('eu-west-1'));

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

  it('reports a rule whose referenced group no longer exists and restores the others', async () => {
    // Prepare
    ec2
      .on(AuthorizeSecurityGroupIngressCommand, { IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-0d0e', UserId: '123456789012' }] }] })
      .rejects(awsError('InvalidGroup.NotFound', "The security group 'sg-0d0e' does not exist"));

    // Act
    const result = await restoreGroup(saved(), new ClientFactory().forRegion('eu-west-1'));

    // Assess
    expect(result.failedRules).toEqual([{ rule: 'tcp 5432 from sg-0d0e (account 123456789012)', code: 'InvalidGroup.NotFound', message: "The security group 'sg-0d0e' does not exist" }]);
    expect(result.restoredRules).toBe(4);
  });

  it('revokes the default egress when the original had no allow-all egress', async () => {
    // Act
    const result = await restoreGroup(saved(), new ClientFactory().forRegion('eu-west-1'));

    // Assess
    expect(result.revokedDefaultEgress).toBe(true);
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupEgressCommand, {
      GroupId: 'sg-0new',
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
  });

  it('keeps the default egress when the original allowed all egress', async () => {
    // Prepare
    const group = saved({ egress: [{ ruleId: 'sgr-9', isEgress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }] });

    // Act
    const result = await restoreGroup(group, new ClientFactory().forRegion('eu-west-1'));

    // Assess
    expect(result.revokedDefaultEgress).toBe(false);
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupEgressCommand);
    expect(ec2).not.toHaveReceivedCommand(AuthorizeSecurityGroupEgressCommand);
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
