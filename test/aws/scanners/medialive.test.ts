import { ListChannelsCommand, MediaLiveClient } from '@aws-sdk/client-medialive';
import { mockClient } from 'aws-sdk-client-mock';
import { medialiveScanner } from '../../../lambda/aws/scanners/medialive';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const medialive = mockClient(MediaLiveClient);
const ARN = 'arn:aws:medialive:us-east-1:123456789012:channel:1234567';

beforeEach(() => medialive.reset());

describe('medialive scanner', () => {
  it("marks a group used only by an idle channel's VPC outputs as in use, naming the channel", async () => {
    // Prepare
    medialive.on(ListChannelsCommand).resolves({
      Channels: [
        {
          Arn: ARN,
          Id: '1234567',
          Name: 'news-hd',
          State: 'IDLE',
          // MediaLive input security groups (numeric ids), not EC2 groups.
          ChannelSecurityGroups: ['5678901'],
          Vpc: { AvailabilityZones: ['us-east-1a'], NetworkInterfaceIds: ['eni-1'], SecurityGroupIds: ['sg-used'], SubnetIds: ['subnet-1'] },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(medialiveScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'medialive', resourceType: 'MediaLive channel', resourceId: ARN, resourceName: 'news-hd', detail: 'state IDLE' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows NextToken to the last page', async () => {
    medialive
      .on(ListChannelsCommand)
      .resolvesOnce({ Channels: [], NextToken: 'page-2' })
      .resolvesOnce({ Channels: [{ Arn: ARN, Vpc: { SecurityGroupIds: ['sg-late'] } }] });

    const result = await scanAndClassify(medialiveScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(medialive).toHaveReceivedNthCommandWith(2, ListChannelsCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    medialive.on(ListChannelsCommand).rejects(awsError('ForbiddenException'));

    const result = await scanAndClassify(medialiveScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['medialive']);
  });
});
