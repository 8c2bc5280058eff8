import { DescribeDeliveryStreamCommand, FirehoseClient, ListDeliveryStreamsCommand, type DeliveryStreamDescription } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { firehoseScanner } from '../../../lambda/aws/scanners/firehose';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const firehose = mockClient(FirehoseClient);
const ARN = 'arn:aws:firehose:us-east-1:123456789012:deliverystream';

function description(name: string, groups: string[], overrides: Partial<DeliveryStreamDescription> = {}): DeliveryStreamDescription {
  return {
    DeliveryStreamName: name,
    DeliveryStreamARN: `${ARN}/${name}`,
    DeliveryStreamStatus: 'ACTIVE',
    DeliveryStreamType: 'DirectPut',
    VersionId: '1',
    HasMoreDestinations: false,
    Destinations: [
      {
        DestinationId: 'destinationId-000000000001',
        AmazonopensearchserviceDestinationDescription: {
          DomainARN: 'arn:aws:es:us-east-1:123456789012:domain/logs',
          VpcConfigurationDescription: { SubnetIds: ['subnet-1'], RoleARN: 'arn:aws:iam::123456789012:role/f', SecurityGroupIds: groups, VpcId: 'vpc-1' },
        },
      },
    ],
    ...overrides,
  };
}

beforeEach(() => firehose.reset());

describe('firehose scanner', () => {
  it('marks a group held only by an OpenSearch destination in a VPC as in use, naming the stream', async () => {
    // Prepare
    firehose.on(ListDeliveryStreamsCommand).resolves({ DeliveryStreamNames: ['logs'], HasMoreDeliveryStreams: false });
    firehose.on(DescribeDeliveryStreamCommand, { DeliveryStreamName: 'logs' }).resolves({ DeliveryStreamDescription: description('logs', ['sg-os']) });

    // Act
    const result = await scanAndClassify(firehoseScanner, [group('sg-os'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-os').verdict).toBe('in-use');
    expect(result.verdictOf('sg-os').usages[0]).toMatchObject({ source: 'firehose', resourceType: 'Firehose stream', resourceId: `${ARN}/logs`, resourceName: 'logs', detail: 'status ACTIVE' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('pages streams by ExclusiveStartDeliveryStreamName and destinations by ExclusiveStartDestinationId', async () => {
    firehose
      .on(ListDeliveryStreamsCommand)
      .resolvesOnce({ DeliveryStreamNames: ['a'], HasMoreDeliveryStreams: true })
      .resolvesOnce({ DeliveryStreamNames: ['b'], HasMoreDeliveryStreams: false });
    firehose.on(DescribeDeliveryStreamCommand, { DeliveryStreamName: 'a' }).resolves({ DeliveryStreamDescription: description('a', []) });
    firehose
      .on(DescribeDeliveryStreamCommand, { DeliveryStreamName: 'b' })
      .resolvesOnce({ DeliveryStreamDescription: description('b', [], { HasMoreDestinations: true }) })
      .resolvesOnce({ DeliveryStreamDescription: description('b', ['sg-late']) });

    const result = await scanAndClassify(firehoseScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(firehose).toHaveReceivedCommandWith(ListDeliveryStreamsCommand, { Limit: 10000, ExclusiveStartDeliveryStreamName: 'a' });
    expect(firehose).toHaveReceivedCommandWith(DescribeDeliveryStreamCommand, { DeliveryStreamName: 'b', Limit: 10000, ExclusiveStartDestinationId: 'destinationId-000000000001' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    firehose.on(ListDeliveryStreamsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(firehoseScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
