import { DescribeVpcEndpointsCommand, EC2Client, type State } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { vpcEndpointsScanner } from '../../../lambda/aws/scanners/vpc-endpoints';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

beforeEach(() => ec2.reset());

describe('vpc-endpoints scanner', () => {
  it('marks a group of an interface endpoint as in use, naming the endpoint and its service', async () => {
    // Prepare
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [
        {
          VpcEndpointId: 'vpce-0abc',
          VpcEndpointType: 'Interface',
          ServiceName: 'com.amazonaws.us-east-1.ssm',
          State: 'Available',
          Tags: [{ Key: 'Name', Value: 'ssm-endpoint' }],
          Groups: [{ GroupId: 'sg-used', GroupName: 'endpoints' }],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(vpcEndpointsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'vpc-endpoints',
      resourceType: 'VPC endpoint',
      resourceId: 'vpce-0abc',
      resourceName: 'ssm-endpoint',
      detail: 'Interface, com.amazonaws.us-east-1.ssm, state Available',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('ignores a deleted endpoint, whatever the case of its state, but counts a rejected one', async () => {
    // The model spells the states capitalised; EC2 and moto answer in lower case.
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [
        { VpcEndpointId: 'vpce-gone', State: 'deleted' as State, Groups: [{ GroupId: 'sg-gone' }] },
        { VpcEndpointId: 'vpce-old', State: 'Deleted', Groups: [{ GroupId: 'sg-gone' }] },
        { VpcEndpointId: 'vpce-rej', State: 'Rejected', Groups: [{ GroupId: 'sg-rejected' }] },
      ],
    });

    const result = await scanAndClassify(vpcEndpointsScanner, [group('sg-gone'), group('sg-rejected')]);

    expect(result.verdictOf('sg-gone').verdict).toBe('candidate');
    expect(result.verdictOf('sg-rejected').verdict).toBe('in-use');
  });

  it('asks for 1000 per page and follows NextToken to the last page', async () => {
    ec2
      .on(DescribeVpcEndpointsCommand)
      .resolvesOnce({ VpcEndpoints: [], NextToken: 'page-2' })
      .resolvesOnce({ VpcEndpoints: [{ VpcEndpointId: 'vpce-late', State: 'Available', Groups: [{ GroupId: 'sg-late' }] }] });

    const result = await scanAndClassify(vpcEndpointsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedNthCommandWith(1, DescribeVpcEndpointsCommand, { MaxResults: 1000 });
    expect(ec2).toHaveReceivedNthCommandWith(2, DescribeVpcEndpointsCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when throttled', async () => {
    ec2.on(DescribeVpcEndpointsCommand).rejects(awsError('RequestLimitExceeded'));

    const result = await scanAndClassify(vpcEndpointsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
