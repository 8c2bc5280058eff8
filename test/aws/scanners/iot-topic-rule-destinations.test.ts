import { IoTClient, ListTopicRuleDestinationsCommand } from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { iotTopicRuleDestinationsScanner } from '../../../lambda/aws/scanners/iot-topic-rule-destinations';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const iot = mockClient(IoTClient);
const ARN = 'arn:aws:iot:us-east-1:123456789012:ruledestination/vpc/d-1';

beforeEach(() => iot.reset());

describe('iot-topic-rule-destinations scanner', () => {
  it('marks a group held only by a disabled VPC destination as in use, naming the destination', async () => {
    // Prepare
    iot.on(ListTopicRuleDestinationsCommand).resolves({
      destinationSummaries: [{ arn: ARN, status: 'DISABLED', vpcDestinationSummary: { subnetIds: ['subnet-1'], securityGroups: ['sg-iot'], vpcId: 'vpc-1', roleArn: 'arn:aws:iam::123456789012:role/iot' } }],
    });

    // Act
    const result = await scanAndClassify(iotTopicRuleDestinationsScanner, [group('sg-iot'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-iot').verdict).toBe('in-use');
    expect(result.verdictOf('sg-iot').usages[0]).toMatchObject({ source: 'iot-topic-rule-destinations', resourceType: 'IoT topic rule destination', resourceId: ARN, detail: 'status DISABLED, vpc-1' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows nextToken, asking for 1000 per page', async () => {
    iot
      .on(ListTopicRuleDestinationsCommand)
      .resolvesOnce({ destinationSummaries: [], nextToken: 'p2' })
      .resolvesOnce({ destinationSummaries: [{ arn: ARN, vpcDestinationSummary: { securityGroups: ['sg-late'] } }] });

    const result = await scanAndClassify(iotTopicRuleDestinationsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(iot).toHaveReceivedCommandWith(ListTopicRuleDestinationsCommand, { maxResults: 1000, nextToken: 'p2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    iot.on(ListTopicRuleDestinationsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(iotTopicRuleDestinationsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
