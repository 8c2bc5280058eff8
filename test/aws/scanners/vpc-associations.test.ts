import { DescribeSecurityGroupVpcAssociationsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { vpcAssociationsScanner } from '../../../lambda/aws/scanners/vpc-associations';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

beforeEach(() => ec2.reset());

describe('vpc-associations scanner', () => {
  it('marks a group associated with another VPC as in use, naming the VPC and the state', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupVpcAssociationsCommand).resolves({
      SecurityGroupVpcAssociations: [{ GroupId: 'sg-used', VpcId: 'vpc-other', VpcOwnerId: '123456789012', State: 'associated', GroupOwnerId: '123456789012' }],
    });

    // Act
    const result = await scanAndClassify(vpcAssociationsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'vpc-associations',
      resourceType: 'VPC association',
      resourceId: 'vpc-other',
      detail: 'state associated, VPC owner 123456789012',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('ignores a disassociated association but counts one still disassociating', async () => {
    ec2.on(DescribeSecurityGroupVpcAssociationsCommand).resolves({
      SecurityGroupVpcAssociations: [
        { GroupId: 'sg-done', VpcId: 'vpc-2', State: 'disassociated' },
        { GroupId: 'sg-leaving', VpcId: 'vpc-3', State: 'disassociating' },
      ],
    });

    const result = await scanAndClassify(vpcAssociationsScanner, [group('sg-done'), group('sg-leaving')]);

    expect(result.verdictOf('sg-done').verdict).toBe('candidate');
    expect(result.verdictOf('sg-leaving').verdict).toBe('in-use');
  });

  it('asks for 1000 per page and follows NextToken to the last page', async () => {
    ec2
      .on(DescribeSecurityGroupVpcAssociationsCommand)
      .resolvesOnce({ SecurityGroupVpcAssociations: [], NextToken: 'page-2' })
      .resolvesOnce({ SecurityGroupVpcAssociations: [{ GroupId: 'sg-late', VpcId: 'vpc-9', State: 'associated' }] });

    const result = await scanAndClassify(vpcAssociationsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedNthCommandWith(1, DescribeSecurityGroupVpcAssociationsCommand, { MaxResults: 1000 });
    expect(ec2).toHaveReceivedNthCommandWith(2, DescribeSecurityGroupVpcAssociationsCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ec2.on(DescribeSecurityGroupVpcAssociationsCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(vpcAssociationsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
