import { DescribeInstanceConnectEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { instanceConnectEndpointsScanner } from '../../../lambda/aws/scanners/instance-connect-endpoints';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

beforeEach(() => ec2.reset());

describe('instance-connect-endpoints scanner', () => {
  it('marks a group of an Instance Connect endpoint as in use, naming the endpoint', async () => {
    // Prepare
    ec2.on(DescribeInstanceConnectEndpointsCommand).resolves({
      InstanceConnectEndpoints: [
        {
          InstanceConnectEndpointId: 'eice-0abc',
          State: 'create-complete',
          SubnetId: 'subnet-1',
          VpcId: 'vpc-1',
          Tags: [{ Key: 'Name', Value: 'bastion-replacement' }],
          SecurityGroupIds: ['sg-used'],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(instanceConnectEndpointsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'instance-connect-endpoints',
      resourceType: 'EC2 Instance Connect endpoint',
      resourceId: 'eice-0abc',
      resourceName: 'bastion-replacement',
      detail: 'state create-complete, subnet-1',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('ignores a deleted endpoint but counts one whose deletion failed', async () => {
    ec2.on(DescribeInstanceConnectEndpointsCommand).resolves({
      InstanceConnectEndpoints: [
        { InstanceConnectEndpointId: 'eice-gone', State: 'delete-complete', SecurityGroupIds: ['sg-gone'] },
        { InstanceConnectEndpointId: 'eice-stuck', State: 'delete-failed', SecurityGroupIds: ['sg-stuck'] },
      ],
    });

    const result = await scanAndClassify(instanceConnectEndpointsScanner, [group('sg-gone'), group('sg-stuck')]);

    expect(result.verdictOf('sg-gone').verdict).toBe('candidate');
    expect(result.verdictOf('sg-stuck').verdict).toBe('in-use');
  });

  it('asks for 50 per page, the API maximum, and follows NextToken to the last page', async () => {
    ec2
      .on(DescribeInstanceConnectEndpointsCommand)
      .resolvesOnce({ InstanceConnectEndpoints: [], NextToken: 'page-2' })
      .resolvesOnce({ InstanceConnectEndpoints: [{ InstanceConnectEndpointId: 'eice-late', SecurityGroupIds: ['sg-late'] }] });

    const result = await scanAndClassify(instanceConnectEndpointsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedNthCommandWith(1, DescribeInstanceConnectEndpointsCommand, { MaxResults: 50 });
    expect(ec2).toHaveReceivedNthCommandWith(2, DescribeInstanceConnectEndpointsCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ec2.on(DescribeInstanceConnectEndpointsCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(instanceConnectEndpointsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
