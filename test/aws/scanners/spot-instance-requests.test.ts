import { DescribeSpotInstanceRequestsCommand, EC2Client, type SpotInstanceRequest } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { spotInstanceRequestsScanner } from '../../../lambda/aws/scanners/spot-instance-requests';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

function request(id: string, state: SpotInstanceRequest['State'], groupId: string): SpotInstanceRequest {
  return {
    SpotInstanceRequestId: id,
    State: state,
    Type: 'persistent',
    LaunchSpecification: { ImageId: 'ami-0abc', InstanceType: 't3.micro', SecurityGroups: [{ GroupId: groupId, GroupName: groupId }] },
  };
}

beforeEach(() => ec2.reset());

describe('spot-instance-requests scanner', () => {
  it('marks a group of an open request as in use, naming the request and its state', async () => {
    // Prepare
    ec2.on(DescribeSpotInstanceRequestsCommand).resolves({ SpotInstanceRequests: [request('sir-1', 'open', 'sg-used')] });

    // Act
    const result = await scanAndClassify(spotInstanceRequestsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'spot-instance-requests',
      resourceType: 'Spot Instance request',
      resourceId: 'sir-1',
      detail: 'state open',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('counts active and disabled requests and the groups of their network interfaces', async () => {
    ec2.on(DescribeSpotInstanceRequestsCommand).resolves({
      SpotInstanceRequests: [
        { ...request('sir-a', 'active', 'sg-active'), InstanceId: 'i-0abc' },
        request('sir-d', 'disabled', 'sg-disabled'),
        {
          SpotInstanceRequestId: 'sir-n',
          State: 'open',
          LaunchSpecification: { NetworkInterfaces: [{ DeviceIndex: 0, Groups: ['sg-eni'] }] },
        },
      ],
    });

    const result = await scanAndClassify(spotInstanceRequestsScanner, [group('sg-active'), group('sg-disabled'), group('sg-eni')]);

    expect(result.verdictOf('sg-active').usages[0]?.detail).toBe('state active, instance i-0abc');
    expect(result.verdictOf('sg-disabled').verdict).toBe('in-use');
    expect(result.verdictOf('sg-eni').verdict).toBe('in-use');
  });

  it('ignores cancelled, closed and failed requests', async () => {
    ec2.on(DescribeSpotInstanceRequestsCommand).resolves({
      SpotInstanceRequests: [request('sir-c', 'cancelled', 'sg-c'), request('sir-x', 'closed', 'sg-x'), request('sir-f', 'failed', 'sg-f')],
    });

    const result = await scanAndClassify(spotInstanceRequestsScanner, [group('sg-c'), group('sg-x'), group('sg-f')]);

    expect(result.groups.map((g) => g.verdict)).toEqual(['candidate', 'candidate', 'candidate']);
  });

  it('resolves a group given by name only in a launch specification to its id', async () => {
    // Prepare
    ec2.on(DescribeSpotInstanceRequestsCommand).resolves({
      SpotInstanceRequests: [
        {
          SpotInstanceRequestId: 'sir-named',
          State: 'open',
          LaunchSpecification: { ImageId: 'ami-0abc', SecurityGroups: [{ GroupName: 'legacy' }] },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(spotInstanceRequestsScanner, [group('sg-legacy', { groupName: 'legacy' }), group('sg-other')]);

    // Assess
    expect(result.verdictOf('sg-legacy').verdict).toBe('in-use');
    expect(result.verdictOf('sg-other').verdict).toBe('candidate');
  });

  it('asks for 1000 per page and follows NextToken to the last page', async () => {
    ec2
      .on(DescribeSpotInstanceRequestsCommand)
      .resolvesOnce({ SpotInstanceRequests: [], NextToken: 'page-2' })
      .resolvesOnce({ SpotInstanceRequests: [request('sir-late', 'open', 'sg-late')] });

    const result = await scanAndClassify(spotInstanceRequestsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedNthCommandWith(1, DescribeSpotInstanceRequestsCommand, { MaxResults: 1000 });
    expect(ec2).toHaveReceivedNthCommandWith(2, DescribeSpotInstanceRequestsCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ec2.on(DescribeSpotInstanceRequestsCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(spotInstanceRequestsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
