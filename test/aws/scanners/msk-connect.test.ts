import { KafkaConnectClient, ListConnectorsCommand } from '@aws-sdk/client-kafkaconnect';
import { mockClient } from 'aws-sdk-client-mock';
import { mskConnectScanner } from '../../../lambda/aws/scanners/msk-connect';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const kafkaconnect = mockClient(KafkaConnectClient);

beforeEach(() => kafkaconnect.reset());

describe('msk-connect scanner', () => {
  it('marks a group of an MSK Connect connector as in use, naming the connector, and leaves another group a candidate', async () => {
    // Prepare
    kafkaconnect.on(ListConnectorsCommand).resolves({
      connectors: [
        {
          connectorName: 's3-sink',
          connectorArn: 'arn:aws:kafkaconnect:us-east-1:123456789012:connector/s3-sink/abc',
          connectorState: 'RUNNING',
          kafkaCluster: {
            apacheKafkaCluster: {
              bootstrapServers: 'b-1.example:9098',
              vpc: { securityGroups: ['sg-used'], subnets: ['subnet-1'] },
            },
          },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(mskConnectScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'msk-connect',
      resourceType: 'MSK Connect connector',
      resourceId: 'arn:aws:kafkaconnect:us-east-1:123456789012:connector/s3-sink/abc',
      resourceName: 's3-sink',
      detail: 'state RUNNING',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows nextToken to the last page, asking for 100 connectors per page', async () => {
    kafkaconnect
      .on(ListConnectorsCommand)
      .resolvesOnce({ connectors: [], nextToken: 'page-2' })
      .resolvesOnce({
        connectors: [{ connectorName: 'late', kafkaCluster: { apacheKafkaCluster: { vpc: { securityGroups: ['sg-late'] } } } }],
      });

    const result = await scanAndClassify(mskConnectScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.apiCalls).toBe(2);
    expect(kafkaconnect).toHaveReceivedNthCommandWith(1, ListConnectorsCommand, { maxResults: 100 });
    expect(kafkaconnect).toHaveReceivedNthCommandWith(2, ListConnectorsCommand, { nextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    kafkaconnect.on(ListConnectorsCommand).rejects(awsError('ForbiddenException'));

    const result = await scanAndClassify(mskConnectScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
