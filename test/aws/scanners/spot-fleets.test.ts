import { DescribeSpotFleetRequestsCommand, EC2Client, type SpotFleetRequestConfig } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { spotFleetsScanner } from '../../../lambda/aws/scanners/spot-fleets';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

function fleet(id: string, state: SpotFleetRequestConfig['SpotFleetRequestState'], groupId: string): SpotFleetRequestConfig {
  return {
    SpotFleetRequestId: id,
    SpotFleetRequestState: state,
    SpotFleetRequestConfig: {
      IamFleetRole: 'arn:aws:iam::123456789012:role/aws-ec2-spot-fleet-tagging-role',
      TargetCapacity: 2,
      LaunchSpecifications: [{ ImageId: 'ami-0abc', SecurityGroups: [{ GroupId: groupId }] }],
    },
  };
}

beforeEach(() => ec2.reset());

describe('spot-fleets scanner', () => {
  it('marks a group of an active Spot Fleet as in use, naming the request and its state', async () => {
    // Prepare
    ec2.on(DescribeSpotFleetRequestsCommand).resolves({ SpotFleetRequestConfigs: [fleet('sfr-1', 'active', 'sg-used')] });

    // Act
    const result = await scanAndClassify(spotFleetsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'spot-fleets',
      resourceType: 'Spot Fleet request',
      resourceId: 'sfr-1',
      detail: 'state active',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('counts the groups of network interfaces in a launch specification', async () => {
    ec2.on(DescribeSpotFleetRequestsCommand).resolves({
      SpotFleetRequestConfigs: [
        {
          SpotFleetRequestId: 'sfr-2',
          SpotFleetRequestState: 'submitted',
          SpotFleetRequestConfig: {
            IamFleetRole: 'arn:aws:iam::123456789012:role/fleet',
            TargetCapacity: 1,
            LaunchSpecifications: [{ NetworkInterfaces: [{ DeviceIndex: 0, Groups: ['sg-eni'] }] }],
          },
        },
      ],
    });

    const result = await scanAndClassify(spotFleetsScanner, [group('sg-eni')]);

    expect(result.verdictOf('sg-eni').verdict).toBe('in-use');
  });

  it('ignores cancelled and failed requests but counts one cancelled with instances still running', async () => {
    ec2.on(DescribeSpotFleetRequestsCommand).resolves({
      SpotFleetRequestConfigs: [
        fleet('sfr-c', 'cancelled', 'sg-cancelled'),
        fleet('sfr-f', 'failed', 'sg-failed'),
        fleet('sfr-r', 'cancelled_running', 'sg-running'),
      ],
    });

    const result = await scanAndClassify(spotFleetsScanner, [group('sg-cancelled'), group('sg-failed'), group('sg-running')]);

    expect(result.verdictOf('sg-cancelled').verdict).toBe('candidate');
    expect(result.verdictOf('sg-failed').verdict).toBe('candidate');
    expect(result.verdictOf('sg-running').verdict).toBe('in-use');
  });

  it('resolves a group given by name only in a launch specification to every group of that name', async () => {
    // Prepare
    const byName: SpotFleetRequestConfig = {
      SpotFleetRequestId: 'sfr-named',
      SpotFleetRequestState: 'active',
      SpotFleetRequestConfig: {
        IamFleetRole: 'arn:aws:iam::123456789012:role/aws-ec2-spot-fleet-tagging-role',
        TargetCapacity: 1,
        LaunchSpecifications: [{ ImageId: 'ami-0abc', SecurityGroups: [{ GroupName: 'workers' }] }],
      },
    };
    ec2.on(DescribeSpotFleetRequestsCommand).resolves({ SpotFleetRequestConfigs: [byName] });
    const groups = [
      group('sg-workers-a', { groupName: 'workers' }),
      group('sg-workers-b', { groupName: 'workers', vpcId: 'vpc-2' }),
      group('sg-other'),
    ];

    // Act
    const result = await scanAndClassify(spotFleetsScanner, groups);

    // Assess
    expect(result.verdictOf('sg-workers-a').verdict).toBe('in-use');
    expect(result.verdictOf('sg-workers-b').verdict).toBe('in-use');
    expect(result.verdictOf('sg-other').verdict).toBe('candidate');
  });

  it('asks for 1000 per page and follows NextToken to the last page', async () => {
    ec2
      .on(DescribeSpotFleetRequestsCommand)
      .resolvesOnce({ SpotFleetRequestConfigs: [], NextToken: 'page-2' })
      .resolvesOnce({ SpotFleetRequestConfigs: [fleet('sfr-late', 'active', 'sg-late')] });

    const result = await scanAndClassify(spotFleetsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedNthCommandWith(1, DescribeSpotFleetRequestsCommand, { MaxResults: 1000 });
    expect(ec2).toHaveReceivedNthCommandWith(2, DescribeSpotFleetRequestsCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ec2.on(DescribeSpotFleetRequestsCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(spotFleetsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
