import {
  DescribeSecurityGroupReferencesCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { peeredReferencesScanner } from '../../../lambda/aws/scanners/peered-references';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

const PEERING = {
  VpcPeeringConnectionId: 'pcx-1',
  Status: { Code: 'active' as const },
  RequesterVpcInfo: { VpcId: 'vpc-peered', OwnerId: '123456789012', Region: 'us-east-1' },
  AccepterVpcInfo: { VpcId: 'vpc-remote', OwnerId: '210987654321', Region: 'us-west-2' },
};

beforeEach(() => {
  ec2.reset();
  ec2.on(DescribeVpcPeeringConnectionsCommand).resolves({ VpcPeeringConnections: [] });
  ec2.on(DescribeTransitGatewayVpcAttachmentsCommand).resolves({ TransitGatewayVpcAttachments: [] });
  ec2.on(DescribeSecurityGroupReferencesCommand).resolves({ SecurityGroupReferenceSet: [] });
});

describe('peered-references scanner', () => {
  it('runs after the first classification', () => {
    expect(peeredReferencesScanner.afterClassify).toBe(true);
  });

  it('marks a candidate referenced from a peered VPC as in use, naming that VPC and the peering', async () => {
    // Prepare
    ec2.on(DescribeVpcPeeringConnectionsCommand).resolves({ VpcPeeringConnections: [PEERING] });
    ec2.on(DescribeSecurityGroupReferencesCommand).resolves({
      SecurityGroupReferenceSet: [{ GroupId: 'sg-ref', ReferencingVpcId: 'vpc-remote', VpcPeeringConnectionId: 'pcx-1' }],
    });
    const groups = [group('sg-ref', { vpcId: 'vpc-peered' }), group('sg-free', { vpcId: 'vpc-peered' })];

    // Act
    const result = await scanAndClassify(peeredReferencesScanner, groups, { candidates: ['sg-ref', 'sg-free'] });

    // Assess
    expect(result.verdictOf('sg-ref').verdict).toBe('in-use');
    expect(result.verdictOf('sg-ref').usages[0]).toMatchObject({
      source: 'peered-references',
      resourceType: 'peered VPC',
      resourceId: 'vpc-remote',
      detail: expect.stringContaining('peering connection pcx-1'),
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupReferencesCommand, { GroupId: ['sg-ref', 'sg-free'] });
  });

  it('asks about every peering and attachment not yet deleted, failed, rejected or expired, 1000 per page', async () => {
    await scanAndClassify(peeredReferencesScanner, [group('sg-a')], { candidates: ['sg-a'] });

    expect(ec2).toHaveReceivedCommandWith(DescribeVpcPeeringConnectionsCommand, {
      MaxResults: 1000,
      Filters: [{ Name: 'status-code', Values: ['initiating-request', 'pending-acceptance', 'provisioning', 'active', 'deleting'] }],
    });
    expect(ec2).toHaveReceivedCommandWith(DescribeTransitGatewayVpcAttachmentsCommand, {
      MaxResults: 1000,
      Filters: [
        {
          Name: 'state',
          Values: [
            'initiating',
            'initiatingRequest',
            'pendingAcceptance',
            'pending',
            'available',
            'modifying',
            'rollingBack',
            'rejecting',
            'deleting',
            'failing',
          ],
        },
      ],
    });
  });

  it('asks about a candidate in a VPC whose peering is being deleted, since its referencing rules may remain', async () => {
    // Prepare
    ec2.on(DescribeVpcPeeringConnectionsCommand).resolves({
      VpcPeeringConnections: [{ ...PEERING, Status: { Code: 'deleting' } }],
    });
    ec2.on(DescribeSecurityGroupReferencesCommand).resolves({
      SecurityGroupReferenceSet: [{ GroupId: 'sg-a', ReferencingVpcId: 'vpc-remote', VpcPeeringConnectionId: 'pcx-1' }],
    });

    // Act
    const result = await scanAndClassify(peeredReferencesScanner, [group('sg-a', { vpcId: 'vpc-peered' })], { candidates: ['sg-a'] });

    // Assess
    expect(result.verdictOf('sg-a').verdict).toBe('in-use');
  });

  it('makes no reference call when no candidate is in a VPC reachable from outside', async () => {
    ec2.on(DescribeVpcPeeringConnectionsCommand).resolves({ VpcPeeringConnections: [PEERING] });

    const result = await scanAndClassify(peeredReferencesScanner, [group('sg-a', { vpcId: 'vpc-isolated' })], { candidates: ['sg-a'] });

    expect(result.scan.status).toBe('ok');
    expect(ec2).not.toHaveReceivedCommand(DescribeSecurityGroupReferencesCommand);
  });

  it('makes no call at all when there are no candidates', async () => {
    const result = await scanAndClassify(peeredReferencesScanner, [group('sg-a', { vpcId: 'vpc-peered' })]);

    expect(result.apiCalls).toBe(0);
  });

  it('asks only about candidates, not about groups already kept', async () => {
    ec2.on(DescribeVpcPeeringConnectionsCommand).resolves({ VpcPeeringConnections: [PEERING] });
    const groups = [group('sg-cand', { vpcId: 'vpc-peered' }), group('sg-kept', { vpcId: 'vpc-peered' })];

    await scanAndClassify(peeredReferencesScanner, groups, { candidates: ['sg-cand'] });

    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupReferencesCommand, { GroupId: ['sg-cand'] });
  });

  it('counts VPCs behind a transit gateway unless the attachment disables group referencing', async () => {
    ec2.on(DescribeTransitGatewayVpcAttachmentsCommand).resolves({
      TransitGatewayVpcAttachments: [
        { TransitGatewayId: 'tgw-1', VpcId: 'vpc-tgw', State: 'available', Options: { SecurityGroupReferencingSupport: 'enable' } },
        { TransitGatewayId: 'tgw-1', VpcId: 'vpc-off', State: 'available', Options: { SecurityGroupReferencingSupport: 'disable' } },
      ],
    });
    ec2.on(DescribeSecurityGroupReferencesCommand).resolves({
      SecurityGroupReferenceSet: [{ GroupId: 'sg-tgw', ReferencingVpcId: 'vpc-spoke', TransitGatewayId: 'tgw-1' }],
    });
    const groups = [group('sg-tgw', { vpcId: 'vpc-tgw' }), group('sg-off', { vpcId: 'vpc-off' })];

    const result = await scanAndClassify(peeredReferencesScanner, groups, { candidates: ['sg-tgw', 'sg-off'] });

    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupReferencesCommand, { GroupId: ['sg-tgw'] });
    expect(result.verdictOf('sg-tgw').usages[0]?.detail).toContain('transit gateway tgw-1');
    expect(result.verdictOf('sg-off').verdict).toBe('candidate');
  });

  it('asks about candidates in chunks of 200 ids', async () => {
    ec2.on(DescribeVpcPeeringConnectionsCommand).resolves({ VpcPeeringConnections: [PEERING] });
    const groups = Array.from({ length: 250 }, (_, i) => group(`sg-${String(i).padStart(3, '0')}`, { vpcId: 'vpc-peered' }));

    await scanAndClassify(peeredReferencesScanner, groups, { candidates: groups.map((g) => g.groupId) });

    expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupReferencesCommand, 2);
    const calls = ec2.commandCalls(DescribeSecurityGroupReferencesCommand).map((c) => c.args[0].input.GroupId?.length);
    expect(calls).toEqual([200, 50]);
  });

  it('follows NextToken through the peering connections', async () => {
    ec2
      .on(DescribeVpcPeeringConnectionsCommand)
      .resolvesOnce({ VpcPeeringConnections: [], NextToken: 'page-2' })
      .resolvesOnce({ VpcPeeringConnections: [PEERING] });

    await scanAndClassify(peeredReferencesScanner, [group('sg-a', { vpcId: 'vpc-peered' })], { candidates: ['sg-a'] });

    expect(ec2).toHaveReceivedNthSpecificCommandWith(2, DescribeVpcPeeringConnectionsCommand, { NextToken: 'page-2' });
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupReferencesCommand, { GroupId: ['sg-a'] });
  });

  it('follows NextToken through the transit gateway attachments', async () => {
    ec2
      .on(DescribeTransitGatewayVpcAttachmentsCommand)
      .resolvesOnce({ TransitGatewayVpcAttachments: [], NextToken: 'page-2' })
      .resolvesOnce({ TransitGatewayVpcAttachments: [{ TransitGatewayId: 'tgw-1', VpcId: 'vpc-tgw', State: 'available' }] });

    await scanAndClassify(peeredReferencesScanner, [group('sg-a', { vpcId: 'vpc-tgw' })], { candidates: ['sg-a'] });

    expect(ec2).toHaveReceivedNthSpecificCommandWith(2, DescribeTransitGatewayVpcAttachmentsCommand, { NextToken: 'page-2' });
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupReferencesCommand, { GroupId: ['sg-a'] });
  });

  it('makes the candidates unknown, never candidates, when the reference call is denied', async () => {
    ec2.on(DescribeVpcPeeringConnectionsCommand).resolves({ VpcPeeringConnections: [PEERING] });
    ec2.on(DescribeSecurityGroupReferencesCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(peeredReferencesScanner, [group('sg-a', { vpcId: 'vpc-peered' })], { candidates: ['sg-a'] });

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['peered-references']);
  });

  it('makes the candidates unknown when listing the peerings is throttled', async () => {
    ec2.on(DescribeVpcPeeringConnectionsCommand).rejects(awsError('RequestLimitExceeded'));

    const result = await scanAndClassify(peeredReferencesScanner, [group('sg-a')], { candidates: ['sg-a'] });

    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
