import { KafkaClient, ListClustersV2Command } from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import { mskScanner } from '../../../lambda/aws/scanners/msk';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// moto 5.2.1 returns creationTime without a UTC offset, which SDK v3 cannot parse once a
// cluster exists, so MSK is covered with mocks only.
const kafka = mockClient(KafkaClient);

const CLUSTER_ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/events/abc-1';

beforeEach(() => kafka.reset());

describe('msk scanner', () => {
  it('marks a group used only by a provisioned cluster as in use, naming the cluster', async () => {
    // Prepare
    kafka.on(ListClustersV2Command).resolves({
      ClusterInfoList: [
        {
          ClusterArn: CLUSTER_ARN,
          ClusterName: 'events',
          ClusterType: 'PROVISIONED',
          State: 'ACTIVE',
          Provisioned: {
            BrokerNodeGroupInfo: { ClientSubnets: ['subnet-1'], InstanceType: 'kafka.m5.large', SecurityGroups: ['sg-used'] },
            NumberOfBrokerNodes: 3,
          },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(mskScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'msk', resourceType: 'MSK cluster', resourceId: CLUSTER_ARN, resourceName: 'events' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks the groups of every VPC of a serverless cluster as in use', async () => {
    // Prepare
    kafka.on(ListClustersV2Command).resolves({
      ClusterInfoList: [
        {
          ClusterArn: 'arn:sls',
          ClusterName: 'sls',
          ClusterType: 'SERVERLESS',
          Serverless: {
            VpcConfigs: [
              { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-a'] },
              { SubnetIds: ['subnet-2'], SecurityGroupIds: ['sg-b'] },
            ],
          },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(mskScanner, [group('sg-a'), group('sg-b')]);

    // Assess
    expect(result.verdictOf('sg-a').verdict).toBe('in-use');
    expect(result.verdictOf('sg-b').verdict).toBe('in-use');
  });

  it('follows NextToken to the last page, 100 per page', async () => {
    // Prepare
    kafka
      .on(ListClustersV2Command)
      .resolvesOnce({ ClusterInfoList: [], NextToken: 'page-2' })
      .resolvesOnce({ ClusterInfoList: [{ ClusterName: 'late', Provisioned: { BrokerNodeGroupInfo: { ClientSubnets: [], InstanceType: 'x', SecurityGroups: ['sg-late'] }, NumberOfBrokerNodes: 1 } }] });

    // Act
    const result = await scanAndClassify(mskScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(kafka).toHaveReceivedNthCommandWith(2, ListClustersV2Command, { NextToken: 'page-2', MaxResults: 100 });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    kafka.on(ListClustersV2Command).rejects(awsError('ForbiddenException'));

    // Act
    const result = await scanAndClassify(mskScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
